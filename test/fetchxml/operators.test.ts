import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { OPERATORS } from '../../src/fetchxml/index.ts';
import { defaultQueryParameters } from '../../src/http/fetchxml-query.ts';
import type { TestApi } from '../http/harness.ts';
import { expectError, json, openTestApi } from '../http/harness.ts';
import { prng } from '../support/prng.ts';
import { storeTargets } from '../support/stores.ts';
import { likeRegex } from './fixture.ts';

/**
 * Every FetchXML condition operator, one query each, on every store, over `GET /{set}?fetchXml=`.
 * The rows are made here and the rows each operator selects are computed here too, by plain
 * TypeScript predicates over what was inserted; nothing is read back to build an expectation.
 *
 * The meanings the predicates implement: strings compare case-insensitively; a null never
 * satisfies a condition except `null` (so `ne`, `not-in`, `not-like`, `not-between`, `ne-userid`
 * skip nulls, as SQL comparisons do); dates are UTC; weeks start on Sunday; day-based relative
 * operators count whole days from midnight (`last-x-days` = from midnight X days ago until now,
 * `next-x-days` = from now until the end of the X-th day ahead, `olderthan-x-days` = before
 * midnight X days ago); month and year steps keep the day of the month (clamped to the month's
 * last day); hours and minutes count from now. On date-only columns "now" is today's date.
 *
 * Date-times are placed relative to the clock when the data is made, at least 15 minutes away
 * from every boundary a case can draw (midnights, now ± the X hours/minutes the cases use), and
 * each expectation is computed with the clock read right before its query, so neither the time a
 * run takes nor a midnight passing during it changes an answer.
 */

type Rec = Record<string, unknown>;

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const MARGIN = 15 * MINUTE;

// The X of the operators that count from now (hours, minutes): the data keeps away from them.
const LAST_HOURS = [1, 5, 30];
const NEXT_HOURS = [2, 30];
const OLDER_MINUTES = [45, 600];
const OLDER_HOURS = [3, 50];

/** The operators of Fetch.xsd (reference notes §5.2). */
const SCHEMA_OPERATORS = `eq neq ne gt ge le lt like not-like in not-in between not-between null not-null
  yesterday today tomorrow last-seven-days next-seven-days last-week this-week next-week last-month
  this-month next-month on on-or-before on-or-after last-year this-year next-year last-x-hours
  next-x-hours last-x-days next-x-days last-x-weeks next-x-weeks last-x-months next-x-months
  olderthan-x-months olderthan-x-years olderthan-x-weeks olderthan-x-days olderthan-x-hours
  olderthan-x-minutes last-x-years next-x-years eq-userid ne-userid eq-userteams eq-useroruserteams
  eq-useroruserhierarchy eq-useroruserhierarchyandteams eq-businessid ne-businessid eq-userlanguage
  this-fiscal-year this-fiscal-period next-fiscal-year next-fiscal-period last-fiscal-year
  last-fiscal-period last-x-fiscal-years last-x-fiscal-periods next-x-fiscal-years
  next-x-fiscal-periods in-fiscal-year in-fiscal-period in-fiscal-period-and-year
  in-or-before-fiscal-period-and-year in-or-after-fiscal-period-and-year begins-with not-begin-with
  ends-with not-end-with under eq-or-under not-under above eq-or-above contain-values
  not-contain-values`
  .trim()
  .split(/\s+/);

/**
 * The operators segmentd refuses (fiscal calendars, teams, user hierarchies and languages, and
 * multi-select choices are not modelled), with the values a client would send.
 */
const REFUSED: Record<string, { attribute: string; values: string[] }> = {
  'eq-userteams': { attribute: 'ownerid', values: [] },
  'eq-useroruserteams': { attribute: 'ownerid', values: [] },
  'eq-useroruserhierarchy': { attribute: 'ownerid', values: [] },
  'eq-useroruserhierarchyandteams': { attribute: 'ownerid', values: [] },
  'eq-userlanguage': { attribute: 'numberofchildren', values: [] },
  'this-fiscal-year': { attribute: 'createdon', values: [] },
  'this-fiscal-period': { attribute: 'createdon', values: [] },
  'next-fiscal-year': { attribute: 'createdon', values: [] },
  'next-fiscal-period': { attribute: 'createdon', values: [] },
  'last-fiscal-year': { attribute: 'createdon', values: [] },
  'last-fiscal-period': { attribute: 'createdon', values: [] },
  'last-x-fiscal-years': { attribute: 'createdon', values: ['2'] },
  'last-x-fiscal-periods': { attribute: 'createdon', values: ['2'] },
  'next-x-fiscal-years': { attribute: 'createdon', values: ['2'] },
  'next-x-fiscal-periods': { attribute: 'createdon', values: ['2'] },
  'in-fiscal-year': { attribute: 'createdon', values: ['2024'] },
  'in-fiscal-period': { attribute: 'createdon', values: ['3'] },
  'in-fiscal-period-and-year': { attribute: 'createdon', values: ['3', '2024'] },
  'in-or-before-fiscal-period-and-year': { attribute: 'createdon', values: ['3', '2024'] },
  'in-or-after-fiscal-period-and-year': { attribute: 'createdon', values: ['3', '2024'] },
  'contain-values': { attribute: 'gendercode', values: ['1', '2'] },
  'not-contain-values': { attribute: 'familystatuscode', values: ['1'] },
};

// ---- calendar arithmetic (UTC) --------------------------------------------------------------

const dayNo = (t: number) => Math.floor(t / DAY);
/** 1970-01-01 was a Thursday; shifting by 4 days makes every week number start on a Sunday. */
const weekNo = (t: number) => Math.floor((dayNo(t) + 4) / 7);
const monthNo = (t: number) => new Date(t).getUTCFullYear() * 12 + new Date(t).getUTCMonth();
const yearOf = (t: number) => new Date(t).getUTCFullYear();
const dateText = (t: number) => new Date(t).toISOString().slice(0, 10);
const instantText = (t: number) => new Date(t).toISOString().replace(/\.\d{3}Z$/, 'Z');

/** The day number of the calendar day `months` months from `t`'s day (day of month clamped). */
function dayMonthsAway(t: number, months: number): number {
  const d = new Date(t);
  const m = d.getUTCMonth() + months;
  const year = d.getUTCFullYear() + Math.floor(m / 12);
  const month = ((m % 12) + 12) % 12;
  const lastDay = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  return dayNo(Date.UTC(year, month, Math.min(d.getUTCDate(), lastDay)));
}

/** The clock, read away from a midnight (a query must not straddle the change of day). */
async function settledNow(): Promise<number> {
  const toMidnight = DAY - (Date.now() % DAY);
  if (toMidnight < 5000) await delay(toMidnight + 1000);
  return Date.now();
}

// ---- the data ---------------------------------------------------------------------------------

interface Person {
  id: string;
  firstname: string;
  lastname: string;
  email: string | null;
  city: string | null;
  children: number | null;
  income: number | null;
  credit: number | null;
  gender: number | null;
  family: number | null;
  donotemail: boolean;
  birthdate: string | null;
  anniversary: string | null;
  /** overriddencreatedon (also copied into createdon). */
  created: string | null;
  parent: { id: string; type: 'account' | 'contact' } | null;
  owner: string;
}

interface Node {
  id: string;
  parent: string | null;
}

interface Data {
  people: Person[];
  accounts: (Node & { name: string })[];
  units: Node[];
  users: (Node & { unit: string })[];
  systemUser: string;
  rootUnit: string;
}

const FIRST = ['Ada', 'Alan', 'Grace', 'Edsger', 'Barbara', 'Donald', 'Zed', 'Radia', 'Ken', 'Frances'];
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
  'zed',
  'Åström',
  'back\\slash',
];
const CITIES = ['Seattle', 'seattle', 'SEATTLE', 'Redmond', 'Paris', 'Oslo'];

/** Accounts A0 ← A1 ← A2 ← A3, A0 ← A4, A5 ← A6, A7 alone (← = child of). */
const ACCOUNT_PARENTS: (number | null)[] = [null, 0, 1, 2, 0, null, 5, null];

/** True when `t` keeps MARGIN away from every boundary the date cases can draw around `now`. */
function clearOfBoundaries(t: number, now: number): boolean {
  const intoDay = t - dayNo(t) * DAY;
  if (intoDay < MARGIN || DAY - intoDay < MARGIN) return false;
  const fromNow = [
    0,
    ...LAST_HOURS.map((h) => -h * HOUR),
    ...NEXT_HOURS.map((h) => h * HOUR),
    ...OLDER_MINUTES.map((m) => -m * MINUTE),
    ...OLDER_HOURS.map((h) => -h * HOUR),
  ];
  return fromNow.every((offset) => Math.abs(t - (now + offset)) >= MARGIN);
}

/**
 * Whether some date-time clear of every boundary (see `clearOfBoundaries`) falls inside the case's
 * window and some outside it. Right after midnight, `last-x-days 0` ([midnight, now]) and
 * `last-x-hours 1` hold no such instant: that is the clock's doing, not a data set too thin.
 */
function separable(c: Case, template: Person, now: number): boolean {
  let inside = false;
  let outside = false;
  for (let t = now - 3 * DAY; t <= now + 3 * DAY && !(inside && outside); t += 5 * MINUTE) {
    if (!clearOfBoundaries(t, now)) continue;
    const p: Person = { ...template, created: instantText(t), birthdate: dateText(t) };
    if (c.expect(p, now)) inside = true;
    else outside = true;
  }
  return inside && outside;
}

/** Date-times around `now`: near it, every day for weeks, the edges of weeks, months and years, far away. */
function instants(now: number): number[] {
  const today = dayNo(now) * DAY;
  const { y, m } = { y: new Date(now).getUTCFullYear(), m: new Date(now).getUTCMonth() };
  const out: number[] = [];
  for (const minutes of [
    20, 50, 70, 100, 130, 170, 250, 330, 400, 700, 1000, 1500, 1700, 1900, 2500, 3100, 4000,
  ])
    out.push(now - minutes * MINUTE, now + minutes * MINUTE);
  for (let d = -45; d <= 45; d++) out.push(today + d * DAY + 12 * HOUR);
  for (let d = -16; d <= 16; d++)
    out.push(today + d * DAY + 30 * MINUTE, today + d * DAY + DAY - 30 * MINUTE);
  for (let k = -14; k <= 14; k++) {
    const first = Date.UTC(y, m + k, 1);
    out.push(first + 30 * MINUTE, first - 30 * MINUTE);
  }
  for (let k = -3; k <= 3; k++) {
    const jan1 = Date.UTC(y + k, 0, 1);
    out.push(jan1 + 30 * MINUTE, jan1 - 30 * MINUTE);
  }
  for (let d = -800; d <= 800; d += 9) out.push(today + d * DAY + 9 * HOUR);
  out.push(Date.UTC(1990, 5, 15, 8), Date.UTC(2070, 5, 15, 8));
  const seconds = [...new Set(out.map((t) => Math.floor(t / 1000) * 1000))];
  return seconds.filter((t) => clearOfBoundaries(t, now)).sort((a, b) => a - b);
}

async function loadData(api: TestApi): Promise<Data> {
  const records = api.records;
  const defaults = await records.ensureDefaults();
  const rootUnit = defaults.businessUnitId;
  const systemUser = defaults.userId;
  const field = (await records.create('businessunit', { name: 'Field', parentbusinessunitid: rootUnit })).id;
  const units: Node[] = [
    { id: rootUnit, parent: null },
    { id: field, parent: rootUnit },
  ];
  const other = (
    await records.create('systemuser', {
      lastname: 'Other',
      domainname: 'other',
      businessunitid: field,
      parentsystemuserid: systemUser,
    })
  ).id;
  const third = (
    await records.create('systemuser', {
      lastname: 'Third',
      domainname: 'third',
      businessunitid: rootUnit,
      parentsystemuserid: other,
    })
  ).id;
  const users = [
    { id: systemUser, parent: null, unit: rootUnit },
    { id: other, parent: systemUser, unit: field },
    { id: third, parent: other, unit: rootUnit },
  ];

  const accounts: Data['accounts'] = [];
  for (const [i, p] of ACCOUNT_PARENTS.entries()) {
    const parent = p === null ? null : (accounts[p]?.id ?? null);
    const name = `A${i}`;
    const { id } = await records.create('account', { name, parentaccountid: parent });
    accounts.push({ id, name, parent });
  }

  const rnd = prng(20240601);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)] as T;
  const maybe = <T>(p: number, v: () => T): T | null => (rnd() < p ? v() : null);
  const int = (lo: number, hi: number) => lo + Math.floor(rnd() * (hi - lo + 1));
  const money = () => Math.round(rnd() * 200000 * 100) / 100;
  const now = Date.now();
  const today = dayNo(now) * DAY;
  const when = instants(now);
  const count = when.length + 25;
  const people: Omit<Person, 'id'>[] = [];
  for (let i = 0; i < count; i++) {
    const firstname = pick(FIRST);
    const income = maybe(0.7, money);
    const roll = rnd();
    // The first hundred cover every day from 50 days ago to 49 days ahead; the rest are random.
    const birthdate =
      i < 100
        ? dateText(today + (i - 50) * DAY)
        : roll < 0.12
          ? null
          : roll < 0.6
            ? dateText(today + int(-40, 40) * DAY)
            : roll < 0.9
              ? dateText(today + int(-500, 500) * DAY)
              : dateText(Date.UTC(1940, 0, 1) + int(0, 22000) * DAY);
    const parentRoll = rnd();
    people.push({
      firstname,
      lastname: firstname === 'Zed' && rnd() < 0.5 ? 'zed' : pick(LAST),
      email: maybe(0.75, () => `${firstname.toLowerCase()}.${i}@${pick(['example.com', 'Example.ORG'])}`),
      city: maybe(0.8, () => pick(CITIES)),
      children: maybe(0.8, () => int(0, 5)),
      income,
      credit: rnd() < 0.1 ? income : maybe(0.7, money),
      gender: maybe(0.85, () => int(1, 2)),
      family: maybe(0.5, () => int(1, 4)),
      donotemail: rnd() < 0.3,
      birthdate,
      anniversary: maybe(0.6, () => dateText(Date.UTC(1980, 0, 1) + int(0, 18000) * DAY)),
      created: i < when.length ? instantText(when[i] as number) : null,
      parent: parentRoll < 0.55 ? { id: pick(accounts).id, type: 'account' } : null,
      owner: pick([systemUser, systemUser, other, third]),
    });
  }
  const ids = await records.createMultiple(
    'contact',
    people.map((p) => ({
      firstname: p.firstname,
      lastname: p.lastname,
      emailaddress1: p.email,
      address1_city: p.city,
      numberofchildren: p.children,
      annualincome: p.income,
      creditlimit: p.credit,
      gendercode: p.gender,
      familystatuscode: p.family,
      donotemail: p.donotemail,
      birthdate: p.birthdate,
      anniversary: p.anniversary,
      overriddencreatedon: p.created,
      ownerid: p.owner,
      ...(p.parent !== null ? { parentcustomerid: p.parent.id, parentcustomeridtype: p.parent.type } : {}),
    })),
  );
  const withIds: Person[] = people.map((p, i) => ({ id: ids[i] ?? '', ...p }));
  // A few contacts whose parent is another contact, so lookups hold ids of two entities.
  for (const [k, child] of [3, 11, 19].entries()) {
    const parent = withIds[k] as Person;
    const p: Omit<Person, 'id'> = {
      ...(withIds[child] as Person),
      created: null,
      parent: { id: parent.id, type: 'contact' },
    };
    const { id } = await records.create('contact', {
      firstname: p.firstname,
      lastname: p.lastname,
      emailaddress1: p.email,
      numberofchildren: p.children,
      donotemail: p.donotemail,
      ownerid: p.owner,
      parentcustomerid: parent.id,
      parentcustomeridtype: 'contact',
    });
    withIds.push({
      ...p,
      id,
      city: null,
      income: null,
      credit: null,
      gender: null,
      family: null,
      birthdate: null,
      anniversary: null,
    });
  }
  return { people: withIds, accounts, units, users, systemUser, rootUnit };
}

// ---- conditions -----------------------------------------------------------------------------

const xmlText = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** A condition with the `value` attribute (or none). */
const cond = (attribute: string, operator: string, value?: string) =>
  `<condition attribute="${attribute}" operator="${operator}"${value !== undefined ? ` value="${xmlText(value)}"` : ''}/>`;

/** A condition with `<value>` elements. */
const condValues = (attribute: string, operator: string, values: readonly string[]) =>
  `<condition attribute="${attribute}" operator="${operator}">${values.map((v) => `<value>${xmlText(v)}</value>`).join('')}</condition>`;

/** One query: a condition on contacts and the contacts it selects (`now` = the clock at the query). */
interface Case {
  readonly operator: string;
  readonly condition: string;
  readonly expect: (p: Person, now: number) => boolean;
}

const lower = (s: string | null) => (s === null ? null : s.toLowerCase());
const same = (a: string | null, b: string) => lower(a) === b.toLowerCase();
const num = (v: number | null, test: (n: number) => boolean) => v !== null && test(v);
const text = (v: string | null, test: (s: string) => boolean) => v !== null && test(v.toLowerCase());
const ms = (v: string | null) => (v === null ? null : Date.parse(v));

function comparisonCases(data: Data): Case[] {
  const people = data.people;
  const rich = people.find((p) => p.income !== null && p.income > 50000) as Person;
  const born = people.find((p) => p.birthdate !== null) as Person;
  // A row at midday: ge and le on its instant include it, gt and lt leave it out.
  const made = people.find((p) => p.created?.endsWith('T12:00:00Z') === true) as Person;
  const parent = people.find((p) => p.parent?.type === 'account')?.parent?.id ?? '';
  const midday = instantText(dayNo(Date.parse(made.created ?? '')) * DAY + 12 * HOUR);
  const c: Case[] = [];
  const add = (operator: string, condition: string, expect: (p: Person) => boolean) =>
    c.push({ operator, condition, expect });
  // eq / ne / neq on text (any case), numbers, money, choices, booleans, lookups, dates, date-times.
  add('eq', cond('lastname', 'eq', 'SMITH'), (p) => same(p.lastname, 'smith'));
  add('eq', cond('lastname', 'eq', 'åSTRÖM'), (p) => same(p.lastname, 'Åström'));
  add('eq', cond('lastname', 'eq', "o'brien"), (p) => same(p.lastname, "O'Brien"));
  add('eq', cond('numberofchildren', 'eq', '2'), (p) => p.children === 2);
  add('eq', cond('annualincome', 'eq', String(rich.income)), (p) => p.income === rich.income);
  add('eq', cond('gendercode', 'eq', '1'), (p) => p.gender === 1);
  add('eq', cond('donotemail', 'eq', 'true'), (p) => p.donotemail);
  add('eq', cond('donotemail', 'eq', '0'), (p) => !p.donotemail);
  add('eq', cond('parentcustomerid', 'eq', `{${parent.toUpperCase()}}`), (p) => p.parent?.id === parent);
  add('eq', cond('birthdate', 'eq', born.birthdate ?? ''), (p) => p.birthdate === born.birthdate);
  add('eq', cond('overriddencreatedon', 'eq', made.created ?? ''), (p) => p.created === made.created);
  add('eq', cond('createdon', 'eq', made.created ?? ''), (p) => p.created === made.created);
  add('eq', cond('ownerid', 'eq', data.systemUser), (p) => p.owner === data.systemUser);
  add('ne', cond('lastname', 'ne', 'smith'), (p) => !same(p.lastname, 'smith'));
  add('ne', cond('numberofchildren', 'ne', '2'), (p) => num(p.children, (n) => n !== 2));
  add('ne', cond('gendercode', 'ne', '1'), (p) => num(p.gender, (n) => n !== 1));
  add('ne', cond('donotemail', 'ne', '1'), (p) => !p.donotemail);
  add('ne', cond('parentcustomerid', 'ne', parent), (p) => p.parent !== null && p.parent.id !== parent);
  add(
    'ne',
    cond('birthdate', 'ne', born.birthdate ?? ''),
    (p) => p.birthdate !== null && p.birthdate !== born.birthdate,
  );
  add('neq', cond('address1_city', 'neq', 'SEATTLE'), (p) => p.city !== null && !same(p.city, 'seattle'));
  add('neq', cond('annualincome', 'neq', String(rich.income)), (p) =>
    num(p.income, (n) => n !== rich.income),
  );
  // gt / ge / lt / le: the value itself decides ge/le.
  add('gt', cond('numberofchildren', 'gt', '2'), (p) => num(p.children, (n) => n > 2));
  add('ge', cond('numberofchildren', 'ge', '2'), (p) => num(p.children, (n) => n >= 2));
  add('lt', cond('numberofchildren', 'lt', '2'), (p) => num(p.children, (n) => n < 2));
  add('le', cond('numberofchildren', 'le', '2'), (p) => num(p.children, (n) => n <= 2));
  const r = rich.income ?? 0;
  add('gt', cond('annualincome', 'gt', String(r)), (p) => num(p.income, (n) => n > r));
  add('ge', cond('annualincome', 'ge', String(r)), (p) => num(p.income, (n) => n >= r));
  add('lt', cond('annualincome', 'lt', String(r)), (p) => num(p.income, (n) => n < r));
  add('le', cond('annualincome', 'le', String(r)), (p) => num(p.income, (n) => n <= r));
  add('le', cond('annualincome', 'le', '100000.5'), (p) => num(p.income, (n) => n <= 100000.5));
  add('gt', cond('address1_city', 'gt', 'PARIS'), (p) => text(p.city, (s) => s > 'paris'));
  add('ge', cond('address1_city', 'ge', 'paris'), (p) => text(p.city, (s) => s >= 'paris'));
  add('lt', cond('emailaddress1', 'lt', 'E'), (p) => text(p.email, (s) => s < 'e'));
  add('le', cond('address1_city', 'le', 'redmond'), (p) => text(p.city, (s) => s <= 'redmond'));
  const b = born.birthdate ?? '';
  add('gt', cond('birthdate', 'gt', b), (p) => p.birthdate !== null && p.birthdate > b);
  add('le', cond('birthdate', 'le', b), (p) => p.birthdate !== null && p.birthdate <= b);
  const noon = Date.parse(midday);
  add('ge', cond('overriddencreatedon', 'ge', midday), (p) => num(ms(p.created), (t) => t >= noon));
  add('lt', cond('overriddencreatedon', 'lt', midday), (p) => num(ms(p.created), (t) => t < noon));
  add('le', cond('overriddencreatedon', 'le', midday), (p) => num(ms(p.created), (t) => t <= noon));
  add('gt', cond('overriddencreatedon', 'gt', midday), (p) => num(ms(p.created), (t) => t > noon));
  add('gt', cond('overriddencreatedon', 'gt', midday.replace('Z', '+02:00')), (p) =>
    num(ms(p.created), (t) => t > noon - 2 * HOUR),
  );
  // Column against column (valueof): same row, same type; nulls on either side never match.
  const both = (p: Person, test: (a: number, b: number) => boolean) =>
    p.income !== null && p.credit !== null && test(p.income, p.credit);
  const vs = (op: string) => `<condition attribute="annualincome" operator="${op}" valueof="creditlimit"/>`;
  add('eq', vs('eq'), (p) => both(p, (x, y) => x === y));
  add('ne', vs('ne'), (p) => both(p, (x, y) => x !== y));
  add('gt', vs('gt'), (p) => both(p, (x, y) => x > y));
  add('ge', vs('ge'), (p) => both(p, (x, y) => x >= y));
  add('lt', vs('lt'), (p) => both(p, (x, y) => x < y));
  add('le', vs('le'), (p) => both(p, (x, y) => x <= y));
  add(
    'lt',
    '<condition attribute="birthdate" operator="lt" valueof="anniversary"/>',
    (p) => p.birthdate !== null && p.anniversary !== null && p.birthdate < p.anniversary,
  );
  add(
    'eq',
    '<condition attribute="firstname" operator="eq" valueof="lastname"/>',
    (p) => p.firstname.toLowerCase() === p.lastname.toLowerCase(),
  );
  // Operator names in another case are accepted.
  add('eq', cond('numberofchildren', 'EQ', '3'), (p) => p.children === 3);
  add('not-null', cond('emailaddress1', 'Not-Null'), (p) => p.email !== null);
  return c;
}

function textCases(): Case[] {
  const c: Case[] = [];
  const add = (operator: string, condition: string, expect: (p: Person) => boolean) =>
    c.push({ operator, condition, expect });
  const like = (column: 'lastname' | 'firstname' | 'email', attribute: string, pattern: string) => {
    const re = likeRegex(pattern);
    const value = (p: Person) => p[column];
    add('like', cond(attribute, 'like', pattern), (p) => value(p) !== null && re.test(value(p) ?? ''));
    add(
      'not-like',
      cond(attribute, 'not-like', pattern),
      (p) => value(p) !== null && !re.test(value(p) ?? ''),
    );
  };
  for (const pattern of [
    's%',
    '%TH',
    'sm_th',
    '[ot]%',
    '[^s]%',
    '%[%]%',
    'under[_]score',
    '%e%',
    '_____',
    '%]',
    'back\\s%',
    '%\\%',
  ])
    like('lastname', 'lastname', pattern);
  for (const pattern of ['[a-e]%', '[^a-e]%', '%a_']) like('firstname', 'firstname', pattern);
  for (const pattern of ['%@example.com', 'ada.%', '%.1_@%', '%[.]org', '[^a-c]%[0-4]@%'])
    like('email', 'emailaddress1', pattern);
  const starts = (prefix: string) => (s: string) => s.startsWith(prefix.toLowerCase());
  const ends = (suffix: string) => (s: string) => s.endsWith(suffix.toLowerCase());
  add('begins-with', cond('lastname', 'begins-with', 'SM'), (p) => text(p.lastname, starts('sm')));
  add('begins-with', cond('lastname', 'begins-with', "o'"), (p) => text(p.lastname, starts("o'")));
  add('begins-with', cond('emailaddress1', 'begins-with', 'ada.'), (p) => text(p.email, starts('ada.')));
  add('begins-with', cond('lastname', 'begins-with', 'BACK\\'), (p) => text(p.lastname, starts('back\\')));
  add('not-begin-with', cond('lastname', 'not-begin-with', 'sm'), (p) => !text(p.lastname, starts('sm')));
  add('not-begin-with', cond('emailaddress1', 'not-begin-with', 'ada.'), (p) =>
    text(p.email, (s) => !starts('ada.')(s)),
  );
  add('ends-with', cond('lastname', 'ends-with', 'ITH'), (p) => text(p.lastname, ends('ith')));
  add('ends-with', cond('emailaddress1', 'ends-with', '.org'), (p) => text(p.email, ends('.org')));
  add('not-end-with', cond('lastname', 'not-end-with', 'ith'), (p) => !text(p.lastname, ends('ith')));
  add('not-end-with', cond('emailaddress1', 'not-end-with', '.org'), (p) =>
    text(p.email, (s) => !ends('.org')(s)),
  );
  // The value's own wildcards keep working, as in Dataverse: begins-with 'x' is like 'x%'.
  const inner = likeRegex('%[r]%');
  add('begins-with', cond('lastname', 'begins-with', '%[r]'), (p) => inner.test(p.lastname));
  const bracket = likeRegex('%[%]');
  add('ends-with', cond('lastname', 'ends-with', '[%]'), (p) => bracket.test(p.lastname));
  return c;
}

function setCases(data: Data): Case[] {
  const people = data.people;
  const c: Case[] = [];
  const add = (operator: string, condition: string, expect: (p: Person) => boolean) =>
    c.push({ operator, condition, expect });
  const parents = [...new Set(people.flatMap((p) => (p.parent !== null ? [p.parent.id] : [])))].slice(0, 3);
  const days = people.flatMap((p) => (p.birthdate !== null ? [p.birthdate] : [])).slice(0, 4);
  const times = people.flatMap((p) => (p.created !== null ? [p.created] : [])).slice(5, 8);
  add('in', condValues('lastname', 'in', ['SMITH', "o'brien", 'ÅSTRÖM']), (p) =>
    ['smith', "o'brien", 'åström'].includes(p.lastname.toLowerCase()),
  );
  add('in', condValues('numberofchildren', 'in', ['0', '3', '5']), (p) =>
    [0, 3, 5].includes(p.children ?? -1),
  );
  add('in', condValues('gendercode', 'in', ['2']), (p) => p.gender === 2);
  add(
    'in',
    condValues(
      'parentcustomerid',
      'in',
      parents.map((id, i) => (i === 0 ? `{${id.toUpperCase()}}` : id)),
    ),
    (p) => p.parent !== null && parents.includes(p.parent.id),
  );
  add('in', condValues('birthdate', 'in', days), (p) => p.birthdate !== null && days.includes(p.birthdate));
  add(
    'in',
    condValues('overriddencreatedon', 'in', times),
    (p) => p.created !== null && times.includes(p.created),
  );
  add('not-in', condValues('address1_city', 'not-in', ['Seattle', 'OSLO']), (p) =>
    text(p.city, (s) => s !== 'seattle' && s !== 'oslo'),
  );
  add('not-in', condValues('numberofchildren', 'not-in', ['0', '1']), (p) => num(p.children, (n) => n > 1));
  add('not-in', condValues('ownerid', 'not-in', [data.systemUser]), (p) => p.owner !== data.systemUser);
  add('between', condValues('numberofchildren', 'between', ['1', '3']), (p) =>
    num(p.children, (n) => n >= 1 && n <= 3),
  );
  add('between', condValues('annualincome', 'between', ['50000', '150000.75']), (p) =>
    num(p.income, (n) => n >= 50000 && n <= 150000.75),
  );
  add('between', condValues('address1_city', 'between', ['B', 'p']), (p) =>
    text(p.city, (s) => s >= 'b' && s <= 'p'),
  );
  const [d1, d2] = [...days].sort();
  add(
    'between',
    condValues('birthdate', 'between', [d1 ?? '', d2 ?? '']),
    (p) => p.birthdate !== null && p.birthdate >= (d1 ?? '') && p.birthdate <= (d2 ?? ''),
  );
  const [t1, t2] = [...times].sort().map((t) => Date.parse(t));
  const range = [instantText(t1 ?? 0), instantText(t2 ?? 0)];
  add('between', condValues('overriddencreatedon', 'between', range), (p) =>
    num(ms(p.created), (t) => t >= (t1 ?? 0) && t <= (t2 ?? 0)),
  );
  add('not-between', condValues('numberofchildren', 'not-between', ['1', '3']), (p) =>
    num(p.children, (n) => n < 1 || n > 3),
  );
  add(
    'not-between',
    condValues('birthdate', 'not-between', [d1 ?? '', d2 ?? '']),
    (p) => p.birthdate !== null && (p.birthdate < (d1 ?? '') || p.birthdate > (d2 ?? '')),
  );
  add('not-between', condValues('overriddencreatedon', 'not-between', range), (p) =>
    num(ms(p.created), (t) => t < (t1 ?? 0) || t > (t2 ?? 0)),
  );
  const nulls: [string, (p: Person) => unknown][] = [
    ['emailaddress1', (p) => p.email],
    ['numberofchildren', (p) => p.children],
    ['annualincome', (p) => p.income],
    ['gendercode', (p) => p.gender],
    ['birthdate', (p) => p.birthdate],
    ['overriddencreatedon', (p) => p.created],
    ['parentcustomerid', (p) => p.parent],
  ];
  for (const [attribute, value] of nulls) {
    add('null', cond(attribute, 'null'), (p) => value(p) === null);
    add('not-null', cond(attribute, 'not-null'), (p) => value(p) !== null);
  }
  // Tools write value="" on operators without values; it carries nothing.
  add('null', cond('emailaddress1', 'null', ''), (p) => p.email === null);
  return c;
}

// ---- dates ----------------------------------------------------------------------------------

/** Whether instant `t` (a date-only value: its midnight) is selected when the clock reads `now`. */
type DateRule = (t: number, now: number, dateOnly: boolean, x: number) => boolean;

/** Until now: on date-only columns, until today's date. */
const untilNow = (t: number, now: number, dateOnly: boolean) =>
  dateOnly ? dayNo(t) <= dayNo(now) : t <= now;
const sinceNow = (t: number, now: number, dateOnly: boolean) =>
  dateOnly ? dayNo(t) >= dayNo(now) : t >= now;
const lastDays = (t: number, now: number, dateOnly: boolean, days: number) =>
  dayNo(t) >= dayNo(now) - days && untilNow(t, now, dateOnly);
const nextDays = (t: number, now: number, dateOnly: boolean, days: number) =>
  sinceNow(t, now, dateOnly) && dayNo(t) <= dayNo(now) + days;
const period =
  (of: (t: number) => number, offset: number): DateRule =>
  (t, now) =>
    of(t) === of(now) + offset;

interface DateSpec {
  readonly rule: DateRule;
  /** The X values tried (operators that take one). */
  readonly xs?: readonly number[];
  /** Counts hours or minutes: refused on date-only columns. */
  readonly subDay?: true;
}

const DATE_RULES: Record<string, DateSpec> = {
  today: { rule: period(dayNo, 0) },
  yesterday: { rule: period(dayNo, -1) },
  tomorrow: { rule: period(dayNo, 1) },
  'last-seven-days': { rule: (t, now, d) => lastDays(t, now, d, 7) },
  'next-seven-days': { rule: (t, now, d) => nextDays(t, now, d, 7) },
  'last-week': { rule: period(weekNo, -1) },
  'this-week': { rule: period(weekNo, 0) },
  'next-week': { rule: period(weekNo, 1) },
  'last-month': { rule: period(monthNo, -1) },
  'this-month': { rule: period(monthNo, 0) },
  'next-month': { rule: period(monthNo, 1) },
  'last-year': { rule: period(yearOf, -1) },
  'this-year': { rule: period(yearOf, 0) },
  'next-year': { rule: period(yearOf, 1) },
  'last-x-hours': { rule: (t, now, _, x) => t >= now - x * HOUR && t <= now, xs: LAST_HOURS, subDay: true },
  'next-x-hours': { rule: (t, now, _, x) => t >= now && t <= now + x * HOUR, xs: NEXT_HOURS, subDay: true },
  'last-x-days': { rule: (t, now, d, x) => lastDays(t, now, d, x), xs: [0, 1, 10] },
  'next-x-days': { rule: (t, now, d, x) => nextDays(t, now, d, x), xs: [0, 3, 40] },
  'last-x-weeks': { rule: (t, now, d, x) => lastDays(t, now, d, 7 * x), xs: [1, 3] },
  'next-x-weeks': { rule: (t, now, d, x) => nextDays(t, now, d, 7 * x), xs: [1, 2] },
  'last-x-months': {
    rule: (t, now, d, x) => dayNo(t) >= dayMonthsAway(now, -x) && untilNow(t, now, d),
    xs: [1, 13],
  },
  'next-x-months': {
    rule: (t, now, d, x) => sinceNow(t, now, d) && dayNo(t) <= dayMonthsAway(now, x),
    xs: [1, 6],
  },
  'last-x-years': {
    rule: (t, now, d, x) => dayNo(t) >= dayMonthsAway(now, -12 * x) && untilNow(t, now, d),
    xs: [1, 2],
  },
  'next-x-years': {
    rule: (t, now, d, x) => sinceNow(t, now, d) && dayNo(t) <= dayMonthsAway(now, 12 * x),
    xs: [1, 2],
  },
  'olderthan-x-minutes': { rule: (t, now, _, x) => t < now - x * MINUTE, xs: OLDER_MINUTES, subDay: true },
  'olderthan-x-hours': { rule: (t, now, _, x) => t < now - x * HOUR, xs: OLDER_HOURS, subDay: true },
  'olderthan-x-days': { rule: (t, now, _, x) => dayNo(t) < dayNo(now) - x, xs: [1, 30] },
  'olderthan-x-weeks': { rule: (t, now, _, x) => dayNo(t) < dayNo(now) - 7 * x, xs: [1, 10] },
  'olderthan-x-months': { rule: (t, now, _, x) => dayNo(t) < dayMonthsAway(now, -x), xs: [1, 12] },
  'olderthan-x-years': { rule: (t, now, _, x) => dayNo(t) < dayMonthsAway(now, -12 * x), xs: [1, 2] },
};

function relativeDateCases(attribute: 'overriddencreatedon' | 'birthdate'): Case[] {
  const dateOnly = attribute === 'birthdate';
  const value = (p: Person) => ms(dateOnly ? p.birthdate : p.created);
  const out: Case[] = [];
  for (const [operator, spec] of Object.entries(DATE_RULES)) {
    if (dateOnly && spec.subDay === true) continue;
    for (const x of spec.xs ?? [undefined]) {
      out.push({
        operator,
        condition: cond(attribute, operator, x === undefined ? undefined : String(x)),
        expect: (p, now) => num(value(p), (t) => spec.rule(t, now, dateOnly, x ?? 0)),
      });
    }
  }
  return out;
}

/** on / on-or-before / on-or-after: whole UTC days, the value a date or a date-time (its UTC date). */
function absoluteDateCases(data: Data): Case[] {
  const today = dayNo(Date.now());
  const c: Case[] = [];
  const add = (operator: string, condition: string, expect: (p: Person) => boolean) =>
    c.push({ operator, condition, expect });
  const created = (p: Person) => ms(p.created);
  const born = (p: Person) => ms(p.birthdate);
  for (const offset of [-3, 0, 2]) {
    const day = today + offset;
    const text = dateText(day * DAY);
    add('on', cond('overriddencreatedon', 'on', text), (p) => num(created(p), (t) => dayNo(t) === day));
    add('on-or-before', cond('overriddencreatedon', 'on-or-before', text), (p) =>
      num(created(p), (t) => dayNo(t) <= day),
    );
    add('on-or-after', cond('overriddencreatedon', 'on-or-after', text), (p) =>
      num(created(p), (t) => dayNo(t) >= day),
    );
    add('on', cond('birthdate', 'on', text), (p) => num(born(p), (t) => dayNo(t) === day));
    add('on-or-before', cond('birthdate', 'on-or-before', text), (p) => num(born(p), (t) => dayNo(t) <= day));
    add('on-or-after', cond('birthdate', 'on-or-after', text), (p) => num(born(p), (t) => dayNo(t) >= day));
  }
  // A date-time value counts by its UTC date: 23:00 at UTC-5 is the next day in UTC.
  const evening = `${dateText((today - 1) * DAY)}T23:00:00-05:00`;
  add('on', cond('overriddencreatedon', 'on', evening), (p) => num(created(p), (t) => dayNo(t) === today));
  add('on-or-after', cond('birthdate', 'on-or-after', `${dateText(today * DAY)}T08:00:00Z`), (p) =>
    num(born(p), (t) => dayNo(t) >= today),
  );
  const old =
    data.people.find((p) => p.birthdate !== null && p.birthdate < '1990-01-01')?.birthdate ?? '1960-01-01';
  add('on', cond('birthdate', 'on', old), (p) => p.birthdate === old);
  return c;
}

// ---- callers and hierarchies ------------------------------------------------------------------

function callerCases(data: Data): Case[] {
  const c: Case[] = [];
  const add = (operator: string, condition: string, expect: (p: Person) => boolean) =>
    c.push({ operator, condition, expect });
  add('eq-userid', cond('ownerid', 'eq-userid'), (p) => p.owner === data.systemUser);
  add('ne-userid', cond('ownerid', 'ne-userid'), (p) => p.owner !== data.systemUser);
  add('eq-userid', cond('owninguser', 'eq-userid'), (p) => p.owner === data.systemUser);
  add('eq-userid', cond('createdby', 'eq-userid'), () => true);
  // A lookup that is not set is not "another user".
  add('ne-userid', cond('parentcustomerid', 'ne-userid'), (p) => p.parent !== null);
  add('eq-userid', cond('parentcustomerid', 'eq-userid'), () => false);
  // Records take the business unit of the creating (SYSTEM) user.
  add('eq-businessid', cond('owningbusinessunit', 'eq-businessid'), () => true);
  add('ne-businessid', cond('owningbusinessunit', 'ne-businessid'), () => false);
  add('ne-businessid', cond('parentcustomerid', 'ne-businessid'), (p) => p.parent !== null);
  return c;
}

/** The ancestors of a node, nearest first. */
function ancestors(nodes: readonly Node[], of: Node): string[] {
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const out: string[] = [];
  for (let p = of.parent; p !== null && !out.includes(p); p = byId.get(p)?.parent ?? null) out.push(p);
  return out;
}

const HIERARCHY: Record<string, (nodes: readonly Node[], x: Node, of: Node) => boolean> = {
  under: (nodes, x, of) => ancestors(nodes, x).includes(of.id),
  'eq-or-under': (nodes, x, of) => x.id === of.id || ancestors(nodes, x).includes(of.id),
  'not-under': (nodes, x, of) => !ancestors(nodes, x).includes(of.id),
  above: (nodes, x, of) => ancestors(nodes, of).includes(x.id),
  'eq-or-above': (nodes, x, of) => x.id === of.id || ancestors(nodes, of).includes(x.id),
};

// ---- the tests ------------------------------------------------------------------------------

for (const target of storeTargets()) {
  describe(`FetchXML condition operators (${target.name})`, () => {
    let api: TestApi;
    let data: Data;

    before(async () => {
      api = await openTestApi(target, {
        queryParameters: defaultQueryParameters({ select: (q) => api.store.select(q) }),
      });
      data = await loadData(api);
    });
    after(async () => {
      await api.close();
    });

    async function ids(set: string, entity: string, idAttribute: string, filter: string): Promise<string[]> {
      const xml = `<fetch><entity name="${entity}"><attribute name="${idAttribute}"/><filter>${filter}</filter></entity></fetch>`;
      const res = await api.request({ url: `${set}?fetchXml=${encodeURIComponent(xml)}` });
      assert.equal(res.statusCode, 200, `${filter}\n${res.body}`);
      return ((json(res).value ?? []) as Rec[]).map((r) => String(r[idAttribute])).sort();
    }

    async function check(cases: readonly Case[]): Promise<void> {
      for (const c of cases) {
        const now = await settledNow();
        const got = await ids('contacts', 'contact', 'contactid', c.condition);
        const expected = data.people
          .filter((p) => c.expect(p, now))
          .map((p) => p.id)
          .sort();
        assert.deepEqual(got, expected, c.condition);
      }
    }

    it('has every operator of the FetchXML schema, each one tested here or refused', () => {
      assert.deepEqual([...OPERATORS.keys()].sort(), [...SCHEMA_OPERATORS].sort());
      const tested = new Set(
        [
          ...comparisonCases(data),
          ...textCases(),
          ...setCases(data),
          ...relativeDateCases('overriddencreatedon'),
          ...relativeDateCases('birthdate'),
          ...absoluteDateCases(data),
          ...callerCases(data),
        ].map((c) => c.operator),
      );
      for (const op of Object.keys(HIERARCHY)) tested.add(op);
      for (const op of SCHEMA_OPERATORS) {
        assert.ok(
          tested.has(op) !== op in REFUSED,
          `${op}: tested ${tested.has(op)}, refused ${op in REFUSED}`,
        );
      }
    });

    it('makes data that the cases can tell apart', () => {
      // Guards against a data set too thin to exercise the cases (every case empty or full).
      const all = [
        ...comparisonCases(data),
        ...textCases(),
        ...setCases(data),
        ...relativeDateCases('overriddencreatedon'),
        ...relativeDateCases('birthdate'),
        ...absoluteDateCases(data),
      ];
      const now = Date.now();
      const trivial = all.filter((c) => {
        const n = data.people.filter((p) => c.expect(p, now)).length;
        return (n === 0 || n === data.people.length) && separable(c, data.people[0]!, now);
      });
      assert.ok(trivial.length === 0, trivial.map((c) => c.condition).join('\n'));
    });

    it('compares with eq, ne, neq, gt, ge, lt and le, also column against column (valueof)', async () => {
      await check(comparisonCases(data));
    });

    it('matches like, not-like, begins-with, not-begin-with, ends-with and not-end-with', async () => {
      await check(textCases());
    });

    it('tests in, not-in, between, not-between, null and not-null', async () => {
      await check(setCases(data));
    });

    it('evaluates every relative date operator on a date-time column', async () => {
      await check(relativeDateCases('overriddencreatedon'));
    });

    it('evaluates the relative date operators on a date-only column by calendar date', async () => {
      await check(relativeDateCases('birthdate'));
      for (const [operator, spec] of Object.entries(DATE_RULES)) {
        if (spec.subDay !== true) continue;
        const xml = `<fetch><entity name="contact"><filter>${cond('birthdate', operator, '2')}</filter></entity></fetch>`;
        expectError(
          await api.request({ url: `contacts?fetchXml=${encodeURIComponent(xml)}` }),
          400,
          '0x80040303',
          new RegExp(`'${operator}'.*date-only column 'contact\\.birthdate'`),
        );
      }
    });

    it('evaluates on, on-or-before and on-or-after by UTC calendar day', async () => {
      await check(absoluteDateCases(data));
    });

    it('compares with the calling user and business unit (eq-userid, ne-userid, eq-businessid, ne-businessid)', async () => {
      await check(callerCases(data));
      const users = (filter: string) => ids('systemusers', 'systemuser', 'systemuserid', filter);
      const units = (filter: string) => ids('businessunits', 'businessunit', 'businessunitid', filter);
      const userIds = (pred: (u: Data['users'][number]) => boolean) =>
        data.users
          .filter(pred)
          .map((u) => u.id)
          .sort();
      assert.deepEqual(await users(cond('systemuserid', 'eq-userid')), [data.systemUser]);
      assert.deepEqual(
        await users(cond('systemuserid', 'ne-userid')),
        userIds((u) => u.id !== data.systemUser),
      );
      assert.deepEqual(
        await users(cond('businessunitid', 'eq-businessid')),
        userIds((u) => u.unit === data.rootUnit),
      );
      assert.deepEqual(
        await users(cond('businessunitid', 'ne-businessid')),
        userIds((u) => u.unit !== data.rootUnit),
      );
      assert.deepEqual(
        await users(cond('parentsystemuserid', 'eq-userid')),
        userIds((u) => u.parent === data.systemUser),
      );
      assert.deepEqual(await units(cond('businessunitid', 'eq-businessid')), [data.rootUnit]);
      assert.deepEqual(
        await units(cond('businessunitid', 'ne-businessid')),
        data.units
          .filter((u) => u.id !== data.rootUnit)
          .map((u) => u.id)
          .sort(),
      );
      assert.deepEqual(await units(cond('parentbusinessunitid', 'ne-businessid')), []);
    });

    it('walks hierarchies with under, eq-or-under, not-under, above and eq-or-above', async () => {
      const hierarchies: [string, string, string, readonly Node[]][] = [
        ['accounts', 'account', 'accountid', data.accounts],
        ['businessunits', 'businessunit', 'businessunitid', data.units],
        ['systemusers', 'systemuser', 'systemuserid', data.users],
      ];
      for (const [set, entity, idAttribute, nodes] of hierarchies) {
        for (const of of nodes) {
          for (const [operator, holds] of Object.entries(HIERARCHY)) {
            const value = entity === 'account' ? `{${of.id.toUpperCase()}}` : of.id;
            assert.deepEqual(
              await ids(set, entity, idAttribute, cond(idAttribute, operator, value)),
              nodes
                .filter((x) => holds(nodes, x, of))
                .map((x) => x.id)
                .sort(),
              `${entity} ${operator} ${of.id}`,
            );
          }
        }
      }
      // A record that does not exist has nothing under or above it.
      const nobody = { id: '00000000-0000-0000-0000-00000000abcd', parent: null };
      for (const [operator, holds] of Object.entries(HIERARCHY)) {
        assert.deepEqual(
          await ids('accounts', 'account', 'accountid', cond('accountid', operator, nobody.id)),
          data.accounts
            .filter((x) => holds(data.accounts, x, nobody))
            .map((x) => x.id)
            .sort(),
          `${operator} a missing record`,
        );
      }
      // The condition may name the hierarchy's lookup instead of the primary id.
      const [a0, a1] = data.accounts;
      for (const of of [a0, a1]) {
        if (of === undefined) continue;
        for (const [operator, holds] of Object.entries(HIERARCHY)) {
          assert.deepEqual(
            await ids('accounts', 'account', 'accountid', cond('parentaccountid', operator, of.id)),
            data.accounts
              .filter((x) => holds(data.accounts, x, of))
              .map((x) => x.id)
              .sort(),
            `parentaccountid ${operator} ${of.name}`,
          );
        }
      }
      // Contacts of the accounts under A0, through a link-entity.
      const under = data.accounts.filter((x) => HIERARCHY['eq-or-under']?.(data.accounts, x, a0 as Node));
      assert.deepEqual(
        await ids(
          'contacts',
          'contact',
          'contactid',
          `<link-entity name="account" from="accountid" to="parentcustomerid" link-type="any">${`<filter>${cond('accountid', 'eq-or-under', a0?.id ?? '')}</filter>`}</link-entity>`,
        ),
        data.people
          .filter((p) => p.parent?.type === 'account' && under.some((x) => x.id === p.parent?.id))
          .map((p) => p.id)
          .sort(),
      );
    });

    it('refuses the operators segmentd does not model with a 400 that names the operator', async () => {
      for (const [operator, { attribute, values }] of Object.entries(REFUSED)) {
        const condition =
          values.length === 1
            ? cond(attribute, operator, values[0])
            : values.length === 0
              ? cond(attribute, operator)
              : condValues(attribute, operator, values);
        const xml = `<fetch><entity name="contact"><attribute name="fullname"/><filter>${condition}</filter></entity></fetch>`;
        const message = expectError(
          await api.request({ url: `contacts?fetchXml=${encodeURIComponent(xml)}` }),
          400,
          '0x80040303',
        );
        assert.ok(message.includes(`'${operator}'`), `${operator}: ${message}`);
      }
    });
  });
}
