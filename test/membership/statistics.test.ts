import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { duckdbDialect } from '../../src/dialect/duckdb/duckdb-dialect.ts';
import { openPostgresDriver } from '../../src/dialect/postgres/postgres-driver.ts';
import { postgresDialect } from '../../src/dialect/postgres/postgres-dialect.ts';
import { attrRef, entitySource, select } from '../../src/ir/build.ts';
import { Schema } from '../../src/metadata/schema.ts';
import { builtinEntities } from '../../src/metadata/schema-file.ts';
import { SqlCompiler } from '../../src/sql/compiler.ts';
import type { SqlDialect } from '../../src/sql/dialect.ts';
import type { DriverConnection } from '../../src/store/driver.ts';
import { SqlMembershipTable } from '../../src/store/membership-table.ts';
import type { SessionConnections } from '../../src/store/sql-store.ts';
import { openTestStore, storeTargets } from '../support/stores.ts';

/**
 * A membership write that changes many rows refreshes the table's planner statistics where the
 * store keeps them (PostgreSQL: ANALYZE, in the write's transaction), and only then.
 */

const schema = new Schema(builtinEntities());
const T = new Date('2024-03-01T10:00:00Z');

/** Connections that record statements and answer every write with `changed` rows. */
function recording(changed: () => number): { connections: SessionConnections; statements: string[] } {
  const statements: string[] = [];
  const connection: DriverConnection = {
    query: (sql) => {
      statements.push(sql);
      return Promise.resolve([{ n: 0 }]);
    },
    queryIntegers: (sql) => {
      statements.push(sql);
      return Promise.resolve(new Int32Array(0));
    },
    execute: (sql) => {
      statements.push(sql);
      return Promise.resolve(changed());
    },
    append: () => Promise.resolve(),
    discard: () => undefined,
  };
  return { connections: { read: (fn) => fn(connection), write: (fn) => fn(connection) }, statements };
}

const analyzes = (statements: string[]) => statements.filter((s) => s.startsWith('ANALYZE')).length;

describe('membership statistics after large writes', () => {
  for (const [dialect, expected] of [
    [postgresDialect, 1],
    [duckdbDialect, 0],
  ] as [SqlDialect, number][]) {
    it(`${dialect.name}: ${expected === 1 ? 'ANALYZE' : 'nothing'} after a write of at least the threshold, nothing below`, async () => {
      let changed = 0;
      const { connections, statements } = recording(() => changed);
      const m = new SqlMembershipTable(new SqlCompiler(schema, dialect), connections, 3);
      changed = 2;
      await m.add(1, [1, 2], T);
      await m.remove(1, [1, 2]);
      await m.clear(1);
      assert.equal(analyzes(statements), 0);
      changed = 3;
      await m.add(1, [1, 2, 3], T);
      assert.equal(analyzes(statements), expected);
      assert.equal(statements.at(-1)?.startsWith('ANALYZE') ?? false, expected === 1);
      await m.removeFromQuery(1, {
        query: select(entitySource('contact', 'c'), [{ expr: attrRef('c', 'contactid'), as: 'id' }]),
      });
      await m.clear(1);
      assert.equal(analyzes(statements), 3 * expected);
      if (expected === 1)
        assert.deepEqual(
          statements.filter((s) => s.startsWith('ANALYZE')).at(0),
          'ANALYZE "sd_segment_member"',
        );
    });
  }
});

for (const target of storeTargets().filter((t) => t.name === 'postgres')) {
  describe(`membership statistics on a real store (${target.name})`, () => {
    it('are there once a large write commits: ANALYZE runs inside its transaction', async () => {
      const { store, location } = await openTestStore(target, schema);
      const driver = 'databaseUrl' in location ? openPostgresDriver(location.databaseUrl) : undefined;
      assert.ok(driver !== undefined);
      try {
        const keys = await store.bulkInsert(
          'contact',
          ['contactid', 'lastname'],
          Array.from({ length: 5 }, (_, i) => [`c0000000-0000-0000-0000-00000000000${i}`, 'x']),
        );
        const inTransaction: SessionConnections = {
          read: (fn) => driver.withConnection(fn),
          write: (fn) =>
            driver.withConnection(async (c) => {
              await c.execute('BEGIN', []);
              const result = await fn(c);
              await c.execute('COMMIT', []);
              return result;
            }),
        };
        const statistics = async () =>
          Number(
            (
              await driver.withConnection((c) =>
                c.query(
                  "SELECT count(*) AS n FROM pg_stats WHERE tablename = 'sd_segment_member' AND schemaname = current_schema()",
                  [],
                ),
              )
            )[0]?.n,
          );
        const m = new SqlMembershipTable(new SqlCompiler(schema, postgresDialect), inTransaction, 5);
        assert.equal(await m.add(7, keys.slice(0, 4), T), 4);
        assert.equal(await statistics(), 0);
        assert.equal(await m.add(8, keys, T), 5);
        assert.ok((await statistics()) > 0);
        assert.equal(await store.membership.count(8), 5);
      } finally {
        await driver.close();
        await store.close();
      }
    });
  });
}
