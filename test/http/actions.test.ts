import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ActionRegistry } from '../../src/http/actions.ts';
import { registerBulkActions } from '../../src/http/bulk-actions.ts';
import { storeTargets } from '../support/stores.ts';
import type { TestApi } from './harness.ts';
import { ROOT_URL, expectError, json, openTestApi } from './harness.ts';

const CREATE = 'contacts/Microsoft.Dynamics.CRM.CreateMultiple';

for (const target of storeTargets()) {
  describe(`actions (${target.name})`, () => {
    let api: TestApi;
    before(async () => {
      const actions = registerBulkActions(new ActionRegistry());
      actions.register({
        name: 'sample_Echo',
        parameters: [{ name: 'Text', type: 'Edm.String', nullable: false }],
        returnType: 'mscrm.sample_EchoResponse',
        complexTypes: [{ name: 'sample_EchoResponse', properties: [{ name: 'Echo', type: 'Edm.String' }] }],
        handler: async (inv) => {
          await Promise.resolve();
          return { kind: 'value', value: { Echo: String(inv.parameters.Text) } };
        },
      });
      actions.register({
        name: 'sample_Touch',
        binding: { kind: 'entity', entity: 'contact' },
        parameters: [],
        handler: async (inv) => {
          await inv.records.update(
            'contact',
            inv.binding?.id ?? '',
            { jobtitle: 'Touched' },
            { upsert: false },
          );
          return { kind: 'none' };
        },
      });
      const queryParameters = new Map([
        [
          'fetchXml',
          async (inv: {
            entity: { entitySetName: string };
            value: string;
            parameters: ReadonlyMap<string, string>;
          }) => {
            await Promise.resolve();
            return {
              body: {
                '@odata.context': `${ROOT_URL}/$metadata#${inv.entity.entitySetName}`,
                value: [],
                fetch: inv.value,
                other: inv.parameters.get('x') ?? null,
              },
              headers: { 'Preference-Applied': 'odata.include-annotations="*"' },
            };
          },
        ],
      ]);
      api = await openTestApi(target, { actions, queryParameters });
    });
    after(async () => {
      await api.close();
    });

    async function count(filter: string): Promise<number> {
      return Number(
        (await api.request({ url: `contacts/$count?$filter=${encodeURIComponent(filter)}` })).body.replace(
          '\uFEFF',
          '',
        ),
      );
    }

    it('CreateMultiple creates every target and answers their ids', async () => {
      const res = await api.request({
        method: 'POST',
        url: CREATE,
        payload: {
          Targets: [
            { '@odata.type': 'Microsoft.Dynamics.CRM.contact', lastname: 'Bulk-1' },
            { lastname: 'Bulk-2', firstname: 'B' },
            {
              '@odata.type': 'Microsoft.Dynamics.CRM.contact',
              contactid: '2b000000-0000-4000-8000-000000000001',
              lastname: 'Bulk-3',
            },
          ],
        },
      });
      assert.equal(res.statusCode, 200, res.body);
      const body = json(res);
      assert.deepEqual(Object.keys(body), ['@odata.context', 'Ids']);
      assert.equal(
        body['@odata.context'],
        `${ROOT_URL}/$metadata#Microsoft.Dynamics.CRM.CreateMultipleResponse`,
      );
      const ids = body.Ids as string[];
      assert.equal(ids.length, 3);
      assert.equal(ids[2], '2b000000-0000-4000-8000-000000000001');
      assert.equal(await count("startswith(lastname,'Bulk-')"), 3);
    });

    it('CreateMultiple is all or nothing and names the failing target', async () => {
      expectError(
        await api.request({
          method: 'POST',
          url: CREATE,
          payload: { Targets: [{ lastname: 'AllOrNothing' }, { lastname: 'x', bogus: true }] },
        }),
        400,
        '0x80048d19',
        /^Targets\[1\]: .*'bogus'/,
      );
      expectError(
        await api.request({
          method: 'POST',
          url: CREATE,
          payload: { Targets: [{ '@odata.type': 'Microsoft.Dynamics.CRM.account', name: 'x' }] },
        }),
        400,
        '0x80048d19',
        /Targets\[0\] has '@odata.type'/,
      );
      const dup = '2b000000-0000-4000-8000-000000000002';
      expectError(
        await api.request({
          method: 'POST',
          url: CREATE,
          payload: {
            Targets: [
              { contactid: dup, lastname: 'AllOrNothing' },
              { contactid: dup, lastname: 'AllOrNothing' },
            ],
          },
        }),
        400,
        '0x80040203',
        /appears more than once/,
      );
      expectError(
        await api.request({ method: 'POST', url: CREATE, payload: { Targets: 'nope' } }),
        400,
        '0x80048d19',
        /'Targets' parameter is required/,
      );
      expectError(
        await api.request({ method: 'POST', url: CREATE, payload: { Targets: [], Extra: 1 } }),
        400,
        '0x80048d19',
        /'Extra'/,
      );
      assert.equal(await count("lastname eq 'AllOrNothing'"), 0);
    });

    it('UpdateMultiple updates every target (204) or none', async () => {
      const a = await api.create('contacts', { lastname: 'Upd-A' });
      const b = await api.create('contacts', { lastname: 'Upd-B' });
      const res = await api.request({
        method: 'POST',
        url: 'contacts/Microsoft.Dynamics.CRM.UpdateMultiple',
        payload: {
          Targets: [
            { contactid: a, jobtitle: 'Engineer' },
            { contactid: b, jobtitle: 'Engineer' },
          ],
        },
      });
      assert.equal(res.statusCode, 204, res.body);
      assert.equal(await count("jobtitle eq 'Engineer'"), 2);
      expectError(
        await api.request({
          method: 'POST',
          url: 'contacts/Microsoft.Dynamics.CRM.UpdateMultiple',
          payload: {
            Targets: [
              { contactid: a, jobtitle: 'Manager' },
              { contactid: '2b000000-0000-4000-8000-00000000dead', jobtitle: 'Manager' },
            ],
          },
        }),
        404,
        '0x80040217',
      );
      assert.equal(await count("jobtitle eq 'Manager'"), 0);
    });

    it('UpsertMultiple answers 204, or the results with return=representation', async () => {
      const existing = await api.create('contacts', { lastname: 'Ups-Existing' });
      const fresh = '2b000000-0000-4000-8000-000000000003';
      const plain = await api.request({
        method: 'POST',
        url: 'contacts/Microsoft.Dynamics.CRM.UpsertMultiple',
        payload: { Targets: [{ contactid: existing, firstname: 'E' }] },
      });
      assert.equal(plain.statusCode, 204, plain.body);
      const res = await api.request({
        method: 'POST',
        url: 'contacts/Microsoft.Dynamics.CRM.UpsertMultiple',
        headers: { prefer: 'return=representation' },
        payload: {
          Targets: [
            { contactid: existing, firstname: 'F' },
            { contactid: fresh, lastname: 'Ups-New' },
            { lastname: 'Ups-NoId' },
          ],
        },
      });
      assert.equal(res.statusCode, 200, res.body);
      const body = json(res);
      assert.equal(
        body['@odata.context'],
        `${ROOT_URL}/$metadata#Microsoft.Dynamics.CRM.UpsertMultipleResponse`,
      );
      const results = body.Results as { RecordCreated: boolean; Id: string }[];
      assert.deepEqual(results.slice(0, 2), [
        { RecordCreated: false, Id: existing },
        { RecordCreated: true, Id: fresh },
      ]);
      assert.equal(results[2]?.RecordCreated, true);
      assert.equal(json(await api.request({ url: `contacts(${existing})/firstname` })).value, 'F');
    });

    it('runs registered unbound and entity-bound actions and lists them in $metadata', async () => {
      const echo = await api.request({ method: 'POST', url: 'sample_Echo', payload: { Text: 'hi' } });
      assert.equal(echo.statusCode, 200, echo.body);
      assert.deepEqual(json(echo), {
        '@odata.context': `${ROOT_URL}/$metadata#Microsoft.Dynamics.CRM.sample_EchoResponse`,
        Echo: 'hi',
      });
      const id = await api.create('contacts', { lastname: 'Bound' });
      const touch = await api.request({
        method: 'POST',
        url: `contacts(${id})/Microsoft.Dynamics.CRM.sample_Touch`,
      });
      assert.equal(touch.statusCode, 204, touch.body);
      assert.equal(json(await api.request({ url: `contacts(${id})/jobtitle` })).value, 'Touched');
      const md = (await api.request({ url: '$metadata' })).body;
      assert.match(md, /<Action Name="sample_Echo">/);
      assert.match(md, /<ActionImport Name="sample_Echo" Action="Microsoft\.Dynamics\.CRM\.sample_Echo" \/>/);
      assert.match(md, /<ComplexType Name="sample_EchoResponse">/);
      assert.match(
        md,
        /<Action Name="sample_Touch" IsBound="true">\s*<Parameter Name="entity" Type="mscrm\.contact" Nullable="false" \/>/,
      );
    });

    it('lets query parameter hooks answer collection GETs', async () => {
      const res = await api.request({
        url: `contacts?fetchXml=${encodeURIComponent('<fetch><entity name="contact"/></fetch>')}&x=1`,
      });
      assert.equal(res.statusCode, 200, res.body);
      assert.deepEqual(json(res), {
        '@odata.context': `${ROOT_URL}/$metadata#contacts`,
        value: [],
        fetch: '<fetch><entity name="contact"/></fetch>',
        other: '1',
      });
      assert.equal(res.headers['preference-applied'], 'odata.include-annotations="*"');
      const id = await api.create('accounts', { name: 'Hooked' });
      expectError(
        await api.request({ url: `accounts(${id})/contact_customer_accounts?fetchXml=%3Cfetch%2F%3E` }),
        400,
        '0x80040315',
        /only supported on an entity set/,
      );
      expectError(
        await api.request({ url: 'contacts?savedQuery=00000000-0000-0000-0000-000000000001' }),
        400,
        '0x80040315',
        /savedQuery/,
      );
    });

    it('answers 404 for unknown actions, 400 without the namespace, 405 for GET', async () => {
      expectError(
        await api.request({
          method: 'POST',
          url: 'contacts/Microsoft.Dynamics.CRM.NoSuchAction',
          payload: {},
        }),
        404,
        '0x8006088a',
        /segment 'Microsoft\.Dynamics\.CRM\.NoSuchAction'/,
      );
      expectError(
        await api.request({
          method: 'POST',
          url: 'accounts(2b000000-0000-4000-8000-000000000009)/Microsoft.Dynamics.CRM.sample_Touch',
          payload: {},
        }),
        404,
        '0x8006088a',
      );
      expectError(
        await api.request({ method: 'POST', url: 'contacts/CreateMultiple', payload: { Targets: [] } }),
        400,
        '0x80040203',
        /Microsoft\.Dynamics\.CRM\.CreateMultiple/,
      );
      expectError(await api.request({ method: 'GET', url: 'sample_Echo' }), 405, '0x80060888');
      expectError(await api.request({ method: 'POST', url: 'sample_Echo', payload: [1] }), 400, '0x80048d19');
      expectError(
        await api.request({ method: 'POST', url: "sample_Echo(Text='x')", payload: {} }),
        400,
        '0x80048d19',
        /action/,
      );
    });
  });
}
