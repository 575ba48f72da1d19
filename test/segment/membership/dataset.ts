import type { RecordService } from '../../../src/engine/records.ts';
import { prng } from '../../support/prng.ts';

/**
 * A seeded dataset for membership tests: accounts in hierarchies several levels deep, contacts
 * whose parent is an account, another contact or nobody, nulls in every optional column, skewed
 * values (most contacts live in a few cities, in several spellings), dates, and interactions of
 * several types over two years before `NOW`, a few contacts with many of them. The tests compute
 * each expected member set from these plain objects, independently of the store.
 */

export const NOW = new Date('2026-06-15T10:30:00Z');

export interface GenAccount {
  id: string;
  name: string;
  city: string | null;
  employees: number | null;
  parent: string | null;
}

export interface GenContact {
  id: string;
  firstname: string | null;
  lastname: string;
  city: string | null;
  /** YYYY-MM-DD */
  birthdate: string | null;
  children: number | null;
  donotemail: boolean;
  jobtitle: string | null;
  parent: { id: string; entity: 'account' | 'contact' } | null;
}

export interface GenInteraction {
  id: string;
  type: 'EmailOpened' | 'EmailClicked' | 'FormSubmitted';
  contact: string;
  /** ISO instant */
  timestamp: string;
  emailid: string | null;
  value: number | null;
}

export interface Dataset {
  accounts: GenAccount[];
  contacts: GenContact[];
  interactions: GenInteraction[];
}

const hex = (prefix: string, n: number) =>
  `${prefix}${n.toString(16).padStart(7, '0')}-0000-4000-8000-000000000000`;

export function generateDataset(
  seed: number,
  size = { accounts: 60, contacts: 400, interactions: 3000 },
): Dataset {
  const r = prng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  // Skew: the first values are picked far more often.
  const skewed = <T>(xs: readonly T[]): T => xs[Math.floor(r() * r() * xs.length)]!;
  const maybe = <T>(p: number, v: () => T): T | null => (r() < p ? null : v());

  const CITIES = [
    'Seattle',
    'seattle',
    'Paris',
    'PARIS',
    'London',
    'Berlin',
    'São Paulo',
    "O'Fallon",
    'Lyon',
  ];
  const accounts: GenAccount[] = [];
  for (let i = 0; i < size.accounts; i++) {
    // The first ten are roots; later ones hang under an earlier account, so chains grow deep.
    const parent = i < 10 || r() < 0.2 ? null : accounts[Math.floor(r() * i)]!.id;
    accounts.push({
      id: hex('a', i),
      name: `${pick(['Contoso', 'Fabrikam', 'Adatum', 'Litware', 'Northwind'])} ${i}`,
      city: maybe(0.15, () => skewed(CITIES)),
      employees: maybe(0.2, () => skewed([5, 10, 50, 100, 1000, 5000])),
      parent,
    });
  }
  const contacts: GenContact[] = [];
  for (let i = 0; i < size.contacts; i++) {
    const roll = r();
    const parent =
      roll < 0.65
        ? { id: pick(accounts).id, entity: 'account' as const }
        : roll < 0.8 && i > 0
          ? { id: contacts[Math.floor(r() * i)]!.id, entity: 'contact' as const }
          : null;
    const year = 1950 + Math.floor(r() * 55);
    contacts.push({
      id: hex('c', i),
      firstname: maybe(0.1, () => skewed(['Ann', 'ann', 'Bob', 'Carl', 'Dana', 'Eve', 'Zoë'])),
      lastname: skewed(['Smith', 'SMITH', 'Jones', 'Brown', 'García', 'Müller', 'Nguyen']),
      city: maybe(0.12, () => skewed(CITIES)),
      birthdate: maybe(
        0.15,
        () =>
          `${year}-${String(1 + Math.floor(r() * 12)).padStart(2, '0')}-${String(1 + Math.floor(r() * 28)).padStart(2, '0')}`,
      ),
      children: maybe(0.3, () => skewed([0, 1, 2, 3, 4, 7])),
      donotemail: r() < 0.2,
      jobtitle: maybe(0.4, () =>
        skewed(['Buyer', 'Sales Manager', '100% sales', 'CEO', 'under_score', 'Engineer']),
      ),
      parent,
    });
  }
  const interactions: GenInteraction[] = [];
  const TWO_YEARS = 2 * 365 * 86400_000;
  for (let i = 0; i < size.interactions; i++) {
    const type = skewed(['EmailOpened', 'EmailClicked', 'FormSubmitted'] as const);
    // A tenth of the contacts get most interactions.
    const contact = r() < 0.6 ? contacts[Math.floor(r() * r() * contacts.length * 0.1)]! : pick(contacts);
    const at = new Date(NOW.getTime() - Math.floor(r() * r() * TWO_YEARS));
    interactions.push({
      id: hex('e', i),
      type,
      contact: contact.id,
      timestamp: at.toISOString().slice(0, 19) + 'Z',
      emailid: type === 'FormSubmitted' ? null : maybe(0.1, () => skewed(['E1', 'e1', 'E2', 'E3', 'E4'])),
      value: type === 'FormSubmitted' ? maybe(0.2, () => Math.round(r() * 20000) / 100) : null,
    });
  }
  return { accounts, contacts, interactions };
}

/** Writes the dataset through the record service, parents before children. */
export async function loadDataset(records: RecordService, data: Dataset): Promise<void> {
  const rootsFirst: GenAccount[] = [];
  const placed = new Set<string>();
  while (rootsFirst.length < data.accounts.length) {
    const wave = data.accounts.filter(
      (a) => !placed.has(a.id) && (a.parent === null || placed.has(a.parent)),
    );
    await records.createMultiple(
      'account',
      wave.map((a) => ({
        accountid: a.id,
        name: a.name,
        address1_city: a.city,
        numberofemployees: a.employees,
        parentaccountid: a.parent,
      })),
    );
    for (const a of wave) placed.add(a.id);
    rootsFirst.push(...wave);
  }
  const done = new Set<string>();
  while (done.size < data.contacts.length) {
    const wave = data.contacts.filter(
      (c) => !done.has(c.id) && (c.parent?.entity !== 'contact' || done.has(c.parent.id)),
    );
    await records.createMultiple(
      'contact',
      wave.map((c) => ({
        contactid: c.id,
        firstname: c.firstname,
        lastname: c.lastname,
        address1_city: c.city,
        birthdate: c.birthdate,
        numberofchildren: c.children,
        donotemail: c.donotemail,
        jobtitle: c.jobtitle,
        parentcustomerid: c.parent?.id ?? null,
        parentcustomeridtype: c.parent?.entity ?? null,
      })),
    );
    for (const c of wave) done.add(c.id);
  }
  for (let i = 0; i < data.interactions.length; i += 1000) {
    await records.createMultiple(
      'interaction',
      data.interactions.slice(i, i + 1000).map((x) => ({
        interactionid: x.id,
        interactiontype: x.type,
        contactid: x.contact,
        timestamp: x.timestamp,
        ...(x.type === 'FormSubmitted' ? { value: x.value } : { emailid: x.emailid }),
      })),
    );
  }
}
