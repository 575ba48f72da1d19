import assert from 'node:assert/strict';
import { before, after, describe, it } from 'node:test';
import { RecordService } from '../../../src/engine/records.ts';
import { schemaFromDocument } from '../../../src/metadata/schema-file.ts';
import { prepareSegmentQuery } from '../../../src/segment/query-runner.ts';
import type { Store } from '../../../src/store/store.ts';
import { prng } from '../../support/prng.ts';
import { openTestStore, storeTargets } from '../../support/stores.ts';
import { generateDataset, loadDataset, NOW, type Dataset } from './dataset.ts';
import { QueryGenerator, type RandomQuery } from './random-queries.ts';

/**
 * Members of segment queries over a generated dataset (nulls, dates, skewed values, hierarchies,
 * interactions), on every store, against sets computed in TypeScript from the same rows: a fixed
 * list that names each construct, then seeded random queries. Every store matching the same
 * independent answer is what makes the stores agree with each other.
 */

const schema = schemaFromDocument(undefined);
const data: Dataset = generateDataset(20261129);
const RANDOM_QUERIES = 160;

async function members(store: Store, records: RecordService, text: string): Promise<Set<string>> {
  const prepared = await prepareSegmentQuery(records, text, { now: NOW, requireContact: true });
  if ('errors' in prepared) assert.fail(`${text}\n${prepared.errors.map((e) => e.message).join('\n')}`);
  const rows = await store.select(prepared.query);
  const ids = rows.map((r) => String(r.id));
  assert.equal(new Set(ids).size, ids.length, `duplicate members from ${text}`);
  return new Set(ids);
}

function assertSameSet(actual: Set<string>, expected: Set<string>, text: string): void {
  const missing = [...expected].filter((x) => !actual.has(x));
  const extra = [...actual].filter((x) => !expected.has(x));
  assert.ok(
    missing.length === 0 && extra.length === 0,
    `${text}\n  expected ${expected.size}, got ${actual.size}; missing ${missing.slice(0, 5).join(', ')}; extra ${extra.slice(0, 5).join(', ')}`,
  );
}

const contactIds = (predicate: (c: Dataset['contacts'][number]) => boolean) =>
  new Set(data.contacts.filter(predicate).map((c) => c.id));

/** Queries that each exercise one construct, with their meaning spelled out. */
const FIXED: { text: string; expected: () => Set<string> }[] = [
  {
    text: "PROFILE(contact).FILTER(address1_city == 'SEATTLE')",
    expected: () => contactIds((c) => c.city?.toLowerCase() === 'seattle'),
  },
  {
    text: "PROFILE(contact).FILTER(address1_city != 'seattle')",
    expected: () => contactIds((c) => c.city !== null && c.city.toLowerCase() !== 'seattle'),
  },
  {
    text: "PROFILE(contact).FILTER(NOT(address1_city == 'seattle'))",
    expected: () => contactIds((c) => c.city !== null && c.city.toLowerCase() !== 'seattle'),
  },
  {
    text: 'PROFILE(contact).FILTER(ISNULL(birthdate) || numberofchildren >= 3)',
    expected: () => contactIds((c) => c.birthdate === null || (c.children !== null && c.children >= 3)),
  },
  {
    text: "PROFILE(contact).FILTER(jobtitle CONTAINS '0% s' && jobtitle STARTSWITH '100')",
    expected: () => contactIds((c) => c.jobtitle?.toLowerCase().includes('0% s') === true),
  },
  {
    text: "PROFILE(contact).FILTER(jobtitle ENDSWITH '_score')",
    expected: () => contactIds((c) => c.jobtitle?.toLowerCase().endsWith('_score') === true),
  },
  {
    text: "PROFILE(contact).FILTER(birthdate >= '1990-01-01' AND birthdate < DATE(2000, 1, 1))",
    expected: () =>
      contactIds((c) => c.birthdate !== null && c.birthdate >= '1990-01-01' && c.birthdate < '2000-01-01'),
  },
  {
    text: 'PROFILE(contact).FILTER(DATEDIFF(YEAR, birthdate, DATETIMEUTCNOW()) > 60)',
    expected: () =>
      contactIds((c) => c.birthdate !== null && NOW.getUTCFullYear() - Number(c.birthdate.slice(0, 4)) > 60),
  },
  {
    text: "PROFILE(account).FILTER(address1_city == 'paris').TRAVERSE(contact_account_parentcustomerid)",
    expected: () => {
      const paris = new Set(data.accounts.filter((a) => a.city?.toLowerCase() === 'paris').map((a) => a.id));
      return contactIds((c) => c.parent?.entity === 'account' && paris.has(c.parent.id));
    },
  },
  {
    // Three levels up: contacts of accounts that have a grandchild account with few employees.
    text: 'PROFILE(account).FILTER(numberofemployees < 50).TRAVERSE(account_parent_account).TRAVERSE(account_account_parentaccountid).TRAVERSE(contact_customer_accounts)',
    expected: () => {
      const byId = new Map(data.accounts.map((a) => [a.id, a]));
      const grandparents = new Set<string>();
      for (const a of data.accounts) {
        if (a.employees === null || a.employees >= 50 || a.parent === null) continue;
        const p = byId.get(a.parent)!;
        if (p.parent !== null) grandparents.add(p.parent);
      }
      return contactIds((c) => c.parent?.entity === 'account' && grandparents.has(c.parent.id));
    },
  },
  {
    text: 'INTERACTION(EmailOpened, EmailOpened_ContactLink).HAVING(COUNT() > 0, UTCDAYS(30))',
    expected: () => {
      const since = NOW.getTime() - (NOW.getTime() % 60000) - 30 * 86400_000;
      return new Set(
        data.interactions
          .filter((x) => x.type === 'EmailOpened' && new Date(x.timestamp).getTime() >= since)
          .map((x) => x.contact),
      );
    },
  },
  {
    text: "INTERACTION(EmailClicked, EmailClicked_ContactLink).FILTER(EmailId == 'e1').HAVING(COUNT() > 2)",
    expected: () => {
      const counts = new Map<string, number>();
      for (const x of data.interactions)
        if (x.type === 'EmailClicked' && x.emailid?.toLowerCase() === 'e1')
          counts.set(x.contact, (counts.get(x.contact) ?? 0) + 1);
      return new Set([...counts].filter(([, n]) => n > 2).map(([c]) => c));
    },
  },
  {
    text: 'PROFILE(contact).FILTER(donotemail == FALSE) EXCEPT INTERACTION(FormSubmitted, FormSubmitted_ContactLink).HAVING(SUM(Value) > 100)',
    expected: () => {
      const sums = new Map<string, number>();
      for (const x of data.interactions)
        if (x.type === 'FormSubmitted' && x.value !== null)
          sums.set(x.contact, (sums.get(x.contact) ?? 0) + x.value);
      return contactIds((c) => !c.donotemail && !((sums.get(c.id) ?? 0) > 100));
    },
  },
];

for (const target of storeTargets()) {
  describe(`segment members on a generated dataset (${target.name})`, () => {
    let store: Store;
    let records: RecordService;
    before(async () => {
      store = (await openTestStore(target, schema)).store;
      records = new RecordService(store);
      await loadDataset(records, data);
    });
    after(async () => {
      await store.close();
    });

    it('loads the dataset', async () => {
      assert.equal(await records.count('contact'), data.contacts.length);
      assert.equal(await records.count('interaction'), data.interactions.length);
    });

    for (const q of FIXED) {
      it(q.text, async () => {
        const expected = q.expected();
        assert.ok(expected.size > 0, 'the dataset should give this query members');
        assertSameSet(await members(store, records, q.text), expected, q.text);
      });
    }

    it(`gives the independently computed members for ${RANDOM_QUERIES} random queries`, async () => {
      const generator = new QueryGenerator(prng(7), data);
      let nonEmpty = 0;
      for (let i = 0; i < RANDOM_QUERIES; i++) {
        const q: RandomQuery = generator.setExpression();
        const expected = q.members(data);
        if (expected.size > 0) nonEmpty++;
        assertSameSet(await members(store, records, q.text), expected, `#${i}: ${q.text}`);
      }
      // The generator must not degenerate into empty sets, which would prove little.
      assert.ok(nonEmpty > RANDOM_QUERIES / 3, `only ${nonEmpty} of ${RANDOM_QUERIES} queries had members`);
    });
  });
}
