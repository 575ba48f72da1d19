/**
 * `npm run bench:engine`: the segment engine end to end, through the Web API in the same process
 * (`buildApp` with a `SegmentEngine`, requests by `app.inject`) over contacts generated in the
 * database (bench/segment-data.ts):
 *
 *   1. msdyncrm_SegmentMembersUpdate addByIds of 20,000 ids into a fresh static segment: from the
 *      request to the operation's job done (members stored, segment size written).
 *   2. Go-live of a dynamic segment selecting ~80 % of the contacts: from the PATCH to Going live to
 *      Live (members stored); then its live update after 1,000 contacts changed (only the diff
 *      written) and an on-demand refresh with nothing changed.
 *   3. Compound segments `SEGMENT(a) UNION|INTERSECT|EXCEPT SEGMENT(b)` of two static segments of
 *      about half the contacts each: (a) the engine's go-live of the compound segment, (b) the set
 *      algebra alone on roaring bitmaps of the two member sets (read with store.membership.members).
 *   4. msdyncrm_FetchContactsByQuery: a page of 15 of a static segment of half the contacts (at
 *      most ~1M), the seed's request (`(SEGMENT(x)).ORDERBY(fullname ASC).SKIP(k).TAKE(15)
 *      .SELECT(contactid)` with its FetchXml), right after the segment was written and, on
 *      PostgreSQL, again after ANALYZE of the membership table.
 *
 *   npm run bench:engine -- --contacts 1000000 --store duckdb
 *   node scripts/with-postgres.mjs npm run bench:engine -- --contacts 1000000 --store postgres
 *
 * Options: --runs R (measured runs of the fast measures, default 5), --evaluation-runs E (of the
 * go-lives and refreshes, default 3), --calls C (FetchContactsByQuery calls per row, default 30),
 * --out FILE (default BENCHMARKS.md), --only MEASURES (comma-separated, of add-by-ids, go-live,
 * compound, pages; default all). Every measure runs once (three calls for pages) to warm up
 * first; median and p95 (nearest rank) of the measured runs are reported.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { arch, cpus, release, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import type { FastifyInstance, InjectOptions } from 'fastify';
import roaring from 'roaring';
import type { RoaringBitmap32 } from 'roaring';
import { settingsFrom } from '../src/config.ts';
import { openDuckDBDriver } from '../src/dialect/duckdb/duckdb-driver.ts';
import { openPostgresDriver } from '../src/dialect/postgres/postgres-driver.ts';
import { RecordService } from '../src/engine/records.ts';
import { buildApp } from '../src/http/app.ts';
import { attrRef, entitySource, keyRef, lit, select } from '../src/ir/build.ts';
import type { JobInfo } from '../src/jobs/job-types.ts';
import { SegmentStatus, SegmentType } from '../src/metadata/builtin/segment.ts';
import { schemaFromDocument } from '../src/metadata/schema-file.ts';
import { orderingKeyOf, readSegment, SegmentEngine, SegmentJobKind } from '../src/segment/engine/index.ts';
import { JOB_TABLE } from '../src/sql/jobs-sql.ts';
import { MEMBERSHIP_TABLE } from '../src/sql/internal-tables.ts';
import type { StoreDriver } from '../src/store/driver.ts';
import { migrateSchema } from '../src/store/migrate.ts';
import { inTransaction, SqlStore } from '../src/store/sql-store.ts';
import { writeBenchmarkSection } from './benchmarks-file.ts';
import { generationSql } from './segment-data.ts';
import { distinctSample, nowMs, PeakMemory, seededRandom, summarise, type Summary } from './run-stats.ts';

const { RoaringBitmap32: Bitmap } = roaring;

const { values: args } = parseArgs({
  options: {
    contacts: { type: 'string', default: '1000000' },
    store: { type: 'string', default: 'duckdb' },
    runs: { type: 'string', default: '5' },
    'evaluation-runs': { type: 'string', default: '3' },
    calls: { type: 'string', default: '30' },
    out: { type: 'string', default: 'BENCHMARKS.md' },
    only: { type: 'string' },
  },
});

const MEASURES = ['add-by-ids', 'go-live', 'compound', 'pages'] as const;
type Measure = (typeof MEASURES)[number];
const only = new Set<string>(args.only === undefined ? MEASURES : args.only.split(',').map((m) => m.trim()));
for (const m of only)
  if (!(MEASURES as readonly string[]).includes(m))
    throw new Error(`--only takes a comma-separated list of ${MEASURES.join(', ')}; got '${m}'`);
const selected = (m: Measure) => only.has(m);

function positiveInteger(name: string, text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} must be a whole number >= 1, got '${text}'`);
  return n;
}

const contacts = positiveInteger('contacts', args.contacts);
const runs = positiveInteger('runs', args.runs);
const evaluationRuns = positiveInteger('evaluation-runs', args['evaluation-runs']);
const calls = positiveInteger('calls', args.calls);
if (args.store !== 'duckdb' && args.store !== 'postgres')
  throw new Error(`--store must be duckdb or postgres, got '${args.store}'`);
const storeName: 'duckdb' | 'postgres' = args.store;

const BASE = '/api/data/v9.0';
/** Ids per addByIds call: the issue's size (and the action's limit). */
const ADD_IDS = 20_000;
/** Contacts changed before each refresh. */
const CHANGED = 1_000;
/** The largest segment the pages are read from (the issue's 1M). */
const PAGE_SEGMENT_MEMBERS = 1_000_000;
/** Pages near the start that the first page row picks from. */
const FIRST_PAGES = 100;
/** Waiting for background work longer than this is a failure of the run. */
const WAIT_MS = 60 * 60_000;

/** ~80 % of the generated contacts (donotemail is true for 20 %). */
const DYNAMIC_QUERY = 'PROFILE(contact).FILTER(NOT(donotemail))';
/** ~50 % of the contacts each (firstname: Ann 20 %, Dana 30 %; city: Berlin 33 %, Paris 15 %). */
const HALF_A = "PROFILE(contact).FILTER(firstname == 'Ann' || firstname == 'Dana')";
const HALF_B = "PROFILE(contact).FILTER(address1_city == 'Berlin' || address1_city == 'Paris')";
/** ~10 % of the contacts: the page segment at sizes where half of them is more than 1M. */
const TENTH = "PROFILE(contact).FILTER(address1_city == 'London')";

/** The seed's FetchXml of msdyncrm_FetchContactsByQuery (test/http/segment-seed.test.ts). */
const SEED_FETCH_XML =
  '<fetch version="1.0" output-format="xml-platform" mapping="logical" count="15" page="1" returntotalrecordcount="true"><entity name="contact"><attribute name="fullname"/><attribute name="emailaddress1"/><attribute name="company"/><attribute name="parentcustomerid"/><attribute name="contactid"/><order attribute="fullname" descending="false"/></entity></fetch>';

interface Row {
  measure: string;
  result: string;
  target: string;
  /** true met, false missed, undefined no target. */
  met?: boolean;
  /** Peak RSS of the process during the measure (bytes). */
  peakRss: number;
}

const mib = (bytes: number) => `${Math.round(bytes / 1048576).toLocaleString('en')} MiB`;
const ms = (v: number) =>
  v >= 100 ? `${Math.round(v).toLocaleString('en')} ms` : `${v.toFixed(v >= 10 ? 1 : 2)} ms`;
const pair = (s: Summary, unit: (v: number) => string = ms) => `${unit(s.median)} / ${unit(s.p95)}`;
const n = (v: number) => v.toLocaleString('en');

function packageVersion(name: string): string {
  const file = join(import.meta.dirname, '..', 'node_modules', name, 'package.json');
  return (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version;
}

/** The live-update delay the engine runs with (SEGMENTD_LIVE_UPDATE_DELAY_MS, as `segmentd serve`). */
let liveUpdateDelayMs = 0;

/** The Web API in this process with the segment engine, as `segmentd serve` builds it. */
class EngineBench {
  readonly app: FastifyInstance;
  readonly engine: SegmentEngine;

  constructor(
    readonly store: SqlStore,
    readonly records: RecordService,
  ) {
    const settings = settingsFrom(process.env);
    const { concurrency, leaseMs, pollMs, maxAttempts } = settings.jobs;
    liveUpdateDelayMs = settings.jobs.liveUpdateDelayMs;
    this.engine = new SegmentEngine(store, records, {
      queue: {
        concurrency,
        leaseMs,
        pollMs,
        onError: (error, job) => console.error(`job ${job?.id ?? '?'} (${job?.kind ?? '?'}):`, error),
      },
      maxAttempts,
      liveUpdates: { delayMs: liveUpdateDelayMs },
    });
    this.app = buildApp({
      records,
      schema: store.schema,
      bodyLimit: settings.bodyLimit,
      segments: this.engine,
    });
  }

  async request(
    options: InjectOptions & { url: string },
    expected: number,
  ): Promise<Record<string, unknown>> {
    const res = await this.app.inject({ ...options, url: `${BASE}/${options.url}` });
    if (res.statusCode !== expected)
      throw new Error(
        `${options.method ?? 'GET'} ${options.url}: ${res.statusCode} ${res.body.slice(0, 500)}`,
      );
    if (res.statusCode === 204) {
      const id = /\(([0-9a-f-]{36})\)$/.exec(String(res.headers['odata-entityid'] ?? ''));
      return id !== null ? { id: id[1] } : {};
    }
    return JSON.parse(res.body) as Record<string, unknown>;
  }

  async createSegment(
    name: string,
    type: number,
    query?: string,
  ): Promise<{ id: string; key: number; queryName: string }> {
    const { id } = await this.request(
      {
        method: 'POST',
        url: 'msdyncrm_segments',
        payload: {
          msdyncrm_segmentname: name,
          msdyncrm_segmenttype: type,
          statuscode: SegmentStatus.Draft,
          ...(query !== undefined ? { msdyncrm_segmentquery: query } : {}),
        },
      },
      204,
    );
    const segment = await readSegment(this.store, String(id));
    const record = await this.records.retrieve('msdyncrm_segment', String(id), ['msdyncrm_segmentqueryname']);
    if (segment === undefined || typeof record?.msdyncrm_segmentqueryname !== 'string')
      throw new Error(`segment ${name} was not created`);
    return { id: segment.id, key: segment.key, queryName: record.msdyncrm_segmentqueryname };
  }

  setStatus(id: string, status: number): Promise<Record<string, unknown>> {
    return this.request(
      { method: 'PATCH', url: `msdyncrm_segments(${id})`, payload: { statuscode: status } },
      204,
    );
  }

  /**
   * Polls `check` until it answers, reading the store only while the engine's queue runs no job
   * (the poll takes nothing from a running evaluation): every millisecond at first, every 5 ms
   * after 200 ms (a live update waits seconds for its delay).
   */
  async until<T>(what: string, check: () => Promise<T | undefined>): Promise<T> {
    const started = Date.now();
    for (;;) {
      if (this.engine.queue.running === 0) {
        const found = await check();
        if (found !== undefined) return found;
      }
      const waited = Date.now() - started;
      if (waited > WAIT_MS) throw new Error(`gave up waiting for ${what}`);
      await sleep(waited < 200 ? 1 : 5);
    }
  }

  /** The job once it is done; throws when it failed. */
  async jobDone(id: string): Promise<JobInfo> {
    const job = await this.until(`job ${id}`, async () => {
      const j = await this.store.jobs.get(id);
      return j !== undefined && j.state !== 'queued' && j.state !== 'running' ? j : undefined;
    });
    const failed = (job.result as { failed?: string } | null)?.failed;
    if (job.state !== 'succeeded' || failed !== undefined)
      throw new Error(
        `job ${id} (${job.kind}) ${job.state}: ${failed ?? job.lastError ?? 'no reason given'}`,
      );
    return job;
  }

  /** The segment's newest job of `kind` that is done, once there are more than `before` of them. */
  async nextDone(segmentId: string, kind: string, before: number): Promise<JobInfo> {
    const done = () =>
      this.store.jobs.list({
        orderingKey: orderingKeyOf(segmentId),
        kind,
        states: ['succeeded', 'failed'],
        limit: 1000,
      });
    const jobs = await this.until(`${kind} of ${segmentId}`, async () => {
      const list = await done();
      return list.length > before ? list : undefined;
    });
    return this.jobDone(jobs[0]!.id);
  }

  async doneCount(segmentId: string, kind: string): Promise<number> {
    const list = await this.store.jobs.list({
      orderingKey: orderingKeyOf(segmentId),
      kind,
      states: ['succeeded', 'failed'],
      limit: 1000,
    });
    return list.length;
  }

  /** Asks the segment to go live; resolves when it is Live with the go-live job's result. */
  async goLive(id: string): Promise<{ ms: number; job: JobInfo }> {
    const t0 = nowMs();
    await this.setStatus(id, SegmentStatus.GoingLive);
    const job = await this.nextDone(id, SegmentJobKind.GoLive, 0);
    const segment = await readSegment(this.store, id);
    if (segment?.status !== SegmentStatus.Live)
      throw new Error(`segment ${id} is not Live after its go-live`);
    return { ms: nowMs() - t0, job };
  }

  /** Stops and deletes a live segment (its members go with it). */
  async discard(id: string): Promise<void> {
    await this.setStatus(id, SegmentStatus.Stopping);
    await this.nextDone(id, SegmentJobKind.Stop, 0);
    await this.request({ method: 'DELETE', url: `msdyncrm_segments(${id})` }, 204);
  }

  /** Queues an operation of msdyncrm_SegmentMembersUpdate; returns its id and the answer time. */
  async membersUpdate(payload: Record<string, unknown>): Promise<{ operationId: string; answerMs: number }> {
    const t0 = nowMs();
    const answer = await this.request({ method: 'POST', url: 'msdyncrm_SegmentMembersUpdate', payload }, 200);
    if (answer.State !== 'Queued') throw new Error(`the operation was not queued: ${JSON.stringify(answer)}`);
    return { operationId: String(answer.OperationId), answerMs: nowMs() - t0 };
  }

  /** The contact ids of these surrogate keys. */
  async contactIds(keys: readonly number[]): Promise<string[]> {
    const rows = await this.store.select(
      select(entitySource('contact', 'c'), [{ expr: attrRef('c', 'contactid'), as: 'id' }], {
        where: {
          kind: 'in',
          operand: keyRef('c'),
          values: keys.map((k) => lit(k, 'integer')),
          negated: false,
        },
      }),
    );
    return rows.map((r) => String(r.id));
  }
}

function result(job: JobInfo): Record<string, number> {
  return (job.result ?? {}) as Record<string, number>;
}

async function measureAddByIds(bench: EngineBench, memory: PeakMemory, random: () => number): Promise<Row[]> {
  const total: number[] = [];
  const answer: number[] = [];
  const apply: number[] = [];
  memory.reset();
  for (let run = 0; run <= runs; run++) {
    const segment = await bench.createSegment(`addByIds ${run}`, SegmentType.Static);
    const ids = await bench.contactIds(distinctSample(random, contacts, Math.min(ADD_IDS, contacts)));
    const t0 = nowMs();
    const { operationId, answerMs } = await bench.membersUpdate({
      msdyncrm_segmentid: segment.id,
      msdyncrm_operation: 'addByIds',
      msdyncrm_memberids: ids,
    });
    const job = await bench.jobDone(operationId);
    const elapsed = nowMs() - t0;
    if (result(job).applied !== ids.length || result(job).members !== ids.length)
      throw new Error(`addByIds applied ${JSON.stringify(job.result)}, expected ${ids.length}`);
    console.log(`  addByIds run ${run}: ${elapsed.toFixed(1)} ms (answered in ${answerMs.toFixed(1)} ms)`);
    if (run === 0) continue; // warm-up
    total.push(elapsed);
    answer.push(answerMs);
    apply.push(elapsed - answerMs);
  }
  const peakRss = memory.reset();
  const t = summarise(total);
  const idsPerSecond = summarise(total.map((v) => (ADD_IDS / v) * 1000));
  const rate = (v: number) => `${n(Math.round(v))} ids/s`;
  return [
    {
      measure: `addByIds of ${n(ADD_IDS)} ids, request to applied`,
      result: `${pair(t)} (${rate(idsPerSecond.median)}; slowest run ${rate((ADD_IDS / t.p95) * 1000)})`,
      target: '≥ 200,000 ids/s applied',
      met: (ADD_IDS / t.median) * 1000 >= 200_000,
      peakRss,
    },
    {
      measure: '… of which the answer (ids checked, keys looked up, operation queued)',
      result: pair(summarise(answer)),
      target: '',
      peakRss,
    },
    {
      measure: '… of which the job (claimed, members written, size, commit)',
      result: pair(summarise(apply)),
      target: '',
      peakRss,
    },
  ];
}

/** Flips `donotemail` of CHANGED random contacts through the record service (one transaction). */
async function changeContacts(bench: EngineBench, random: () => number): Promise<void> {
  const keys = distinctSample(random, contacts, Math.min(CHANGED, contacts));
  const rows = await bench.store.select(
    select(
      entitySource('contact', 'c'),
      [
        { expr: attrRef('c', 'contactid'), as: 'id' },
        { expr: attrRef('c', 'donotemail'), as: 'dne' },
      ],
      {
        where: {
          kind: 'in',
          operand: keyRef('c'),
          values: keys.map((k) => lit(k, 'integer')),
          negated: false,
        },
      },
    ),
  );
  await bench.records.updateMultiple(
    'contact',
    rows.map((r) => ({ contactid: String(r.id), donotemail: r.dne !== true })),
  );
}

async function measureGoLive(bench: EngineBench, memory: PeakMemory, random: () => number): Promise<Row[]> {
  const total: number[] = [];
  const evaluation: number[] = [];
  let members = 0;
  let liveId: string | undefined;
  memory.reset();
  for (let run = 0; run <= evaluationRuns; run++) {
    const segment = await bench.createSegment(`dynamic ${run}`, SegmentType.Dynamic, DYNAMIC_QUERY);
    const { ms: elapsed, job } = await bench.goLive(segment.id);
    members = result(job).members ?? 0;
    console.log(
      `  go-live run ${run}: ${elapsed.toFixed(0)} ms, ${n(members)} members (evaluation ${result(job).durationMs} ms)`,
    );
    if (run > 0) {
      total.push(elapsed);
      evaluation.push(result(job).durationMs ?? 0);
    }
    if (run < evaluationRuns) await bench.discard(segment.id);
    else liveId = segment.id;
  }
  const goLivePeak = memory.reset();
  // Live update: the engine re-evaluates the live segment a coalescing delay after the change.
  const live: number[] = [];
  const liveEvaluation: number[] = [];
  let diff = { added: 0, removed: 0 };
  for (let run = 0; run <= evaluationRuns; run++) {
    const before = await bench.doneCount(liveId!, SegmentJobKind.LiveUpdate);
    await changeContacts(bench, random);
    const t0 = nowMs();
    const job = await bench.nextDone(liveId!, SegmentJobKind.LiveUpdate, before);
    const elapsed = nowMs() - t0;
    diff = { added: result(job).added ?? 0, removed: result(job).removed ?? 0 };
    console.log(`  live update run ${run}: ${elapsed.toFixed(0)} ms (+${diff.added} -${diff.removed})`);
    if (run === 0) continue;
    live.push(elapsed);
    liveEvaluation.push(result(job).durationMs ?? 0);
  }
  const livePeak = memory.reset();
  // On demand, nothing changed since: the full re-evaluation that finds no difference.
  const refresh: number[] = [];
  const refreshEvaluation: number[] = [];
  for (let run = 0; run <= evaluationRuns; run++) {
    const before = await bench.doneCount(liveId!, SegmentJobKind.Refresh);
    const t0 = nowMs();
    if (!(await bench.engine.refresh(liveId!))) throw new Error('the dynamic segment cannot be refreshed');
    const job = await bench.nextDone(liveId!, SegmentJobKind.Refresh, before);
    const elapsed = nowMs() - t0;
    if ((result(job).added ?? 0) + (result(job).removed ?? 0) !== 0)
      throw new Error(`a refresh with nothing changed wrote ${JSON.stringify(job.result)}`);
    console.log(`  refresh run ${run}: ${elapsed.toFixed(0)} ms`);
    if (run === 0) continue;
    refresh.push(elapsed);
    refreshEvaluation.push(result(job).durationMs ?? 0);
  }
  const refreshPeak = memory.reset();
  await bench.discard(liveId!);
  const share = `${n(members)} members, ${Math.round((members / contacts) * 100)} % of the contacts`;
  return [
    {
      measure: `go-live of a dynamic segment (${share}), PATCH to Live`,
      result: pair(summarise(total)),
      target: '',
      peakRss: goLivePeak,
    },
    {
      measure: '… of which the evaluation (query staged, members inserted)',
      result: pair(summarise(evaluation)),
      target: '',
      peakRss: goLivePeak,
    },
    {
      measure: `live update after ${n(CHANGED)} contacts changed by UpdateMultiple (diff of the last run +${n(diff.added)} −${n(diff.removed)}), commit to re-evaluated, ${n(liveUpdateDelayMs)} ms coalescing delay included`,
      result: pair(summarise(live)),
      target: '',
      peakRss: livePeak,
    },
    {
      measure: '… of which the evaluation (diff written)',
      result: pair(summarise(liveEvaluation)),
      target: '',
      peakRss: livePeak,
    },
    {
      measure: 'refresh on demand with nothing changed (engine.refresh to job done)',
      result: pair(summarise(refresh)),
      target: '',
      peakRss: refreshPeak,
    },
    {
      measure: '… of which the evaluation',
      result: pair(summarise(refreshEvaluation)),
      target: '',
      peakRss: refreshPeak,
    },
  ];
}

interface HalfSegments {
  a: { id: string; key: number; queryName: string; members: number };
  b: { id: string; key: number; queryName: string; members: number };
  rows: Row[];
}

/** Two static segments of about half the contacts each, filled by addByQuery (timed, once each). */
async function halfSegments(bench: EngineBench, memory: PeakMemory): Promise<HalfSegments> {
  memory.reset();
  const made: { id: string; key: number; queryName: string; members: number; ms: number }[] = [];
  for (const [name, query] of [
    ['half a', HALF_A],
    ['half b', HALF_B],
  ] as const) {
    const segment = await bench.createSegment(name, SegmentType.Static);
    const t0 = nowMs();
    const { operationId } = await bench.membersUpdate({
      msdyncrm_segmentid: segment.id,
      msdyncrm_operation: 'addByQuery',
      msdyncrm_query: query,
    });
    const job = await bench.jobDone(operationId);
    const elapsed = nowMs() - t0;
    made.push({ ...segment, members: result(job).members ?? 0, ms: elapsed });
    console.log(
      `  ${name}: ${n(result(job).members ?? 0)} members by addByQuery in ${elapsed.toFixed(0)} ms`,
    );
  }
  const [a, b] = made as [(typeof made)[0], (typeof made)[0]];
  return {
    a,
    b,
    rows: [
      {
        measure: `addByQuery filling a static segment with ${n(a.members)} / ${n(b.members)} members (one run each)`,
        result: `${ms(a.ms)} / ${ms(b.ms)}`,
        target: '',
        peakRss: memory.reset(),
      },
    ],
  };
}

const OPERATIONS = [
  { name: 'UNION', bitmap: (a: RoaringBitmap32, b: RoaringBitmap32) => Bitmap.or(a, b) },
  { name: 'INTERSECT', bitmap: (a: RoaringBitmap32, b: RoaringBitmap32) => Bitmap.and(a, b) },
  { name: 'EXCEPT', bitmap: (a: RoaringBitmap32, b: RoaringBitmap32) => Bitmap.andNot(a, b) },
] as const;

async function measureCompound(bench: EngineBench, memory: PeakMemory, halves: HalfSegments): Promise<Row[]> {
  const rows: Row[] = [];
  const { a, b } = halves;
  const sizes = `${n(a.members)} and ${n(b.members)} members`;
  // (b) the member sets as bitmaps: read once per run, then the algebra alone.
  memory.reset();
  const loads: number[] = [];
  let bitmaps: [RoaringBitmap32, RoaringBitmap32] | undefined;
  for (let run = 0; run <= runs; run++) {
    const t0 = nowMs();
    const loaded = await Promise.all([
      bench.store.membership.members(a.key),
      bench.store.membership.members(b.key),
    ]);
    if (run > 0) loads.push(nowMs() - t0);
    bitmaps = loaded;
  }
  const [bitmapA, bitmapB] = bitmaps!;
  if (bitmapA.size !== a.members || bitmapB.size !== b.members) throw new Error('members() read other sets');
  rows.push({
    measure: `read the two member sets into roaring bitmaps (store.membership.members, ${sizes})`,
    result: pair(summarise(loads)),
    target: '',
    peakRss: memory.reset(),
  });
  const expected = new Map<string, number>();
  for (const op of OPERATIONS) {
    const times: number[] = [];
    let size = 0;
    for (let run = 0; run <= runs * 4; run++) {
      const t0 = nowMs();
      size = op.bitmap(bitmapA, bitmapB).size;
      if (run > 0) times.push(nowMs() - t0);
    }
    expected.set(op.name, size);
    const s = summarise(times);
    rows.push({
      measure: `${op.name} on roaring bitmaps (${n(size)} members)`,
      result: pair(s, (v) => `${v.toFixed(2)} ms`),
      target: '≤ 50 ms',
      met: s.median <= 50,
      peakRss: memory.reset(),
    });
  }
  // (a) the engine: a compound segment over the two goes live (evaluated and stored).
  for (const op of OPERATIONS) {
    const total: number[] = [];
    const evaluation: number[] = [];
    let members = 0;
    memory.reset();
    for (let run = 0; run <= evaluationRuns; run++) {
      const query = `SEGMENT(${a.queryName}) ${op.name} SEGMENT(${b.queryName})`;
      const segment = await bench.createSegment(`compound ${op.name} ${run}`, SegmentType.Compound, query);
      const { ms: elapsed, job } = await bench.goLive(segment.id);
      members = result(job).members ?? 0;
      if (members !== expected.get(op.name))
        throw new Error(
          `${op.name}: the engine stored ${members} members, the bitmaps say ${expected.get(op.name)}`,
        );
      console.log(
        `  compound ${op.name} run ${run}: ${elapsed.toFixed(0)} ms (evaluation ${result(job).durationMs} ms)`,
      );
      if (run > 0) {
        total.push(elapsed);
        evaluation.push(result(job).durationMs ?? 0);
      }
      await bench.discard(segment.id);
    }
    const s = summarise(total);
    const peakRss = memory.reset();
    rows.push({
      measure: `compound \`SEGMENT(a) ${op.name} SEGMENT(b)\` go-live, PATCH to Live (${n(members)} members stored)`,
      result: pair(s),
      target: '≤ 50 ms',
      met: s.median <= 50,
      peakRss,
    });
    rows.push({
      measure: '… of which the evaluation (query staged, members inserted)',
      result: pair(summarise(evaluation)),
      target: '',
      peakRss,
    });
  }
  return rows;
}

/**
 * Pages of msdyncrm_FetchContactsByQuery from a static segment written just before (its members'
 * statistics as the write left them), then — where the store keeps planner statistics
 * (PostgreSQL) — again after an explicit ANALYZE of the membership table.
 */
async function measurePages(
  bench: EngineBench,
  memory: PeakMemory,
  random: () => number,
  refreshStatistics: (() => Promise<void>) | undefined,
): Promise<Row[]> {
  const made = await bench.createSegment('pages', SegmentType.Static);
  const { operationId } = await bench.membersUpdate({
    msdyncrm_segmentid: made.id,
    msdyncrm_operation: 'addByQuery',
    msdyncrm_query: contacts / 2 <= PAGE_SEGMENT_MEMBERS ? HALF_A : TENTH,
  });
  const segment = {
    queryName: made.queryName,
    members: result(await bench.jobDone(operationId)).members ?? 0,
  };
  const pages = Math.max(1, Math.floor(segment.members / 15));
  const call = async (page: number) => {
    const t0 = nowMs();
    const body = await bench.request(
      {
        method: 'POST',
        url: 'msdyncrm_FetchContactsByQuery',
        payload: {
          Query: `(SEGMENT(${segment.queryName})).ORDERBY(fullname ASC).SKIP(${(page - 1) * 15}).TAKE(15).SELECT(contactid)`,
          FetchXml: SEED_FETCH_XML,
        },
      },
      200,
    );
    const elapsed = nowMs() - t0;
    const got = (body.Contacts as unknown[]).length;
    if (got !== Math.min(15, segment.members - (page - 1) * 15))
      throw new Error(`page ${page} has ${got} contacts`);
    return elapsed;
  };
  const rows: Row[] = [];
  const states = refreshStatistics === undefined ? [''] : [', right after the write', ', after ANALYZE'];
  for (const state of states) {
    if (state === ', after ANALYZE') await refreshStatistics?.();
    for (const [label, range] of [
      [`a random page of the first ${FIRST_PAGES}`, Math.min(FIRST_PAGES, pages)],
      [`a random page of all ${n(pages)}`, pages],
    ] as const) {
      memory.reset();
      for (let i = 0; i < 3; i++) await call(1 + Math.floor(random() * range));
      const times: number[] = [];
      for (let i = 0; i < calls; i++) times.push(await call(1 + Math.floor(random() * range)));
      const s = summarise(times);
      rows.push({
        measure: `FetchContactsByQuery page of 15 of a ${n(segment.members)}-member static segment, ${label}${state} (p50 / p95)`,
        result: pair(s),
        target: 'p50 ≤ 20 ms',
        met: s.median <= 20,
        peakRss: memory.reset(),
      });
      console.log(`  pages (${label}${state}): ${pair(s)}`);
    }
  }
  return rows;
}

async function openDriver(): Promise<{ driver: StoreDriver; folder?: string }> {
  if (storeName === 'postgres') {
    const url = process.env.SEGMENTD_BENCH_DATABASE_URL ?? process.env.SEGMENTD_TEST_DATABASE_URL;
    if (url === undefined || url === '')
      throw new Error(
        'set SEGMENTD_BENCH_DATABASE_URL to an empty PostgreSQL database (or run under scripts/with-postgres.mjs)',
      );
    return { driver: openPostgresDriver(url) };
  }
  const folder = mkdtempSync(join(tmpdir(), 'segmentd-bench-engine-'));
  return { driver: await openDuckDBDriver(join(folder, 'bench.duckdb')), folder };
}

async function main(): Promise<void> {
  const schema = schemaFromDocument(undefined);
  const { driver, folder } = await openDriver();
  const memory = new PeakMemory();
  let bench: EngineBench | undefined;
  try {
    await inTransaction(driver, (c) => migrateSchema(c, driver.dialect, schema));
    const exec = (sql: string) => driver.withConnection((c) => c.execute(sql, []));
    const query = (sql: string) => driver.withConnection((c) => c.query(sql, []));
    // A database left by an earlier run: start from no contacts, segments, members or jobs.
    for (const table of [
      'interaction',
      'contact',
      'account',
      'msdyncrm_segment',
      MEMBERSHIP_TABLE,
      JOB_TABLE,
    ])
      await exec(`DELETE FROM "${table}"`);
    console.log(`generating ${n(contacts)} contacts (${storeName})`);
    const started = Date.now();
    for (const sql of generationSql(storeName, { contacts, interactions: 0 })) await exec(sql);
    // The steady state autovacuum leaves a bulk load in: statistics, and a visibility map (index-only scans).
    if (storeName === 'postgres') for (const t of ['account', 'contact']) await exec(`VACUUM ANALYZE "${t}"`);
    const generated = (Date.now() - started) / 1000;
    console.log(`  generated in ${generated.toFixed(1)} s`);
    const version =
      storeName === 'postgres'
        ? `PostgreSQL ${String((await query('SHOW server_version'))[0]?.server_version ?? '?')} (the server at SEGMENTD_BENCH_DATABASE_URL / SEGMENTD_TEST_DATABASE_URL, on the same machine)`
        : `DuckDB ${String((await query('SELECT version() AS v'))[0]?.v ?? '?')} (embedded, @duckdb/node-api ${packageVersion('@duckdb/node-api')}), a database file in the temp folder`;

    const store = new SqlStore(driver, schema);
    const records = new RecordService(store);
    await records.ensureDefaults();
    bench = new EngineBench(store, records);
    await bench.app.ready();
    const random = seededRandom(20261101);
    memory.reset();

    const rows: Row[] = [];
    if (selected('add-by-ids')) {
      console.log('addByIds');
      rows.push(...(await measureAddByIds(bench, memory, random)));
    }
    if (selected('go-live')) {
      console.log('go-live and refresh of a dynamic segment');
      rows.push(...(await measureGoLive(bench, memory, random)));
    }
    let halves: HalfSegments | undefined;
    if (selected('compound')) {
      console.log('compound segments');
      halves = await halfSegments(bench, memory);
      rows.push(...halves.rows);
      rows.push(...(await measureCompound(bench, memory, halves)));
    }
    if (selected('pages')) {
      console.log('FetchContactsByQuery pages');
      rows.push(
        ...(await measurePages(
          bench,
          memory,
          random,
          storeName === 'postgres'
            ? () => exec(`ANALYZE "${MEMBERSHIP_TABLE}"`).then(() => undefined)
            : undefined,
        )),
      );
    }
    const lifetimePeak = PeakMemory.lifetimePeak();

    const storeLabel = storeName === 'duckdb' ? 'DuckDB' : 'PostgreSQL';
    const marker = `bench:engine:${storeName}:${contacts}`;
    const table = rows.map((r) => {
      const verdict = r.met === undefined ? '' : r.met ? 'met' : '**missed**';
      return `| ${r.measure} | ${r.result} | ${r.target} | ${verdict} | ${mib(r.peakRss)} |`;
    });
    const section = [
      `<!-- ${marker}:begin -->`,
      `### Segment engine: ${storeLabel}, ${n(contacts)} contacts`,
      '',
      `Run on ${new Date().toISOString().slice(0, 10)} with \`npm run bench:engine -- --contacts ${contacts} --store ${storeName} --runs ${runs} --evaluation-runs ${evaluationRuns} --calls ${calls}\`${storeName === 'postgres' ? ' (under `node scripts/with-postgres.mjs`)' : ''}.`,
      `Machine: ${cpus().length} × ${cpus()[0]?.model.trim() ?? 'CPU'}, ${mib(totalmem())} memory, Linux ${release()} (${arch()}), Node.js ${process.version}, roaring ${packageVersion('roaring')}.`,
      `Store: ${version}. Contacts generated in the database in ${generated.toFixed(0)} s (bench/segment-data.ts, no interactions)${storeName === 'postgres' ? ', then `VACUUM ANALYZE`' : ''}.`,
      `Method: the Web API in the same process (\`buildApp\` with a \`SegmentEngine\` configured as \`segmentd serve\` configures it, requests by \`app.inject\`); times run from the request to the background job done (polled every millisecond, every 5 ms after 200 ms).`,
      `Each measure: 1 warm-up, then ${runs} runs (go-lives and refreshes: ${evaluationRuns}; pages: 3 warm-up calls, then ${calls} calls); median / p95 by nearest rank.`,
      `Go-lives each use a fresh segment (stopped and deleted afterwards, untimed); each live update follows ${n(CHANGED)} random contacts' \`donotemail\` flipped by one UpdateMultiple (the engine's live updates on, delay ${n(liveUpdateDelayMs)} ms, as \`segmentd serve\` runs); the on-demand refreshes follow, with nothing changed.`,
      ...(halves === undefined
        ? []
        : [
            `Compound inputs: two static segments (${n(halves.a.members)} and ${n(halves.b.members)} members${contacts < 10_000_000 ? `, about half the contacts each: the issue's 5M-member inputs need 10M contacts` : ''}); the engine's result is checked against the bitmaps' for every run.`,
          ]),
      `Pages: a static segment written by addByQuery just before (half the contacts, or a tenth above 2M contacts)${storeName === 'postgres' ? '; read right after the write (which refreshes the statistics of the membership table itself when it changes ≥ 50,000 rows), then again after an explicit `ANALYZE sd_segment_member`' : ''}.`,
      `Peak RSS of this process over the whole run: ${mib(lifetimePeak)}${storeName === 'postgres' ? ' (the PostgreSQL server is another process)' : ' (DuckDB runs inside it)'}.`,
      '',
      '| measure | result (median / p95) | target | met | peak RSS |',
      '| --- | --- | --- | --- | --- |',
      ...table,
      `<!-- ${marker}:end -->`,
    ].join('\n');
    console.log(`\n${section}`);
    writeBenchmarkSection(args.out, marker, section);
  } finally {
    memory.stop();
    if (bench !== undefined) await bench.app.close();
    await driver.close();
    if (folder !== undefined) rmSync(folder, { recursive: true, force: true });
  }
}

await main();
