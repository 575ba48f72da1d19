import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { attrRef, entitySource, keyRef, select } from '../../src/ir/build.ts';
import type { Row, Value } from '../../src/ir/nodes.ts';
import type { Store } from '../../src/store/store.ts';
import { storeTargets, withStore } from '../support/stores.ts';
import { schema } from './dataset.ts';

const id = (i: number) => `e0000000-0000-0000-0000-${String(i).padStart(12, '0')}`;

/**
 * Money values (4 digits after the point) around the edges of the DuckDB bulk path, which casts
 * decimals through a 64-bit DECIMAL(18, 4) when every value of a batch leaves room for rounding
 * and through DECIMAL(38, 4) otherwise.
 */
const SMALL: Value[] = ['12.5', 0.00005, -0.00005, '-0.00004', '1234567890123.99995', '0', '-7', 1e-7];
const WIDE: Value[] = ['99999999999999.99995', '922337203685477', '-922337203685477.5807', '0.00015'];

async function incomes(store: Store): Promise<Row[]> {
  return store.select(
    select(entitySource('contact', 'c'), [{ expr: attrRef('c', 'annualincome'), as: 'v' }], {
      orderBy: [{ expr: keyRef('c'), direction: 'asc' }],
    }),
  );
}

async function writeAll(store: Store, values: Value[], via: 'insert' | 'bulk'): Promise<void> {
  const rows = values.map((v, i) => [id(i), v]);
  if (via === 'bulk') {
    await store.bulkInsert('contact', ['contactid', 'annualincome'], rows);
    return;
  }
  const keys = await store.allocateKeys('contact', rows.length);
  await store.mutate({
    kind: 'insert',
    entity: 'contact',
    attributes: ['contactid', 'annualincome'],
    rows,
    keys,
  });
}

for (const target of storeTargets()) {
  describe(`bulk decimals (${target.name})`, () => {
    for (const [name, values] of [
      ['values that fit a 64-bit decimal', SMALL],
      ['values that need the wide decimal', WIDE],
      ['a batch mixing both', [...SMALL, ...WIDE]],
      ['a value that rounds up into one more digit', ['99999999999999.99995', '1.5']],
    ] as const) {
      test(`the bulk path rounds ${name} exactly as INSERT does`, async () => {
        const viaInsert = await withStore(target, schema, async (store) => {
          await writeAll(store, [...values], 'insert');
          return incomes(store);
        });
        const viaBulk = await withStore(target, schema, async (store) => {
          await writeAll(store, [...values], 'bulk');
          return incomes(store);
        });
        assert.equal(viaBulk.length, values.length);
        assert.deepEqual(viaBulk, viaInsert);
      });
    }

    test('exact values come back as the numbers their rounded text reads as', async () => {
      await withStore(target, schema, async (store) => {
        await writeAll(
          store,
          ['12.5', 0.00005, '-0.00005', '1234567890123.99995', '-922337203685477.5807'],
          'bulk',
        );
        assert.deepEqual(
          (await incomes(store)).map((r) => r.v),
          [12.5, 0.0001, -0.0001, 1234567890124, -922337203685477.6],
        );
      });
    });
  });
}
