/**
 * `npm run bench`: every benchmark suite, one after the other, each in a process of its own (so
 * its peak memory is its own) on a fresh database, each writing its section of BENCHMARKS.md.
 *
 *   npm run bench                         quick: 1,000,000 contacts, 5,000,000 interactions
 *   npm run bench -- --full               10,000,000 contacts, 50,000,000 interactions
 *   npm run bench -- --store postgres     on PostgreSQL (SEGMENTD_BENCH_DATABASE_URL: a role that may
 *                                         create databases; each suite gets a fresh one)
 *   npm run bench -- --only segments      one suite: import-http, segments, engine
 *
 * Suites: bench/import-http.ts (import through the engine, GET by id and filtered GET over HTTP
 * under load), bench/segment-queries.ts (segment queries next to hand-written SQL),
 * bench/segment-engine.ts (member operations, go-live, compound segments, member pages).
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';

const { values: args } = parseArgs({
  options: {
    store: { type: 'string', default: 'duckdb' },
    full: { type: 'boolean', default: false },
    only: { type: 'string' },
    /** Another size than quick/full (for trying the suites out). */
    contacts: { type: 'string' },
    out: { type: 'string', default: 'BENCHMARKS.md' },
  },
});

const contacts = args.contacts !== undefined ? Number(args.contacts) : args.full ? 10_000_000 : 1_000_000;
const interactions = contacts * 5;
const store = args.store === 'postgres' ? 'postgres' : 'duckdb';
const serverUrl = process.env.SEGMENTD_BENCH_DATABASE_URL ?? process.env.SEGMENTD_TEST_DATABASE_URL ?? '';
if (store === 'postgres' && serverUrl === '') {
  console.error(
    '--store postgres needs SEGMENTD_BENCH_DATABASE_URL (or run under scripts/with-postgres.mjs)',
  );
  process.exit(1);
}

interface Suite {
  name: string;
  file: string;
  args: string[];
}

const SUITES: Suite[] = [
  { name: 'import-http', file: 'import-http.ts', args: ['--contacts', String(contacts)] },
  {
    name: 'segments',
    file: 'segment-queries.ts',
    args: ['--contacts', String(contacts), '--interactions', String(interactions)],
  },
  { name: 'engine', file: 'segment-engine.ts', args: ['--contacts', String(contacts)] },
];

/** A fresh database on the PostgreSQL server for one suite; dropped afterwards. */
async function withDatabase<T>(suite: string, fn: (url: string) => T): Promise<T> {
  if (store === 'duckdb') return fn('');
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  const name = `segmentd_bench_${suite.replaceAll('-', '_')}_${process.pid}`;
  await admin.query(`DROP DATABASE IF EXISTS "${name}"`);
  await admin.query(`CREATE DATABASE "${name}"`);
  try {
    const url = new URL(serverUrl);
    url.pathname = `/${name}`;
    return fn(url.toString());
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await admin.end();
  }
}

let failed = 0;
const started = Date.now();
for (const suite of SUITES) {
  if (args.only !== undefined && args.only !== suite.name) continue;
  const file = join(import.meta.dirname, suite.file);
  if (!existsSync(file)) {
    console.log(`\n== ${suite.name}: ${suite.file} is missing, skipped`);
    continue;
  }
  console.log(`\n== ${suite.name} (${store}, ${contacts.toLocaleString('en')} contacts)`);
  const status = await withDatabase(suite.name, (url) => {
    const r = spawnSync(
      process.execPath,
      ['--import', 'tsx', file, ...suite.args, '--store', store, '--out', args.out],
      {
        stdio: 'inherit',
        env: { ...process.env, ...(url !== '' ? { SEGMENTD_BENCH_DATABASE_URL: url } : {}) },
      },
    );
    return r.status ?? 1;
  });
  if (status !== 0) {
    failed++;
    console.error(`== ${suite.name} failed (exit ${status})`);
  }
}
console.log(
  `\nbench finished in ${((Date.now() - started) / 1000).toFixed(0)} s${failed > 0 ? `, ${failed} suite(s) failed` : ''}`,
);
process.exit(failed > 0 ? 1 : 0);
