import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { attrRef, cmp, entitySource, keyRef, lit, select } from '../../src/ir/build.ts';
import type { Expr, RelQuery, Row } from '../../src/ir/nodes.ts';
import { InvalidValueError, SqlCompileError } from '../../src/sql/errors.ts';
import { DuplicateKeyError, type Store } from '../../src/store/store.ts';
import { storeTargets, withStore } from '../support/stores.ts';
import { contactId, schema, seed } from './dataset.ts';

const c = (attribute: string): Expr => attrRef('c', attribute);

const ALL_COLUMNS = [...(schema.entities.get('contact')?.attributes.keys() ?? [])];

/** Every contact with every attribute and its key, by key. */
const everything: RelQuery = select(
  entitySource('contact', 'c'),
  [{ expr: keyRef('c'), as: 'sd_key' }, ...ALL_COLUMNS.map((a) => ({ expr: c(a), as: a }))],
  { orderBy: [{ expr: keyRef('c'), direction: 'asc' }] },
);

const count = async (store: Store, where?: Expr): Promise<number> => {
  const rows = await store.select(
    select(
      entitySource('contact', 'c'),
      [{ expr: { kind: 'aggregate', fn: 'count' }, as: 'n' }],
      where ? { where } : {},
    ),
  );
  return rows[0]?.n as number;
};

const byId = (n: number): Expr => cmp('=', c('contactid'), lit(contactId(n), 'guid'));

for (const target of storeTargets()) {
  describe(`store (${target.name})`, () => {
    test('values come back normalised: guids, instants, dates, decimals, bigints, booleans', async () => {
      await withStore(target, schema, async (store) => {
        const [key] = await store.allocateKeys('contact', 1);
        await store.mutate({
          kind: 'insert',
          entity: 'contact',
          attributes: [
            'contactid',
            'createdon',
            'birthdate',
            'annualincome',
            'versionnumber',
            'donotemail',
            'address1_latitude',
            'description',
          ],
          rows: [
            [
              'C0000000-0000-0000-0000-0000000000AB',
              '2020-05-06T07:08:09.750+02:00',
              '2000-02-29',
              '12345678901234.5678',
              '9007199254740993',
              true,
              -12.25,
              'line\n"two", \'three\'',
            ],
          ],
          keys: [key as number],
        });
        const rows = await store.select(
          select(
            entitySource('contact', 'c'),
            [
              { expr: c('contactid'), as: 'id' },
              { expr: c('createdon'), as: 'createdon' },
              { expr: c('birthdate'), as: 'birthdate' },
              { expr: c('annualincome'), as: 'income' },
              { expr: c('versionnumber'), as: 'version' },
              { expr: c('donotemail'), as: 'flag' },
              { expr: c('address1_latitude'), as: 'lat' },
              { expr: c('description'), as: 'text' },
              { expr: { kind: 'aggregate', fn: 'count' }, as: 'n' },
            ],
            {
              groupBy: [
                'contactid',
                'createdon',
                'birthdate',
                'annualincome',
                'versionnumber',
                'donotemail',
                'address1_latitude',
                'description',
              ].map(c),
            },
          ),
        );
        assert.deepEqual(rows, [
          {
            id: 'c0000000-0000-0000-0000-0000000000ab',
            createdon: '2020-05-06T05:08:09Z',
            birthdate: '2000-02-29',
            income: 12345678901234.568,
            version: '9007199254740993',
            flag: true,
            lat: -12.25,
            text: 'line\n"two", \'three\'',
            n: 1,
          },
        ]);
      });
    });

    test('the bulk path stores exactly what INSERT stores', async () => {
      const viaInsert = await withStore(target, schema, async (store) => {
        await seed(store, 'insert');
        return store.select(everything);
      });
      const viaBulk = await withStore(target, schema, async (store) => {
        await seed(store, 'bulk');
        return store.select(everything);
      });
      assert.equal(viaBulk.length, 6);
      assert.deepEqual(viaBulk, viaInsert);
    });

    test('bulk insert allocates dense increasing keys and writes empty strings and nulls apart', async () => {
      await withStore(target, schema, async (store) => {
        const rows = Array.from({ length: 2500 }, (_, i) => [
          `d0000000-0000-0000-0000-${String(i).padStart(12, '0')}`,
          i % 3 === 0 ? '' : i % 3 === 1 ? null : `name "${i}",\n`,
        ]);
        const keys = await store.bulkInsert('contact', ['contactid', 'lastname'], rows);
        assert.deepEqual(
          keys,
          Array.from({ length: 2500 }, (_, i) => i + 1),
        );
        assert.equal(await count(store, cmp('=', c('lastname'), lit('', 'string'))), 834);
        assert.equal(await count(store, { kind: 'isNull', operand: c('lastname'), negated: false }), 833);
        assert.equal(await count(store, cmp('=', c('lastname'), lit('name "2",\n', 'string'))), 1);
        assert.deepEqual(await store.allocateKeys('contact', 2), [2501, 2502]);
        assert.deepEqual(await store.bulkInsert('contact', ['contactid'], []), []);
      });
    });

    test('update and delete report the rows they changed', async () => {
      await withStore(target, schema, async (store) => {
        await seed(store);
        const updated = await store.mutate({
          kind: 'update',
          entity: 'contact',
          alias: 'c',
          set: [
            {
              attribute: 'numberofchildren',
              value: {
                kind: 'arith',
                op: '+',
                left: { kind: 'coalesce', operands: [c('numberofchildren'), lit(0, 'integer')] },
                right: lit(10, 'integer'),
              },
            },
            { attribute: 'jobtitle', value: lit('Boss', 'string') },
          ],
          where: cmp('=', c('lastname'), lit('smith', 'string'), true),
        });
        assert.equal(updated, 2);
        const rows = await store.select(
          select(
            entitySource('contact', 'c'),
            [
              { expr: c('numberofchildren'), as: 'n' },
              { expr: c('jobtitle'), as: 'job' },
            ],
            {
              where: { kind: 'isNull', operand: c('jobtitle'), negated: true },
              orderBy: [{ expr: keyRef('c'), direction: 'asc' }],
            },
          ),
        );
        assert.deepEqual(rows, [
          { n: 12, job: 'Boss' },
          { n: 11, job: 'Boss' },
        ]);
        assert.equal(
          await store.mutate({ kind: 'delete', entity: 'contact', alias: 'c', where: byId(6) }),
          1,
        );
        assert.equal(
          await store.mutate({ kind: 'delete', entity: 'contact', alias: 'c', where: byId(6) }),
          0,
        );
        assert.equal(await count(store), 5);
      });
    });

    test('a large INSERT is split into statements and applied as one', async () => {
      await withStore(target, schema, async (store) => {
        const n = 3000;
        const keys = await store.allocateKeys('contact', n);
        const rows = keys.map((k) => [
          `e0000000-0000-0000-0000-${String(k).padStart(12, '0')}`,
          `n${k}`,
          k,
          '2020-01-01',
          1.5,
          false,
          'x',
          'y',
          'z',
          'w',
          'v',
        ]);
        const attributes = [
          'contactid',
          'lastname',
          'numberofchildren',
          'birthdate',
          'annualincome',
          'donotemail',
          'firstname',
          'middlename',
          'nickname',
          'jobtitle',
          'department',
        ];
        assert.equal(await store.mutate({ kind: 'insert', entity: 'contact', attributes, rows, keys }), n);
        assert.equal(await count(store), n);
        // A duplicate in the last statement rolls back the earlier ones too.
        const more = await store.allocateKeys('contact', n);
        const again = more.map((k, i) => [
          `f0000000-0000-0000-0000-${String(i === n - 1 ? more[0] : k).padStart(12, '0')}`,
        ]);
        await assert.rejects(
          store.mutate({
            kind: 'insert',
            entity: 'contact',
            attributes: ['contactid'],
            rows: again,
            keys: more,
          }),
          DuplicateKeyError,
        );
        assert.equal(await count(store), n);
      });
    });

    test('transactions commit on success and roll back on failure', async () => {
      await withStore(target, schema, async (store) => {
        await seed(store);
        const result = await store.transaction(async (tx) => {
          await tx.mutate({ kind: 'delete', entity: 'contact', alias: 'c', where: byId(1) });
          const [a, b] = await Promise.all([tx.select(everything), tx.select(everything)]);
          assert.equal(a.length, 5);
          assert.deepEqual(a, b);
          return 'done';
        });
        assert.equal(result, 'done');
        assert.equal(await count(store), 5);

        let session: Parameters<Parameters<Store['transaction']>[0]>[0] | undefined;
        await assert.rejects(
          store.transaction(async (tx) => {
            session = tx;
            await tx.mutate({ kind: 'delete', entity: 'contact', alias: 'c', where: byId(2) });
            await tx.bulkInsert('contact', ['contactid'], [[contactId(7)]]);
            assert.equal((await tx.select(everything)).length, 5);
            throw new Error('changed my mind');
          }),
          /changed my mind/,
        );
        assert.equal(await count(store), 5);
        assert.equal(await count(store, byId(2)), 1);
        await assert.rejects(async () => session?.select(everything), /transaction has ended/);
      });
    });

    test('duplicate primary ids raise DuplicateKeyError on every write path', async () => {
      await withStore(target, schema, async (store) => {
        await seed(store);
        const keys = await store.allocateKeys('contact', 1);
        await assert.rejects(
          store.mutate({
            kind: 'insert',
            entity: 'contact',
            attributes: ['contactid'],
            rows: [[contactId(1)]],
            keys,
          }),
          DuplicateKeyError,
        );
        await assert.rejects(
          store.bulkInsert(
            'contact',
            ['contactid', 'lastname'],
            [
              [contactId(8), 'new'],
              [contactId(3), 'dup'],
            ],
          ),
          DuplicateKeyError,
        );
        // The failed bulk insert wrote nothing.
        assert.equal(await count(store), 6);
        await assert.rejects(
          store.transaction((tx) =>
            tx.bulkInsert('contact', ['contactid'], [[contactId(9)], [contactId(9)]]),
          ),
          DuplicateKeyError,
        );
        assert.equal(await count(store), 6);
      });
    });

    test('bad input is refused with a clear error before it reaches the database', async () => {
      await withStore(target, schema, async (store) => {
        await seed(store);
        await assert.rejects(
          store.bulkInsert('contact', ['contactid', 'birthdate'], [[contactId(7), '2021-02-29']]),
          (e: unknown) => {
            assert.ok(e instanceof InvalidValueError);
            assert.equal(
              e.message,
              `invalid date value "2021-02-29": no such date (row 0, attribute 'birthdate')`,
            );
            return true;
          },
        );
        await assert.rejects(store.bulkInsert('contact', ['nosuch'], [[1]]), SqlCompileError);
        await assert.rejects(store.bulkInsert('nosuch', ['a'], [[1]]), /unknown entity 'nosuch'/);
        await assert.rejects(store.allocateKeys('contact', -1), SqlCompileError);
        await assert.rejects(
          store.select(select(entitySource('contact', 'c'), [{ expr: c('nosuch'), as: 'x' }])),
          /entity 'contact' has no attribute 'nosuch'/,
        );
        await assert.rejects(
          store.select(
            select(entitySource('contact', 'c'), [{ expr: c('contactid'), as: 'x' }], {
              where: cmp('=', c('contactid'), lit('nope', 'guid')),
            }),
          ),
          InvalidValueError,
        );
        assert.equal(await count(store), 6);
      });
    });

    test('concurrent operations each get a connection', async () => {
      await withStore(target, schema, async (store) => {
        await seed(store);
        const results: Row[][] = await Promise.all(
          Array.from({ length: 12 }, () => store.select(everything)),
        );
        for (const r of results) assert.deepEqual(r, results[0]);
        const keys = await Promise.all(Array.from({ length: 6 }, () => store.allocateKeys('account', 5)));
        const all = keys.flat().sort((a, b) => a - b);
        assert.equal(new Set(all).size, 30);
      });
    });

    test('a closed store refuses work', async () => {
      let closed: Store | undefined;
      await withStore(target, schema, async (store) => {
        closed = store;
        return Promise.resolve();
      });
      await assert.rejects(async () => closed?.select(everything), /store is closed/);
      await closed?.close();
    });
  });
}
