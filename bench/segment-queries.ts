/**
 * `npm run bench:segments`: segment queries over a large generated dataset, each next to a
 * hand-written SQL query for the same question on the same store (the ratio is the compiler's
 * overhead). Both are timed as `SELECT count(*) FROM (…)`, so the numbers are the database's
 * evaluation of the set, not the transfer of its ids. "The same question" includes what the
 * segment means: interaction queries select existing contacts, so the hand-written SQL checks
 * that the contact exists too (interactions are append-only and outlive deleted contacts).
 *
 *   npm run bench:segments -- --contacts 10000000 --interactions 50000000 --store duckdb
 *
 * Method: the data is generated in the database (bench/segment-data.ts); each query runs once to
 * warm up, then `--runs` times (default 7); median and p95 (nearest rank) are reported.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, release, tmpdir, totalmem, arch } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { openDuckDBDriver } from '../src/dialect/duckdb/duckdb-driver.ts';
import { openPostgresDriver } from '../src/dialect/postgres/postgres-driver.ts';
import { RecordService } from '../src/engine/records.ts';
import type { RelQuery } from '../src/ir/nodes.ts';
import { schemaFromDocument } from '../src/metadata/schema-file.ts';
import { prepareSegmentQuery } from '../src/segment/query-runner.ts';
import { SqlCompiler } from '../src/sql/compiler.ts';
import type { StoreDriver } from '../src/store/driver.ts';
import { migrateSchema } from '../src/store/migrate.ts';
import { SqlStore, inTransaction } from '../src/store/sql-store.ts';
import { writeBenchmarkSection } from './benchmarks-file.ts';
import { deferIndexes } from './deferred-indexes.ts';
import { BENCH_NOW, generationSql } from './segment-data.ts';

const { values: args } = parseArgs({
  options: {
    contacts: { type: 'string', default: '1000000' },
    interactions: { type: 'string' },
    store: { type: 'string', default: 'duckdb' },
    runs: { type: 'string', default: '7' },
    out: { type: 'string', default: 'BENCHMARKS.md' },
  },
});

const contacts = Number(args.contacts);
const interactions = Number(args.interactions ?? contacts * 5);
const runs = Number(args.runs);
const storeName = args.store === 'postgres' ? 'postgres' : 'duckdb';

interface Question {
  name: string;
  segment: string;
  /** The same question in SQL, as one would write it by hand; `$now` is BENCH_NOW. */
  sql: string;
  target?: string;
}

const ts = (d: Date) => `TIMESTAMP '${d.toISOString().slice(0, 19).replace('T', ' ')}'`;
const daysBefore = (n: number) => new Date(BENCH_NOW.getTime() - n * 86400_000);
const monthsBefore = (n: number) => {
  const d = new Date(BENCH_NOW.getTime());
  d.setUTCMonth(d.getUTCMonth() - n);
  return d;
};

const QUESTIONS: Question[] = [
  {
    name: '3 predicates + 1 traverse',
    segment:
      "PROFILE(account).FILTER(numberofemployees > 100).TRAVERSE(contact_account_parentcustomerid).FILTER(address1_city == 'Seattle' && numberofchildren >= 2)",
    sql: `SELECT count(*) AS n FROM "contact" c JOIN "account" a ON a."accountid" = c."parentcustomerid"
          WHERE a."numberofemployees" > 100 AND lower(c."address1_city") = 'seattle' AND c."numberofchildren" >= 2`,
    target: '≤ 100 ms at 10M contacts on DuckDB; ratio ≤ 1.2',
  },
  {
    name: '3 predicates on contacts',
    segment:
      "PROFILE(contact).FILTER(address1_city == 'Paris' && numberofchildren >= 2 && birthdate < '1980-01-01')",
    sql: `SELECT count(*) AS n FROM "contact" c
          WHERE lower(c."address1_city") = 'paris' AND c."numberofchildren" >= 2 AND c."birthdate" < DATE '1980-01-01'`,
  },
  {
    name: 'INTERACTION … HAVING(COUNT() > 0, UTCDAYS(30))',
    segment: 'INTERACTION(EmailOpened, EmailOpened_ContactLink).HAVING(COUNT() > 0, UTCDAYS(30))',
    sql: `SELECT count(*) AS n FROM "contact" c WHERE c."contactid" IN (SELECT "contactid" FROM "interaction"
          WHERE "interactiontype" = 'EmailOpened' AND "timestamp" >= ${ts(daysBefore(30))})`,
    target: 'ratio ≤ 1.2',
  },
  {
    name: 'INTERACTION … HAVING(COUNT() > 3, UTCMONTHS(6))',
    segment: 'INTERACTION(EmailClicked, EmailClicked_ContactLink).HAVING(COUNT() > 3, UTCMONTHS(6))',
    sql: `SELECT count(*) AS n FROM "contact" c WHERE c."contactid" IN (SELECT "contactid" FROM "interaction"
          WHERE "interactiontype" = 'EmailClicked' AND "timestamp" >= ${ts(monthsBefore(6))}
          GROUP BY "contactid" HAVING count(*) > 3)`,
  },
  {
    name: 'profile EXCEPT interactions',
    segment:
      "PROFILE(contact).FILTER(address1_city == 'Seattle') EXCEPT INTERACTION(EmailOpened, EmailOpened_ContactLink).HAVING(COUNT() > 0, UTCDAYS(90))",
    sql: `SELECT count(*) AS n FROM "contact" c WHERE lower(c."address1_city") = 'seattle'
          AND NOT EXISTS (SELECT 1 FROM "interaction" i WHERE i."contactid" = c."contactid"
            AND i."interactiontype" = 'EmailOpened' AND i."timestamp" >= ${ts(daysBefore(90))})`,
  },
];

function stats(ms: number[]): { median: number; p95: number } {
  const s = [...ms].sort((a, b) => a - b);
  const at = (q: number) => s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)]!;
  return { median: at(0.5), p95: at(0.95) };
}

async function main(): Promise<void> {
  const schema = schemaFromDocument(undefined);
  let folder: string | undefined;
  let driver: StoreDriver;
  if (storeName === 'postgres') {
    const url = process.env.SEGMENTD_BENCH_DATABASE_URL ?? process.env.SEGMENTD_TEST_DATABASE_URL;
    if (url === undefined || url === '')
      throw new Error('set SEGMENTD_BENCH_DATABASE_URL to an empty PostgreSQL database');
    driver = openPostgresDriver(url);
  } else {
    folder = mkdtempSync(join(tmpdir(), 'segmentd-bench-'));
    driver = await openDuckDBDriver(join(folder, 'bench.duckdb'));
  }
  try {
    await inTransaction(driver, (c) => migrateSchema(c, driver.dialect, schema));
    const store = new SqlStore(driver, schema);
    const records = new RecordService(store);
    const exec = (sql: string) => driver.withConnection((c) => c.execute(sql, []));
    for (const table of ['interaction', 'contact', 'account']) await exec(`DELETE FROM "${table}"`);

    console.log(
      `generating ${contacts.toLocaleString('en')} contacts, ${interactions.toLocaleString('en')} interactions (${storeName})`,
    );
    const started = Date.now();
    const tables = ['account', 'contact', 'interaction'];
    const rebuildIndexes = storeName === 'postgres' ? await deferIndexes(driver, tables) : undefined;
    for (const sql of generationSql(storeName, { contacts, interactions })) await exec(sql);
    if (rebuildIndexes !== undefined) {
      console.log(`  rows in after ${((Date.now() - started) / 1000).toFixed(1)} s; building the indexes`);
      await rebuildIndexes();
      for (const t of tables) await exec(`ANALYZE "${t}"`);
    }
    const generated = (Date.now() - started) / 1000;
    console.log(`  generated in ${generated.toFixed(1)} s`);

    const compiler = new SqlCompiler(schema, driver.dialect);
    const time = async (sql: string, params: readonly unknown[]): Promise<{ ms: number; n: number }> => {
      const t0 = process.hrtime.bigint();
      const rows = await driver.withConnection((c) => c.query(sql, params as never));
      return { ms: Number(process.hrtime.bigint() - t0) / 1e6, n: Number(rows[0]?.n) };
    };
    const results: string[] = [];
    for (const q of QUESTIONS) {
      const prepared = await prepareSegmentQuery(records, q.segment, {
        now: BENCH_NOW,
        requireContact: true,
      });
      if ('errors' in prepared) throw new Error(`${q.segment}: ${prepared.errors[0]?.message}`);
      const counted: RelQuery = {
        kind: 'select',
        from: { kind: 'subquery', query: prepared.query, alias: 'q' },
        joins: [],
        columns: [{ expr: { kind: 'aggregate', fn: 'count' }, as: 'n' }],
      };
      const compiled = compiler.compile(counted);
      const ours: number[] = [];
      const theirs: number[] = [];
      const warmOurs = await time(compiled.sql, compiled.params);
      const warmTheirs = await time(q.sql, []);
      if (warmOurs.n !== warmTheirs.n)
        throw new Error(
          `${q.name}: the compiled query counts ${warmOurs.n}, the hand-written one ${warmTheirs.n}`,
        );
      // Alternate the two so that neither always runs on a warmer cache.
      for (let i = 0; i < runs; i++) {
        ours.push((await time(compiled.sql, compiled.params)).ms);
        theirs.push((await time(q.sql, [])).ms);
      }
      const a = stats(ours);
      const b = stats(theirs);
      const line = `| ${q.name} | ${warmOurs.n.toLocaleString('en')} | ${a.median.toFixed(1)} / ${a.p95.toFixed(1)} ms | ${b.median.toFixed(1)} / ${b.p95.toFixed(1)} ms | ${(a.median / b.median).toFixed(2)} | ${q.target ?? ''} |`;
      console.log(line);
      results.push(line);
    }
    const section = [
      `<!-- bench:segments:${storeName}:${contacts}:begin -->`,
      `### Segment queries: ${storeName === 'duckdb' ? 'DuckDB' : 'PostgreSQL'}, ${contacts.toLocaleString('en')} contacts, ${interactions.toLocaleString('en')} interactions`,
      '',
      `Run on ${new Date().toISOString().slice(0, 10)} with \`npm run bench:segments -- --contacts ${contacts} --interactions ${interactions} --store ${storeName}\`.`,
      `Machine: ${cpus().length} × ${cpus()[0]?.model.trim() ?? 'CPU'}, ${Math.round(totalmem() / 1048576)} MiB, Linux ${release()} (${arch()}), Node.js ${process.version}.`,
      `Data generated in the database in ${generated.toFixed(0)} s (bench/segment-data.ts); ${storeName === 'duckdb' ? 'a DuckDB file in the temp folder' : 'PostgreSQL 15, loaded into the bare tables, then the keys and indexes built and the tables ANALYZEd'}.`,
      `Each query: 1 warm-up, then ${runs} runs alternating with the hand-written SQL; both timed as \`count(*)\` over the set.`,
      '',
      '| question | members | compiled (median / p95) | hand-written SQL (median / p95) | ratio | target |',
      '| --- | --- | --- | --- | --- | --- |',
      ...results,
      `<!-- bench:segments:${storeName}:${contacts}:end -->`,
    ].join('\n');
    writeBenchmarkSection(args.out, `bench:segments:${storeName}:${contacts}`, section);
  } finally {
    await driver.close();
    if (folder !== undefined) rmSync(folder, { recursive: true, force: true });
  }
}

await main();
