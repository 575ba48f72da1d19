/**
 * Differential test of the OData front end: the same dataset and the same queries on every store
 * (DuckDB always, PostgreSQL when SEGMENTD_TEST_DATABASE_URL is set) must give the same rows in
 * the same order; and for each query the member ids are also computed independently in
 * JavaScript, so a single store is checked against the expected answer too.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatDateTime } from '../../src/engine/values.ts';
import { storeTargets } from '../support/stores.ts';
import { json, openTestApi } from './harness.ts';

interface Account {
  accountid: string;
  name: string;
  industrycode: number | null;
  revenue: number | null;
}

interface Contact {
  contactid: string;
  firstname: string | null;
  lastname: string;
  address1_city: string | null;
  emailaddress1: string | null;
  birthdate: string | null;
  annualincome: number | null;
  numberofchildren: number | null;
  donotemail: boolean;
  account: number | null;
  createdDaysAgo: number;
}

const hex = (n: number, width: number) => n.toString(16).padStart(width, '0');
const guid = (kind: number, i: number) => `${hex(kind, 8)}-0000-4000-8000-${hex(i, 12)}`;

const CITIES = ['Paris', 'paris', 'PARIS', 'London', 'Zürich', 'New York', "O'Fallon", null];
const FIRST = ['Ada', 'ada', 'Émile', 'Zoë', null, 'Bob', 'alice', 'Carl'];
const LAST = ['Smith', 'smith', 'Smythe', 'Jones', "O'Brien", 'de la Cruz', 'Müller', 'Ng'];

const accounts: Account[] = Array.from({ length: 6 }, (_, i) => ({
  accountid: guid(1, i),
  name: ['Contoso', 'Fabrikam', 'contoso ltd', 'Adventure Works', 'Northwind', 'Litware'][i] ?? 'x',
  industrycode: i % 3 === 2 ? null : ([7, 16, 20, 30][i % 4] ?? null),
  revenue: i === 4 ? null : (i + 1) * 1_000_000.5,
}));

const contacts: Contact[] = Array.from({ length: 64 }, (_, i) => ({
  contactid: guid(2, i),
  firstname: FIRST[i % FIRST.length] ?? null,
  lastname: LAST[(i * 3) % LAST.length] ?? 'x',
  address1_city: CITIES[(i * 5) % CITIES.length] ?? null,
  emailaddress1: i % 7 === 0 ? null : `person${i}@${i % 2 === 0 ? 'contoso.com' : 'example.org'}`,
  birthdate:
    i % 9 === 0
      ? null
      : `${1950 + ((i * 7) % 50)}-${String(1 + (i % 12)).padStart(2, '0')}-${String(1 + ((i * 11) % 28)).padStart(2, '0')}`,
  annualincome: i % 5 === 0 ? null : 20000 + i * 1234.5,
  numberofchildren: i % 4 === 0 ? null : i % 4,
  donotemail: i % 3 === 0,
  account: i % 6 === 5 ? null : i % accounts.length,
  createdDaysAgo: i % 40,
}));

const lower = (s: string | null) => (s === null ? null : s.toLowerCase());
const acct = (c: Contact) => (c.account === null ? undefined : accounts[c.account]);

interface Case {
  name: string;
  query: string;
  /** The ids the query selects, computed here; omitted where the order is what is compared. */
  expect?: (c: Contact) => boolean;
  /** The rows must come in exactly this order (as ids). */
  order?: (a: Contact, b: Contact) => number;
}

const cases: Case[] = [
  {
    name: 'eq is case-insensitive',
    query: "$filter=address1_city eq 'paris'",
    expect: (c) => lower(c.address1_city) === 'paris',
  },
  {
    name: 'ne skips nulls',
    query: "$filter=address1_city ne 'paris'",
    expect: (c) => c.address1_city !== null && lower(c.address1_city) !== 'paris',
  },
  { name: 'eq null', query: '$filter=emailaddress1 eq null', expect: (c) => c.emailaddress1 === null },
  { name: 'ne null', query: '$filter=emailaddress1 ne null', expect: (c) => c.emailaddress1 !== null },
  {
    name: 'contains',
    query: "$filter=contains(emailaddress1,'CONTOSO')",
    expect: (c) => lower(c.emailaddress1)?.includes('contoso') === true,
  },
  {
    name: 'startswith with quote',
    query: "$filter=startswith(address1_city,'o''f')",
    expect: (c) => lower(c.address1_city)?.startsWith("o'f") === true,
  },
  {
    name: 'endswith',
    query: "$filter=endswith(lastname,'TH')",
    expect: (c) => c.lastname.toLowerCase().endsWith('th'),
  },
  {
    name: 'non-ASCII equality',
    query: "$filter=address1_city eq 'zürich'",
    expect: (c) => lower(c.address1_city) === 'zürich',
  },
  {
    name: 'numbers and and/or',
    query: '$filter=numberofchildren ge 2 or annualincome lt 30000',
    expect: (c) => (c.numberofchildren ?? -1) >= 2 || (c.annualincome !== null && c.annualincome < 30000),
  },
  {
    name: 'not',
    query: '$filter=not (numberofchildren eq 1)',
    expect: (c) => c.numberofchildren !== null && c.numberofchildren !== 1,
  },
  { name: 'boolean', query: '$filter=donotemail eq true', expect: (c) => c.donotemail },
  {
    name: 'arithmetic',
    query: '$filter=numberofchildren mul 2 add 1 gt 4',
    expect: (c) => c.numberofchildren !== null && c.numberofchildren * 2 + 1 > 4,
  },
  {
    name: 'date-only comparison',
    query: '$filter=birthdate lt 1970-01-01',
    expect: (c) => c.birthdate !== null && c.birthdate < '1970-01-01',
  },
  {
    name: 'in',
    query: "$filter=address1_city in ('London','NEW YORK')",
    expect: (c) => ['london', 'new york'].includes(lower(c.address1_city) ?? ''),
  },
  {
    name: 'Microsoft.Dynamics.CRM.In',
    query: "$filter=Microsoft.Dynamics.CRM.In(PropertyName='lastname',PropertyValues=['smith','Ng'])",
    expect: (c) => ['smith', 'ng'].includes(c.lastname.toLowerCase()),
  },
  {
    name: 'Between',
    query: "$filter=Microsoft.Dynamics.CRM.Between(PropertyName='numberofchildren',PropertyValues=['1','2'])",
    expect: (c) => c.numberofchildren !== null && c.numberofchildren >= 1 && c.numberofchildren <= 2,
  },
  {
    name: 'LastXDays on createdon',
    query: "$filter=Microsoft.Dynamics.CRM.LastXDays(PropertyName='createdon',PropertyValue=10)",
    expect: (c) => c.createdDaysAgo <= 10,
  },
  {
    name: 'OlderThanXDays on createdon',
    query: "$filter=Microsoft.Dynamics.CRM.OlderThanXDays(PropertyName='createdon',PropertyValue=20)",
    expect: (c) => c.createdDaysAgo > 20,
  },
  {
    name: 'lookup value',
    query: `$filter=_parentcustomerid_value eq ${guid(1, 2)}`,
    expect: (c) => c.account === 2,
  },
  {
    name: 'navigation path',
    query: "$filter=parentcustomerid_account/name eq 'CONTOSO'",
    expect: (c) => lower(acct(c)?.name ?? null) === 'contoso',
  },
  {
    name: 'navigation path, null target property',
    query: '$filter=parentcustomerid_account/industrycode eq null',
    expect: (c) => acct(c)?.industrycode === null || acct(c) === undefined,
  },
  {
    name: 'navigation path numbers',
    query: '$filter=parentcustomerid_account/revenue gt 3000000',
    expect: (c) => (acct(c)?.revenue ?? 0) > 3000000,
  },
  {
    name: 'order by string desc, nulls last, then key',
    query: '$orderby=address1_city desc&$select=address1_city',
    order: (a, b) => {
      const x = lower(a.address1_city);
      const y = lower(b.address1_city);
      if (x === y) return 0;
      if (x === null) return 1;
      if (y === null) return -1;
      return x < y ? 1 : -1;
    },
  },
  {
    name: 'order by two keys',
    query: '$orderby=numberofchildren asc,lastname desc&$select=numberofchildren,lastname',
    order: (a, b) => {
      const x = a.numberofchildren;
      const y = b.numberofchildren;
      if (x !== y) return x === null ? -1 : y === null ? 1 : x - y;
      const s = a.lastname.toLowerCase();
      const t = b.lastname.toLowerCase();
      return s === t ? 0 : s < t ? 1 : -1;
    },
  },
  { name: 'top', query: '$top=5&$orderby=annualincome desc&$select=annualincome' },
  { name: 'count with filter', query: "$count=true&$filter=contains(lastname,'sm')&$select=lastname" },
  {
    name: 'order by a navigation path',
    query: '$orderby=parentcustomerid_account/name asc&$select=lastname',
  },
  {
    name: 'expand single-valued',
    query: '$select=lastname&$expand=parentcustomerid_account($select=name,industrycode)&$top=20',
  },
];

/** Values each store makes up itself: version numbers and the default owner's and business unit's ids. */
const PER_STORE = new Set([
  '@odata.etag',
  'versionnumber',
  '_createdby_value',
  '_modifiedby_value',
  '_ownerid_value',
  '_owninguser_value',
  '_owningbusinessunit_value',
  'modifiedon',
]);

/** What a response says, minus what legitimately differs between stores (version numbers). */
function comparable(body: Record<string, unknown>): unknown {
  return JSON.parse(JSON.stringify(body, (k, v: unknown) => (PER_STORE.has(k) ? undefined : v)));
}

describe('OData queries give the same rows on every store', () => {
  const now = Date.now();
  const results = new Map<string, Map<string, unknown>>();

  for (const target of storeTargets()) {
    it(`runs every query (${target.name})`, async () => {
      const api = await openTestApi(target);
      try {
        await api.records.createMultiple(
          'account',
          accounts.map((a) => ({ ...a })),
        );
        await api.records.createMultiple(
          'contact',
          contacts.map((c) => ({
            contactid: c.contactid,
            firstname: c.firstname,
            lastname: c.lastname,
            address1_city: c.address1_city,
            emailaddress1: c.emailaddress1,
            birthdate: c.birthdate,
            annualincome: c.annualincome,
            numberofchildren: c.numberofchildren,
            donotemail: c.donotemail,
            parentcustomerid: c.account === null ? null : (accounts[c.account]?.accountid ?? null),
            parentcustomeridtype: c.account === null ? null : 'account',
            overriddencreatedon: formatDateTime(new Date(now - c.createdDaysAgo * 86_400_000 - 3_600_000)),
          })),
        );
        const mine = new Map<string, unknown>();
        for (const c of cases) {
          const res = await api.request({ url: `contacts?${c.query.replaceAll(' ', '%20')}` });
          assert.equal(res.statusCode, 200, `${c.name}: ${res.body}`);
          const body = json(res);
          const ids = (body.value as { contactid: string }[]).map((r) => r.contactid);
          if (c.expect !== undefined) {
            const expected = contacts.filter(c.expect).map((x) => x.contactid);
            assert.deepEqual([...ids].sort(), expected.sort(), `${c.name} (${target.name})`);
          }
          if (c.order !== undefined) {
            const cmp = c.order;
            // Ties fall back to the insertion (surrogate key) order, which is the array order.
            const expected = contacts
              .map((x, i) => ({ x, i }))
              .sort((p, q) => cmp(p.x, q.x) || p.i - q.i)
              .map((p) => p.x.contactid);
            assert.deepEqual(ids, expected, `${c.name} (${target.name})`);
          }
          mine.set(c.name, comparable(body));
        }
        results.set(target.name, mine);
      } finally {
        await api.close();
      }
    });
  }

  it(
    'agrees across stores',
    { skip: storeTargets().length < 2 ? 'only one store configured' : false },
    () => {
      const [first, ...rest] = [...results.values()];
      assert.ok(first);
      for (const other of rest)
        for (const c of cases) assert.deepEqual(other.get(c.name), first.get(c.name), c.name);
    },
  );
});
