import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RecordService } from '../../../src/engine/records.ts';
import type { Row } from '../../../src/ir/nodes.ts';
import { schemaFromDocument } from '../../../src/metadata/schema-file.ts';
import { parseSegmentQuery } from '../../../src/segment/language/index.ts';
import { lowerSegmentQuery, SegmentLoweringError } from '../../../src/segment/lower/index.ts';
import { validateSegmentQuery } from '../../../src/segment/validation/index.ts';
import type { Store } from '../../../src/store/store.ts';
import { storeTargets, withStore } from '../../support/stores.ts';

/**
 * Segment queries run end to end (parse → validate → lower → SQL on every store) over a small
 * dataset, with the expected members computed independently in JavaScript from the same data.
 */

const schema = schemaFromDocument(undefined);
const NOW = new Date('2021-06-01T12:34:56Z');

interface Account {
  id: string;
  name: string;
  city: string | null;
  employees: number | null;
  parent: string | null;
}

interface Contact {
  id: string;
  first: string;
  last: string;
  city: string | null;
  birth: string | null;
  children: number | null;
  job: string | null;
  noEmail: boolean;
  /** [id, entity] of parentcustomerid. */
  parent: [string, 'account' | 'contact'] | null;
}

const id = (prefix: string, n: number) => `${prefix}0000000-0000-4000-8000-00000000000${n}`;
const A = (n: number) => id('a', n);
const C = (n: number) => id('c', n);

// Batches are inserted in order, so lookups point at rows written by an earlier batch.
const accountBatches: Account[][] = [
  [
    { id: A(1), name: 'Contoso', city: 'Seattle', employees: 100, parent: null },
    { id: A(4), name: 'Adatum', city: 'Paris', employees: 5, parent: null },
  ],
  [{ id: A(2), name: 'Fabrikam', city: 'seattle', employees: 20, parent: A(1) }],
  [
    { id: A(3), name: 'Litware', city: null, employees: null, parent: A(2) },
    { id: A(5), name: 'Northwind', city: 'Berlin', employees: 7, parent: A(1) },
  ],
];
const contactBatches: Contact[][] = [
  [
    {
      id: C(1),
      first: 'Ann',
      last: 'Smith',
      city: 'Seattle',
      birth: '1980-05-01',
      children: 2,
      job: null,
      noEmail: false,
      parent: [A(1), 'account'],
    },
    {
      id: C(2),
      first: 'bob',
      last: 'SMITH',
      city: null,
      birth: '1995-12-31',
      children: null,
      job: 'buyer',
      noEmail: false,
      parent: [A(2), 'account'],
    },
    {
      id: C(3),
      first: 'Carl',
      last: 'Jones',
      city: 'Paris',
      birth: null,
      children: 0,
      job: null,
      noEmail: false,
      parent: [A(3), 'account'],
    },
    {
      id: C(5),
      first: 'Eve',
      last: 'Brown',
      city: 'London',
      birth: '1980-05-01',
      children: 1,
      job: '100 sales',
      noEmail: false,
      parent: null,
    },
    {
      id: C(6),
      first: 'Finn',
      last: 'Green',
      city: 'paris',
      birth: '1999-07-15',
      children: 3,
      job: '100% sales',
      noEmail: false,
      parent: [A(4), 'account'],
    },
  ],
  [
    {
      id: C(4),
      first: 'Dana',
      last: 'jones',
      city: 'PARIS',
      birth: '2001-01-01',
      children: 5,
      job: null,
      noEmail: true,
      parent: [C(1), 'contact'],
    },
  ],
];
const accounts = accountBatches.flat();
const contacts = contactBatches.flat();

async function seed(store: Store): Promise<void> {
  const records = new RecordService(store, { now: () => NOW });
  for (const batch of accountBatches) {
    await records.createMultiple(
      'account',
      batch.map((a) => ({
        accountid: a.id,
        name: a.name,
        address1_city: a.city,
        numberofemployees: a.employees,
        parentaccountid: a.parent,
      })),
    );
  }
  for (const batch of contactBatches) {
    await records.createMultiple(
      'contact',
      batch.map((c) => ({
        contactid: c.id,
        firstname: c.first,
        lastname: c.last,
        address1_city: c.city,
        birthdate: c.birth,
        numberofchildren: c.children,
        jobtitle: c.job,
        donotemail: c.noEmail,
        parentcustomerid: c.parent?.[0] ?? null,
        parentcustomeridtype: c.parent?.[1] ?? null,
      })),
    );
  }
}

// ---- the JavaScript model of the language's meaning --------------------------------------------

/** Case-insensitive equality that is unknown (false) when either side is null. */
const eqCi = (a: string | null, b: string | null) =>
  a !== null && b !== null && a.toLowerCase() === b.toLowerCase();
const accountOf = (c: Contact) =>
  c.parent?.[1] === 'account' ? accounts.find((a) => a.id === c.parent?.[0]) : undefined;
const parentOf = (a: Account) => accounts.find((p) => p.id === a.parent);
const contactIds = (f: (c: Contact) => boolean) => contacts.filter(f).map((c) => c.id);
const accountIds = (f: (a: Account) => boolean) => accounts.filter(f).map((a) => a.id);
/** Whole calendar years crossed from `birth` to 2021-01-01. */
const yearsTo2021 = (birth: string) => 2021 - Number(birth.slice(0, 4));

interface Case {
  readonly name: string;
  readonly query: string;
  readonly expected: () => string[];
}

const cases: Case[] = [
  { name: 'a whole profile', query: 'PROFILE(contact)', expected: () => contactIds(() => true) },
  {
    name: 'strings compare case-insensitively',
    query: "PROFILE(contact).FILTER(address1_city == 'PARIS')",
    expected: () => contactIds((c) => eqCi(c.city, 'paris')),
  },
  {
    name: '!= does not select nulls',
    query: "PROFILE(contact).FILTER(address1_city != 'Seattle')",
    expected: () => contactIds((c) => c.city !== null && !eqCi(c.city, 'seattle')),
  },
  {
    name: 'NOT of an unknown condition is not true',
    query: "PROFILE(contact).FILTER(NOT(address1_city == 'seattle'))",
    expected: () => contactIds((c) => c.city !== null && !eqCi(c.city, 'seattle')),
  },
  {
    name: 'ISNULL',
    query: 'PROFILE(contact).FILTER(ISNULL(address1_city))',
    expected: () => contactIds((c) => c.city === null),
  },
  {
    name: 'ISNOTNULL and a date compared to text',
    query: "PROFILE(contact).FILTER(ISNOTNULL(birthdate) && birthdate < '1990-01-01')",
    expected: () => contactIds((c) => c.birth !== null && c.birth < '1990-01-01'),
  },
  {
    name: '|| over text and numbers',
    query: "PROFILE(contact).FILTER(lastname == 'smith' || numberofchildren > 4)",
    expected: () => contactIds((c) => eqCi(c.last, 'smith') || (c.children ?? -1) > 4),
  },
  {
    name: 'CONTAINS is case-insensitive',
    query: "PROFILE(contact).FILTER(firstname CONTAINS 'AN')",
    expected: () => contactIds((c) => c.first.toLowerCase().includes('an')),
  },
  {
    name: 'STARTSWITH and ENDSWITH',
    query: "PROFILE(contact).FILTER(lastname STARTSWITH 'j' || lastname ENDSWITH 'TH')",
    expected: () =>
      contactIds((c) => c.last.toLowerCase().startsWith('j') || c.last.toLowerCase().endsWith('th')),
  },
  {
    name: 'string tests take literal text, not wildcards',
    query: "PROFILE(contact).FILTER(jobtitle CONTAINS '0%' || jobtitle CONTAINS '_')",
    expected: () => contactIds((c) => c.job !== null && (c.job.includes('0%') || c.job.includes('_'))),
  },
  {
    name: 'arithmetic',
    query: 'PROFILE(contact).FILTER(numberofchildren + 1 > 3 || numberofchildren * 2 == 4)',
    expected: () => contactIds((c) => c.children !== null && (c.children + 1 > 3 || c.children * 2 === 4)),
  },
  {
    name: 'division of integers is not truncated',
    query: 'PROFILE(contact).FILTER(numberofchildren / 2 > 1)',
    expected: () => contactIds((c) => c.children !== null && c.children / 2 > 1),
  },
  {
    name: 'a decimal literal written with trailing zeros',
    query: 'PROFILE(contact).FILTER(numberofchildren / 2 >= 1.50)',
    expected: () => contactIds((c) => c.children !== null && c.children / 2 >= 1.5),
  },
  {
    name: 'a date-only property against a moment inside a day',
    query: "PROFILE(contact).FILTER(birthdate > '1995-12-30T12:00')",
    expected: () => contactIds((c) => c.birth !== null && c.birth >= '1995-12-31'),
  },
  {
    name: 'a date and time property against a date',
    query: "PROFILE(contact).FILTER(createdon >= '2021-06-01' && createdon < DATE(2021, 6, 1, 12, 35))",
    expected: () => contactIds(() => true),
  },
  {
    name: 'DATE and DATEDIFF',
    query:
      'PROFILE(contact).FILTER(birthdate >= DATE(1995, 12, 31) || DATEDIFF(YEAR, birthdate, DATE(2021, 1, 1)) >= 41)',
    expected: () =>
      contactIds((c) => c.birth !== null && (c.birth >= '1995-12-31' || yearsTo2021(c.birth) >= 41)),
  },
  {
    name: 'DATEADD and DATETIMEUTCNOW',
    query: 'PROFILE(contact).FILTER(DATEADD(YEAR, 40, birthdate) < DATETIMEUTCNOW())',
    expected: () => contactIds((c) => c.birth !== null && Number(c.birth.slice(0, 4)) + 40 <= 2021),
  },
  {
    name: 'a boolean property as a condition',
    query: 'PROFILE(contact).FILTER(donotemail)',
    expected: () => contactIds((c) => c.noEmail),
  },
  {
    name: 'TRAVERSE from contact to account',
    query: "PROFILE(contact).FILTER(lastname == 'smith').TRAVERSE(contact_account_parentcustomerid)",
    expected: () => accountIds((a) => contacts.some((c) => eqCi(c.last, 'smith') && accountOf(c) === a)),
  },
  {
    name: 'TRAVERSE from account to contact (polymorphic lookup)',
    query: "PROFILE(account).FILTER(address1_city == 'SEATTLE').TRAVERSE(contact_account_parentcustomerid)",
    expected: () => contactIds((c) => eqCi(accountOf(c)?.city ?? null, 'seattle')),
  },
  {
    name: 'a TRAVERSE filter comparing with an earlier alias',
    query:
      'PROFILE(account, a).TRAVERSE(contact_account_parentcustomerid, c, FILTER(c.address1_city == a.address1_city))',
    expected: () => contactIds((c) => eqCi(c.city, accountOf(c)?.city ?? null)),
  },
  {
    name: 'a filter mixing two steps under ||',
    query:
      "PROFILE(account, a).TRAVERSE(contact_account_parentcustomerid, c).FILTER(a.name STARTSWITH 'fab' || c.numberofchildren >= 2)",
    expected: () =>
      contactIds((c) => {
        const a = accountOf(c);
        return a !== undefined && (a.name.toLowerCase().startsWith('fab') || (c.children ?? -1) >= 2);
      }),
  },
  {
    name: 'three steps with a reference back to the first',
    query:
      "PROFILE(contact, c).FILTER(c.lastname == 'jones').TRAVERSE(contact_account_parentcustomerid, a).TRAVERSE(account_account_parentaccountid, p).FILTER(p.numberofemployees > c.numberofchildren)",
    expected: () =>
      accountIds((p) =>
        contacts.some((c) => {
          const a = accountOf(c);
          return (
            eqCi(c.last, 'jones') &&
            a !== undefined &&
            parentOf(a) === p &&
            p.employees !== null &&
            c.children !== null &&
            p.employees > c.children
          );
        }),
      ),
  },
  {
    name: 'many paths to one row give it once',
    query:
      'PROFILE(contact).TRAVERSE(contact_account_parentcustomerid).TRAVERSE(account_account_parentaccountid)',
    expected: () =>
      accountIds((p) =>
        contacts.some((c) => {
          const a = accountOf(c);
          return a !== undefined && parentOf(a) === p;
        }),
      ),
  },
  {
    name: 'a self-referencing relationship goes to the row the lookup points at',
    query: "PROFILE(contact).FILTER(firstname == 'dana').TRAVERSE(contact_contact_parentcustomerid)",
    expected: () => [C(1)],
  },
  {
    name: 'UNION',
    query:
      "PROFILE(contact).FILTER(address1_city == 'paris') UNION PROFILE(contact).FILTER(lastname == 'smith')",
    expected: () => contactIds((c) => eqCi(c.city, 'paris') || eqCi(c.last, 'smith')),
  },
  {
    name: 'INTERSECT',
    query:
      "PROFILE(contact).FILTER(numberofchildren >= 1) INTERSECT PROFILE(contact).FILTER(birthdate < '2000-01-01')",
    expected: () => contactIds((c) => (c.children ?? -1) >= 1 && c.birth !== null && c.birth < '2000-01-01'),
  },
  {
    name: 'EXCEPT keeps rows whose condition is unknown',
    query: "PROFILE(contact) EXCEPT PROFILE(contact).FILTER(address1_city == 'Seattle')",
    expected: () => contactIds((c) => !eqCi(c.city, 'seattle')),
  },
  {
    name: 'EXCEPT a UNION',
    query:
      "PROFILE(contact) EXCEPT (PROFILE(contact).FILTER(lastname == 'smith') UNION PROFILE(contact).FILTER(ISNULL(birthdate)))",
    expected: () => contactIds((c) => !eqCi(c.last, 'smith') && c.birth !== null),
  },
  {
    name: 'EXCEPT over a traversal',
    query: 'PROFILE(account) EXCEPT PROFILE(contact).TRAVERSE(contact_account_parentcustomerid)',
    expected: () => accountIds((a) => !contacts.some((c) => accountOf(c) === a)),
  },
];

function lower(text: string) {
  const parsed = parseSegmentQuery(text);
  if (parsed.errors !== undefined) assert.fail(parsed.errors.map((e) => e.message).join('; '));
  assert.deepEqual(
    validateSegmentQuery(parsed.ast, { schema }).map((e) => e.message),
    [],
  );
  return lowerSegmentQuery(parsed.ast, { schema, now: NOW });
}

const sorted = (ids: string[]) => [...ids].sort();
const idsOf = (rows: Row[]) => rows.map((r) => r['id'] as string);

/** Case-insensitive order with nulls first, as the IR orders strings. */
const byText = (a: string | null, b: string | null) =>
  a === b
    ? 0
    : a === null
      ? -1
      : b === null
        ? 1
        : a.toLowerCase() < b.toLowerCase()
          ? -1
          : a.toLowerCase() > b.toLowerCase()
            ? 1
            : 0;

for (const target of storeTargets()) {
  describe(`segment query lowering (${target.name})`, () => {
    it('gives the members the language defines', (t) =>
      withStore(target, schema, async (store) => {
        await seed(store);
        for (const c of cases) {
          await t.test(c.name, async () => {
            const { query } = lower(c.query);
            const ids = idsOf(await store.select(query));
            assert.equal(new Set(ids).size, ids.length, 'no duplicates');
            assert.deepEqual(sorted(ids), sorted(c.expected()), c.query);
          });
        }
      }));

    it('returns an ordered page with the selected columns', () =>
      withStore(target, schema, async (store) => {
        await seed(store);
        const { query, entity } = lower(
          'PROFILE(contact).ORDERBY(lastname, firstname DESC).SKIP(1).TAKE(3).SELECT(firstname, lastname)',
        );
        assert.equal(entity.logicalName, 'contact');
        const rows = await store.select(query);
        const expected = [...contacts]
          .sort((a, b) => byText(a.last, b.last) || -byText(a.first, b.first) || (a.id < b.id ? -1 : 1))
          .slice(1, 4)
          .map((c) => ({ id: c.id, firstname: c.first, lastname: c.last }));
        assert.deepEqual(rows, expected);
      }));

    it('orders a set operation, breaking ties by the primary key', () =>
      withStore(target, schema, async (store) => {
        await seed(store);
        const { query } = lower(
          "(PROFILE(contact).FILTER(address1_city == 'paris') UNION PROFILE(contact).FILTER(lastname == 'smith')).ORDERBY(birthdate DESC).TAKE(4)",
        );
        const expected = contacts
          .filter((c) => eqCi(c.city, 'paris') || eqCi(c.last, 'smith'))
          .sort((a, b) => -byText(a.birth, b.birth) || (a.id < b.id ? -1 : 1))
          .slice(0, 4)
          .map((c) => c.id);
        assert.deepEqual(idsOf(await store.select(query)), expected);
      }));
  });
}

describe('segment query lowering: names it cannot resolve', () => {
  for (const text of ['SEGMENT(abc)', 'INTERACTION(EmailClicked, contact).HAVING(COUNT() > 2)']) {
    it(`refuses ${text} as a query that would not validate`, () => {
      const parsed = parseSegmentQuery(text);
      assert.equal(parsed.errors, undefined);
      assert.throws(
        () => lowerSegmentQuery(parsed.ast, { schema }),
        (e: unknown) => e instanceof SegmentLoweringError && e.reason === 'Invalid',
      );
    });
  }
});
