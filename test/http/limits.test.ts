import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { ActionRegistry } from '../../src/http/actions.ts';
import { registerBulkActions } from '../../src/http/bulk-actions.ts';
import type { RunningServer } from '../../src/http/server.ts';
import { startServer } from '../../src/http/server.ts';
import { storeTargets } from '../support/stores.ts';
import type { TestApi } from './harness.ts';
import { BASE, expectError, json, openTestApi } from './harness.ts';

const [target] = storeTargets();

/** Captures the app's log lines. */
function logSink(): { stream: Writable; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const l of chunk.toString('utf8').split('\n'))
        if (l.trim() !== '') lines.push(JSON.parse(l) as Record<string, unknown>);
      done();
    },
  });
  return { stream, lines };
}

describe('limits and unexpected failures', () => {
  let api: TestApi;
  const log = logSink();
  before(async () => {
    assert.ok(target);
    const actions = registerBulkActions(new ActionRegistry()).register({
      name: 'sample_Broken',
      parameters: [],
      handler: () => Promise.reject(new TypeError('a bug')),
    });
    api = await openTestApi(target, {
      bodyLimit: 4096,
      actions,
      logger: { level: 'error', stream: log.stream },
    });
  });
  after(async () => {
    await api.close();
  });

  it('serves URLs up to 32 KB and answers 414 beyond', async () => {
    const names = Array.from({ length: 1300 }, (_, i) => `'name-${String(i).padStart(8, '0')}'`).join(',');
    const url = `${BASE}/contacts?$select=lastname&$filter=lastname in (${encodeURIComponent(names)})`;
    assert.ok(url.length > 20_000 && url.length < 32_768, String(url.length));
    const ok = await api.request({ url });
    assert.equal(ok.statusCode, 200, ok.body.slice(0, 300));
    const tooLong = `${BASE}/contacts?$filter=${'x'.repeat(33_000)}`;
    expectError(await api.request({ url: tooLong }), 414, '0x80040203', /at most 32768/);
  });

  it('answers 413 for bodies over the limit', async () => {
    expectError(
      await api.request({ method: 'POST', url: 'contacts', payload: { lastname: 'x'.repeat(5000) } }),
      413,
      '0x80072322',
    );
  });

  it('turns a bug into 500 0x80040216 and logs it', async () => {
    const res = await api.request({ method: 'POST', url: 'sample_Broken', payload: {} });
    expectError(res, 500, '0x80040216', /unexpected error/);
    assert.ok(log.lines.some((l) => l.level === 50 && JSON.stringify(l).includes('a bug')));
  });

  it('never answers 500 to bad input', async () => {
    const before = log.lines.length;
    const id = '2b000000-0000-4000-8000-000000000001';
    const probes: { method: string; url: string; payload?: string; headers?: Record<string, string> }[] = [
      { method: 'GET', url: 'contacts(' },
      { method: 'GET', url: 'contacts)' },
      { method: 'GET', url: 'contacts()' },
      { method: 'GET', url: `contacts(${id})/` },
      { method: 'GET', url: `contacts(${id})//x` },
      { method: 'GET', url: '%' },
      { method: 'GET', url: 'contacts?%=1' },
      { method: 'GET', url: 'contacts?$filter=%E0%A4' },
      { method: 'GET', url: 'contacts?$filter=((((((((((' },
      { method: 'GET', url: "contacts?$filter=contains(lastname,'%')" },
      { method: 'GET', url: 'contacts?$orderby=parentcustomerid_account/name' },
      { method: 'GET', url: 'contacts?$expand=nosuch' },
      { method: 'GET', url: 'contacts?$select=' },
      { method: 'GET', url: 'contacts?$top=99999999999999999999' },
      { method: 'GET', url: 'contacts?$count=maybe' },
      {
        method: 'GET',
        url: 'contacts?$skiptoken=%3Ccookie%20pagenumber%3D%222%22%20pagingcookie%3D%22AAAA%22%20istracking%3D%22False%22%20%2F%3E',
      },
      { method: 'GET', url: `contacts(${id})/parentcustomerid_account/$ref/x` },
      { method: 'POST', url: 'contacts', payload: 'null', headers: { 'content-type': 'application/json' } },
      { method: 'POST', url: 'contacts', payload: '"text"', headers: { 'content-type': 'application/json' } },
      {
        method: 'POST',
        url: 'contacts',
        payload: '{"lastname": {"nested": true}}',
        headers: { 'content-type': 'application/json' },
      },
      {
        method: 'POST',
        url: 'contacts',
        payload: '{"birthdate": "yesterday"}',
        headers: { 'content-type': 'application/json' },
      },
      {
        method: 'POST',
        url: 'contacts',
        payload: '{"parentcustomerid_account@odata.bind": 42}',
        headers: { 'content-type': 'application/json' },
      },
      { method: 'POST', url: 'contacts', payload: 'plain', headers: { 'content-type': 'text/plain' } },
      {
        method: 'PATCH',
        url: `contacts(${id})`,
        payload: '{"contactid": "2b000000-0000-4000-8000-000000000002"}',
        headers: { 'content-type': 'application/json' },
      },
      {
        method: 'PUT',
        url: `contacts(${id})/lastname/$value`,
        payload: '{}',
        headers: { 'content-type': 'application/json' },
      },
      {
        method: 'POST',
        url: '$batch',
        payload: '--b\r\n',
        headers: { 'content-type': 'multipart/mixed; boundary=b' },
      },
      {
        method: 'POST',
        url: '$batch',
        payload: '--b\r\nContent-Type: application/http\r\n\r\nGET %zz HTTP/1.1\r\n\r\n\r\n--b--',
        headers: { 'content-type': 'multipart/mixed; boundary=b' },
      },
      {
        method: 'POST',
        url: '$batch',
        payload: '--b\r\nContent-Type: application/http\r\n\r\nGET http://[bad HTTP/1.1\r\n\r\n\r\n--b--',
        headers: { 'content-type': 'multipart/mixed; boundary=b' },
      },
      {
        method: 'POST',
        url: 'contacts/Microsoft.Dynamics.CRM.CreateMultiple',
        payload: '{"Targets": [null, 1, "x"]}',
        headers: { 'content-type': 'application/json' },
      },
      { method: 'OPTIONS', url: 'contacts' },
    ];
    for (const p of probes) {
      const res = await api.request({
        method: p.method,
        url: p.url,
        ...(p.payload !== undefined ? { payload: p.payload } : {}),
        headers: p.headers ?? {},
      });
      assert.ok(res.statusCode < 500, `${p.method} ${p.url} → ${res.statusCode} ${res.body}`);
      if (res.statusCode >= 400) {
        const body = json(res) as { error?: { code?: string } };
        assert.match(String(body.error?.code), /^0x[0-9A-Fa-f]{8}$/, `${p.method} ${p.url}: ${res.body}`);
      }
      if (p.url.startsWith('$batch') && res.statusCode === 200)
        assert.doesNotMatch(res.body, /HTTP\/1\.1 5\d\d/, res.body);
    }
    assert.equal(log.lines.length, before, JSON.stringify(log.lines.slice(before)));
  });
});

describe('over a real socket', () => {
  let server: RunningServer;
  let api: TestApi;
  before(async () => {
    assert.ok(target);
    api = await openTestApi(target);
    server = await startServer({ records: api.records, schema: api.schema, host: '127.0.0.1', port: 0 });
  });
  after(async () => {
    await server.close();
    await api.close();
  });

  it('answers 414 (not 431) for URLs between 32 and 64 KB and serves the OpenAPI document', async () => {
    const long = await fetch(`${server.serviceRoot}/contacts?$filter=${'x'.repeat(40_000)}`);
    assert.equal(long.status, 414);
    const body = (await long.json()) as { error: { code: string } };
    assert.equal(body.error.code, '0x80040203');
    const created = await fetch(`${server.serviceRoot}/contacts`, {
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=utf-8', 'odata-version': '4.0' },
      body: JSON.stringify({ lastname: 'Socket' }),
    });
    assert.equal(created.status, 204);
    assert.match(
      String(created.headers.get('odata-entityid')),
      new RegExp(`^${server.serviceRoot.replace(/[.]/g, '\\.')}/contacts\\(`),
    );
    const doc = (await (await fetch(`${server.address}/openapi.json`)).json()) as {
      openapi: string;
      paths: Record<string, Record<string, unknown>>;
    };
    assert.equal(doc.openapi, '3.0.3');
    assert.deepEqual(Object.keys(doc.paths[`${BASE}/contacts`] ?? {}).sort(), ['get', 'post']);
    assert.deepEqual(Object.keys(doc.paths[`${BASE}/contacts({contactid})`] ?? {}).sort(), [
      'delete',
      'get',
      'patch',
    ]);
    assert.ok(doc.paths[`${BASE}/contacts/Microsoft.Dynamics.CRM.CreateMultiple`]);
    assert.ok(doc.paths[`${BASE}/$batch`]);
    assert.equal(
      Object.keys(doc.paths).some((p) => p.includes('*')),
      false,
    );
  });
});
