import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { OutgoingBatchRequest } from '../../src/odata/batch/batch-request.ts';
import { writeBatchRequest } from '../../src/odata/batch/batch-request.ts';
import type { BatchResponseEntry, BatchResponseItem } from '../../src/odata/batch/batch-response.ts';
import { parseBatchResponse } from '../../src/odata/batch/batch-response.ts';
import { storeTargets } from '../support/stores.ts';
import type { TestApi } from './harness.ts';
import { BASE, ROOT_URL, expectError, openTestApi } from './harness.ts';

type Entry =
  | { kind: 'request'; request: OutgoingBatchRequest }
  | { kind: 'changeset'; requests: OutgoingBatchRequest[] };

const JSON_HEADERS = { 'Content-Type': 'application/json' };

function post(url: string, body: unknown, contentId?: string): OutgoingBatchRequest {
  return {
    method: 'POST',
    url,
    headers: JSON_HEADERS,
    body: JSON.stringify(body),
    ...(contentId !== undefined ? { contentId } : {}),
  };
}

const single = (e: BatchResponseEntry | undefined): BatchResponseItem => {
  assert.equal(e?.kind, 'response');
  return (e as { response: BatchResponseItem }).response;
};

for (const target of storeTargets()) {
  describe(`$batch (${target.name})`, () => {
    let api: TestApi;
    before(async () => {
      api = await openTestApi(target);
    });
    after(async () => {
      await api.close();
    });

    async function batch(entries: Entry[], headers: Record<string, string> = {}) {
      const { contentType, body } = writeBatchRequest(entries);
      const res = await api.request({
        method: 'POST',
        url: '$batch',
        headers: { 'content-type': contentType, ...headers },
        payload: body,
      });
      return res;
    }

    async function batchEntries(
      entries: Entry[],
      headers: Record<string, string> = {},
    ): Promise<BatchResponseEntry[]> {
      const res = await batch(entries, headers);
      assert.equal(res.statusCode, 200, res.body);
      assert.match(
        String(res.headers['content-type']),
        /^multipart\/mixed; boundary=batchresponse_[0-9a-f-]{36}$/,
      );
      return parseBatchResponse(res.body, String(res.headers['content-type']));
    }

    async function countAccounts(filter: string): Promise<number> {
      const res = await api.request({ url: `accounts/$count?$filter=${encodeURIComponent(filter)}` });
      return Number(res.body.replace('\uFEFF', ''));
    }

    it('runs GETs and change sets in order, resolving Content-ID references in URLs and bodies', async () => {
      const entries = await batchEntries([
        {
          kind: 'changeset',
          requests: [
            post('accounts', { name: 'Batch Account' }, '1'),
            post(
              `${BASE}/contacts`,
              { lastname: 'Batch Contact', 'parentcustomerid_account@odata.bind': '$1' },
              '2',
            ),
            {
              method: 'PATCH',
              url: '$1',
              headers: JSON_HEADERS,
              body: JSON.stringify({ accountnumber: 'B-1' }),
              contentId: '3',
            },
          ],
        },
        {
          kind: 'request',
          request: {
            method: 'GET',
            url: `${ROOT_URL}/accounts?$select=name,accountnumber&$filter=name eq 'Batch Account'&$expand=contact_customer_accounts($select=lastname)`,
          },
        },
      ]);
      assert.equal(entries.length, 2);
      const cs = entries[0];
      assert.equal(cs?.kind, 'changeset');
      if (cs?.kind !== 'changeset') return;
      assert.deepEqual(
        cs.responses.map((r) => [r.status, r.contentId]),
        [
          [204, '1'],
          [204, '2'],
          [204, '3'],
        ],
      );
      assert.match(
        cs.responses[0]?.headers['odata-entityid'] ?? '',
        /^http:\/\/localhost:80\/api\/data\/v9\.0\/accounts\([0-9a-f-]{36}\)$/,
      );
      assert.equal(cs.responses[0]?.headers.location, cs.responses[0]?.headers['odata-entityid']);
      const get = single(entries[1]);
      assert.equal(get.status, 200);
      assert.equal(
        get.headers['content-type'],
        'application/json; odata.metadata=minimal; odata.streaming=true',
      );
      const body = JSON.parse(get.body) as {
        value: { name: string; accountnumber: string; contact_customer_accounts: { lastname: string }[] }[];
      };
      assert.equal(body.value.length, 1);
      assert.equal(body.value[0]?.accountnumber, 'B-1');
      assert.deepEqual(
        body.value[0]?.contact_customer_accounts.map((c) => c.lastname),
        ['Batch Contact'],
      );
    });

    it('rolls a failing change set back and answers with the failing response only', async () => {
      const entries = await batchEntries([
        {
          kind: 'changeset',
          requests: [
            post('accounts', { name: 'Atomic A' }, '1'),
            post('accounts', { name: 'Atomic B' }, '2'),
            post('accounts', { name: 'Atomic C', nosuchcolumn: 1 }, '3'),
          ],
        },
      ]);
      assert.equal(entries.length, 1);
      const failed = single(entries[0]);
      assert.equal(failed.status, 400);
      assert.equal(failed.contentId, '3');
      assert.match(failed.body, /nosuchcolumn/);
      assert.equal(await countAccounts("startswith(name,'Atomic')"), 0);
    });

    it('stops at the first failure unless odata.continue-on-error is preferred', async () => {
      const list: Entry[] = [
        {
          kind: 'request',
          request: { method: 'GET', url: 'accounts(00000000-0000-0000-0000-000000000001)' },
        },
        { kind: 'request', request: post('accounts', { name: 'After failure' }) },
      ];
      const stopped = await batchEntries(list);
      assert.equal(stopped.length, 1);
      assert.equal(single(stopped[0]).status, 404);
      assert.equal(await countAccounts("name eq 'After failure'"), 0);
      const res = await batch(list, { prefer: 'odata.continue-on-error' });
      assert.equal(res.headers['preference-applied'], 'odata.continue-on-error');
      const all = parseBatchResponse(res.body, String(res.headers['content-type']));
      assert.deepEqual(
        all.map((e) => single(e).status),
        [404, 204],
      );
      assert.equal(await countAccounts("name eq 'After failure'"), 1);
    });

    it('runs bulk actions and reports bad sub-requests per part', async () => {
      const entries = await batchEntries(
        [
          {
            kind: 'request',
            request: post('accounts/Microsoft.Dynamics.CRM.CreateMultiple', {
              Targets: [{ name: 'Bulk 1' }, { name: 'Bulk 2' }],
            }),
          },
          {
            kind: 'request',
            request: { method: 'POST', url: 'accounts', headers: JSON_HEADERS, body: '{"name": ' },
          },
          { kind: 'request', request: { method: 'GET', url: 'nowhere' } },
          { kind: 'request', request: { method: 'GET', url: '/not/the/api' } },
        ],
        { prefer: 'odata.continue-on-error' },
      );
      const [bulk, badJson, unknown, outside] = entries.map(single);
      assert.equal(bulk?.status, 200);
      assert.equal((JSON.parse(bulk?.body ?? '{}') as { Ids: string[] }).Ids.length, 2);
      assert.equal(badJson?.status, 400);
      assert.match(badJson?.body ?? '', /0x80048d19/);
      assert.equal(unknown?.status, 404);
      assert.equal(outside?.status, 404);
    });

    it('rejects malformed batches, nested batches and more than 1000 requests with 400', async () => {
      expectError(
        await api.request({
          method: 'POST',
          url: '$batch',
          headers: { 'content-type': 'multipart/mixed; boundary=b' },
          payload: '--b\r\nContent-Type: text/plain\r\n\r\nx\r\n--b--',
        }),
        400,
        '0x80040203',
        /application\/http/,
      );
      expectError(
        await api.request({
          method: 'POST',
          url: '$batch',
          headers: { 'content-type': 'multipart/mixed' },
          payload: 'x',
        }),
        400,
        '0x80040203',
        /boundary/,
      );
      expectError(
        await api.request({ method: 'POST', url: '$batch', payload: { a: 1 } }),
        415,
        '0x80040203',
        /multipart\/mixed/,
      );
      const nested = await batchEntries([
        {
          kind: 'request',
          request: {
            method: 'POST',
            url: '$batch',
            headers: { 'Content-Type': 'multipart/mixed; boundary=x' },
            body: '--x--',
          },
        },
      ]);
      assert.equal(single(nested[0]).status, 400);
      const many: Entry[] = Array.from({ length: 1001 }, () => ({
        kind: 'request',
        request: { method: 'GET', url: 'accounts/$count' },
      }));
      expectError(await batch(many), 400, '0x80040203', /1001 requests; at most 1000/);
      const thousand = await batchEntries(many.slice(0, 1000));
      assert.equal(thousand.length, 1000);
    });

    it('refers only to Content-IDs of the same change set', async () => {
      const entries = await batchEntries([
        { kind: 'changeset', requests: [post('accounts', { name: 'Ref 1' }, '1')] },
        {
          kind: 'changeset',
          requests: [post('contacts', { lastname: 'Ref', 'parentcustomerid_account@odata.bind': '$1' }, '1')],
        },
      ]);
      assert.equal(entries[0]?.kind, 'changeset');
      const failed = single(entries[1]);
      assert.equal(failed.status, 400);
      assert.match(failed.body, /Content-ID '1'/);
    });
  });
}
