import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  accountPrimaryContacts,
  DEMO_ACCOUNT_ATTRIBUTES,
  DEMO_CONTACT_ATTRIBUTES,
  demoAccountId,
  generateAccounts,
  generateContacts,
} from '../../src/demo/generator.ts';
import { deterministicUuid } from '../../src/demo/prng.ts';
import { scalarTypeOf } from '../../src/ir/build.ts';
import type { Value } from '../../src/ir/nodes.ts';
import { account } from '../../src/metadata/builtin/account.ts';
import { contact } from '../../src/metadata/builtin/contact.ts';
import type { EntityMetadata } from '../../src/metadata/model.ts';

const GUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const DATETIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;

const accounts = [...generateAccounts()];
const contacts = [...generateContacts()];

/** Asserts a generated row fits the entity's metadata; returns nothing, throws on the first misfit. */
function assertFits(e: EntityMetadata, row: Record<string, Value>): void {
  for (const [key, value] of Object.entries(row)) {
    const a = e.attributes.get(key);
    assert.ok(a !== undefined, `${e.logicalName}.${key} is not an attribute`);
    const isLookupType =
      e.attributes.get(key.replace(/type$/, ''))?.targets !== undefined && key.endsWith('type');
    assert.ok(a.validForCreate || a.isPrimaryId === true || isLookupType, `${key} is not writable on create`);
    if (value === null) continue;
    const where = `${e.logicalName}.${key} = ${JSON.stringify(value)}`;
    switch (scalarTypeOf(a)) {
      case 'string':
        assert.equal(typeof value, 'string', where);
        assert.ok((value as string).length <= (a.maxLength ?? 4000) && value !== '', where);
        break;
      case 'integer':
        assert.ok(Number.isInteger(value), where);
        if (a.options !== undefined)
          assert.ok(
            a.options.some((o) => o.value === value),
            `${where}: not an option`,
          );
        break;
      case 'decimal':
        assert.ok(typeof value === 'number' && Number.isFinite(value), where);
        break;
      case 'boolean':
        assert.equal(typeof value, 'boolean', where);
        break;
      case 'date': {
        assert.ok(typeof value === 'string' && DATE.test(value), where);
        const d = new Date(`${String(value)}T00:00:00Z`);
        assert.equal(d.toISOString().slice(0, 10), value, `${where}: not a real date`);
        break;
      }
      case 'datetime': {
        assert.ok(typeof value === 'string' && DATETIME.test(value), where);
        assert.equal(
          new Date(String(value)).toISOString().replace('.000Z', 'Z'),
          value,
          `${where}: not a real moment`,
        );
        break;
      }
      case 'guid':
        assert.ok(typeof value === 'string' && GUID_V4.test(value), where);
        break;
      default:
        assert.fail(`${where}: the generator should not write a ${scalarTypeOf(a)}`);
    }
    if (typeof value === 'number') {
      if (a.minValue !== undefined) assert.ok(value >= a.minValue, `${where} < ${a.minValue}`);
      if (a.maxValue !== undefined) assert.ok(value <= a.maxValue, `${where} > ${a.maxValue}`);
    }
  }
}

const share = (rows: readonly Record<string, Value>[], test: (r: Record<string, Value>) => boolean) =>
  rows.filter(test).length / rows.length;

describe('demo dataset generator', () => {
  it('makes 1,000 accounts and 10,000 contacts by default, each with the same attributes', () => {
    assert.equal(accounts.length, 1000);
    assert.equal(contacts.length, 10000);
    for (const a of accounts) assert.deepEqual(Object.keys(a), [...DEMO_ACCOUNT_ATTRIBUTES]);
    for (const c of contacts) assert.deepEqual(Object.keys(c), [...DEMO_CONTACT_ATTRIBUTES]);
  });

  it('fits the metadata: known, writable attributes with values of the right type', () => {
    for (const a of accounts) assertFits(account, a);
    for (const c of contacts) assertFits(contact, c);
  });

  it('is deterministic per seed, and row i does not depend on how many rows are made', () => {
    const again = [...generateContacts({ contacts: 300 })];
    assert.deepEqual(again, contacts.slice(0, 300));
    assert.deepEqual([...generateAccounts({ accounts: 50 })], [...generateAccounts({ accounts: 50 })]);
    const other = [...generateContacts({ seed: 2, contacts: 300 })];
    assert.ok(other.every((c, i) => c.contactid !== contacts[i]?.contactid));
    const sameFirstName = other.filter((c, i) => c.firstname === contacts[i]?.firstname).length;
    assert.ok(sameFirstName < 0.2 * other.length);
  });

  it('gives unique ids, and lookups that point at generated rows', () => {
    const accountIds = new Set(accounts.map((a) => a.accountid));
    const contactIds = new Set(contacts.map((c) => c.contactid));
    assert.equal(accountIds.size, accounts.length);
    assert.equal(contactIds.size, contacts.length);
    for (const c of contacts) {
      assert.equal(c.parentcustomerid === null, c.parentcustomeridtype === null);
      if (c.parentcustomerid !== null) {
        assert.ok(accountIds.has(c.parentcustomerid));
        assert.equal(c.parentcustomeridtype, 'account');
      }
    }
    for (const [i, a] of accounts.entries()) {
      assert.ok(contactIds.has(a.primarycontactid));
      // The primary contact works for the account.
      assert.equal(contacts[i]?.parentcustomerid, a.accountid);
    }
    const ids = new Set<string>();
    for (let i = 0; i < 200000; i++) ids.add(deterministicUuid(1, 'contact', i));
    assert.equal(ids.size, 200000);
  });

  it('has the stated null ratios', () => {
    const near = (actual: number, expected: number, tolerance: number, what: string) =>
      assert.ok(
        Math.abs(actual - expected) <= tolerance,
        `${what}: ${actual.toFixed(3)}, expected about ${expected}`,
      );
    near(
      share(contacts, (c) => c.emailaddress1 === null),
      0.1,
      0.02,
      'contacts without e-mail',
    );
    near(
      share(contacts, (c) => c.birthdate === null),
      0.05,
      0.015,
      'contacts without birthdate',
    );
    near(
      share(contacts, (c) => c.parentcustomerid !== null),
      0.82,
      0.03,
      'contacts with an account',
    );
    near(
      share(contacts, (c) => c.address1_city === null),
      0.08,
      0.02,
      'contacts without a city',
    );
    near(
      share(contacts, (c) => c.address1_country === null),
      0.06,
      0.02,
      'contacts without a country',
    );
    near(
      share(contacts, (c) => c.gendercode === 1),
      0.485,
      0.03,
      'male contacts',
    );
    near(
      share(contacts, (c) => c.gendercode === null),
      0.03,
      0.01,
      'contacts without gender',
    );
    near(
      share(contacts, (c) => c.donotbulkemail === true),
      0.12,
      0.02,
      'contacts refusing bulk e-mail',
    );
    assert.ok(contacts.every((c) => c.firstname !== null && c.lastname !== null));
    assert.ok(accounts.every((a) => a.name !== null && a.industrycode !== null));
  });

  it('spreads values the way real data is spread', () => {
    const counts = (values: Value[]) => {
      const m = new Map<Value, number>();
      for (const v of values) m.set(v, (m.get(v) ?? 0) + 1);
      return [...m.values()].sort((a, b) => b - a);
    };
    const cities = counts(contacts.map((c) => c.address1_city).filter((c) => c !== null));
    assert.ok(cities.length > 150, `only ${cities.length} cities`);
    assert.ok((cities[0] ?? 0) > 10 * (cities.at(-1) ?? 0), 'cities should be skewed');
    const industries = counts(accounts.map((a) => a.industrycode));
    assert.ok(
      industries.length >= 25 && (industries[0] ?? 0) > 3 * (industries[20] ?? 0),
      'industries should be skewed',
    );
    assert.ok(new Set(contacts.map((c) => c.lastname)).size > 300, 'a few hundred family names');
    assert.ok(new Set(contacts.map((c) => c.firstname)).size > 300, 'a few hundred given names');
    const years = contacts.map((c) => Number(String(c.birthdate).slice(0, 4))).filter((y) => y > 0);
    assert.ok(Math.min(...years) >= 1940 && Math.max(...years) <= 2007);
    const created = [...accounts, ...contacts].map((r) => String(r.overriddencreatedon));
    assert.ok(created.every((d) => d >= '2020-01-01' && d < '2026-01-01'));
    // E-mails are derived from the person's name.
    const c = contacts.find(
      (x) => x.emailaddress1 !== null && /^[a-z]+$/.test(String(x.lastname).toLowerCase()),
    );
    assert.ok(c !== undefined && String(c.emailaddress1).includes(String(c.lastname).toLowerCase()));
  });

  it('makes rows lazily, so ten million contacts cost nothing until read', () => {
    const started = performance.now();
    const it = generateContacts({ contacts: 10_000_000, accounts: 100_000 });
    const first = it.next();
    assert.ok(!first.done && typeof first.value.contactid === 'string');
    assert.ok(performance.now() - started < 500);
  });

  it('can leave primary contacts for a second pass', () => {
    const bare = [...generateAccounts({ accounts: 20, contacts: 10, withPrimaryContact: false })];
    assert.ok(bare.every((a) => a.primarycontactid === null));
    const links = [...accountPrimaryContacts({ accounts: 20, contacts: 10 })];
    assert.equal(links.length, 10);
    assert.deepEqual(links[3], { accountid: demoAccountId(3), primarycontactid: contacts[3]?.contactid });
    assert.deepEqual(
      [...generateAccounts({ accounts: 20, contacts: 10 })].map((a) => a.primarycontactid),
      [...links.map((l) => l.primarycontactid), ...Array<null>(10).fill(null)],
    );
  });

  it('refuses sizes that are not counts', () => {
    assert.throws(() => [...generateContacts({ contacts: -1 })], RangeError);
    assert.throws(() => [...generateAccounts({ accounts: 1.5 })], RangeError);
    assert.throws(() => [...generateContacts({ seed: Number.NaN })], RangeError);
  });
});
