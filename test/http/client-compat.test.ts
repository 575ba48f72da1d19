import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DynamicsWebApi } from 'dynamics-web-api';
import type { RunningServer } from '../../src/http/server.ts';
import { startServer } from '../../src/http/server.ts';
import { storeTargets } from '../support/stores.ts';
import type { TestApi } from './harness.ts';
import { openTestApi } from './harness.ts';

/**
 * A real Dataverse client (dynamics-web-api) against the server over a socket: it must work
 * with segmentd exactly as it does with Dataverse.
 */
const [target] = storeTargets();

describe('dynamics-web-api client', () => {
  let api: TestApi;
  let server: RunningServer;
  let client: DynamicsWebApi;
  before(async () => {
    assert.ok(target);
    api = await openTestApi(target);
    server = await startServer({ records: api.records, schema: api.schema, host: '127.0.0.1', port: 0 });
    client = new DynamicsWebApi({
      serverUrl: server.address,
      dataApi: { version: '9.0' },
      onTokenRefresh: () => Promise.resolve('token'),
    });
  });
  after(async () => {
    await server.close();
    await api.close();
  });

  it('creates, retrieves, updates, upserts, counts and deletes', async () => {
    const accountId = await client.create<{ name: string }, string>({
      collection: 'accounts',
      data: { name: 'Client Co' },
    });
    assert.match(accountId, /^[0-9a-f-]{36}$/);
    const created = await client.create<Record<string, string>, { fullname: string; contactid: string }>({
      collection: 'contacts',
      data: {
        firstname: 'Client',
        lastname: 'One',
        'parentcustomerid_account@odata.bind': `accounts(${accountId})`,
      },
      returnRepresentation: true,
      select: ['fullname'],
    });
    assert.equal(created.fullname, 'Client One');
    const read = await client.retrieve<Record<string, unknown>>({
      collection: 'contacts',
      key: created.contactid,
      select: ['fullname', '_parentcustomerid_value'],
      includeAnnotations: 'OData.Community.Display.V1.FormattedValue',
    });
    assert.equal(read['_parentcustomerid_value@OData.Community.Display.V1.FormattedValue'], 'Client Co');
    await client.update({ collection: 'contacts', key: created.contactid, data: { jobtitle: 'Tester' } });
    await client.upsert({
      collection: 'contacts',
      key: '3c000000-0000-4000-8000-000000000001',
      data: { lastname: 'Upserted' },
    });
    assert.equal(await client.count({ collection: 'contacts' }), 2);
    await client.deleteRecord({ collection: 'contacts', key: '3c000000-0000-4000-8000-000000000001' });
    assert.equal(await client.count({ collection: 'contacts' }), 1);
  });

  it('queries, follows nextLinks and runs batches', async () => {
    for (let i = 0; i < 5; i++)
      await client.create({ collection: 'contacts', data: { lastname: `Paged ${i}` } });
    const page = await client.retrieveMultiple({
      collection: 'contacts',
      select: ['lastname'],
      filter: "startswith(lastname,'Paged')",
      orderBy: ['lastname desc'],
      count: true,
    });
    assert.equal(page['@odata.count'], 5);
    assert.equal((page.value[0] as { lastname: string }).lastname, 'Paged 4');
    const all = await client.retrieveAll({
      collection: 'contacts',
      select: ['lastname'],
      filter: "startswith(lastname,'Paged')",
      maxPageSize: 2,
    });
    assert.equal(all.value.length, 5);
    assert.equal(new Set(all.value.map((v) => (v as { contactid: string }).contactid)).size, 5);

    client.startBatch();
    void client.create({ collection: 'accounts', data: { name: 'Batched' }, contentId: '1' });
    void client.create({
      collection: 'contacts',
      data: { lastname: 'Batched', 'parentcustomerid_account@odata.bind': '$1' },
    });
    void client.retrieveMultiple({ collection: 'accounts', select: ['name'], filter: "name eq 'Client Co'" });
    const results = await client.executeBatch();
    assert.equal(results.length, 3);
    assert.match(String(results[0]), /^[0-9a-f-]{36}$/);
    assert.equal(((results[2] as { value: { name: string }[] }).value[0] ?? { name: '' }).name, 'Client Co');
    const batched = await client.retrieveMultiple({
      collection: 'contacts',
      select: ['lastname'],
      filter: "lastname eq 'Batched'",
      expand: [{ property: 'parentcustomerid_account', select: ['name'] }],
    });
    assert.equal(
      (batched.value[0] as { parentcustomerid_account: { name: string } }).parentcustomerid_account.name,
      'Batched',
    );
  });

  it('calls bound bulk actions', async () => {
    const res = await client.callAction<{ Ids: string[] }>({
      collection: 'accounts',
      actionName: 'Microsoft.Dynamics.CRM.CreateMultiple',
      action: {
        Targets: [
          { '@odata.type': 'Microsoft.Dynamics.CRM.account', name: 'Bulk A' },
          { '@odata.type': 'Microsoft.Dynamics.CRM.account', name: 'Bulk B' },
        ],
      },
    });
    assert.equal(res.Ids.length, 2);
  });
});
