import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseBatchRequest, writeBatchRequest } from '../../src/odata/batch/batch-request.ts';
import { parseBatchResponse, writeBatchResponse } from '../../src/odata/batch/batch-response.ts';
import { BatchFormatError, boundaryOf } from '../../src/odata/batch/multipart.ts';

/** A request in the shape of the Dataverse documentation's example, with CRLF line ends. */
const DOC_EXAMPLE = [
  '--batch_80dd1615-2a10-428a-bb6f-0e559792721f',
  'Content-Type: multipart/mixed; boundary=changeset_BBB456',
  '',
  '--changeset_BBB456',
  'Content-Type: application/http',
  'Content-Transfer-Encoding:binary',
  'Content-ID: 1',
  '',
  'POST https://org.example.com/api/data/v9.2/tasks HTTP/1.1',
  'Content-Type: application/json; type=entry',
  '',
  '{"subject":"Task 1 in batch"}',
  '--changeset_BBB456',
  'Content-Type: application/http',
  'Content-Transfer-Encoding:binary',
  'Content-ID: 2',
  '',
  'POST https://org.example.com/api/data/v9.2/tasks HTTP/1.1',
  'Content-Type: application/json; type=entry',
  '',
  '{"subject":"Task 2 in batch","regardingobjectid_account_task@odata.bind":"$1"}',
  '--changeset_BBB456--',
  '',
  '--batch_80dd1615-2a10-428a-bb6f-0e559792721f',
  'Content-Type: application/http',
  'Content-Transfer-Encoding:binary',
  '',
  'GET https://org.example.com/api/data/v9.2/tasks?$select=subject HTTP/1.1',
  'Accept: application/json',
  '',
  '',
  '--batch_80dd1615-2a10-428a-bb6f-0e559792721f--',
  '',
].join('\r\n');

function rejects(body: string, contentType: string, message: RegExp): void {
  assert.throws(
    () => parseBatchRequest(body, contentType),
    (e: unknown) => e instanceof BatchFormatError && message.test(e.message),
  );
}

describe('$batch request bodies', () => {
  it('reads change sets, Content-IDs, request lines, headers and bodies', () => {
    const entries = parseBatchRequest(
      DOC_EXAMPLE,
      'multipart/mixed; boundary="batch_80dd1615-2a10-428a-bb6f-0e559792721f"',
    );
    assert.equal(entries.length, 2);
    const [cs, get] = entries;
    assert.equal(cs?.kind, 'changeset');
    if (cs?.kind !== 'changeset') return;
    assert.equal(cs.requests.length, 2);
    assert.equal(cs.requests[0]?.method, 'POST');
    assert.equal(cs.requests[0]?.url, 'https://org.example.com/api/data/v9.2/tasks');
    assert.equal(cs.requests[0]?.contentId, '1');
    assert.equal(cs.requests[0]?.headers['content-type'], 'application/json; type=entry');
    assert.deepEqual(JSON.parse(cs.requests[1]?.body ?? ''), {
      subject: 'Task 2 in batch',
      'regardingobjectid_account_task@odata.bind': '$1',
    });
    assert.equal(get?.kind, 'request');
    if (get?.kind !== 'request') return;
    assert.equal(get.request.method, 'GET');
    assert.equal(get.request.body, '');
    assert.equal(get.request.headers.accept, 'application/json');
  });

  it('reads bare LF line ends too', () => {
    const lf = DOC_EXAMPLE.replaceAll('\r\n', '\n').replaceAll('https://org.example.com', 'http://x');
    const entries = parseBatchRequest(
      lf,
      'multipart/mixed;boundary=batch_80dd1615-2a10-428a-bb6f-0e559792721f',
    );
    assert.equal(entries.length, 2);
    const cs = entries[0];
    assert.equal(cs?.kind === 'changeset' && cs.requests[1]?.url, 'http://x/api/data/v9.2/tasks');
  });

  it('round-trips what writeBatchRequest writes', () => {
    const written = writeBatchRequest([
      {
        kind: 'request',
        request: {
          method: 'GET',
          url: 'contacts?$select=fullname&$top=2',
          headers: { Accept: 'application/json' },
        },
      },
      {
        kind: 'changeset',
        requests: [
          {
            contentId: '1',
            method: 'POST',
            url: 'accounts',
            headers: { 'Content-Type': 'application/json' },
            body: '{"name":"A\\r\\n--not-a-boundary"}',
          },
          {
            contentId: '2',
            method: 'PATCH',
            url: '$1',
            headers: { 'Content-Type': 'application/json' },
            body: '{"name":"B"}',
          },
        ],
      },
    ]);
    assert.match(written.contentType, /^multipart\/mixed; boundary=batch_/);
    const entries = parseBatchRequest(written.body, written.contentType);
    assert.deepEqual(entries, [
      {
        kind: 'request',
        request: {
          method: 'GET',
          url: 'contacts?$select=fullname&$top=2',
          headers: { accept: 'application/json' },
          body: '',
        },
      },
      {
        kind: 'changeset',
        requests: [
          {
            method: 'POST',
            url: 'accounts',
            headers: { 'content-type': 'application/json' },
            body: '{"name":"A\\r\\n--not-a-boundary"}',
            contentId: '1',
          },
          {
            method: 'PATCH',
            url: '$1',
            headers: { 'content-type': 'application/json' },
            body: '{"name":"B"}',
            contentId: '2',
          },
        ],
      },
    ]);
  });

  it('rejects malformed batches with a message naming the problem', () => {
    rejects('x', 'application/json', /multipart\/mixed; boundary/);
    rejects(
      '--b\r\nContent-Type: application/http\r\n\r\nGET contacts HTTP/1.1\r\n',
      'multipart/mixed; boundary=b',
      /closing boundary '--b--'/,
    );
    rejects(
      '--b\r\nContent-Type: text/plain\r\n\r\nhello\r\n--b--',
      'multipart/mixed; boundary=b',
      /application\/http/,
    );
    rejects(
      '--b\r\nContent-Type: application/http\r\n\r\nnot a request line\r\n--b--',
      'multipart/mixed; boundary=b',
      /not an HTTP request line/,
    );
    rejects(
      '--b\r\nContent-Type: multipart/mixed; boundary=c\r\n\r\n--c\r\nContent-Type: application/http\r\n\r\nGET contacts HTTP/1.1\r\n\r\n\r\n--c--\r\n--b--',
      'multipart/mixed; boundary=b',
      /GET requests are not allowed in a change set/,
    );
    rejects(
      '--b\r\nContent-Type: multipart/mixed; boundary=c\r\n\r\n--c\r\nContent-Type: multipart/mixed; boundary=d\r\n\r\n--d--\r\n--c--\r\n--b--',
      'multipart/mixed; boundary=b',
      /cannot be nested/,
    );
    const twice = (id: string) =>
      `--c\r\nContent-Type: application/http\r\nContent-ID: ${id}\r\n\r\nPOST contacts HTTP/1.1\r\n\r\n{}\r\n`;
    rejects(
      `--b\r\nContent-Type: multipart/mixed; boundary=c\r\n\r\n${twice('1')}${twice('1')}--c--\r\n--b--`,
      'multipart/mixed; boundary=b',
      /Content-ID '1' is used twice/,
    );
  });

  it('reads the boundary parameter', () => {
    assert.equal(boundaryOf('multipart/mixed; boundary="batch_1"'), 'batch_1');
    assert.equal(boundaryOf('multipart/mixed;boundary=batch_2; charset=x'), 'batch_2');
    assert.equal(boundaryOf('application/json; boundary=x'), undefined);
    assert.equal(boundaryOf('multipart/mixed'), undefined);
    assert.equal(boundaryOf(undefined), undefined);
  });
});

describe('$batch response bodies', () => {
  it('are written with Dataverse boundaries and status lines, and read back', () => {
    const { contentType, body } = writeBatchResponse([
      {
        kind: 'changeset',
        responses: [
          {
            contentId: '1',
            status: 204,
            headers: { 'OData-Version': '4.0', Location: 'http://h/api/data/v9.0/accounts(1)' },
            body: '',
          },
        ],
      },
      {
        kind: 'response',
        response: { status: 200, headers: { 'Content-Type': 'application/json' }, body: '{"value":[]}' },
      },
    ]);
    assert.match(contentType, /^multipart\/mixed; boundary=batchresponse_[0-9a-f-]{36}$/);
    assert.match(body, /Content-Type: multipart\/mixed; boundary=changesetresponse_[0-9a-f-]{36}\r\n/);
    assert.match(body, /\r\nHTTP\/1\.1 204 No Content\r\nOData-Version: 4\.0\r\n/);
    assert.match(body, /\r\nHTTP\/1\.1 200 OK\r\n/);
    assert.match(body, /Content-Transfer-Encoding: binary\r\n/);
    assert.deepEqual(parseBatchResponse(body, contentType), [
      {
        kind: 'changeset',
        responses: [
          {
            status: 204,
            headers: { 'odata-version': '4.0', location: 'http://h/api/data/v9.0/accounts(1)' },
            body: '',
            contentId: '1',
          },
        ],
      },
      {
        kind: 'response',
        response: { status: 200, headers: { 'content-type': 'application/json' }, body: '{"value":[]}' },
      },
    ]);
  });
});
