import { DUCKDB_MEMORY, openDuckDBDriver } from '../dialect/duckdb/duckdb-driver.ts';
import { openPostgresDriver } from '../dialect/postgres/postgres-driver.ts';
import type { Schema } from '../metadata/schema.ts';
import type { StoreDriver } from './driver.ts';
import { migrateSchema } from './migrate.ts';
import { SqlStore, inTransaction } from './sql-store.ts';
import type { MigrationReport, Store } from './store.ts';

export interface OpenStoreOptions {
  schema: Schema;
  /** DuckDB database file (its folder is created when missing) or ':memory:' (the default). */
  db?: string;
  /** `postgres://user:password@host:port/database` selects PostgreSQL; `db` is then ignored. */
  databaseUrl?: string;
  /** Most connections the store opens at once (default: DuckDB 4, PostgreSQL 10). */
  poolSize?: number;
}

/**
 * Opens the store and migrates it to `schema` (see src/store/migrate.ts): missing tables and
 * columns are created; a destructive difference throws DestructiveMigrationError and nothing is
 * changed.
 */
export async function openStore(
  options: OpenStoreOptions,
): Promise<{ store: Store; migration: MigrationReport }> {
  const url = options.databaseUrl;
  const driver: StoreDriver =
    url !== undefined && url !== ''
      ? openPostgresDriver(url, options.poolSize)
      : await openDuckDBDriver(options.db ?? DUCKDB_MEMORY, options.poolSize);
  try {
    const migration = await inTransaction(driver, (c) => migrateSchema(c, driver.dialect, options.schema));
    return { store: new SqlStore(driver, options.schema), migration };
  } catch (error) {
    await driver.close();
    throw driver.translateError(error);
  }
}
