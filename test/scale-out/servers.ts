import { after } from 'node:test';
import pg from 'pg';
import { openStore } from '../../src/store/open.ts';
import type { Schema } from '../../src/metadata/schema.ts';
import type { Store } from '../../src/store/store.ts';
import { PG_URL_VARIABLE } from '../support/stores.ts';

/**
 * Two PostgreSQL servers for the scale-out tests: `node scripts/with-postgres.mjs --clusters 2`
 * starts them and sets SEGMENTD_TEST_DATABASE_URL and SEGMENTD_TEST_DATABASE_URL_2. Databases
 * made here are dropped when the test file's tests end.
 */

export const SECOND_URL_VARIABLE = `${PG_URL_VARIABLE}_2`;

export interface TwoServers {
  first: string;
  second: string;
}

/** Both servers' admin URLs, or why the tests that need them are skipped. */
export function twoServers(): TwoServers | { skip: string } {
  const first = process.env[PG_URL_VARIABLE];
  const second = process.env[SECOND_URL_VARIABLE];
  if (first === undefined || first === '' || second === undefined || second === '') {
    return {
      skip:
        `needs two PostgreSQL servers (${PG_URL_VARIABLE} and ${SECOND_URL_VARIABLE}): ` +
        'run under node scripts/with-postgres.mjs --clusters 2',
    };
  }
  return { first, second };
}

export async function withClient<T>(url: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

/** Runs statements one by one on one connection (so a `SET search_path` holds for the next ones). */
export async function runStatements(url: string, statements: readonly string[]): Promise<void> {
  await withClient(url, async (c) => {
    for (const sql of statements) {
      try {
        await c.query(sql);
      } catch (error) {
        throw new Error(`${sql}\n  failed: ${error instanceof Error ? error.message : String(error)}`, {
          cause: error,
        });
      }
    }
  });
}

/**
 * Ways to create a database, best first: a linguistic default collation (ICU en-US) where the
 * server has ICU, else plain UTF-8. Every database of one test uses the same way, since
 * postgres_fdw sends comparisons and sorts to the remote server, which must collate as the
 * coordinator does.
 */
const DATABASE_OPTIONS = [
  `TEMPLATE template0 ENCODING 'UTF8' LOCALE_PROVIDER icu ICU_LOCALE 'en-US' LOCALE 'C.UTF-8'`,
  `TEMPLATE template0 ENCODING 'UTF8'`,
];

const cleanups: (() => Promise<void>)[] = [];
let chosenOptions: string | undefined;

after(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** A fresh database on the server of `adminUrl`, dropped after the file's tests; its URL. */
export async function createDatabase(adminUrl: string, label: string): Promise<string> {
  const name = `sd_${label}_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
  await withClient(adminUrl, async (c) => {
    const candidates = chosenOptions === undefined ? DATABASE_OPTIONS : [chosenOptions];
    for (const [i, options] of candidates.entries()) {
      try {
        await c.query(`CREATE DATABASE "${name}" ${options}`);
        chosenOptions = options;
        return;
      } catch (error) {
        if (i === candidates.length - 1) throw error;
      }
    }
  });
  // Registered after the database exists; run in reverse, so the coordinator (made last, holding
  // connections to the others through postgres_fdw) is dropped first.
  cleanups.push(() =>
    withClient(adminUrl, async (c) => {
      await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    }),
  );
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

/** The parts of a postgres:// URL postgres_fdw's server options and user mapping take. */
export function serverOf(url: string): { host: string; port: number; dbname: string; user: string } {
  const u = new URL(url);
  return {
    host: u.hostname,
    port: Number(u.port === '' ? 5432 : u.port),
    dbname: decodeURIComponent(u.pathname.slice(1)),
    user: decodeURIComponent(u.username),
  };
}

/**
 * Opens `count` stores on one database, each with its own connection pool, as that many segmentd
 * processes would; each runs the migration, as each process does at start. Close them when done.
 */
export async function openSharedStores(url: string, schema: Schema, count: number): Promise<Store[]> {
  const stores: Store[] = [];
  try {
    for (let i = 0; i < count; i++) stores.push((await openStore({ schema, databaseUrl: url })).store);
  } catch (error) {
    for (const s of stores) await s.close();
    throw error;
  }
  return stores;
}
