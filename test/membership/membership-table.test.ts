import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import roaring from 'roaring';
import { attrRef, cmp, entitySource, lit, select } from '../../src/ir/build.ts';
import type { Expr, RelQuery } from '../../src/ir/nodes.ts';
import { Schema } from '../../src/metadata/schema.ts';
import { builtinEntities } from '../../src/metadata/schema-file.ts';
import { InvalidValueError } from '../../src/sql/errors.ts';
import type { Store } from '../../src/store/store.ts';
import { storeTargets, withStore } from '../support/stores.ts';

const { RoaringBitmap32 } = roaring;
const schema = new Schema(builtinEntities());

const T1 = new Date('2024-03-01T10:00:00Z');
const T2 = new Date('2024-04-02T11:30:00Z');
const contactId = (i: number) => `c0000000-0000-0000-0000-${String(i).padStart(12, '0')}`;

const col = (source: string, column: string): Expr => ({ kind: 'column', source, column });

/** The segment's members and when each entered, in key order. */
async function entries(store: Store, segmentKey: number): Promise<[number, string][]> {
  const rows = await store.select(
    select(
      { kind: 'segmentMembers', alias: 'm' },
      [
        { expr: col('m', 'contact_key'), as: 'k' },
        { expr: col('m', 'entered_on'), as: 'e' },
      ],
      {
        where: cmp('=', col('m', 'segment_key'), lit(segmentKey, 'integer')),
        orderBy: [{ expr: col('m', 'contact_key'), direction: 'asc' }],
      },
    ),
  );
  return rows.map((r) => [Number(r.k), String(r.e)]);
}

/** Contacts 1..n with lastname `even`/`odd` by their number; returns their keys in order. */
async function contacts(store: Store, n: number): Promise<number[]> {
  const rows = Array.from({ length: n }, (_, i) => [contactId(i + 1), (i + 1) % 2 === 0 ? 'even' : 'odd']);
  return store.bulkInsert('contact', ['contactid', 'lastname'], rows);
}

/** Contact ids (column `id`) with the given last name: the shape segment lowering produces. */
function byLastName(name: string): RelQuery {
  return select(entitySource('contact', 'c'), [{ expr: attrRef('c', 'contactid'), as: 'id' }], {
    where: cmp('=', attrRef('c', 'lastname'), lit(name, 'string')),
  });
}

const sorted = (b: InstanceType<typeof RoaringBitmap32>) => Array.from(b.toUint32Array());

for (const target of storeTargets()) {
  describe(`segment membership (${target.name})`, () => {
    test('keysOfIds: the keys of the contacts with these ids; unknown ids give none', () =>
      withStore(target, schema, async (store) => {
        const keys = await contacts(store, 5);
        const unknown = 'dddddddd-0000-0000-0000-000000000001';
        // Unsorted, with an unknown id: the lookup sorts and probes (PostgreSQL) or joins (DuckDB).
        const found = await store.membership.keysOfIds([contactId(4), unknown, contactId(1), contactId(5)]);
        assert.deepEqual(sorted(found), [keys[0], keys[3], keys[4]]);
        assert.equal((await store.membership.keysOfIds([unknown])).size, 0);
        assert.equal((await store.membership.keysOfIds([])).size, 0);
        // Inside a transaction it sees the transaction's own contacts.
        await store.transaction(async (tx) => {
          const [k] = await tx.bulkInsert('contact', ['contactid', 'lastname'], [[contactId(9), 'odd']]);
          assert.deepEqual(sorted(await tx.membership.keysOfIds([contactId(9)])), [k]);
        });
      }));

    test('add is idempotent and counts only new members; segments are independent', () =>
      withStore(target, schema, async (store) => {
        const m = store.membership;
        assert.equal(await m.add(1, [5, 1, 3, 3], T1), 3);
        assert.equal(await m.add(1, [1, 3, 5], T2), 0);
        assert.equal(await m.add(1, new RoaringBitmap32([5, 7]), T2), 1);
        assert.equal(await m.add(2, [1], T1), 1);
        assert.deepEqual(sorted(await m.members(1)), [1, 3, 5, 7]);
        assert.equal(await m.count(1), 4);
        assert.equal(await m.count(2), 1);
        assert.equal(await m.count(3), 0);
        assert.deepEqual(sorted(await m.members(3)), []);
        assert.equal(await m.has(1, 7), true);
        assert.equal(await m.has(1, 2), false);
        // Re-adding kept the first entered_on.
        assert.deepEqual(await entries(store, 1), [
          [1, '2024-03-01T10:00:00Z'],
          [3, '2024-03-01T10:00:00Z'],
          [5, '2024-03-01T10:00:00Z'],
          [7, '2024-04-02T11:30:00Z'],
        ]);
        assert.equal(await m.add(1, [], T1), 0);
      }));

    test('remove counts only members that were there; clear empties one segment', () =>
      withStore(target, schema, async (store) => {
        const m = store.membership;
        await m.add(1, [1, 2, 3, 4], T1);
        await m.add(2, [1, 2], T1);
        assert.equal(await m.remove(1, [1, 9, 4]), 2);
        assert.equal(await m.remove(1, [1]), 0);
        assert.deepEqual(sorted(await m.members(1)), [2, 3]);
        assert.equal(await m.clear(1), 2);
        assert.equal(await m.count(1), 0);
        assert.equal(await m.count(2), 2);
      }));

    test('replace writes only the difference; members that stay keep their entered_on', () =>
      withStore(target, schema, async (store) => {
        const m = store.membership;
        await m.add(1, [1, 2, 3], T1);
        assert.deepEqual(await m.replace(1, new RoaringBitmap32([2, 3, 4]), T2), { added: 1, removed: 1 });
        assert.deepEqual(await entries(store, 1), [
          [2, '2024-03-01T10:00:00Z'],
          [3, '2024-03-01T10:00:00Z'],
          [4, '2024-04-02T11:30:00Z'],
        ]);
        assert.deepEqual(await m.replace(1, new RoaringBitmap32([2, 3, 4]), T2), { added: 0, removed: 0 });
        assert.deepEqual(await m.replace(1, new RoaringBitmap32(), T2), { added: 0, removed: 3 });
        assert.equal(await m.count(1), 0);
      }));

    test('large writes go in chunks (250,000 keys) and diff correctly', () =>
      withStore(target, schema, async (store) => {
        const m = store.membership;
        const keys = new RoaringBitmap32();
        keys.addRange(1, 250_001);
        assert.equal(await m.add(7, keys, T1), 250_000);
        assert.equal(await m.count(7), 250_000);
        const next = new RoaringBitmap32();
        next.addRange(50_001, 300_001);
        assert.deepEqual(await m.replace(7, next, T2), { added: 50_000, removed: 50_000 });
        const members = await m.members(7);
        assert.equal(members.size, 250_000);
        assert.equal(members.minimum(), 50_001);
        assert.equal(members.maximum(), 300_000);
        assert.equal(await m.remove(7, next), 250_000);
      }));

    test('replaceFromQuery computes the change in the database from an id query', () =>
      withStore(target, schema, async (store) => {
        const keys = await contacts(store, 10);
        const m = store.membership;
        const odd = keys.filter((_, i) => i % 2 === 0);
        const even = keys.filter((_, i) => i % 2 === 1);
        // Start with two odd contacts and one even one.
        await m.add(3, [odd[0]!, odd[1]!, even[0]!], T1);
        const r = await m.replaceFromQuery(3, { query: byLastName('odd') }, T2);
        assert.deepEqual(r, { added: 3, removed: 1, count: 5 });
        assert.deepEqual(sorted(await m.members(3)), odd);
        const at = new Map(await entries(store, 3));
        assert.equal(at.get(odd[0]!), '2024-03-01T10:00:00Z');
        assert.equal(at.get(odd[4]!), '2024-04-02T11:30:00Z');
        // A set operation of id queries (rewritten to read keys on both sides).
        const both: RelQuery = {
          kind: 'setop',
          op: 'union',
          left: byLastName('odd'),
          right: byLastName('even'),
        };
        assert.deepEqual(await m.replaceFromQuery(3, { query: both }, T2), {
          added: 5,
          removed: 0,
          count: 10,
        });
        // An empty result removes everyone.
        assert.deepEqual(await m.replaceFromQuery(3, { query: byLastName('nobody') }, T2), {
          added: 0,
          removed: 10,
          count: 0,
        });
      }));

    test('id queries that cannot be rewritten are joined to the contact by id', () =>
      withStore(target, schema, async (store) => {
        const keys = await contacts(store, 6);
        // Ids read from a subquery's output column, with a null and a duplicate.
        const ids: RelQuery = select({ kind: 'subquery', query: byLastName('even'), alias: 's' }, [
          { expr: col('s', 'id'), as: 'id' },
        ]);
        const withNull: RelQuery = {
          kind: 'setop',
          op: 'union',
          left: ids,
          right: select(entitySource('contact', 'n'), [{ expr: attrRef('n', 'parentcustomerid'), as: 'id' }]),
        };
        const r = await store.membership.replaceFromQuery(4, { query: withNull }, T1);
        assert.deepEqual(r, { added: 3, removed: 0, count: 3 });
        assert.deepEqual(sorted(await store.membership.members(4)), [keys[1]!, keys[3]!, keys[5]!]);
      }));

    test('a key query, and a query over the segment itself (staged before writing)', () =>
      withStore(target, schema, async (store) => {
        const m = store.membership;
        await m.add(5, [1, 2, 3, 4, 5, 6], T1);
        // The members of segment 5 with a key above 3: reads the table it rewrites.
        const self = select(
          { kind: 'segmentMembers', alias: 'sm' },
          [{ expr: col('sm', 'contact_key'), as: 'k' }],
          {
            where: {
              kind: 'and',
              operands: [
                cmp('=', col('sm', 'segment_key'), lit(5, 'integer')),
                cmp('>', col('sm', 'contact_key'), lit(3, 'integer')),
              ],
            },
          },
        );
        assert.deepEqual(await m.replaceFromQuery(5, { query: self, column: 'k', holds: 'key' }, T2), {
          added: 0,
          removed: 3,
          count: 3,
        });
        assert.deepEqual(sorted(await m.members(5)), [4, 5, 6]);
      }));

    test('addFromQuery and removeFromQuery', () =>
      withStore(target, schema, async (store) => {
        const keys = await contacts(store, 6);
        const m = store.membership;
        await m.add(6, [keys[0]!], T1);
        assert.equal(await m.addFromQuery(6, { query: byLastName('odd') }, T2), 2);
        assert.equal(await m.addFromQuery(6, { query: byLastName('odd') }, T2), 0);
        assert.equal((await entries(store, 6))[0]?.[1], '2024-03-01T10:00:00Z');
        assert.equal(await m.addFromQuery(6, { query: byLastName('even') }, T2), 3);
        assert.equal(await m.removeFromQuery(6, { query: byLastName('odd') }), 3);
        assert.equal(await m.removeFromQuery(6, { query: byLastName('odd') }), 0);
        assert.deepEqual(sorted(await m.members(6)), [keys[1]!, keys[3]!, keys[5]!]);
      }));

    test('inside a transaction: membership and the segment record commit or roll back together', () =>
      withStore(target, schema, async (store) => {
        await contacts(store, 4);
        const segmentId = 'd0000000-0000-0000-0000-000000000001';
        const [segmentKey] = await store.bulkInsert(
          'msdyncrm_segment',
          ['msdyncrm_segmentid', 'msdyncrm_segmentname', 'msdyncrm_segmentsize'],
          [[segmentId, 'S', 0]],
        );
        const sk = segmentKey!;
        const size = async () =>
          (
            await store.select(
              select(entitySource('msdyncrm_segment', 's'), [
                { expr: attrRef('s', 'msdyncrm_segmentsize'), as: 'n' },
              ]),
            )
          )[0]?.n;
        const setSize = (n: number) => ({
          kind: 'update' as const,
          entity: 'msdyncrm_segment',
          alias: 's',
          set: [{ attribute: 'msdyncrm_segmentsize', value: lit(n, 'integer') }],
          where: cmp('=', attrRef('s', 'msdyncrm_segmentid'), lit(segmentId, 'guid')),
        });

        await store.membership.add(sk, [100], T1);
        await assert.rejects(
          store.transaction(async (tx) => {
            await tx.membership.add(sk, [1, 2, 3], T2);
            await tx.membership.remove(sk, [100]);
            const r = await tx.membership.replaceFromQuery(sk, { query: byLastName('odd') }, T2);
            await tx.mutate(setSize(r.count));
            // Inside the transaction its own writes are visible.
            assert.equal(await tx.membership.count(sk), 2);
            throw new Error('abandon');
          }),
          /abandon/,
        );
        assert.deepEqual(sorted(await store.membership.members(sk)), [100]);
        assert.equal(await size(), 0);

        const kept = await store.transaction(async (tx) => {
          const r = await tx.membership.replaceFromQuery(sk, { query: byLastName('even') }, T2);
          await tx.mutate(setSize(r.count));
          return tx.membership;
        });
        assert.equal(await store.membership.count(sk), 2);
        assert.equal(await size(), 2);
        // The transaction's membership cannot be used after it ended.
        await assert.rejects(kept.count(sk), /transaction has ended/);
      }));

    test('concurrent writers of the same members: each member is added once', () =>
      withStore(target, schema, async (store) => {
        const keys = Array.from({ length: 200 }, (_, i) => i + 1);
        const added = await Promise.all(
          Array.from({ length: 8 }, (_, w) =>
            store.membership.add(8, w % 2 === 0 ? keys : [...keys].reverse(), T1),
          ),
        );
        assert.equal(
          added.reduce((a, b) => a + b, 0),
          200,
        );
        assert.equal(await store.membership.count(8), 200);
      }));

    test('bad keys, segment keys and dates are refused and nothing is written', () =>
      withStore(target, schema, async (store) => {
        const m = store.membership;
        await assert.rejects(m.add(1, [1, -1], T1), InvalidValueError);
        await assert.rejects(m.add(1, [1, 1.5], T1), InvalidValueError);
        await assert.rejects(m.add(1, [2 ** 31], T1), InvalidValueError);
        await assert.rejects(m.add(1, new RoaringBitmap32([1, 2 ** 31 + 5]), T1), InvalidValueError);
        await assert.rejects(m.add(1, ['1' as unknown as number], T1), InvalidValueError);
        await assert.rejects(m.add(-1, [1], T1), InvalidValueError);
        await assert.rejects(m.add(1, [1], new Date('nope')), InvalidValueError);
        await assert.rejects(m.remove(1, [NaN]), InvalidValueError);
        await assert.rejects(m.has(1, -3), InvalidValueError);
        await assert.rejects(m.count(1.5), InvalidValueError);
        await assert.rejects(
          m.replace(1, [1] as unknown as InstanceType<typeof RoaringBitmap32>, T1),
          TypeError,
        );
        await assert.rejects(
          m.replaceFromQuery(1, { query: byLastName('x'), entity: 'nope' }, T1),
          /unknown member entity/,
        );
        assert.equal(await m.count(1), 0);
      }));
  });
}
