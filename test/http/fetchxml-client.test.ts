import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DynamicsWebApi } from 'dynamics-web-api';
import { defaultQueryParameters } from '../../src/http/fetchxml-query.ts';
import type { RunningServer } from '../../src/http/server.ts';
import { startServer } from '../../src/http/server.ts';
import { storeTargets } from '../support/stores.ts';
import type { TestApi } from './harness.ts';
import { openTestApi } from './harness.ts';

/**
 * The real dynamics-web-api client against the server over a socket: `fetch` reads one page and
 * `fetchAll` follows the paging cookies to the end, and every row comes back exactly once, also
 * when the ordered values hold the characters cookies must survive (`&`, `<`, quotes, `%`).
 */

const NAMES = ['A&B', 'Say "hi"', "O'Brien", '<tag>', '50%', 'plain', 'Zed', 'ärger', 'x\ty'];

interface Row {
  contactid: string;
  lastname: string;
  [key: string]: unknown;
}

for (const target of storeTargets()) {
  describe(`dynamics-web-api fetch and fetchAll (${target.name})`, () => {
    let api: TestApi;
    let server: RunningServer;
    let client: DynamicsWebApi;
    const ids = new Map<string, string>();

    before(async () => {
      api = await openTestApi(target);
      server = await startServer({
        records: api.records,
        schema: api.schema,
        queryParameters: defaultQueryParameters(api.store),
        host: '127.0.0.1',
        port: 0,
      });
      client = new DynamicsWebApi({
        serverUrl: server.address,
        dataApi: { version: '9.0' },
        onTokenRefresh: () => Promise.resolve('token'),
      });
      const account = await api.records.create('account', { name: 'Client Co' });
      for (let i = 0; i < 23; i++) {
        const lastname = `${NAMES[i % NAMES.length] ?? ''}${i % 2 === 0 ? '' : ' 2'}`;
        const { id } = await api.records.create('contact', {
          lastname,
          numberofchildren: i % 4,
          ...(i % 3 === 0 ? { parentcustomerid: account.id, parentcustomeridtype: 'account' } : {}),
        });
        ids.set(id, lastname);
      }
    });
    after(async () => {
      await server.close();
      await api.close();
    });

    const fetchXml = (order: string) =>
      `<fetch count="5"><entity name="contact"><attribute name="lastname"/>${order}<link-entity name="account" from="accountid" to="parentcustomerid" link-type="outer" alias="acct"><attribute name="name"/></link-entity></entity></fetch>`;

    it('fetchAll follows the paging cookies and returns every row exactly once', async () => {
      for (const order of [
        '<order attribute="lastname"/>',
        '<order attribute="lastname" descending="true"/>',
        '<order attribute="numberofchildren"/><order attribute="lastname" descending="true"/>',
      ]) {
        const all = await client.fetchAll<Row>({
          collection: 'contacts',
          fetchXml: fetchXml(order),
          includeAnnotations: 'Microsoft.Dynamics.CRM.fetchxmlpagingcookie',
        });
        const got = all.value.map((r) => r.contactid);
        assert.equal(got.length, ids.size, order);
        assert.deepEqual(new Set(got), new Set(ids.keys()), order);
        for (const r of all.value) assert.equal(r.lastname, ids.get(r.contactid));
        const linked = all.value.filter((r) => r['acct.name'] !== undefined);
        assert.equal(linked.length, 8);
      }
    });

    it('fetch reads one page with its count, paging information and formatted values', async () => {
      const page = await client.fetch<Row>({
        collection: 'contacts',
        fetchXml: `<fetch count="5" returntotalrecordcount="true"><entity name="contact"><attribute name="lastname"/><attribute name="numberofchildren"/><order attribute="lastname"/></entity></fetch>`,
        includeAnnotations: '*',
      });
      assert.equal(page.value.length, 5);
      assert.equal(page['@Microsoft.Dynamics.CRM.totalrecordcount'], 23);
      assert.equal(page.PagingInfo?.nextPage, 2);
      assert.match(page.PagingInfo?.cookie ?? '', /^&lt;cookie page=&quot;1&quot;&gt;/);
      const second = await client.fetch<Row>({
        collection: 'contacts',
        fetchXml: `<fetch count="5" returntotalrecordcount="true"><entity name="contact"><attribute name="lastname"/><attribute name="numberofchildren"/><order attribute="lastname"/></entity></fetch>`,
        includeAnnotations: '*',
        pageNumber: 2,
        pagingCookie: page.PagingInfo?.cookie ?? '',
      });
      const firstIds = new Set(page.value.map((r) => r.contactid));
      assert.equal(second.value.length, 5);
      assert.ok(second.value.every((r) => !firstIds.has(r.contactid)));
      const sortedNames = [...ids.values()].sort((a, b) =>
        a.toLowerCase() < b.toLowerCase() ? -1 : a.toLowerCase() > b.toLowerCase() ? 1 : 0,
      );
      assert.deepEqual(
        [...page.value, ...second.value].map((r) => r.lastname.toLowerCase()),
        sortedNames.slice(0, 10).map((n) => n.toLowerCase()),
      );
    });
  });
}
