import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { storeTargets } from '../support/stores.ts';
import type { TestApi } from './harness.ts';
import { ROOT_URL, expectError, json, openTestApi } from './harness.ts';

type Rec = Record<string, unknown>;
const values = (body: Rec) => body.value as Rec[];

for (const target of storeTargets()) {
  describe(`Web API queries (${target.name})`, () => {
    let api: TestApi;
    let contoso: string;
    let fabrikam: string;
    const contacts: string[] = [];

    before(async () => {
      api = await openTestApi(target);
      contoso = await api.create('accounts', { name: 'Contoso', revenue: 5000000, industrycode: 7 });
      fabrikam = await api.create('accounts', { name: 'Fabrikam', industrycode: 16 });
      const people: [string, string, string | null][] = [
        ['Ada', 'Lovelace', contoso],
        ['Alan', 'Turing', contoso],
        ['Grace', 'Hopper', fabrikam],
        ['Edsger', 'Dijkstra', null],
        ['Barbara', 'Liskov', fabrikam],
        ['Donald', 'Knuth', null],
        ['John', 'Backus', contoso],
      ];
      for (const [firstname, lastname, account] of people) {
        contacts.push(
          await api.create('contacts', {
            firstname,
            lastname,
            gendercode: firstname === 'Ada' || firstname === 'Grace' || firstname === 'Barbara' ? 2 : 1,
            donotemail: lastname === 'Knuth',
            ...(account !== null ? { 'parentcustomerid_account@odata.bind': `/accounts(${account})` } : {}),
          }),
        );
      }
    });
    after(async () => {
      await api.close();
    });

    it('filters, orders, selects and tops', async () => {
      const res = await api.request({
        url: "contacts?$select=firstname,lastname&$filter=startswith(lastname,'L')&$orderby=lastname desc&$top=5",
      });
      assert.equal(res.statusCode, 200, res.body);
      assert.equal(res.headers['content-type'], 'application/json; odata.metadata=minimal');
      assert.equal(res.headers['odata-version'], '4.0');
      const body = json(res);
      assert.deepEqual(Object.keys(body), ['@odata.context', 'value']);
      assert.equal(body['@odata.context'], `${ROOT_URL}/$metadata#contacts(firstname,lastname)`);
      assert.deepEqual(
        values(body).map((c) => c.lastname),
        ['Lovelace', 'Liskov'],
      );
      assert.deepEqual(Object.keys(values(body)[0] ?? {}), [
        '@odata.etag',
        'firstname',
        'lastname',
        'contactid',
      ]);
      const top = await api.request({ url: 'contacts?$select=lastname&$orderby=lastname&$top=2' });
      assert.deepEqual(
        values(json(top)).map((c) => c.lastname),
        ['Backus', 'Dijkstra'],
      );
      assert.equal(json(top)['@odata.nextLink'], undefined);
    });

    it('returns null for empty selected properties and lookups as _x_value', async () => {
      const res = await api.request({
        url: "contacts?$select=lastname,emailaddress1,_parentcustomerid_value&$filter=lastname eq 'Knuth'",
      });
      const [knuth] = values(json(res));
      assert.deepEqual(knuth, {
        '@odata.etag': knuth?.['@odata.etag'],
        lastname: 'Knuth',
        emailaddress1: null,
        _parentcustomerid_value: null,
        contactid: contacts[5],
      });
    });

    it('counts with $count=true (Dataverse key order) and ignores $top under odata.maxpagesize', async () => {
      const res = await api.request({
        url: 'contacts?$select=lastname&$count=true&$orderby=lastname&$top=1',
        headers: { prefer: 'odata.maxpagesize=3' },
      });
      const body = json(res);
      assert.deepEqual(Object.keys(body), ['@odata.context', '@odata.count', 'value', '@odata.nextLink']);
      assert.equal(body['@odata.count'], 7);
      assert.equal(values(body).length, 3);
      assert.equal(res.headers['preference-applied'], 'odata.maxpagesize=3');
    });

    it('pages with nextLinks that return every row exactly once', async () => {
      const seen: string[] = [];
      let url: string | undefined = `${ROOT_URL}/contacts?$select=lastname&$orderby=firstname asc`;
      let pages = 0;
      while (url !== undefined) {
        const res = await api.request({
          url: url.replace('http://localhost:80', ''),
          headers: { prefer: 'odata.maxpagesize=2' },
        });
        assert.equal(res.statusCode, 200, res.body);
        const body = json(res);
        seen.push(...values(body).map((c) => String(c.contactid)));
        url = body['@odata.nextLink'] as string | undefined;
        if (url !== undefined) {
          assert.ok(
            url.startsWith(`${ROOT_URL}/contacts?$select=lastname&$orderby=firstname%20asc&$skiptoken=`) ||
              url.startsWith(`${ROOT_URL}/contacts?`),
            url,
          );
          assert.match(url, /\$skiptoken=%3Ccookie%20pagenumber%3D%22\d+%22/);
          assert.equal((url.match(/\$skiptoken=/g) ?? []).length, 1);
        }
        pages++;
      }
      assert.equal(pages, 4);
      assert.deepEqual([...seen].sort(), [...contacts].sort());
    });

    it('rejects unsupported and malformed options with 400 and a position', async () => {
      expectError(
        await api.request({ url: 'contacts?$skip=2' }),
        400,
        '0x80060888',
        /\$skip is not supported/,
      );
      expectError(
        await api.request({ url: "contacts?$filter=lastname eq 'x" }),
        400,
        '0x80060888',
        /unterminated literal at position/,
      );
      expectError(await api.request({ url: 'contacts?$select=nosuch' }), 400, '0x80060888', /nosuch/);
      expectError(await api.request({ url: 'contacts?$top=-1' }), 400, '0x80060888', /\$top/);
      expectError(
        await api.request({ url: 'contacts?$skiptoken=garbage' }),
        400,
        '0x80060888',
        /\$skiptoken/,
      );
      expectError(
        await api.request({ url: `contacts(${contacts[0]})?$filter=lastname eq 'x'` }),
        400,
        '0x80060888',
        /single record/,
      );
      expectError(
        await api.request({ url: 'contacts?fetchXml=%3Cfetch%2F%3E' }),
        400,
        '0x80040303',
        /'fetch' element needs one 'entity' element \(line 1, column 1\)/,
      );
      expectError(
        await api.request({ url: 'contacts?savedQuery=00000000-0000-4000-8000-000000000001' }),
        400,
        '0x80040315',
        /savedQuery/,
      );
    });

    it('expands single-valued navigation properties as objects or null', async () => {
      const res = await api.request({
        url: "contacts?$select=lastname&$expand=parentcustomerid_account($select=name)&$filter=lastname eq 'Lovelace' or lastname eq 'Knuth'&$orderby=lastname",
      });
      assert.equal(res.statusCode, 200, res.body);
      const body = json(res);
      assert.equal(
        body['@odata.context'],
        `${ROOT_URL}/$metadata#contacts(lastname,parentcustomerid_account(name))`,
      );
      const [knuth, lovelace] = values(body);
      assert.equal(knuth?.parentcustomerid_account, null);
      const acc = lovelace?.parentcustomerid_account as Rec;
      assert.deepEqual(Object.keys(acc), ['@odata.etag', 'name', 'accountid']);
      assert.equal(acc.name, 'Contoso');
      // The lookup read for the join does not leak into the $select-ed output.
      assert.equal('_parentcustomerid_value' in (lovelace ?? {}), false);
    });

    it('expands collection-valued navigation properties as arrays, with nested options', async () => {
      const res = await api.request({
        url: `accounts(${contoso})?$select=name&$expand=contact_customer_accounts($select=firstname;$orderby=firstname desc;$top=2;$filter=firstname ne 'Alan')`,
      });
      assert.equal(res.statusCode, 200, res.body);
      const body = json(res);
      assert.equal(
        body['@odata.context'],
        `${ROOT_URL}/$metadata#accounts(name,contact_customer_accounts(firstname))/$entity`,
      );
      assert.deepEqual(
        (body.contact_customer_accounts as Rec[]).map((c) => c.firstname),
        ['John', 'Ada'],
      );
      const all = await api.request({
        url: 'accounts?$select=name&$expand=contact_customer_accounts($select=lastname)&$orderby=name',
      });
      const [c, f] = values(json(all));
      assert.equal((c?.contact_customer_accounts as Rec[]).length, 3);
      assert.equal((f?.contact_customer_accounts as Rec[]).length, 2);
    });

    it('expands nested levels and $ref', async () => {
      const res = await api.request({
        url: `contacts(${contacts[0]})?$select=lastname&$expand=parentcustomerid_account($select=name;$expand=contact_customer_accounts($select=lastname;$orderby=lastname))`,
      });
      assert.equal(res.statusCode, 200, res.body);
      const acc = json(res).parentcustomerid_account as Rec;
      assert.deepEqual(
        (acc.contact_customer_accounts as Rec[]).map((c) => c.lastname),
        ['Backus', 'Lovelace', 'Turing'],
      );
      const ref = await api.request({
        url: `contacts(${contacts[0]})?$select=lastname&$expand=parentcustomerid_account/$ref`,
      });
      assert.equal(ref.statusCode, 200, ref.body);
      assert.deepEqual(json(ref).parentcustomerid_account, {
        '@odata.id': `${ROOT_URL}/accounts(${contoso})`,
      });
    });

    it('adds formatted values and lookup annotations when asked', async () => {
      const res = await api.request({
        url: `contacts?$select=lastname,gendercode,donotemail,_parentcustomerid_value&$filter=lastname eq 'Lovelace'`,
        headers: { prefer: 'odata.include-annotations="*"' },
      });
      assert.equal(res.headers['preference-applied'], 'odata.include-annotations="*"');
      const body = json(res);
      assert.deepEqual(Object.keys(body), [
        '@odata.context',
        '@Microsoft.Dynamics.CRM.totalrecordcount',
        '@Microsoft.Dynamics.CRM.totalrecordcountlimitexceeded',
        'value',
      ]);
      assert.equal(body['@Microsoft.Dynamics.CRM.totalrecordcount'], -1);
      assert.equal(body['@Microsoft.Dynamics.CRM.totalrecordcountlimitexceeded'], false);
      const [ada] = values(body);
      assert.equal(ada?.['gendercode@OData.Community.Display.V1.FormattedValue'], 'Female');
      assert.equal(ada?.['donotemail@OData.Community.Display.V1.FormattedValue'], 'No');
      assert.equal(ada?.['_parentcustomerid_value@OData.Community.Display.V1.FormattedValue'], 'Contoso');
      assert.equal(ada?.['_parentcustomerid_value@Microsoft.Dynamics.CRM.lookuplogicalname'], 'account');
      assert.equal(
        ada?.['_parentcustomerid_value@Microsoft.Dynamics.CRM.associatednavigationproperty'],
        'parentcustomerid_account',
      );
      const accounts = await api.request({
        url: `accounts(${contoso})?$select=revenue,industrycode`,
        headers: { prefer: 'odata.include-annotations="OData.Community.Display.V1.FormattedValue"' },
      });
      const a = json(accounts);
      assert.equal(a['revenue@OData.Community.Display.V1.FormattedValue'], '$5,000,000.00');
      assert.equal(a['industrycode@OData.Community.Display.V1.FormattedValue'], 'Consulting');
      assert.equal(a['@Microsoft.Dynamics.CRM.totalrecordcount'], undefined);
    });

    it('reports total record counts with $count and the annotation preference', async () => {
      const res = await api.request({
        url: 'contacts?$select=lastname&$count=true',
        headers: { prefer: 'odata.maxpagesize=2, odata.include-annotations="Microsoft.Dynamics.CRM.*"' },
      });
      const body = json(res);
      assert.deepEqual(Object.keys(body), [
        '@odata.context',
        '@odata.count',
        '@Microsoft.Dynamics.CRM.totalrecordcount',
        '@Microsoft.Dynamics.CRM.totalrecordcountlimitexceeded',
        'value',
        '@odata.nextLink',
      ]);
      assert.equal(body['@odata.count'], 7);
      assert.equal(body['@Microsoft.Dynamics.CRM.totalrecordcount'], 7);
      assert.equal(
        res.headers['preference-applied'],
        'odata.maxpagesize=2,odata.include-annotations="Microsoft.Dynamics.CRM.*"',
      );
      // The pattern asked for CRM annotations only: no FormattedValue.
      assert.equal(
        Object.keys(values(body)[0] ?? {}).some((k) => k.includes('FormattedValue')),
        false,
      );
    });

    it('filters on lookups and related records', async () => {
      const byLookup = await api.request({
        url: `contacts?$select=lastname&$filter=_parentcustomerid_value eq ${fabrikam}&$orderby=lastname`,
      });
      assert.equal(byLookup.statusCode, 200, byLookup.body);
      assert.deepEqual(
        values(json(byLookup)).map((c) => c.lastname),
        ['Hopper', 'Liskov'],
      );
      const byPath = await api.request({
        url: "contacts?$select=lastname&$filter=parentcustomerid_account/name eq 'Contoso'&$count=true",
      });
      assert.equal(byPath.statusCode, 200, byPath.body);
      assert.equal(json(byPath)['@odata.count'], 3);
    });
  });
}
