/**
 * The import and HTTP suite of `npm run bench` (bench/run.ts runs it; alone:
 * `node --import tsx bench/import-http.ts --contacts N [--store postgres]`, PostgreSQL through
 * SEGMENTD_BENCH_DATABASE_URL, an empty database). Writes its section of BENCHMARKS.md (or `--out`).
 * `--import-only` stops after the import and writes nothing: for timing or profiling the import
 * path (`node --cpu-prof --import tsx bench/import-http.ts --contacts 200000 --import-only`).
 *
 * Measures:
 * - import of N generated contacts (and N/10 accounts) through the import path (engine + bulk write);
 * - GET by id over HTTP (random ids) and a filtered GET page over HTTP, with a concurrent load
 *   generator (autocannon, in a process of its own: bench/load-client.ts) after a warm-up:
 *   requests/s, p50 and p99 latency.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { arch, cpus, release, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { spawn } from 'node:child_process';
import { generateAccounts, generateContacts } from '../src/demo/generator.ts';
import type { AttributeValues } from '../src/engine/record-types.ts';
import { RecordService } from '../src/engine/records.ts';
import { buildApp } from '../src/http/app.ts';
import { importRecords } from '../src/ingest/importer.ts';
import type { ReadItem } from '../src/ingest/read-item.ts';
import { loadSchema } from '../src/metadata/schema-file.ts';
import { openStore } from '../src/store/open.ts';
import type { LoadRequest, LoadResult } from './load-client.ts';

const { values: args } = parseArgs({
  options: {
    contacts: { type: 'string', default: '1000000' },
    store: { type: 'string', default: 'duckdb' },
    seconds: { type: 'string', default: '10' },
    connections: { type: 'string', default: '16' },
    out: { type: 'string', default: 'BENCHMARKS.md' },
    /** Only the import, no HTTP and no file written (for profiling the import path). */
    'import-only': { type: 'boolean', default: false },
  },
});

const contacts = Number(args.contacts);
const accounts = Math.max(1, Math.floor(contacts / 10));
const seconds = Number(args.seconds);
const connections = Number(args.connections);
const storeName = args.store === 'postgres' ? 'postgres' : 'duckdb';

let peakRss = 0;
const sampler = setInterval(() => {
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
}, 100);
sampler.unref();

function mib(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(0)} MiB`;
}

// The importer reads an async source; generated rows have nothing to wait for.
// eslint-disable-next-line @typescript-eslint/require-await
async function* asItems(rows: Iterable<AttributeValues>): AsyncGenerator<ReadItem> {
  let line = 0;
  for (const record of rows) yield { line: ++line, record };
}

interface HttpResult extends LoadResult {
  name: string;
}

/**
 * Runs the load generator (bench/load-client.ts) in a process of its own against the server, which
 * keeps answering in this process meanwhile.
 */
function load(
  name: string,
  request: Omit<LoadRequest, 'connections' | 'seconds' | 'warmUpSeconds'>,
): Promise<HttpResult> {
  const full: LoadRequest = { ...request, connections, seconds, warmUpSeconds: 2 };
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', join(import.meta.dirname, 'load-client.ts'), JSON.stringify(full)],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  let out = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => {
      if (code !== 0) return reject(new Error(`the load generator failed (exit ${code}) for ${name}`));
      const result = JSON.parse(out.trim().split('\n').pop() ?? '') as LoadResult;
      resolve({ name, ...result });
    });
  });
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'segmentd-bench-'));
  const schema = loadSchema();
  const location =
    storeName === 'postgres'
      ? {
          databaseUrl:
            process.env.SEGMENTD_BENCH_DATABASE_URL ?? process.env.SEGMENTD_TEST_DATABASE_URL ?? '',
        }
      : { db: join(dir, 'bench.duckdb') };
  if ('databaseUrl' in location && location.databaseUrl === '') {
    throw new Error('--store postgres needs SEGMENTD_BENCH_DATABASE_URL (an empty database)');
  }
  const { store } = await openStore({ schema, ...location });
  const records = new RecordService(store);
  await records.ensureDefaults();

  console.log(`importing ${accounts} accounts and ${contacts} contacts into ${storeName}…`);
  const t0 = performance.now();
  const accountReport = await importRecords({
    source: asItems(generateAccounts({ accounts, contacts, withPrimaryContact: false })),
    convert: (r) => r as AttributeValues,
    write: (batch) => records.importBatch('account', batch, { upsert: false }),
    batchSize: 20000,
  });
  const t1 = performance.now();
  const contactReport = await importRecords({
    source: asItems(generateContacts({ accounts, contacts })),
    convert: (r) => r as AttributeValues,
    write: (batch) => records.importBatch('contact', batch, { upsert: false }),
    batchSize: 20000,
    onProgress: (c) => {
      if (c.imported % 200000 === 0 && c.imported > 0) console.log(`  ${c.imported} contacts`);
    },
  });
  const t2 = performance.now();
  if (!accountReport.complete || !contactReport.complete || contactReport.rejected > 0) {
    throw new Error(`import incomplete: ${JSON.stringify({ accountReport, contactReport }).slice(0, 500)}`);
  }
  const importSeconds = (t2 - t1) / 1000;
  await store.refreshStatistics('account');
  await store.refreshStatistics('contact');
  console.log(`  contacts: ${importSeconds.toFixed(1)} s (${Math.round(contacts / importSeconds)} rows/s)`);
  if (args['import-only']) {
    console.log(`  accounts: ${((t1 - t0) / 1000).toFixed(1)} s, peak RSS ${mib(peakRss)}`);
    await store.close();
    rmSync(dir, { recursive: true, force: true });
    return;
  }

  const app = buildApp({ records, schema, logger: false });
  const address = await app.listen({ host: '127.0.0.1', port: 0 });
  const results: HttpResult[] = [];
  console.log('HTTP: GET by id…');
  results.push(await load('GET /contacts(<id>) with $select', { url: address, kind: 'by-id', contacts }));
  console.log('HTTP: filtered page…');
  results.push(
    await load("GET /contacts?$filter=address1_city eq '<city>' and statecode eq 0&$top=50", {
      url: address,
      kind: 'filtered',
      contacts,
    }),
  );
  await app.close();
  await store.close();
  rmSync(dir, { recursive: true, force: true });

  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  const importTarget = 30;
  const storeLabel =
    storeName === 'duckdb'
      ? 'DuckDB (embedded, @duckdb/node-api 1.5.6-r.1), a database file in the temp folder'
      : 'PostgreSQL (the server at SEGMENTD_BENCH_DATABASE_URL, on the same machine)';
  const importMissed = contacts >= 1_000_000 && importSeconds > importTarget;
  const section = [
    `## ${storeName === 'duckdb' ? 'DuckDB' : 'PostgreSQL'}`,
    '',
    `Run on ${new Date().toISOString().slice(0, 10)} with \`node --import tsx bench/import-http.ts --contacts ${contacts} --store ${storeName}\` (part of \`npm run bench\`).`,
    `Store: ${storeLabel}. Machine: ${cpus().length} × ${cpu}, ${mib(totalmem())} memory, Linux ${release()} (${arch()}), Node.js ${process.version}.`,
    '',
    `Dataset: the deterministic demo generator (seed 1): ${accounts.toLocaleString('en-US')} accounts, ${contacts.toLocaleString('en-US')} contacts`,
    'with names, emails (10 % null), skewed cities, birthdates, incomes and a parent account for ~80 %.',
    '',
    '### Import',
    '',
    'Method: the import path of `segmentd import` (record engine: defaults, computed and system attributes, id and',
    "lookup checks; then the store's bulk write: DuckDB data chunks appended to the table, PostgreSQL COPY) in batches of",
    '20,000, one transaction per batch, the generator included in the time. One run.',
    '',
    '| measure | result | target |',
    '| --- | --- | --- |',
    `| import ${accounts.toLocaleString('en-US')} accounts | ${((t1 - t0) / 1000).toFixed(1)} s | |`,
    `| import ${contacts.toLocaleString('en-US')} contacts | ${importSeconds.toFixed(1)} s (${Math.round(contacts / importSeconds).toLocaleString('en-US')} rows/s) | ${storeName === 'duckdb' ? `≤ ${importTarget} s for 1M${contacts >= 1_000_000 ? (importMissed ? ' (**missed**)' : ' (met)') : ''}` : ''} |`,
    `| peak RSS of the process | ${mib(peakRss)} | |`,
    '',
    '### HTTP',
    '',
    `Method: the server on 127.0.0.1 in the bench's process, autocannon in a process of its own with ${connections} connections, a 2 s warm-up,`,
    `then ${seconds} s measured. Client and server share the machine's cores. Random ids / cities per request.`,
    '',
    '| request | requests/s | p50 | p99 | errors |',
    '| --- | --- | --- | --- | --- |',
    ...results.map(
      (r) =>
        `| ${r.name} | ${Math.round(r.rps).toLocaleString('en-US')} | ${r.p50} ms | ${r.p99} ms | ${r.errors} |`,
    ),
    '',
  ].join('\n');
  writeFileSync(
    args.out,
    mergeSection(existsSync(args.out) ? readFileSync(args.out, 'utf8') : '', storeName, section),
  );
  console.log(section);
}

/**
 * BENCHMARKS.md keeps one section per store, each replaced by the run that measures it; the
 * preamble (targets missed first, with their analysis) is kept as written.
 */
function mergeSection(file: string, store: string, section: string): string {
  const begin = `<!-- bench:${store}:begin -->`;
  const end = `<!-- bench:${store}:end -->`;
  const block = `${begin}\n${section}${end}\n`;
  const at = file.indexOf(begin);
  const until = file.indexOf(end);
  if (at >= 0 && until > at) return file.slice(0, at) + block + file.slice(until + end.length + 1);
  const base =
    file === '' ? '# Benchmarks\n\nProduced by `npm run bench`; see each section for its method.\n\n' : file;
  return `${base.trimEnd()}\n\n${block}`;
}

await main();
