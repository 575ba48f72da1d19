import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import pg from 'pg';
import type { Schema } from '../../src/metadata/schema.ts';
import { openStore } from '../../src/store/open.ts';
import type { MigrationReport, Store } from '../../src/store/store.ts';

/**
 * The stores a test runs against: DuckDB always, PostgreSQL when SEGMENTD_TEST_DATABASE_URL is
 * set (e.g. postgres://postgres@127.0.0.1:55432/postgres). Every location is a fresh, empty
 * database: DuckDB ':memory:' (or a temporary file), PostgreSQL a new schema inside a database
 * created for the test file and dropped when the file's tests end.
 *
 *   for (const target of storeTargets()) {
 *     test(`… (${target.name})`, async () => {
 *       await withStore(target, schema, async (store) => { … });
 *     });
 *   }
 */

export const PG_URL_VARIABLE = 'SEGMENTD_TEST_DATABASE_URL';

/** Where a store lives: the options `openStore` takes besides the schema. */
export type StoreLocation = { db: string } | { databaseUrl: string };

export interface StoreTarget {
  readonly name: 'duckdb' | 'postgres';
  /**
   * A fresh, empty database. `persistent` asks for one that can be opened again after the store
   * is closed (DuckDB: a temporary file instead of ':memory:').
   */
  freshLocation(options?: { persistent?: boolean }): Promise<StoreLocation>;
}

export interface OpenedTestStore {
  store: Store;
  migration: MigrationReport;
  location: StoreLocation;
}

const cleanups: (() => Promise<void>)[] = [];

// Registered while the test file imports this module, so it runs when the file's tests end (an
// `after` registered later, inside a hook or test, would run as soon as that hook or test ends).
after(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

class DuckDBTarget implements StoreTarget {
  readonly name = 'duckdb';
  private folder: string | undefined;
  private files = 0;

  freshLocation(options: { persistent?: boolean } = {}): Promise<StoreLocation> {
    if (options.persistent !== true) return Promise.resolve({ db: ':memory:' });
    if (this.folder === undefined) {
      const folder = mkdtempSync(join(tmpdir(), 'segmentd-test-'));
      this.folder = folder;
      cleanups.push(async () => {
        rmSync(folder, { recursive: true, force: true });
        this.folder = undefined;
        await Promise.resolve();
      });
    }
    return Promise.resolve({ db: join(this.folder, `store-${++this.files}`, 'segmentd.duckdb') });
  }
}

class PostgresTarget implements StoreTarget {
  readonly name = 'postgres';
  private database: Promise<string> | undefined;
  private schemas = 0;

  constructor(private readonly adminUrl: string) {}

  async freshLocation(): Promise<StoreLocation> {
    this.database ??= this.createDatabase();
    const dbUrl = await this.database;
    const schema = `t${++this.schemas}`;
    await withClient(dbUrl, (c) => c.query(`CREATE SCHEMA "${schema}"`));
    const url = new URL(dbUrl);
    url.searchParams.set('options', `-c search_path=${schema}`);
    return { databaseUrl: url.toString() };
  }

  private async createDatabase(): Promise<string> {
    const name = `sd_test_${process.pid}_${Math.random().toString(36).slice(2, 10)}`;
    // A linguistic default collation (ICU en-US) where the server has ICU, so tests catch SQL
    // that forgets to order strings byte-wise; else plain UTF-8, else the server's default.
    const variants = [
      `TEMPLATE template0 ENCODING 'UTF8' LOCALE_PROVIDER icu ICU_LOCALE 'en-US' LOCALE 'C.UTF-8'`,
      `TEMPLATE template0 ENCODING 'UTF8'`,
      '',
    ];
    await withClient(this.adminUrl, async (c) => {
      for (const [i, options] of variants.entries()) {
        try {
          await c.query(`CREATE DATABASE "${name}" ${options}`);
          return;
        } catch (error) {
          if (i === variants.length - 1) throw error;
        }
      }
    });
    cleanups.push(async () => {
      this.database = undefined;
      this.schemas = 0;
      await withClient(this.adminUrl, (c) => c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
    });
    const url = new URL(this.adminUrl);
    url.pathname = `/${name}`;
    return url.toString();
  }
}

async function withClient<T>(url: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

let targets: StoreTarget[] | undefined;

/** DuckDB, and PostgreSQL when SEGMENTD_TEST_DATABASE_URL is set. */
export function storeTargets(): StoreTarget[] {
  if (targets === undefined) {
    targets = [new DuckDBTarget()];
    const url = process.env[PG_URL_VARIABLE];
    if (url !== undefined && url !== '') targets.push(new PostgresTarget(url));
  }
  return targets;
}

/** Opens a store for `schema` at `location` (default: a fresh one). Close it when done. */
export async function openTestStore(
  target: StoreTarget,
  schema: Schema,
  location?: StoreLocation,
): Promise<OpenedTestStore> {
  const at = location ?? (await target.freshLocation());
  const { store, migration } = await openStore({ schema, ...at });
  return { store, migration, location: at };
}

/** Opens a store on a fresh database, runs `fn`, and closes the store even when `fn` throws. */
export async function withStore<T>(
  target: StoreTarget,
  schema: Schema,
  fn: (store: Store) => Promise<T>,
): Promise<T> {
  const { store } = await openTestStore(target, schema);
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}
