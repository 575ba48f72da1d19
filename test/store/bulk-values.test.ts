import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { attrRef, entitySource, keyRef, select } from '../../src/ir/build.ts';
import type { Row, Value } from '../../src/ir/nodes.ts';
import { DuplicateKeyError, type Store } from '../../src/store/store.ts';
import { storeTargets, withStore } from '../support/stores.ts';
import { schema } from './dataset.ts';

/**
 * The bulk path writes each value in its column's binary form on DuckDB (GUIDs, instants, dates,
 * decimals encoded by segmentd, strings one by one, data chunks of 2,048 rows): every type's
 * edges must read back exactly as the same rows written by INSERT.
 */
const ATTRIBUTES = [
  'contactid',
  'firstname',
  'parentcustomerid',
  'parentcustomeridtype',
  'birthdate',
  'createdon',
  'numberofchildren',
  'annualincome',
  'address1_latitude',
  'donotemail',
];

const EDGE_ROWS: Value[][] = [
  [
    '00000000-0000-0000-0000-000000000000',
    'Ann',
    'ffffffff-ffff-ffff-ffff-ffffffffffff',
    'account',
    '0001-01-01',
    '0001-01-01T00:00:00Z',
    -2147483648,
    '-99999999999999.9999',
    -0.5,
    false,
  ],
  [
    '7fffffff-ffff-ffff-8000-000000000000',
    'a longer name than twelve bytes, with "quotes", a comma and ünïcödé 🎉',
    '80000000-0000-0000-7fff-ffffffffffff',
    'contact',
    '9999-12-31',
    '9999-12-31T23:59:59Z',
    2147483647,
    '99999999999999.9999',
    123456789.0123,
    true,
  ],
  [
    'ABCDEF01-2345-6789-ABCD-EF0123456789',
    '',
    '0123abcd-4567-89ef-0123-456789abcdef',
    'account',
    '1969-12-31',
    '1969-12-31T23:59:59Z',
    0,
    '-0.00005',
    -12.25,
    false,
  ],
  [
    '12345678-9abc-def0-1234-56789abcdef0',
    null,
    null,
    null,
    '2000-02-29',
    '2000-02-29T12:34:56+02:00',
    null,
    null,
    null,
    null,
  ],
  [
    '22222222-2222-2222-2222-222222222222',
    'x',
    null,
    null,
    '1900-03-01',
    '1970-01-01T00:00:00Z',
    7,
    0,
    5e-324,
    true,
  ],
];

/** Enough rows to fill a chunk and start another, with nulls spread across the boundary. */
const MANY_ROWS: Value[][] = Array.from({ length: 2100 }, (_, i) => [
  `b0000000-0000-0000-0000-${String(i).padStart(12, '0')}`,
  i % 3 === 0 ? null : `name ${i}`,
  i % 5 === 0 ? null : `a0000000-0000-0000-0000-${String(i % 7).padStart(12, '0')}`,
  i % 5 === 0 ? null : 'account',
  i % 4 === 0 ? null : `19${String(i % 100).padStart(2, '0')}-0${(i % 9) + 1}-1${i % 10}`,
  `2024-01-01T00:00:${String(i % 60).padStart(2, '0')}Z`,
  i % 2 === 0 ? i : null,
  i % 6 === 0 ? null : `${i}.${i % 10000}`,
  i % 8 === 0 ? null : i / 7,
  i % 3 === 1 ? null : i % 2 === 0,
]);

async function readAll(store: Store): Promise<Row[]> {
  return store.select(
    select(
      entitySource('contact', 'c'),
      ATTRIBUTES.map((a) => ({ expr: attrRef('c', a), as: a })),
      { orderBy: [{ expr: keyRef('c'), direction: 'asc' }] },
    ),
  );
}

async function writeAll(store: Store, rows: Value[][], via: 'insert' | 'bulk' | 'columns'): Promise<void> {
  if (via === 'bulk') {
    await store.bulkInsert('contact', ATTRIBUTES, rows);
    return;
  }
  if (via === 'columns') {
    const columns = ATTRIBUTES.map((_, j) => rows.map((r) => r[j] as Value));
    await store.bulkInsertColumns('contact', ATTRIBUTES, columns, rows.length);
    return;
  }
  const keys = await store.allocateKeys('contact', rows.length);
  await store.mutate({ kind: 'insert', entity: 'contact', attributes: ATTRIBUTES, rows, keys });
}

for (const target of storeTargets()) {
  describe(`bulk values (${target.name})`, () => {
    for (const [name, rows] of [
      ['the edges of every column type', EDGE_ROWS],
      ['rows across a chunk boundary', MANY_ROWS],
    ] as const) {
      test(`the bulk path writes ${name} as INSERT does`, async () => {
        const viaInsert = await withStore(target, schema, async (store) => {
          await writeAll(store, rows, 'insert');
          return readAll(store);
        });
        for (const via of ['bulk', 'columns'] as const) {
          const viaBulk = await withStore(target, schema, async (store) => {
            await writeAll(store, rows, via);
            return readAll(store);
          });
          assert.equal(viaBulk.length, rows.length);
          assert.deepEqual(viaBulk, viaInsert);
        }
      });
    }

    test('a duplicate id in a bulk write, stored or in the batch, fails it as a whole', async () => {
      await withStore(target, schema, async (store) => {
        const rows = EDGE_ROWS.slice(0, 2);
        await writeAll(store, rows, 'bulk');
        await assert.rejects(
          writeAll(store, [EDGE_ROWS[2] as Value[], rows[1] as Value[]], 'bulk'),
          DuplicateKeyError,
        );
        await assert.rejects(
          writeAll(store, [EDGE_ROWS[3] as Value[], EDGE_ROWS[3] as Value[]], 'bulk'),
          DuplicateKeyError,
        );
        assert.equal((await readAll(store)).length, 2);
      });
    });
  });
}
