import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { defaultQueryParameters } from '../../src/http/fetchxml-query.ts';
import type { TestApi } from '../http/harness.ts';
import { expectError, json, openTestApi } from '../http/harness.ts';
import { storeTargets } from '../support/stores.ts';
import type { AccountRow, ContactRow, Dataset } from './fixture.ts';
import { loadDataset, same, sorted } from './fixture.ts';

/**
 * The elements and attributes of the FetchXML grammar that test/http/fetchxml.test.ts does not
 * already exercise, on every store, over `GET /{set}?fetchXml=`: nested and N:1 semi-join links,
 * links without from/to, outer links whose filter only narrows the joined rows, filter links
 * inside `or`, orders by link alias, by attribute alias and with nulls, distinct rows, date
 * grouping by day/week/quarter, grouping by choices and lookups, aggregates over links, empty
 * aggregates, aggregatelimit, counts of filtered/distinct/aggregate queries, paging past the end,
 * all-attributes, and the attributes Dataverse accepts as hints (which must change nothing).
 * Every expectation is computed here from the inserted rows.
 */

type Rec = Record<string, unknown>;
const values = (body: Rec) => body.value as Rec[];
const ALL = 'odata.include-annotations="*"';

/** Dataverse orders text case-insensitively (lower-case, then by code point here). */
const textOrder = (a: string, b: string) => {
  const [x, y] = [a.toLowerCase(), b.toLowerCase()];
  return x < y ? -1 : x > y ? 1 : 0;
};
const idOrder = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** SQL Server's DATEPART(week): week 1 holds January 1st, weeks start on Sunday. */
function weekOfYear(iso: string): number {
  const d = new Date(iso);
  const jan1 = new Date(Date.UTC(d.getUTCFullYear(), 0, 1));
  const dayOfYear = Math.floor(
    (Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()) - jan1.getTime()) / 86_400_000,
  );
  return Math.floor((dayOfYear + jan1.getUTCDay()) / 7) + 1;
}

/** Counts by key, in key order. */
function countBy<K extends string>(items: readonly K[]): Map<K, number> {
  const m = new Map<K, number>();
  for (const k of [...items].sort()) m.set(k, (m.get(k) ?? 0) + 1);
  return m;
}

for (const target of storeTargets()) {
  describe(`FetchXML elements and attributes (${target.name})`, () => {
    let api: TestApi;
    let data: Dataset;
    let accountsById: Map<string, AccountRow>;

    before(async () => {
      api = await openTestApi(target, {
        queryParameters: defaultQueryParameters({ select: (q) => api.store.select(q) }),
      });
      data = await loadDataset(api.records, api.store, 11, 40);
      accountsById = new Map(data.accounts.map((a) => [a.id, a]));
    });
    after(async () => {
      await api.close();
    });

    const get = (set: string, xml: string, prefer?: string) =>
      api.request({
        url: `${set}?fetchXml=${encodeURIComponent(xml)}`,
        ...(prefer !== undefined ? { headers: { prefer } } : {}),
      });

    async function body(set: string, xml: string, prefer?: string): Promise<Rec> {
      const res = await get(set, xml, prefer);
      assert.equal(res.statusCode, 200, `${xml}\n${res.body}`);
      return json(res);
    }
    const rows = async (set: string, xml: string, prefer?: string) => values(await body(set, xml, prefer));

    /** The contact ids a query returns, in the order returned. */
    const contactIds = async (inner: string, fetch = '<fetch>') =>
      (
        await rows(
          'contacts',
          `${fetch}<entity name="contact"><attribute name="contactid"/>${inner}</entity></fetch>`,
        )
      ).map((r) => String(r.contactid));
    const expectIds = (pred: (c: ContactRow) => boolean) =>
      sorted(data.contacts.filter(pred).map((c) => c.id));
    const accountOf = (c: ContactRow) =>
      c.parentType === 'account' ? accountsById.get(c.parentId ?? '') : undefined;
    const inSeattle = (a: AccountRow | undefined) => a !== undefined && same(a.city, 'seattle');
    const SEATTLE = '<filter><condition attribute="address1_city" operator="eq" value="Seattle"/></filter>';

    it('links N:1 with exists and in (each contact once), nested links and links without from/to', async () => {
      for (const type of ['exists', 'in']) {
        const got = await contactIds(
          `<link-entity name="account" from="accountid" to="parentcustomerid" link-type="${type}">${SEATTLE}</link-entity>`,
        );
        assert.deepEqual(
          sorted(got),
          expectIds((c) => inSeattle(accountOf(c))),
          type,
        );
      }
      // An exists link holding a nested inner link: the parent account's parent is Contoso.
      const contoso = data.accounts.find((a) => a.name === 'Contoso') as AccountRow;
      const nested = await contactIds(
        `<link-entity name="account" from="accountid" to="parentcustomerid" link-type="exists">
           <link-entity name="account" from="accountid" to="parentaccountid" alias="grand">
             <filter><condition attribute="name" operator="eq" value="contoso"/></filter>
           </link-entity>
         </link-entity>`,
      );
      assert.deepEqual(
        sorted(nested),
        expectIds((c) => accountOf(c)?.parent === contoso.id),
      );

      // Nested inner links with columns: contact → its account → that account's parent.
      const chain = await rows(
        'contacts',
        `<fetch><entity name="contact"><attribute name="lastname"/><order attribute="contactid"/>
           <link-entity name="account" from="accountid" to="parentcustomerid" alias="acc"><attribute name="name"/>
             <link-entity name="account" from="accountid" to="parentaccountid" alias="par"><attribute name="name" alias="parentName"/></link-entity>
           </link-entity></entity></fetch>`,
      );
      const expectedChain = data.contacts
        .filter((c) => accountOf(c)?.parent != null)
        .sort((x, y) => idOrder(x.id, y.id))
        .map((c) => {
          const a = accountOf(c) as AccountRow;
          return [c.id, a.name, accountsById.get(a.parent ?? '')?.name];
        });
      assert.deepEqual(
        chain.map((r) => [r.contactid, r['acc.name'], r.parentName]),
        expectedChain,
      );

      // from/to left out: the one relationship between the two entities is used.
      const defaults = await api.records.ensureDefaults();
      const users = await rows(
        'systemusers',
        '<fetch><entity name="systemuser"><attribute name="systemuserid"/><link-entity name="businessunit" alias="bu"><attribute name="businessunitid"/></link-entity></entity></fetch>',
      );
      assert.deepEqual(
        users.map((u) => [u.systemuserid, u['bu.businessunitid']]),
        [[defaults.userId, defaults.businessUnitId]],
      );
    });

    it('joins 1:N outer links once per child, and once with no columns for a parent without children', async () => {
      const got = await rows(
        'accounts',
        `<fetch><entity name="account"><attribute name="name"/><order attribute="name"/>
           <link-entity name="contact" from="parentcustomerid" to="accountid" link-type="outer" alias="c" visible="false" intersect="true">
             <attribute name="contactid"/><order attribute="contactid"/>
           </link-entity></entity></fetch>`,
      );
      const expected = [...data.accounts]
        .sort((x, y) => textOrder(x.name, y.name) || idOrder(x.id, y.id))
        .flatMap((a) => {
          const kids = data.contacts
            .filter((c) => c.parentType === 'account' && c.parentId === a.id)
            .map((c) => c.id)
            .sort(idOrder);
          return kids.length === 0 ? [[a.name, undefined]] : kids.map((k) => [a.name, k]);
        });
      assert.deepEqual(
        got.map((r) => [r.name, r['c.contactid']]),
        expected,
      );
    });

    it("narrows only the joined rows with an outer link's filter, and the parents with entityname", async () => {
      const got = await rows(
        'contacts',
        `<fetch><entity name="contact"><attribute name="contactid"/>
           <link-entity name="account" from="accountid" to="parentcustomerid" link-type="outer" alias="a"><attribute name="name"/>${SEATTLE}</link-entity>
         </entity></fetch>`,
      );
      assert.equal(got.length, data.contacts.length);
      for (const r of got) {
        const c = data.contacts.find((x) => x.id === r.contactid) as ContactRow;
        const a = accountOf(c);
        assert.equal(r['a.name'], inSeattle(a) ? a?.name : undefined);
      }
      // A condition naming the inner link's alias from the entity's filter, and `column` for `attribute`.
      const named = await contactIds(
        `<link-entity name="account" from="accountid" to="parentcustomerid" alias="a"/>
         <filter type="and"><condition entityname="a" column="address1_city" operator="eq" value="SEATTLE" uiname="Seattle" uitype="account" uihidden="1"/></filter>`,
      );
      assert.deepEqual(
        sorted(named),
        expectIds((c) => inSeattle(accountOf(c))),
      );
      // valueof across a link: contacts with more children than their account has industry code… as numbers.
      const across = await contactIds(
        `<link-entity name="account" from="accountid" to="parentcustomerid" alias="a"/>
         <filter><condition attribute="numberofchildren" operator="lt" valueof="a.numberofemployees"/></filter>`,
      );
      assert.deepEqual(
        sorted(across),
        expectIds((c) => {
          const a = accountOf(c);
          return c.children !== null && a?.numberofemployees != null && c.children < a.numberofemployees;
        }),
      );
    });

    it('mixes filter links with conditions inside or-filters, and filters on N:1 with any and not any', async () => {
      const anySeattle = `<link-entity name="account" from="accountid" to="parentcustomerid" link-type="any">${SEATTLE}</link-entity>`;
      const either = await contactIds(
        `<filter type="or"><condition attribute="numberofchildren" operator="eq" value="0"/>${anySeattle}</filter>`,
      );
      assert.deepEqual(
        sorted(either),
        expectIds((c) => c.children === 0 || inSeattle(accountOf(c))),
      );
      const notAny = await contactIds(
        `<filter>${anySeattle.replace('link-type="any"', 'link-type="not any"')}</filter>`,
      );
      assert.deepEqual(
        sorted(notAny),
        expectIds((c) => !inSeattle(accountOf(c))),
      );
    });

    it('orders by a link alias (entityname), by an attribute alias, and puts nulls first ascending', async () => {
      const byLink = await rows(
        'contacts',
        `<fetch><entity name="contact"><attribute name="contactid"/>
           <order entityname="a" attribute="name" descending="true"/><order alias="kids"/><attribute name="numberofchildren" alias="kids"/>
           <link-entity name="account" from="accountid" to="parentcustomerid" alias="a"/></entity></fetch>`,
      );
      const expected = data.contacts
        .filter((c) => accountOf(c) !== undefined)
        .sort((x, y) => {
          const byName = textOrder((accountOf(y) as AccountRow).name, (accountOf(x) as AccountRow).name);
          if (byName !== 0) return byName;
          if (x.children !== y.children) {
            if (x.children === null) return -1;
            if (y.children === null) return 1;
            return x.children - y.children;
          }
          return idOrder(x.id, y.id);
        });
      assert.deepEqual(
        byLink.map((r) => r.contactid),
        expected.map((c) => c.id),
      );
      const emails = await rows(
        'contacts',
        '<fetch><entity name="contact"><attribute name="emailaddress1"/><order attribute="emailaddress1" descending="true"/><order attribute="contactid"/></entity></fetch>',
      );
      const byEmail = [...data.contacts].sort((x, y) => {
        if (x.email !== y.email) {
          if (x.email === null) return 1;
          if (y.email === null) return -1;
          return textOrder(y.email, x.email);
        }
        return idOrder(x.id, y.id);
      });
      assert.deepEqual(
        emails.map((r) => r.contactid),
        byEmail.map((c) => c.id),
      );
    });

    it('returns distinct rows, and counts them with returntotalrecordcount', async () => {
      const cities = await body(
        'accounts',
        '<fetch distinct="true" returntotalrecordcount="true"><entity name="account"><attribute name="address1_city"/><order attribute="address1_city"/></entity></fetch>',
      );
      const expected = [...new Set(data.accounts.map((a) => a.city))].sort((x, y) =>
        x === null ? -1 : y === null ? 1 : textOrder(x, y),
      );
      assert.deepEqual(
        values(cities),
        expected.map((city) => (city === null ? {} : { address1_city: city })),
      );
      assert.equal(cities['@odata.count'], expected.length);
      // A 1:N link repeats parents; distinct returns each once.
      const parents = await rows(
        'accounts',
        `<fetch distinct="true"><entity name="account"><attribute name="accountid"/>
           <link-entity name="contact" from="parentcustomerid" to="accountid"><filter><condition attribute="donotemail" operator="eq" value="false"/></filter></link-entity></entity></fetch>`,
      );
      assert.deepEqual(
        sorted(parents.map((r) => String(r.accountid))),
        sorted(
          data.accounts
            .filter((a) =>
              data.contacts.some((c) => c.parentType === 'account' && c.parentId === a.id && !c.donotemail),
            )
            .map((a) => a.id),
        ),
      );
    });

    it('groups by day, week and quarter of a date, by a choice and by a lookup', async () => {
      const grouped = async (groups: string, order: string) =>
        rows(
          'contacts',
          `<fetch aggregate="true"><entity name="contact"><attribute name="contactid" alias="n" aggregate="count"/>${groups}${order}</entity></fetch>`,
        );
      const y = (c: ContactRow) => c.createdon.slice(0, 4);
      const pad = (n: number) => String(n).padStart(2, '0');

      const byQuarter = await grouped(
        '<attribute name="createdon" alias="y" groupby="true" dategrouping="year"/><attribute name="createdon" alias="q" groupby="true" dategrouping="quarter"/>',
        '<order alias="y"/><order alias="q"/>',
      );
      const quarter = (c: ContactRow) => Math.floor((Number(c.createdon.slice(5, 7)) - 1) / 3) + 1;
      assert.deepEqual(
        byQuarter,
        [...countBy(data.contacts.map((c) => `${y(c)}-${quarter(c)}`))].map(([k, n]) => ({
          n,
          y: Number(k.slice(0, 4)),
          q: Number(k.slice(5)),
        })),
      );

      const byWeek = await grouped(
        '<attribute name="createdon" alias="y" groupby="true" dategrouping="year"/><attribute name="createdon" alias="w" groupby="true" dategrouping="week" usertimezone="false"/>',
        '<order alias="y"/><order alias="w"/>',
      );
      assert.deepEqual(
        byWeek,
        [...countBy(data.contacts.map((c) => `${y(c)}-${pad(weekOfYear(c.createdon))}`))].map(([k, n]) => ({
          n,
          y: Number(k.slice(0, 4)),
          w: Number(k.slice(5)),
        })),
      );

      const byDay = await grouped(
        '<attribute name="createdon" alias="y" groupby="true" dategrouping="year"/><attribute name="createdon" alias="m" groupby="true" dategrouping="month"/><attribute name="createdon" alias="d" groupby="true" dategrouping="day"/>',
        '<order alias="y" descending="true"/><order alias="m" descending="true"/><order alias="d" descending="true"/>',
      );
      assert.deepEqual(
        byDay,
        [...countBy(data.contacts.map((c) => c.createdon.slice(0, 10)))].reverse().map(([k, n]) => ({
          n,
          y: Number(k.slice(0, 4)),
          m: Number(k.slice(5, 7)),
          d: Number(k.slice(8, 10)),
        })),
      );

      const byGender = await grouped(
        '<attribute name="gendercode" alias="g" groupby="true"/>',
        '<order alias="g"/>',
      );
      const genders = [null, 1, 2].filter((g) => data.contacts.some((c) => c.gender === g));
      assert.deepEqual(
        byGender,
        genders.map((g) => ({
          n: data.contacts.filter((c) => c.gender === g).length,
          ...(g !== null ? { g } : {}),
        })),
      );

      const byParent = await grouped(
        '<attribute name="parentcustomerid" alias="p" groupby="true"/><filter><condition attribute="parentcustomerid" operator="not-null"/></filter>',
        '<order alias="n" descending="true"/><order alias="p"/>',
      );
      const parentCounts = [
        ...countBy(data.contacts.flatMap((c) => (c.parentId !== null ? [c.parentId] : []))),
      ]
        .map(([p, n]) => ({ n, p }))
        .sort((a, b) => b.n - a.n || idOrder(a.p, b.p));
      assert.deepEqual(byParent, parentCounts);
    });

    it('aggregates over link-entity columns, over dates, and over no rows', async () => {
      const perAccount = await rows(
        'accounts',
        `<fetch aggregate="true"><entity name="account"><attribute name="accountid" alias="a" groupby="true"/>
           <link-entity name="contact" from="parentcustomerid" to="accountid" link-type="outer" alias="c">
             <attribute name="numberofchildren" alias="kids" aggregate="sum"/>
             <attribute name="numberofchildren" alias="avgKids" aggregate="avg"/>
             <attribute name="contactid" alias="people" aggregate="countcolumn"/>
             <attribute name="createdon" alias="first" aggregate="min"/>
           </link-entity><order alias="a"/></entity></fetch>`,
      );
      const expected = [...data.accounts]
        .sort((x, y) => idOrder(x.id, y.id))
        .map((a) => {
          const kids = data.contacts.filter((c) => c.parentType === 'account' && c.parentId === a.id);
          const counts = kids.flatMap((c) => (c.children !== null ? [c.children] : []));
          const first = kids.map((c) => c.createdon).sort()[0];
          return {
            a: a.id,
            kids: counts.reduce((s, k) => s + k, 0),
            ...(counts.length > 0 ? { avgKids: counts.reduce((s, k) => s + k, 0) / counts.length } : {}),
            people: kids.length,
            ...(first !== undefined ? { first } : {}),
          };
        });
      assert.equal(perAccount.length, expected.length);
      for (const [i, r] of perAccount.entries()) {
        const e = expected[i] as Rec;
        assert.deepEqual(Object.keys(r).sort(), Object.keys(e).sort(), JSON.stringify(r));
        assert.equal(r.a, e.a);
        assert.equal(r.kids, e.kids);
        assert.equal(r.people, e.people);
        assert.equal(r.first, e.first);
        if (e.avgKids !== undefined) assert.ok(Math.abs(Number(r.avgKids) - Number(e.avgKids)) < 1e-6);
      }

      const [dates] = await rows(
        'contacts',
        `<fetch aggregate="true"><entity name="contact">
           <attribute name="birthdate" alias="oldest" aggregate="min"/><attribute name="birthdate" alias="youngest" aggregate="max"/>
           <attribute name="createdon" alias="latest" aggregate="max"/></entity></fetch>`,
      );
      const births = data.contacts.flatMap((c) => (c.birthdate !== null ? [c.birthdate] : [])).sort();
      assert.deepEqual(dates, {
        oldest: births[0],
        youngest: births[births.length - 1],
        latest: data.contacts.map((c) => c.createdon).sort()[data.contacts.length - 1],
      });

      const none = await rows(
        'contacts',
        `<fetch aggregate="true"><entity name="contact">
           <attribute name="contactid" alias="n" aggregate="count"/><attribute name="numberofchildren" alias="kids" aggregate="sum"/>
           <attribute name="numberofchildren" alias="avgKids" aggregate="avg"/><attribute name="birthdate" alias="oldest" aggregate="min"/>
           <filter><condition attribute="lastname" operator="eq" value="nobody at all"/></filter></entity></fetch>`,
      );
      assert.deepEqual(none, [{ n: 0, kids: 0 }]);
      const noGroups = await rows(
        'contacts',
        `<fetch aggregate="true"><entity name="contact"><attribute name="contactid" alias="n" aggregate="count"/>
           <attribute name="gendercode" alias="g" groupby="true"/><filter><condition attribute="lastname" operator="eq" value="nobody at all"/></filter></entity></fetch>`,
      );
      assert.deepEqual(noGroups, []);
    });

    it('counts groups with returntotalrecordcount and enforces aggregatelimit', async () => {
      const groups = await body(
        'accounts',
        '<fetch aggregate="true" returntotalrecordcount="true"><entity name="account"><attribute name="accountid" alias="n" aggregate="count"/><attribute name="industrycode" alias="i" groupby="true"/></entity></fetch>',
      );
      assert.equal(groups['@odata.count'], new Set(data.accounts.map((a) => a.industrycode)).size);
      const filtered = await body(
        'contacts',
        '<fetch count="3" returntotalrecordcount="true"><entity name="contact"><attribute name="contactid"/><filter><condition attribute="donotemail" operator="eq" value="1"/></filter></entity></fetch>',
      );
      assert.equal(filtered['@odata.count'], data.contacts.filter((c) => c.donotemail).length);
      assert.equal(values(filtered).length, Math.min(3, data.contacts.filter((c) => c.donotemail).length));

      const limited = (limit: number) =>
        `<fetch aggregate="true" aggregatelimit="${limit}"><entity name="contact"><attribute name="contactid" alias="n" aggregate="count"/></entity></fetch>`;
      assert.deepEqual(await rows('contacts', limited(data.contacts.length)), [{ n: data.contacts.length }]);
      expectError(
        await get('contacts', limited(data.contacts.length - 1)),
        400,
        '0x8004E023',
        /aggregatelimit/,
      );
    });

    it('pages with count alone, past the end, and with top in descending order', async () => {
      const order = [...data.contacts].sort(
        (x, y) => textOrder(y.lastname, x.lastname) || idOrder(x.id, y.id),
      );
      const first = await body(
        'contacts',
        '<fetch count="5"><entity name="contact"><attribute name="lastname"/><order attribute="lastname" descending="true"/></entity></fetch>',
        ALL,
      );
      assert.deepEqual(
        values(first).map((r) => r.contactid),
        order.slice(0, 5).map((c) => c.id),
      );
      assert.equal(first['@Microsoft.Dynamics.CRM.morerecords'], true);
      const beyond = await body(
        'contacts',
        `<fetch count="5" page="${Math.ceil(data.contacts.length / 5) + 1}"><entity name="contact"><attribute name="lastname"/><order attribute="lastname" descending="true"/></entity></fetch>`,
        ALL,
      );
      assert.deepEqual(values(beyond), []);
      assert.equal(beyond['@Microsoft.Dynamics.CRM.morerecords'], undefined);
      const top = await rows(
        'contacts',
        '<fetch top="4"><entity name="contact"><attribute name="lastname"/><order attribute="lastname" descending="true"/><filter><condition attribute="numberofchildren" operator="not-null"/></filter></entity></fetch>',
      );
      assert.deepEqual(
        top.map((r) => r.contactid),
        order
          .filter((c) => c.children !== null)
          .slice(0, 4)
          .map((c) => c.id),
      );
    });

    it('returns every attribute with all-attributes, on the entity and on a link-entity', async () => {
      const got = await rows(
        'contacts',
        `<fetch><entity name="contact"><all-attributes/><filter><condition attribute="parentcustomerid" operator="not-null"/></filter>
           <link-entity name="account" from="accountid" to="parentcustomerid" link-type="outer" alias="a"><all-attributes/></link-entity></entity></fetch>`,
      );
      assert.equal(got.length, data.contacts.filter((c) => c.parentId !== null).length);
      for (const r of got) {
        const c = data.contacts.find((x) => x.id === r.contactid) as ContactRow;
        assert.equal(r.lastname, c.lastname);
        assert.equal(r.firstname, c.firstname);
        assert.equal(r.emailaddress1, c.email ?? undefined);
        assert.equal(r.numberofchildren, c.children ?? undefined);
        assert.equal(r.birthdate, c.birthdate ?? undefined);
        assert.equal(r._parentcustomerid_value, c.parentId);
        assert.equal(r.createdon, c.createdon);
        const a = accountOf(c);
        assert.equal(r['a.accountid'], a?.id);
        assert.equal(r['a.name'], a?.name);
        assert.equal(r['a.numberofemployees'], a?.numberofemployees ?? undefined);
        assert.equal(r['a.parentaccountid'], a?.parent ?? undefined);
      }
    });

    it('accepts the hint attributes Dataverse allows without changing the rows', async () => {
      const plain = await contactIds(
        `<order attribute="lastname"/><filter type="or"><condition attribute="numberofchildren" operator="gt" value="3"/><condition attribute="address1_city" operator="in"><value>Paris</value><value>Oslo</value></condition></filter>`,
      );
      const expected = [...data.contacts]
        .filter(
          (c) => (c.children !== null && c.children > 3) || same(c.city, 'paris') || same(c.city, 'oslo'),
        )
        .sort((x, y) => textOrder(x.lastname, y.lastname) || idOrder(x.id, y.id))
        .map((c) => c.id);
      assert.deepEqual(plain, expected);
      const hinted = (
        await rows(
          'contacts',
          `<fetch version="1.0" mapping="logical" output-format="xml-platform" no-lock="true" latematerialize="true" options="OptimizeForUnknown" datasource="retained" useraworderby="false" min-active-row-version="1">
             <entity name="contact" enableprefiltering="1" prefilterparametername="CRM_contact">
               <attribute name="contactid" build="1.0" addedby="someone"/><order attribute="lastname" descending="false"/>
               <filter type="or" hint="union" isquickfindfields="true" overridequickfindrecordlimitenabled="false" overridequickfindrecordlimitdisabled="false">
                 <condition attribute="numberofchildren" operator="gt" value="3" uihidden="0"/>
                 <condition attribute="address1_city" operator="in"><value uiname="Paris" uitype="x">Paris</value><value>Oslo</value></condition>
               </filter>
               <link-entity name="account" from="accountid" to="parentcustomerid" link-type="outer" enableprefiltering="false" prefilterparametername="CRM_account" visible="true"/>
             </entity></fetch>`,
        )
      ).map((r) => String(r.contactid));
      assert.deepEqual(hinted, expected);
    });

    it('refuses rowaggregate, conditions on aggregates and fiscal date grouping with a 400', async () => {
      const refused: [string, RegExp][] = [
        [
          '<fetch><entity name="account"><attribute name="accountid" rowaggregate="CountChildren" alias="n"/></entity></fetch>',
          /rowaggregate/,
        ],
        [
          '<fetch aggregate="true"><entity name="account"><attribute name="accountid" alias="n" aggregate="count"/><filter><condition alias="n" aggregate="count" operator="gt" value="1"/></filter></entity></fetch>',
          /aggregate/,
        ],
        [
          '<fetch aggregate="true"><entity name="account"><attribute name="accountid" alias="n" aggregate="count"/><attribute name="createdon" alias="fy" groupby="true" dategrouping="fiscal-year"/></entity></fetch>',
          /fiscal-year/,
        ],
      ];
      for (const [xml, message] of refused)
        expectError(await get('accounts', xml), 400, '0x80040303', message);
    });
  });
}
