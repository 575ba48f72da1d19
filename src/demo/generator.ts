import type { AttributeValues } from '../engine/record-types.ts';
import {
  COMPANY_MAILBOXES,
  COMPANY_STEMS,
  INDUSTRY_NOUNS,
  INDUSTRY_WEIGHTS,
  JOB_TITLES,
  SENIOR_TITLES,
} from './business-vocabulary.ts';
import type { NameRegion, RegionNames } from './names.ts';
import { GLOBAL_MAIL_DOMAINS, NAMES } from './names.ts';
import type { City } from './places.ts';
import { CITIES } from './places.ts';
import { deterministicUuid, Prng, WeightedPicker } from './prng.ts';

/**
 * A deterministic, realistic demo dataset of accounts and contacts over the built-in attributes
 * (src/metadata/builtin/account.ts, contact.ts). Rows are made lazily, one at a time and each from
 * its own seeded generator, so memory stays flat from a thousand rows to ten million, and the same
 * seed always gives the same rows.
 *
 * Rows hold only what a client may write on create (plus the primary id): server-maintained
 * columns such as `createdon` are left to the record service, and the creation date goes into
 * `overriddencreatedon`, which Dataverse copies into `createdon` on import. The one exception is
 * `parentcustomeridtype`, the companion of the polymorphic `parentcustomerid`, which a store row
 * needs to say which entity the lookup points at. Values are IR values: dates `YYYY-MM-DD`, GUIDs
 * lower case, money and numbers as numbers.
 */

export interface DemoDatasetOptions {
  /** Default 1. Any 32-bit integer; the same seed gives the same dataset. */
  seed?: number;
  /** Default 1000. */
  accounts?: number;
  /** Default 10000. */
  contacts?: number;
}

export interface AccountGenerationOptions extends DemoDatasetOptions {
  /**
   * Set `primarycontactid` (default true). Account i's primary contact is contact i, which works
   * for it. Turn it off to load accounts before contacts, then set it with `accountPrimaryContacts`.
   */
  withPrimaryContact?: boolean;
}

/** The attributes of every generated account, in this order (absent values are null). */
export const DEMO_ACCOUNT_ATTRIBUTES = [
  'accountid',
  'name',
  'accountnumber',
  'industrycode',
  'customertypecode',
  'ownershipcode',
  'revenue',
  'numberofemployees',
  'emailaddress1',
  'telephone1',
  'websiteurl',
  'address1_city',
  'address1_country',
  'primarycontactid',
  'donotbulkemail',
  'overriddencreatedon',
] as const;

/** The attributes of every generated contact, in this order (absent values are null). */
export const DEMO_CONTACT_ATTRIBUTES = [
  'contactid',
  'firstname',
  'middlename',
  'lastname',
  'gendercode',
  'birthdate',
  'familystatuscode',
  'numberofchildren',
  'annualincome',
  'jobtitle',
  'accountrolecode',
  'emailaddress1',
  'telephone1',
  'mobilephone',
  'address1_city',
  'address1_country',
  'parentcustomerid',
  'parentcustomeridtype',
  'donotbulkemail',
  'donotemail',
  'donotphone',
  'preferredcontactmethodcode',
  'overriddencreatedon',
] as const;

export type DemoAccount = Record<(typeof DEMO_ACCOUNT_ATTRIBUTES)[number], AttributeValues[string]>;
export type DemoContact = Record<(typeof DEMO_CONTACT_ATTRIBUTES)[number], AttributeValues[string]>;

interface ResolvedOptions {
  seed: number;
  accounts: number;
  contacts: number;
}

const MAX_ROWS = 0xffffffff;

function resolve(options: DemoDatasetOptions): ResolvedOptions {
  const seed = options.seed ?? 1;
  const accounts = options.accounts ?? 1000;
  const contacts = options.contacts ?? 10000;
  if (!Number.isInteger(seed)) throw new RangeError(`seed must be an integer, got ${seed}`);
  for (const [name, n] of [
    ['accounts', accounts],
    ['contacts', contacts],
  ] as const) {
    if (!Number.isInteger(n) || n < 0 || n > MAX_ROWS) {
      throw new RangeError(`${name} must be an integer from 0 to ${MAX_ROWS}, got ${n}`);
    }
  }
  return { seed, accounts, contacts };
}

export function demoAccountId(index: number, seed = 1): string {
  return deterministicUuid(seed, 'account', index);
}

export function demoContactId(index: number, seed = 1): string {
  return deterministicUuid(seed, 'contact', index);
}

export function* generateAccounts(options: AccountGenerationOptions = {}): Generator<DemoAccount> {
  const o = resolve(options);
  const withPrimaryContact = options.withPrimaryContact ?? true;
  for (let i = 0; i < o.accounts; i++) yield makeAccount(o, i, withPrimaryContact);
}

export function* generateContacts(options: DemoDatasetOptions = {}): Generator<DemoContact> {
  const o = resolve(options);
  for (let j = 0; j < o.contacts; j++) yield makeContact(o, j);
}

/** The `primarycontactid` of each account that has one, for setting after contacts are loaded. */
export function* accountPrimaryContacts(
  options: DemoDatasetOptions = {},
): Generator<{ accountid: string; primarycontactid: string }> {
  const o = resolve(options);
  const n = Math.min(o.accounts, o.contacts);
  for (let i = 0; i < n; i++)
    yield { accountid: demoAccountId(i, o.seed), primarycontactid: demoContactId(i, o.seed) };
}

// ---- shared draws --------------------------------------------------------------------------

const cityPicker = new WeightedPicker(
  CITIES,
  CITIES.map((c) => c.weight),
);

/** Name regions weighted by their cities, for people whose names do not match where they live. */
const regionPicker = (() => {
  const weights = new Map<NameRegion, number>();
  for (const city of CITIES) weights.set(city.region, (weights.get(city.region) ?? 0) + city.weight);
  return new WeightedPicker([...weights.keys()], [...weights.values()]);
})();

const industryPicker = new WeightedPicker(
  INDUSTRY_WEIGHTS.map((_, i) => i + 1),
  INDUSTRY_WEIGHTS,
);

const weighted = <T>(pairs: readonly (readonly [T, number])[]) =>
  new WeightedPicker(
    pairs.map(([v]) => v),
    pairs.map(([, w]) => w),
  );

const mailDomainPicker = weighted(GLOBAL_MAIL_DOMAINS);

// account.customertypecode: mostly customers and prospects.
const customerTypePicker = weighted<number>([
  [3, 45],
  [8, 20],
  [5, 8],
  [11, 6],
  [10, 5],
  [9, 5],
  [1, 3],
  [2, 3],
  [4, 1],
  [6, 1],
  [7, 1],
  [12, 2],
]);
// account.ownershipcode (null: unknown).
const ownershipPicker = weighted<number | null>([
  [2, 55],
  [1, 20],
  [3, 15],
  [4, 5],
  [null, 5],
]);
// contact.preferredcontactmethodcode: Any, Email, Phone, Fax, Mail.
const contactMethodPicker = weighted<number>([
  [1, 55],
  [2, 28],
  [3, 12],
  [4, 1],
  [5, 4],
]);
const childrenPicker = weighted<number>([
  [0, 30],
  [1, 20],
  [2, 30],
  [3, 12],
  [4, 5],
  [5, 2],
  [6, 1],
]);

const regionNames = (region: NameRegion): RegionNames => NAMES[region];

const FIRST_DAY = Date.UTC(2020, 0, 1);
const DAYS_2020_TO_2025 = Math.round((Date.UTC(2026, 0, 1) - FIRST_DAY) / 86400000);

/** A moment in 2020–2025 (UTC, seconds), more often recent (`skew` > 1) as a growing customer base is. */
function creationDate(rng: Prng, skew: number): string {
  const seconds = Math.floor(DAYS_2020_TO_2025 * 86400 * Math.pow(rng.next(), 1 / skew));
  return `${new Date(FIRST_DAY + seconds * 1000).toISOString().slice(0, 19)}Z`;
}

const pad2 = (n: number) => (n < 10 ? `0${n}` : String(n));

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** Digits of the given length, no leading zero. */
function digits(rng: Prng, length: number): string {
  let s = String(rng.between(1, 9));
  for (let i = 1; i < length; i++) s += String(rng.int(10));
  return s;
}

function phoneNumber(rng: Prng, callingCode: string): string {
  if (callingCode === '1') return `+1 ${rng.between(201, 989)} ${rng.between(200, 999)}-${digits(rng, 4)}`;
  return `+${callingCode} ${digits(rng, rng.between(2, 3))} ${digits(rng, 7)}`;
}

const FOLDED: Record<string, string> = {
  ø: 'o',
  æ: 'ae',
  ß: 'ss',
  ł: 'l',
  đ: 'd',
  ð: 'd',
  þ: 'th',
  œ: 'oe',
  ı: 'i',
};

/** Lower-case ASCII letters and digits only, as in e-mail addresses and web domains. */
function asciiSlug(text: string): string {
  return text
    .toLowerCase()
    .replace(/[øæßłđðþœı]/g, (ch) => FOLDED[ch] ?? '')
    .normalize('NFD')
    .replace(/[^a-z0-9]/g, '');
}

// ---- accounts ------------------------------------------------------------------------------

/** What contacts need to know of an account: where it is and its web domain. */
interface AccountCore {
  industrycode: number;
  city: City;
  name: string;
  domain: string;
}

/**
 * The first draws of account i's generator. Contacts call this to take their employer's domain and
 * city, so it must stay the first thing `makeAccount` draws.
 */
function accountCore(rng: Prng): AccountCore {
  const industrycode = industryPicker.pick(rng);
  const city = cityPicker.pick(rng);
  const nouns = INDUSTRY_NOUNS[industrycode - 1] ?? ['Group'];
  const noun = rng.pick(nouns);
  const surnames = regionNames(city.country.region).last;
  const pattern = rng.next();
  let stem: string;
  if (pattern < 0.45) stem = `${rng.pick(COMPANY_STEMS)} ${noun}`;
  else if (pattern < 0.8) stem = `${rng.pick(surnames)} ${noun}`;
  else if (pattern < 0.9) stem = `${rng.pick(surnames)} & ${rng.pick(surnames)}`;
  else stem = `${city.name} ${noun}`;
  const legalForm = rng.chance(0.5) ? ` ${rng.pick(city.country.legalForms)}` : '';
  const tld = city.country.tld !== '.com' && rng.chance(0.6) ? city.country.tld : '.com';
  return { industrycode, city, name: stem + legalForm, domain: asciiSlug(stem.replace('&', 'and')) + tld };
}

function makeAccount(o: ResolvedOptions, i: number, withPrimaryContact: boolean): DemoAccount {
  const rng = Prng.forRow(o.seed, 'account', i);
  const core = accountCore(rng);
  const employees = Math.min(300000, Math.max(1, Math.round(rng.logNormal(40, 1.6))));
  const revenue = Math.min(1e14, Math.round((employees * rng.logNormal(180000, 0.5)) / 1000) * 1000);
  const hasAddress = !rng.chance(0.03);
  return {
    accountid: demoAccountId(i, o.seed),
    name: core.name,
    accountnumber: `AC-${String(i + 1).padStart(7, '0')}`,
    industrycode: core.industrycode,
    customertypecode: customerTypePicker.pick(rng),
    ownershipcode: ownershipPicker.pick(rng),
    revenue: rng.chance(0.08) ? null : revenue,
    numberofemployees: rng.chance(0.06) ? null : employees,
    emailaddress1: rng.chance(0.15) ? null : `${rng.pick(COMPANY_MAILBOXES)}@${core.domain}`,
    telephone1: rng.chance(0.1) ? null : phoneNumber(rng, core.city.country.callingCode),
    websiteurl: rng.chance(0.1) ? null : `https://www.${core.domain}`,
    address1_city: hasAddress ? core.city.name : null,
    address1_country: hasAddress ? core.city.country.name : null,
    primarycontactid: withPrimaryContact && i < o.contacts ? demoContactId(i, o.seed) : null,
    donotbulkemail: rng.chance(0.05),
    overriddencreatedon: creationDate(rng, 1.2),
  };
}

// ---- contacts ------------------------------------------------------------------------------

function emailLocalPart(rng: Prng, first: string, last: string, birthYear: number): string {
  const f = asciiSlug(first);
  const l = asciiSlug(last);
  const r = rng.next();
  if (r < 0.4) return `${f}.${l}`;
  if (r < 0.55) return `${f}${l}`;
  if (r < 0.7) return `${f.slice(0, 1)}${l}`;
  if (r < 0.8) return `${f}_${l}`;
  if (r < 0.9) return `${f}.${l}${rng.between(1, 99)}`;
  return `${f}${birthYear}`;
}

function familyStatus(rng: Prng, age: number): number {
  // Single, Married, Divorced, Widowed by age band.
  const bands: readonly (readonly number[])[] = [
    [85, 13, 2, 0],
    [40, 50, 9, 1],
    [18, 60, 18, 4],
    [8, 55, 12, 25],
  ];
  const band = bands[age < 25 ? 0 : age < 40 ? 1 : age < 65 ? 2 : 3] ?? [1, 1, 1, 1];
  let x = rng.next() * band.reduce((a, b) => a + b, 0);
  for (let k = 0; k < band.length; k++) {
    x -= band[k] ?? 0;
    if (x < 0) return k + 1;
  }
  return 1;
}

function makeContact(o: ResolvedOptions, j: number): DemoContact {
  const rng = Prng.forRow(o.seed, 'contact', j);
  // The first contacts each work for the account of the same index and are its primary contact;
  // the others work for a random account 80% of the time.
  const joinsRandomAccount = rng.chance(0.8);
  const randomAccount = rng.int(Math.max(1, o.accounts));
  const isPrimary = j < o.accounts;
  const parent = isPrimary ? j : joinsRandomAccount && o.accounts > 0 ? randomAccount : null;
  const employer = parent === null ? undefined : accountCore(Prng.forRow(o.seed, 'account', parent));

  // People mostly live near where they work; primary contacts nearly always.
  const city =
    employer !== undefined && rng.chance(isPrimary ? 0.9 : 0.6) ? employer.city : cityPicker.pick(rng);
  const addressDraw = rng.next();
  const genderDraw = rng.next();
  const gendercode = genderDraw < 0.485 ? 1 : genderDraw < 0.97 ? 2 : null;
  const region = rng.chance(0.8) ? city.region : regionPicker.pick(rng);
  const names = regionNames(region);
  const givenNames = (gendercode ?? (rng.chance(0.5) ? 1 : 2)) === 1 ? names.male : names.female;
  const firstname = rng.pick(givenNames);
  const lastname = rng.pick(names.last);
  const middleDraw = rng.pick(givenNames);
  const middlename = rng.chance(0.1) && middleDraw !== firstname ? middleDraw : null;

  const drawnYear = 1940 + Math.floor(((rng.next() + rng.next()) / 2) * 68); // 1940–2007, peak around 1974
  const year = isPrimary && drawnYear > 1998 ? drawnYear - 15 : drawnYear; // no 20-year-old CEOs
  const month = rng.between(1, 12);
  const day = rng.between(1, daysInMonth(year, month));
  const birthdate = rng.chance(0.05) ? null : `${year}-${pad2(month)}-${pad2(day)}`;
  const age = 2025 - year;

  const familystatuscode = rng.chance(0.12) ? null : familyStatus(rng, age);
  const children = age < 20 ? 0 : childrenPicker.pick(rng);
  const numberofchildren = rng.chance(0.15) ? null : children;
  const medianIncome = (age < 25 ? 30000 : age < 65 ? 58000 : 40000) * (isPrimary ? 2.5 : 1);
  const income = Math.round(rng.logNormal(medianIncome, 0.6) / 100) * 100;
  const annualincome = rng.chance(0.3) ? null : income;
  const jobtitle =
    parent !== null && isPrimary
      ? rng.pick(SENIOR_TITLES)
      : age < 22 || rng.chance(0.15)
        ? null
        : rng.pick(JOB_TITLES);
  const roleDraw = rng.next();
  const accountrolecode =
    parent === null ? null : isPrimary ? 1 : roleDraw < 0.7 ? 2 : roleDraw < 0.85 ? 3 : null;

  const hasEmail = !rng.chance(0.1);
  const local = emailLocalPart(rng, firstname, lastname, year);
  const domain =
    employer !== undefined && rng.chance(0.65)
      ? employer.domain
      : rng.chance(0.3) && names.mailDomains.length > 0
        ? rng.pick(names.mailDomains)
        : mailDomainPicker.pick(rng);
  const callingCode = city.country.callingCode;
  return {
    contactid: demoContactId(j, o.seed),
    firstname,
    middlename,
    lastname,
    gendercode,
    birthdate,
    familystatuscode,
    numberofchildren,
    annualincome,
    jobtitle,
    accountrolecode,
    emailaddress1: hasEmail ? `${local}@${domain}` : null,
    telephone1: rng.chance(0.2) ? null : phoneNumber(rng, callingCode),
    mobilephone: rng.chance(0.45) ? null : phoneNumber(rng, callingCode),
    // 6% without an address, 2% more with only the country.
    address1_city: addressDraw < 0.08 ? null : city.name,
    address1_country: addressDraw < 0.06 ? null : city.country.name,
    parentcustomerid: parent === null ? null : demoAccountId(parent, o.seed),
    parentcustomeridtype: parent === null ? null : 'account',
    donotbulkemail: rng.chance(0.12),
    donotemail: rng.chance(0.04),
    donotphone: rng.chance(0.07),
    preferredcontactmethodcode: contactMethodPicker.pick(rng),
    overriddencreatedon: creationDate(rng, 1.5),
  };
}
