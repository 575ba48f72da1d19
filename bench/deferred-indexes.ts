import type { StoreDriver } from '../src/store/driver.ts';

/**
 * PostgreSQL only: drops the primary keys, unique constraints and indexes of `tables` and returns
 * a function that builds them again. Generating tens of millions of rows into indexed tables (a
 * random-UUID primary key above all) took over 40 minutes here; loading the bare tables and
 * building each index once afterwards is how such data is loaded in practice.
 */
export async function deferIndexes(
  driver: StoreDriver,
  tables: readonly string[],
): Promise<() => Promise<void>> {
  const constraints = await driver.withConnection((c) =>
    c.query(
      `SELECT con.conname AS name, rel.relname AS tbl, pg_get_constraintdef(con.oid) AS def
         FROM pg_constraint con JOIN pg_class rel ON rel.oid = con.conrelid
        WHERE con.contype IN ('p', 'u') AND rel.relname = ANY(string_to_array($1, ','))
          AND rel.relnamespace = current_schema()::regnamespace`,
      [tables.join(',')],
    ),
  );
  const indexes = await driver.withConnection((c) =>
    c.query(
      `SELECT i.indexname AS name, i.indexdef AS def
         FROM pg_indexes i
        WHERE i.schemaname = current_schema() AND i.tablename = ANY(string_to_array($1, ','))
          AND NOT EXISTS (SELECT 1 FROM pg_constraint con WHERE con.conname = i.indexname)`,
      [tables.join(',')],
    ),
  );
  const q = (name: unknown) => `"${String(name).replace(/"/g, '""')}"`;
  await driver.withConnection(async (c) => {
    for (const i of indexes) await c.execute(`DROP INDEX ${q(i.name)}`, []);
    for (const k of constraints) await c.execute(`ALTER TABLE ${q(k.tbl)} DROP CONSTRAINT ${q(k.name)}`, []);
  });
  return () =>
    driver.withConnection(async (c) => {
      await c.execute(`SET maintenance_work_mem = '2GB'`, []);
      for (const k of constraints)
        await c.execute(`ALTER TABLE ${q(k.tbl)} ADD CONSTRAINT ${q(k.name)} ${String(k.def)}`, []);
      for (const i of indexes) await c.execute(String(i.def), []);
      await c.execute(`RESET maintenance_work_mem`, []);
    });
}
