import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { LightMyRequestResponse } from 'fastify';
import { defaultQueryParameters } from '../../src/http/fetchxml-query.ts';
import type { AccountRow, ContactRow, Dataset } from '../fetchxml/fixture.ts';
import { likeRegex, loadDataset, same, sorted } from '../fetchxml/fixture.ts';
import { storeTargets } from '../support/stores.ts';
import type { TestApi } from './harness.ts';
import { ROOT_URL, expectError, json, openTestApi } from './harness.ts';

/**
 * `GET /{set}?fetchXml=` on both stores, against a seeded data set: every expected row set is
 * computed here with plain predicates over the inserted rows.
 */

type Rec = Record<string, unknown>;
const values = (body: Rec) => body.value as Rec[];
const DAY = 86_400_000;
const ALL = 'odata.include-annotations="*"';

for (const target of storeTargets()) {
  describe(`FetchXML over the Web API (${target.name})`, () => {
    let api: TestApi;
    let data: Dataset;

    before(async () => {
      api = await openTestApi(target, {
        queryParameters: defaultQueryParameters({ select: (q) => api.store.select(q) }),
      });
      data = await loadDataset(api.records, api.store);
    });
    after(async () => {
      await api.close();
    });

    const get = (set: string, xml: string, prefer?: string, extra = ''): Promise<LightMyRequestResponse> =>
      api.request({
        url: `${set}?fetchXml=${encodeURIComponent(xml)}${extra}`,
        ...(prefer !== undefined ? { headers: { prefer } } : {}),
      });

    async function rows(set: string, xml: string, prefer?: string): Promise<Rec[]> {
      const res = await get(set, xml, prefer);
      assert.equal(res.statusCode, 200, res.body);
      return values(json(res));
    }

    /** The contact ids a filter selects, compared with `expected` (order ignored). */
    async function expectContacts(filter: string, predicate: (c: ContactRow) => boolean): Promise<void> {
      const got = await rows(
        'contacts',
        `<fetch><entity name="contact"><attribute name="contactid"/>${filter}</entity></fetch>`,
      );
      assert.deepEqual(
        sorted(got.map((r) => String(r.contactid))),
        sorted(data.contacts.filter(predicate).map((c) => c.id)),
        filter,
      );
    }

    const cond = (attribute: string, operator: string, value?: string) =>
      `<filter><condition attribute="${attribute}" operator="${operator}"${value !== undefined ? ` value="${value}"` : ''}/></filter>`;
    const condValues = (attribute: string, operator: string, vals: string[]) =>
      `<filter><condition attribute="${attribute}" operator="${operator}">${vals.map((v) => `<value>${v}</value>`).join('')}</condition></filter>`;

    it('returns the chosen columns, leaves out nulls and always adds the primary id', async () => {
      const res = await get(
        'contacts',
        `<fetch><entity name="contact"><attribute name="lastname"/><attribute name="emailaddress1"/><attribute name="parentcustomerid"/><order attribute="contactid"/></entity></fetch>`,
      );
      assert.equal(res.statusCode, 200, res.body);
      assert.equal(res.headers['content-type'], 'application/json; odata.metadata=minimal');
      const body = json(res);
      assert.deepEqual(Object.keys(body), ['@odata.context', 'value']);
      assert.equal(
        body['@odata.context'],
        `${ROOT_URL}/$metadata#contacts(lastname,emailaddress1,_parentcustomerid_value,contactid)`,
      );
      const byId = new Map(values(body).map((r) => [r.contactid, r]));
      assert.equal(byId.size, data.contacts.length);
      for (const c of data.contacts) {
        const r = byId.get(c.id) ?? {};
        const expected: Rec = { '@odata.etag': r['@odata.etag'], lastname: c.lastname };
        if (c.email !== null) expected.emailaddress1 = c.email;
        if (c.parentId !== null) expected._parentcustomerid_value = c.parentId;
        expected.contactid = c.id;
        assert.deepEqual(r, expected);
        assert.match(String(r['@odata.etag']), /^W\/"\d+"$/);
      }
    });

    it('compares with eq, ne, gt, ge, lt and le (text case-insensitively)', async () => {
      await expectContacts(cond('lastname', 'eq', 'SMITH'), (c) => same(c.lastname, 'smith'));
      await expectContacts(cond('lastname', 'ne', 'smith'), (c) => !same(c.lastname, 'smith'));
      await expectContacts(cond('lastname', 'neq', 'smith'), (c) => !same(c.lastname, 'smith'));
      await expectContacts(cond('numberofchildren', 'gt', '2'), (c) => c.children !== null && c.children > 2);
      await expectContacts(
        cond('numberofchildren', 'ge', '2'),
        (c) => c.children !== null && c.children >= 2,
      );
      await expectContacts(cond('numberofchildren', 'lt', '2'), (c) => c.children !== null && c.children < 2);
      await expectContacts(
        cond('annualincome', 'le', '100000.5'),
        (c) => c.income !== null && c.income <= 100000.5,
      );
      await expectContacts(cond('donotemail', 'eq', '1'), (c) => c.donotemail);
      await expectContacts(cond('donotemail', 'eq', 'false'), (c) => !c.donotemail);
      await expectContacts(cond('gendercode', 'eq', '2'), (c) => c.gender === 2);
      await expectContacts(cond('lastname', 'gt', 'n'), (c) => c.lastname.toLowerCase() > 'n');
      const someone = data.contacts.find((c) => c.parentType === 'account') as ContactRow;
      await expectContacts(
        cond('parentcustomerid', 'eq', `{${(someone.parentId ?? '').toUpperCase()}}`),
        (c) => c.parentId === someone.parentId,
      );
    });

    it('matches like, not-like, begins-with, ends-with and their negations with Dataverse wildcards', async () => {
      for (const pattern of ['s%', '%th', 'sm_th', '[ot]%', '[^s]%', '%[%]%', 'under[_]score', '%E%']) {
        const re = likeRegex(pattern);
        await expectContacts(cond('lastname', 'like', pattern), (c) => re.test(c.lastname));
        await expectContacts(cond('lastname', 'not-like', pattern), (c) => !re.test(c.lastname));
      }
      await expectContacts(cond('lastname', 'begins-with', 'sm'), (c) =>
        c.lastname.toLowerCase().startsWith('sm'),
      );
      await expectContacts(
        cond('lastname', 'not-begin-with', 'sm'),
        (c) => !c.lastname.toLowerCase().startsWith('sm'),
      );
      await expectContacts(
        cond('emailaddress1', 'ends-with', '0@example.com'),
        (c) => c.email?.endsWith('0@example.com') === true,
      );
      await expectContacts(
        cond('emailaddress1', 'not-end-with', '0@example.com'),
        (c) => c.email !== null && !c.email.endsWith('0@example.com'),
      );
      // The value's own wildcards keep working, as in Dataverse.
      const re = likeRegex('%[r]%');
      await expectContacts(cond('lastname', 'begins-with', '%[r]'), (c) => re.test(c.lastname));
    });

    it('tests in, not-in, between, not-between, null and not-null', async () => {
      await expectContacts(
        condValues('address1_city', 'in', ['SEATTLE', 'Oslo']),
        (c) => same(c.city, 'seattle') || same(c.city, 'oslo'),
      );
      await expectContacts(
        condValues('address1_city', 'not-in', ['Seattle', 'Oslo']),
        (c) => c.city !== null && !same(c.city, 'seattle') && !same(c.city, 'oslo'),
      );
      await expectContacts(
        condValues('numberofchildren', 'between', ['1', '3']),
        (c) => c.children !== null && c.children >= 1 && c.children <= 3,
      );
      await expectContacts(
        condValues('numberofchildren', 'not-between', ['1', '3']),
        (c) => c.children !== null && (c.children < 1 || c.children > 3),
      );
      await expectContacts(cond('emailaddress1', 'null'), (c) => c.email === null);
      await expectContacts(cond('emailaddress1', 'not-null'), (c) => c.email !== null);
      await expectContacts(
        condValues('birthdate', 'between', ['1960-01-01', '1969-12-31']),
        (c) => c.birthdate !== null && c.birthdate >= '1960-01-01' && c.birthdate <= '1969-12-31',
      );
    });

    it('nests and/or filters and compares columns with valueof', async () => {
      await expectContacts(
        `<filter type="or"><condition attribute="gendercode" operator="eq" value="1"/><filter><condition attribute="numberofchildren" operator="gt" value="3"/><condition attribute="donotemail" operator="eq" value="0"/></filter></filter>`,
        (c) => c.gender === 1 || (c.children !== null && c.children > 3 && !c.donotemail),
      );
      await expectContacts(
        `<filter><condition attribute="numberofchildren" operator="not-null"/></filter><filter type="or"><filter type="or"/><condition attribute="lastname" operator="eq" value="zed"/></filter>`,
        (c) => c.children !== null,
      );
      await expectContacts(
        `<filter><condition attribute="firstname" operator="ne" valueof="lastname"/></filter>`,
        (c) => c.firstname.toLowerCase() !== c.lastname.toLowerCase(),
      );
    });

    it('evaluates date operators relative to now and on fixed days', async () => {
      const t = data.today.getTime();
      const created = (c: ContactRow) => Date.parse(c.createdon);
      const now = Date.now();
      const midnight = t - 12 * 3600_000;
      await expectContacts(
        cond('createdon', 'today'),
        (c) => created(c) >= midnight && created(c) < midnight + DAY,
      );
      await expectContacts(
        cond('createdon', 'yesterday'),
        (c) => created(c) >= midnight - DAY && created(c) < midnight,
      );
      await expectContacts(
        cond('createdon', 'last-x-days', '30'),
        (c) => created(c) >= midnight - 30 * DAY && created(c) <= now,
      );
      await expectContacts(
        cond('createdon', 'next-x-days', '20'),
        (c) => created(c) >= now && created(c) < midnight + 21 * DAY,
      );
      await expectContacts(
        cond('createdon', 'olderthan-x-days', '100'),
        (c) => created(c) < midnight - 100 * DAY,
      );
      await expectContacts(
        cond('createdon', 'last-seven-days'),
        (c) => created(c) >= midnight - 7 * DAY && created(c) <= now,
      );
      const y = data.today.getUTCFullYear();
      await expectContacts(cond('createdon', 'this-year'), (c) => c.createdon.startsWith(`${y}-`));
      await expectContacts(cond('createdon', 'last-year'), (c) => c.createdon.startsWith(`${y - 1}-`));
      const ym = c0(data.today);
      await expectContacts(cond('createdon', 'this-month'), (c) => c.createdon.startsWith(ym));
      const day = (data.contacts.find((c) => c.birthdate !== null) as ContactRow).birthdate ?? '';
      await expectContacts(cond('birthdate', 'on', day), (c) => c.birthdate === day);
      await expectContacts(
        cond('birthdate', 'on-or-before', day),
        (c) => c.birthdate !== null && c.birthdate <= day,
      );
      await expectContacts(
        cond('birthdate', 'on-or-after', `${day}T00:00:00Z`),
        (c) => c.birthdate !== null && c.birthdate >= day,
      );
      const createdDay = (data.contacts[0] as ContactRow).createdon.slice(0, 10);
      await expectContacts(cond('createdon', 'on', createdDay), (c) => c.createdon.startsWith(createdDay));
    });

    it('answers the caller operators with the SYSTEM user and the root business unit', async () => {
      const defaults = await api.records.ensureDefaults();
      await expectContacts(cond('ownerid', 'eq-userid'), () => true);
      await expectContacts(cond('ownerid', 'ne-userid'), () => false);
      await expectContacts(cond('owningbusinessunit', 'eq-businessid'), () => true);
      await expectContacts(cond('owningbusinessunit', 'ne-businessid'), () => false);
      const users = await rows(
        'systemusers',
        `<fetch><entity name="systemuser"><attribute name="fullname"/>${cond('systemuserid', 'eq-userid')}</entity></fetch>`,
      );
      assert.deepEqual(
        users.map((u) => u.systemuserid),
        [defaults.userId],
      );
    });

    it('walks account hierarchies with under, eq-or-under, not-under, above and eq-or-above', async () => {
      const a = data.accounts;
      const byId = new Map(a.map((x) => [x.id, x]));
      const ancestors = (x: AccountRow): string[] => {
        const out: string[] = [];
        for (let p = x.parent; p !== null; p = byId.get(p)?.parent ?? null) out.push(p);
        return out;
      };
      const names = async (op: string, of: AccountRow) =>
        sorted(
          (
            await rows(
              'accounts',
              `<fetch><entity name="account"><attribute name="name"/>${cond('accountid', op, of.id)}</entity></fetch>`,
            )
          ).map((r) => String(r.name)),
        );
      const expect = (pred: (x: AccountRow) => boolean) => sorted(a.filter(pred).map((x) => x.name));
      for (const of of [a[0], a[1], a[3], a[5], a[7]] as AccountRow[]) {
        assert.deepEqual(
          await names('under', of),
          expect((x) => ancestors(x).includes(of.id)),
          `under ${of.name}`,
        );
        assert.deepEqual(
          await names('eq-or-under', of),
          expect((x) => x.id === of.id || ancestors(x).includes(of.id)),
        );
        assert.deepEqual(
          await names('not-under', of),
          expect((x) => !ancestors(x).includes(of.id)),
        );
        assert.deepEqual(
          await names('above', of),
          expect((x) => ancestors(of).includes(x.id)),
          `above ${of.name}`,
        );
        assert.deepEqual(
          await names('eq-or-above', of),
          expect((x) => x.id === of.id || ancestors(of).includes(x.id)),
        );
      }
      // The lookup itself names the hierarchy too.
      const lab = await rows(
        'accounts',
        `<fetch><entity name="account"><attribute name="name"/>${cond('parentaccountid', 'under', (a[0] as AccountRow).id)}</entity></fetch>`,
      );
      assert.equal(lab.length, 4);
      const units = await rows(
        'businessunits',
        `<fetch><entity name="businessunit"><attribute name="name"/>${cond('businessunitid', 'eq-or-under', (await api.records.ensureDefaults()).businessUnitId)}</entity></fetch>`,
      );
      assert.equal(units.length, 1);
    });

    it('joins link-entities: inner and outer, columns as alias.attribute, orders after the entity', async () => {
      const body = await rows(
        'contacts',
        `<fetch><entity name="contact"><attribute name="lastname"/><order attribute="lastname" descending="true"/>
           <link-entity name="account" from="accountid" to="parentcustomerid" alias="acc">
             <attribute name="name"/><attribute name="numberofemployees" alias="staff"/><order attribute="name"/>
             <filter><condition attribute="address1_city" operator="eq" value="seattle"/></filter>
           </link-entity></entity></fetch>`,
      );
      const accounts = new Map(data.accounts.map((x) => [x.id, x]));
      const expected = data.contacts
        .filter(
          (c) => c.parentType === 'account' && same(accounts.get(c.parentId ?? '')?.city ?? null, 'seattle'),
        )
        .map((c) => ({ c, a: accounts.get(c.parentId ?? '') as AccountRow }))
        .sort((x, y) =>
          x.c.lastname.toLowerCase() !== y.c.lastname.toLowerCase()
            ? x.c.lastname.toLowerCase() < y.c.lastname.toLowerCase()
              ? 1
              : -1
            : x.a.name < y.a.name
              ? -1
              : x.a.name > y.a.name
                ? 1
                : x.c.id < y.c.id
                  ? -1
                  : 1,
        );
      assert.deepEqual(
        body.map((r) => [r.lastname, r['acc.name'], r.staff ?? null, r.contactid]),
        expected.map(({ c, a }) => [c.lastname, a.name, a.numberofemployees, c.id]),
      );
      // Outer: every contact once (the link is on the account's key); entityname finds those without one.
      const outer = await rows(
        'contacts',
        `<fetch><entity name="contact"><attribute name="contactid"/>
           <link-entity name="account" from="accountid" to="parentcustomerid" link-type="outer"><attribute name="name"/></link-entity></entity></fetch>`,
      );
      assert.equal(outer.length, data.contacts.length);
      for (const r of outer) {
        const c = data.contacts.find((x) => x.id === r.contactid) as ContactRow;
        assert.equal(
          r['account1.name'],
          c.parentType === 'account' ? accounts.get(c.parentId ?? '')?.name : undefined,
        );
      }
      await expectContacts(
        `<link-entity name="account" from="accountid" to="parentcustomerid" link-type="outer" alias="a"/><filter><condition entityname="a" attribute="accountid" operator="null"/></filter>`,
        (c) => c.parentType !== 'account',
      );
    });

    it('follows one-to-many links, exists/in links and the filter links any, not any, all and not all', async () => {
      const kids = (a: AccountRow) =>
        data.contacts.filter((c) => c.parentType === 'account' && c.parentId === a.id);
      const accountIds = async (inner: string) =>
        sorted(
          (
            await rows(
              'accounts',
              `<fetch><entity name="account"><attribute name="accountid"/>${inner}</entity></fetch>`,
            )
          ).map((r) => String(r.accountid)),
        );
      const expect = (pred: (a: AccountRow) => boolean) =>
        sorted(data.accounts.filter(pred).map((a) => a.id));
      const link = (type: string, filter: string) =>
        `<link-entity name="contact" from="parentcustomerid" to="accountid" link-type="${type}">${filter}</link-entity>`;
      const many = '<filter><condition attribute="numberofchildren" operator="ge" value="2"/></filter>';
      const fits = (c: ContactRow) => c.children !== null && c.children >= 2;
      assert.deepEqual(
        await accountIds(link('exists', many)),
        expect((a) => kids(a).some(fits)),
      );
      assert.deepEqual(
        await accountIds(link('in', many)),
        expect((a) => kids(a).some(fits)),
      );
      assert.deepEqual(
        await accountIds(`<filter>${link('any', many)}</filter>`),
        expect((a) => kids(a).some(fits)),
      );
      assert.deepEqual(
        await accountIds(`<filter>${link('not any', many)}</filter>`),
        expect((a) => !kids(a).some(fits)),
      );
      // As Dataverse documents them: `all` keeps parents that have linked rows, none of which
      // satisfies the link's filters (invert the filters to ask "all satisfy"); `not all` is `any`.
      assert.deepEqual(
        await accountIds(`<filter>${link('all', many)}</filter>`),
        expect((a) => kids(a).length > 0 && !kids(a).some(fits)),
      );
      assert.deepEqual(
        await accountIds(`<filter>${link('not all', many)}</filter>`),
        expect((a) => kids(a).some(fits)),
      );
      // An inner one-to-many join repeats the account per contact, as Dataverse does.
      const joined = await rows(
        'accounts',
        `<fetch><entity name="account"><attribute name="accountid"/>${link('inner', many)}</entity></fetch>`,
      );
      assert.equal(
        joined.length,
        data.accounts.reduce((n, a) => n + kids(a).filter(fits).length, 0),
      );
    });

    it('aggregates: count, countcolumn, distinct counts, sum, avg, min, max, group by and date grouping', async () => {
      const [total] = await rows(
        'contacts',
        `<fetch aggregate="true"><entity name="contact">
          <attribute name="contactid" alias="n" aggregate="count"/>
          <attribute name="numberofchildren" alias="withKids" aggregate="countcolumn"/>
          <attribute name="numberofchildren" alias="kidValues" aggregate="countcolumn" distinct="true"/>
          <attribute name="numberofchildren" alias="kids" aggregate="sum"/>
          <attribute name="numberofchildren" alias="minKids" aggregate="min"/>
          <attribute name="numberofchildren" alias="maxKids" aggregate="max"/>
          <attribute name="annualincome" alias="avgIncome" aggregate="avg"/></entity></fetch>`,
      );
      const kids = data.contacts.map((c) => c.children).filter((k): k is number => k !== null);
      const incomes = data.contacts.map((c) => c.income).filter((k): k is number => k !== null);
      assert.equal(total?.n, data.contacts.length);
      assert.equal(total?.withKids, kids.length);
      assert.equal(total?.kidValues, new Set(kids).size);
      assert.equal(
        total?.kids,
        kids.reduce((a, b) => a + b, 0),
      );
      assert.equal(total?.minKids, Math.min(...kids));
      assert.equal(total?.maxKids, Math.max(...kids));
      assert.ok(
        Math.abs(Number(total?.avgIncome) - incomes.reduce((a, b) => a + b, 0) / incomes.length) < 0.01,
      );

      const byCity = await rows(
        'accounts',
        `<fetch aggregate="true"><entity name="account">
          <attribute name="numberofemployees" alias="Total" aggregate="sum"/>
          <attribute name="address1_city" alias="Count" aggregate="count"/>
          <attribute name="address1_city" alias="City" groupby="true"/>
          <order alias="City"/></entity></fetch>`,
      );
      const cities = [...new Set(data.accounts.map((a) => a.city))].sort((x, y) =>
        x === null ? -1 : y === null ? 1 : x < y ? -1 : 1,
      );
      assert.deepEqual(
        byCity,
        cities.map((city) => {
          const group = data.accounts.filter((a) => a.city === city);
          return {
            Total: group.reduce((n, a) => n + (a.numberofemployees ?? 0), 0),
            Count: group.length,
            ...(city !== null ? { City: city } : {}),
          };
        }),
      );

      const byYear = await rows(
        'contacts',
        `<fetch aggregate="true"><entity name="contact"><attribute name="contactid" alias="n" aggregate="count"/>
          <attribute name="createdon" alias="year" groupby="true" dategrouping="year"/>
          <attribute name="createdon" alias="month" groupby="true" dategrouping="month"/>
          <order alias="year" descending="true"/><order alias="month"/></entity></fetch>`,
      );
      const groups = new Map<string, number>();
      for (const c of data.contacts) {
        const key = `${Number(c.createdon.slice(0, 4))}-${Number(c.createdon.slice(5, 7))}`;
        groups.set(key, (groups.get(key) ?? 0) + 1);
      }
      const expected = [...groups]
        .map(([k, n]) => ({ year: Number(k.split('-')[0]), month: Number(k.split('-')[1]), n }))
        .sort((x, y) => y.year - x.year || x.month - y.month);
      assert.deepEqual(
        byYear.map((r) => ({ year: r.year, month: r.month, n: r.n })),
        expected,
      );

      const perAccount = await rows(
        'accounts',
        `<fetch aggregate="true"><entity name="account"><attribute name="name" alias="account" groupby="true"/>
          <link-entity name="contact" from="parentcustomerid" to="accountid" alias="c"><attribute name="contactid" alias="contacts" aggregate="count"/></link-entity>
          <order alias="contacts" descending="true"/><order alias="account"/></entity></fetch>`,
      );
      const counts = data.accounts
        .map((a) => ({ account: a.name, contacts: data.contacts.filter((c) => c.parentId === a.id).length }))
        .filter((x) => x.contacts > 0)
        .sort(
          (x, y) => y.contacts - x.contacts || (x.account.toLowerCase() < y.account.toLowerCase() ? -1 : 1),
        );
      assert.deepEqual(perAccount, counts);
    });

    it('pages by page and count, counts with returntotalrecordcount and $count, and stops with top', async () => {
      const xml = (page: number, extra = '') =>
        `<fetch count="7" page="${page}" ${extra}><entity name="contact"><attribute name="lastname"/><order attribute="lastname"/></entity></fetch>`;
      const expected = [...data.contacts]
        .sort((x, y) =>
          x.lastname.toLowerCase() === y.lastname.toLowerCase()
            ? x.id < y.id
              ? -1
              : 1
            : x.lastname.toLowerCase() < y.lastname.toLowerCase()
              ? -1
              : 1,
        )
        .map((c) => c.id);
      const seen: string[] = [];
      for (let page = 1; page <= Math.ceil(expected.length / 7); page++) {
        const res = await get('contacts', xml(page, 'returntotalrecordcount="true"'), ALL);
        const body = json(res);
        assert.equal(body['@odata.count'], data.contacts.length);
        assert.equal(body['@Microsoft.Dynamics.CRM.totalrecordcount'], data.contacts.length);
        assert.equal(body['@Microsoft.Dynamics.CRM.totalrecordcountlimitexceeded'], false);
        const last = page * 7 >= expected.length;
        assert.equal(body['@Microsoft.Dynamics.CRM.morerecords'], last ? undefined : true);
        assert.equal(body['@Microsoft.Dynamics.CRM.fetchxmlpagingcookie'] === undefined, last);
        seen.push(...values(body).map((r) => String(r.contactid)));
      }
      assert.deepEqual(seen, expected);
      const counted = json(
        await get(
          'contacts',
          xml(1),
          'odata.include-annotations="Microsoft.Dynamics.CRM.totalrecordcount"',
          '&$count=true',
        ),
      );
      assert.deepEqual(Object.keys(counted), [
        '@odata.context',
        '@odata.count',
        '@Microsoft.Dynamics.CRM.totalrecordcount',
        'value',
      ]);
      const uncounted = json(await get('contacts', xml(1), ALL));
      assert.equal(uncounted['@odata.count'], undefined);
      assert.equal(uncounted['@Microsoft.Dynamics.CRM.totalrecordcount'], -1);
      const top = await rows(
        'contacts',
        `<fetch top="3"><entity name="contact"><attribute name="lastname"/><order attribute="lastname"/></entity></fetch>`,
        ALL,
      );
      assert.deepEqual(
        top.map((r) => r.contactid),
        expected.slice(0, 3),
      );
    });

    it('follows paging cookies forwards and backwards, every row exactly once', async () => {
      const orders = [
        '<order attribute="lastname" descending="true"/><order attribute="birthdate"/>',
        '<order attribute="numberofchildren"/>',
        '',
      ];
      for (const order of orders) {
        const xml = (page: number, cookie?: string) =>
          `<fetch count="4" page="${page}"${cookie !== undefined ? ` paging-cookie="${cookie.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')}"` : ''}><entity name="contact"><attribute name="lastname"/>${order}</entity></fetch>`;
        const pages: string[][] = [];
        const cookies: (string | undefined)[] = [undefined];
        let cookie: string | undefined;
        for (let page = 1; ; page++) {
          const body = json(await get('contacts', xml(page, cookie), ALL));
          pages.push(values(body).map((r) => String(r.contactid)));
          const annotation = body['@Microsoft.Dynamics.CRM.fetchxmlpagingcookie'] as string | undefined;
          if (annotation === undefined) break;
          assert.match(annotation, /^<cookie pagenumber="\d+" pagingcookie="[^"]+" istracking="False" \/>$/);
          const m = /pagingcookie="([^"]+)"/.exec(annotation);
          cookie = decodeURIComponent(decodeURIComponent(m?.[1] ?? ''));
          assert.match(
            cookie,
            new RegExp(
              `^<cookie page="${page}">.*<contactid last="\\{[0-9A-F-]{36}\\}" first="\\{[0-9A-F-]{36}\\}" /></cookie>$`,
            ),
          );
          cookies.push(cookie);
        }
        const all = pages.flat();
        assert.equal(all.length, data.contacts.length, order);
        assert.equal(new Set(all).size, data.contacts.length, order);
        // The same pages by position.
        for (let page = 1; page <= pages.length; page++) {
          const byPosition = (await rows('contacts', xml(page))).map((r) => String(r.contactid));
          assert.deepEqual(byPosition, pages[page - 1], `${order} page ${page}`);
        }
        // Back from page 3 to page 2 with page 3's own cookie (its first row).
        const back = json(await get('contacts', xml(2, cookies[3]), ALL));
        assert.deepEqual(
          values(back).map((r) => String(r.contactid)),
          pages[1],
          `${order} back to page 2`,
        );
        assert.equal(back['@Microsoft.Dynamics.CRM.morerecords'], true);
        // A cookie of a page that is not next to the one asked for is ignored (the page is found by position).
        const far = json(await get('contacts', xml(5, cookies[1]), ALL));
        assert.deepEqual(
          values(far).map((r) => String(r.contactid)),
          pages[4],
          `${order} page 5`,
        );
      }
    });

    it('reads segment members through the msdyncrm_segmentmemberid link, once per contact', async () => {
      const [newsletter, vip, empty] = data.segments;
      const member = (s: string) =>
        `<link-entity name="msdyncrm_segment" from="msdyncrm_segmentid" to="msdyncrm_segmentmemberid" alias="bb"><filter type="and"><condition attribute="msdyncrm_segmentid" operator="eq" value="${s}" uiname="x" uitype="msdyncrm_segment"/></filter></link-entity>`;
      for (const s of [newsletter, vip, empty]) {
        if (s === undefined) continue;
        const res = await get(
          'contacts',
          `<fetch returntotalrecordcount="true" page="1" count="5" no-lock="false" output-format="xml-platform" mapping="logical"><entity name="contact"><attribute name="fullname"/><order attribute="fullname"/>${member(s.id)}</entity></fetch>`,
        );
        assert.equal(json(res)['@odata.count'], s.members.length);
        await expectContacts(member(s.id), (c) => s.members.includes(c.id));
      }
      // In either segment: still once per contact.
      const either = `<link-entity name="msdyncrm_segment" from="msdyncrm_segmentid" to="msdyncrm_segmentmemberid"><filter><condition attribute="msdyncrm_segmentname" operator="in"><value>Newsletter</value><value>VIP</value></condition></filter></link-entity>`;
      await expectContacts(
        either,
        (c) => !!newsletter?.members.includes(c.id) || !!vip?.members.includes(c.id),
      );
      await expectContacts(
        `<link-entity name="msdyncrm_segment" from="msdyncrm_segmentid" to="msdyncrm_segmentmemberid" link-type="outer" alias="s"/><filter><condition entityname="s" attribute="msdyncrm_segmentid" operator="null"/></filter>`,
        (c) => data.segments.every((s) => !s.members.includes(c.id)),
      );
      // With columns: one row per membership.
      const withNames = await rows(
        'contacts',
        `<fetch><entity name="contact"><attribute name="contactid"/><link-entity name="msdyncrm_segment" from="msdyncrm_segmentid" to="msdyncrm_segmentmemberid" alias="s"><attribute name="msdyncrm_segmentname"/></link-entity></entity></fetch>`,
      );
      assert.deepEqual(
        sorted(withNames.map((r) => `${String(r.contactid)}:${String(r['s.msdyncrm_segmentname'])}`)),
        sorted(data.segments.flatMap((s) => s.members.map((m) => `${m}:${s.name}`))),
      );
      const sizes = await rows(
        'msdyncrm_segments',
        `<fetch aggregate="true"><entity name="msdyncrm_segment"><attribute name="msdyncrm_segmentname" alias="name" groupby="true"/>
          <link-entity name="contact" from="msdyncrm_segmentmemberid" to="msdyncrm_segmentid" link-type="outer"><attribute name="contactid" alias="members" aggregate="countcolumn"/></link-entity>
          <order alias="name"/></entity></fetch>`,
      );
      assert.deepEqual(
        sizes,
        [...data.segments]
          .sort((x, y) => (x.name < y.name ? -1 : 1))
          .map((s) => ({ name: s.name, members: s.members.length })),
      );
    });

    it('adds formatted values and lookup annotations on request', async () => {
      const [first] = await rows(
        'contacts',
        `<fetch top="1"><entity name="contact"><attribute name="gendercode"/><attribute name="parentcustomerid"/><attribute name="donotemail"/>
          <filter><condition attribute="gendercode" operator="eq" value="2"/><condition attribute="parentcustomerid" operator="not-null"/></filter>
          <link-entity name="account" from="accountid" to="parentcustomerid" alias="a"><attribute name="industrycode"/></link-entity></entity></fetch>`,
        ALL,
      );
      assert.ok(first);
      const c = data.contacts.find((x) => x.id === first.contactid) as ContactRow;
      const account = data.accounts.find((a) => a.id === c.parentId) as AccountRow;
      assert.equal(first['gendercode@OData.Community.Display.V1.FormattedValue'], 'Female');
      assert.equal(
        first['donotemail@OData.Community.Display.V1.FormattedValue'],
        c.donotemail ? 'Yes' : 'No',
      );
      assert.equal(first['_parentcustomerid_value@OData.Community.Display.V1.FormattedValue'], account.name);
      assert.equal(first['_parentcustomerid_value@Microsoft.Dynamics.CRM.lookuplogicalname'], 'account');
      assert.equal(
        first['_parentcustomerid_value@Microsoft.Dynamics.CRM.associatednavigationproperty'],
        'parentcustomerid_account',
      );
      if (account.industrycode !== null)
        assert.equal(typeof first['a.industrycode@OData.Community.Display.V1.FormattedValue'], 'string');
      const plain = await rows(
        'contacts',
        `<fetch top="1"><entity name="contact"><attribute name="gendercode"/>${cond('gendercode', 'eq', '2')}</entity></fetch>`,
      );
      assert.deepEqual(Object.keys(plain[0] ?? {}), ['@odata.etag', 'gendercode', 'contactid']);
    });

    it('answers errors in the Dataverse format with the position', async () => {
      expectError(
        await get('contacts', '<fetch><entity name="contact"></fetch>'),
        400,
        '0x80040303',
        /^Malformed FetchXml: .*\(line 1, column \d+\)\.$/,
      );
      expectError(
        await get('accounts', '<fetch><entity name="contact"/></fetch>'),
        400,
        '0x80040303',
        /queries 'contact' but was sent to the entity set 'accounts'.*send it to 'contacts'/,
      );
      expectError(
        await get(
          'contacts',
          `<fetch><entity name="contact">${cond('fullname', 'this-fiscal-year')}</entity></fetch>`,
        ),
        400,
        '0x80040303',
        /'this-fiscal-year' is not supported by segmentd: fiscal/,
      );
      expectError(
        await get(
          'contacts',
          `<fetch><entity name="contact">${condValues('gendercode', 'contain-values', ['1'])}</entity></fetch>`,
        ),
        400,
        '0x80040303',
        /'contact.gendercode' is not a multi-select choice/,
      );
      expectError(
        await get(
          'contacts',
          '<fetch><entity name="contact"/></fetch>',
          undefined,
          "&$filter=lastname eq 'x'",
        ),
        400,
        '0x80060888',
        /cannot be combined with fetchXml/,
      );
      expectError(
        await get(
          `accounts(${(data.accounts[0] as AccountRow).id})/contact_customer_accounts`,
          '<fetch><entity name="contact"/></fetch>',
        ),
        400,
        '0x80040315',
        /only supported on an entity set/,
      );
    });

    it('runs inside $batch GETs through the same dispatcher', async () => {
      const xml = `<fetch><entity name="account"><attribute name="name"/>${cond('name', 'begins-with', 'contoso')}<order attribute="name"/></entity></fetch>`;
      const boundary = 'batch_fx';
      const payload = [
        `--${boundary}`,
        'Content-Type: application/http',
        'Content-Transfer-Encoding: binary',
        '',
        `GET ${ROOT_URL}/accounts?fetchXml=${encodeURIComponent(xml)} HTTP/1.1`,
        'Accept: application/json',
        '',
        '',
        `--${boundary}`,
        'Content-Type: application/http',
        'Content-Transfer-Encoding: binary',
        '',
        `GET ${ROOT_URL}/accounts?fetchXml=${encodeURIComponent('<fetch><entity name="nope"/></fetch>')} HTTP/1.1`,
        '',
        '',
        `--${boundary}--`,
        '',
      ].join('\r\n');
      const res = await api.request({
        method: 'POST',
        url: '$batch',
        headers: {
          'content-type': `multipart/mixed; boundary=${boundary}`,
          prefer: 'odata.continue-on-error',
        },
        payload,
      });
      assert.equal(res.statusCode, 200, res.body);
      const parts = res.body.split(/--batchresponse_[0-9a-f-]+/).filter((p) => p.includes('HTTP/1.1'));
      assert.equal(parts.length, 2);
      const body = JSON.parse((parts[0] ?? '').slice((parts[0] ?? '').indexOf('{'))) as Rec;
      assert.deepEqual(
        values(body).map((r) => r.name),
        data.accounts
          .filter((a) => a.name.toLowerCase().startsWith('contoso'))
          .map((a) => a.name)
          .sort(),
      );
      assert.match(parts[1] ?? '', /HTTP\/1.1 400[\s\S]*0x80040303[\s\S]*The entity 'nope' does not exist/);
    });
  });
}

/** `YYYY-MM` of a date. */
function c0(d: Date): string {
  return d.toISOString().slice(0, 7);
}
