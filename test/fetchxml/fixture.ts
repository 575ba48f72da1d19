import { DataverseError } from '../../src/engine/errors.ts';
import type { RecordService } from '../../src/engine/records.ts';
import { attrRef, entitySource, keyRef, select } from '../../src/ir/build.ts';
import type { Store } from '../../src/store/store.ts';
import { prng } from '../support/prng.ts';

/**
 * A small seeded data set for the FetchXML tests, kept in memory as plain objects so every test
 * computes its expected rows with TypeScript predicates, independently of the implementation.
 * Accounts form two hierarchies; contacts point at accounts or other contacts; three segments
 * hold overlapping members. Dates relative to "now" sit at midday UTC, far from day boundaries.
 */

export interface AccountRow {
  id: string;
  name: string;
  numberofemployees: number | null;
  revenue: number | null;
  industrycode: number | null;
  city: string | null;
  parent: string | null;
}

export interface ContactRow {
  id: string;
  firstname: string;
  lastname: string;
  email: string | null;
  children: number | null;
  income: number | null;
  birthdate: string | null;
  createdon: string;
  gender: number | null;
  donotemail: boolean;
  city: string | null;
  parentId: string | null;
  parentType: 'account' | 'contact' | null;
}

export interface SegmentRow {
  id: string;
  name: string;
  members: string[];
}

export interface Dataset {
  accounts: AccountRow[];
  contacts: ContactRow[];
  segments: SegmentRow[];
  /** Midday UTC of the day the data was made. */
  today: Date;
}

const FIRST = ['Ada', 'Alan', 'Grace', 'Edsger', 'Barbara', 'Donald', 'John', 'Frances', 'Ken', 'Radia'];
const LAST = [
  'smith',
  'Smith',
  'SMITH',
  "O'Brien",
  'Ng%',
  'under_score',
  '[bracket]',
  'Lovelace',
  'Turing',
  'Hopper',
  'Zed',
];
const CITIES = ['Seattle', 'seattle', 'Redmond', 'Paris', 'Oslo'];
const DAY = 86_400_000;

export const iso = (d: Date) => d.toISOString().replace(/\.\d{3}Z$/, 'Z');

/** The accounts: A0 ← A1 ← A2 ← A3, A0 ← A4, A5 ← A6, A7 alone (← = child of). */
const ACCOUNTS: [string, number | null, number | null, number | null, string | null, number | null][] = [
  ['Contoso', 500, 5000000, 7, 'Seattle', null],
  ['Contoso East', 120, 1200000.5, 7, 'Redmond', 0],
  ['Contoso East Lab', 12, null, 16, 'Redmond', 1],
  ['Contoso East Lab Annex', null, 10.25, null, null, 2],
  ['Contoso West', 80, 300000, 16, 'Seattle', 0],
  ['Fabrikam', 2900, 2900000, 20, 'Paris', null],
  ['Fabrikam Labs', 2900, null, 20, 'Paris', 5],
  ['Northwind', null, null, 30, 'Oslo', null],
];

async function keysOf(store: Store, entity: string, idAttribute: string): Promise<Map<string, number>> {
  const rows = await store.select(
    select(entitySource(entity, 'r'), [
      { expr: keyRef('r'), as: 'k' },
      { expr: attrRef('r', idAttribute), as: 'id' },
    ]),
  );
  return new Map(rows.map((r) => [String(r.id), Number(r.k)]));
}

export async function loadDataset(
  records: RecordService,
  store: Store,
  seed = 7,
  contactCount = 45,
): Promise<Dataset> {
  const rnd = prng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)] as T;
  const maybe = <T>(p: number, v: () => T): T | null => (rnd() < p ? v() : null);
  const now = new Date();
  const today = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate(), 12));

  const accounts: AccountRow[] = [];
  for (const [name, employees, revenue, industry, city, parent] of ACCOUNTS) {
    const parentId = parent === null ? null : (accounts[parent]?.id ?? null);
    const { id } = await records.create('account', {
      name,
      numberofemployees: employees,
      revenue,
      industrycode: industry,
      address1_city: city,
      parentaccountid: parentId,
    });
    accounts.push({
      id,
      name,
      numberofemployees: employees,
      revenue,
      industrycode: industry,
      city,
      parent: parentId,
    });
  }

  const contacts: ContactRow[] = [];
  for (let i = 0; i < contactCount; i++) {
    const firstname = pick(FIRST);
    const lastname = pick(LAST);
    const parentRoll = rnd();
    const parent: { id: string; type: 'account' | 'contact' } | null =
      parentRoll < 0.6
        ? { id: pick(accounts).id, type: 'account' }
        : parentRoll < 0.75 && contacts.length > 0
          ? { id: pick(contacts).id, type: 'contact' }
          : null;
    const row: Omit<ContactRow, 'id'> = {
      firstname,
      lastname,
      email: maybe(0.75, () => `${firstname.toLowerCase()}${i}@example.com`),
      children: maybe(0.8, () => Math.floor(rnd() * 6)),
      income: maybe(0.7, () => Math.round(rnd() * 200000 * 100) / 100),
      birthdate: maybe(0.8, () =>
        iso(new Date(Date.UTC(1950, 0, 1) + Math.floor(rnd() * 20000) * DAY)).slice(0, 10),
      ),
      createdon: iso(new Date(today.getTime() + (Math.floor(rnd() * 801) - 700) * DAY)),
      gender: maybe(0.85, () => (rnd() < 0.5 ? 1 : 2)),
      donotemail: rnd() < 0.3,
      city: maybe(0.8, () => pick(CITIES)),
      parentId: parent?.id ?? null,
      parentType: parent?.type ?? null,
    };
    const { id } = await records.create('contact', {
      firstname: row.firstname,
      lastname: row.lastname,
      emailaddress1: row.email,
      numberofchildren: row.children,
      annualincome: row.income,
      birthdate: row.birthdate,
      overriddencreatedon: row.createdon,
      gendercode: row.gender,
      donotemail: row.donotemail,
      address1_city: row.city,
      ...(parent !== null ? { parentcustomerid: parent.id, parentcustomeridtype: parent.type } : {}),
    });
    contacts.push({ id, ...row });
  }

  const segments: SegmentRow[] = [];
  const contactKeys = await keysOf(store, 'contact', 'contactid');
  for (const [n, name] of ['Newsletter', 'VIP', 'Empty'].entries()) {
    const { id } = await records.create('msdyncrm_segment', {
      msdyncrm_segmentname: name,
      msdyncrm_segmenttype: 192350001,
      statuscode: 192350000,
    });
    // Newsletter: every second contact; VIP: every third (overlapping); Empty: none.
    const members = n === 2 ? [] : contacts.filter((_, i) => i % (n + 2) === 0).map((c) => c.id);
    segments.push({ id, name, members });
  }
  const segmentKeys = await keysOf(store, 'msdyncrm_segment', 'msdyncrm_segmentid');
  for (const s of segments) {
    if (s.members.length === 0) continue;
    const keys = s.members.map((m) => contactKeys.get(m) ?? -1);
    await store.membership.add(segmentKeys.get(s.id) ?? -1, keys, new Date());
  }
  return { accounts, contacts, segments, today };
}

/** Case-insensitive text equality, as Dataverse compares. */
export const same = (a: string | null, b: string) => a !== null && a.toLowerCase() === b.toLowerCase();

/** A Dataverse LIKE pattern as a case-insensitive full-match regular expression. */
export function likeRegex(pattern: string): RegExp {
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern.charAt(i);
    const close = c === '[' ? pattern.indexOf(']', i + 2) : -1;
    if (c === '[' && close > i + 1) {
      const body = pattern.slice(i + 1, close);
      re += body.startsWith('^')
        ? `[^${body.slice(1).replace(/[\\\]]/g, '\\$&')}]`
        : `[${body.replace(/[\\\]]/g, '\\$&')}]`;
      i = close;
    } else if (c === '%') re += '.*';
    else if (c === '_') re += '.';
    else re += c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`, 'is');
}

/** Ids in a stable order, to compare result sets. */
export const sorted = (ids: Iterable<string>) => [...ids].sort();

/** The errors a FetchXML request may fail with (anything else is a bug). */
export function isExpectedError(err: unknown): boolean {
  return err instanceof DataverseError;
}
