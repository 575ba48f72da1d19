import { twoServers } from './servers.ts';
import assert from 'node:assert/strict';
import { describe, it, type TestContext } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { JobInfo } from '../../src/jobs/job-types.ts';
import { SegmentStatus, SegmentType } from '../../src/metadata/builtin/segment.ts';
import { schemaFromDocument } from '../../src/metadata/schema-file.ts';
import { orderingKeyOf, SegmentJobKind } from '../../src/segment/engine/segment-jobs.ts';
import { openStore } from '../../src/store/open.ts';
import { memberIds } from '../segments/harness.ts';
import { prng } from '../support/prng.ts';
import { PG_URL_VARIABLE } from '../support/stores.ts';
import {
  bandName,
  type Contacts,
  generateScript,
  type MemberOperation,
  type Outcome,
  requestOf,
  simulate,
} from './member-operation-script.ts';
import { type SegmentdProcess, startSegmentd } from './segmentd-process.ts';
import { createDatabase } from './servers.ts';

/**
 * Two `segmentd serve` processes on one PostgreSQL database (docs/scale-out.md, "Two processes,
 * one database: membership operations") take a burst of 200 `msdyncrm_SegmentMembersUpdate`
 * operations, sent to both at once, over five static segments. Every operation must apply exactly
 * once, and those of one segment in the order received, whichever process runs it:
 *
 * - four segments get scripted streams: each operation is sent (alternately to either process)
 *   once the one before it was answered, so the order received is the script's, and the outcome
 *   of every operation and the final members are computed before anything is sent;
 * - one segment gets all its operations at the same moment, half through each process: the order
 *   received is then the order the processes recorded them in (the jobs' enqueue order), and the
 *   expected outcomes are computed from that order.
 *
 * The script adds, removes and re-adds overlapping ids, so applying an operation twice, losing one
 * or reordering two changes the counts it reports and the members after it.
 */

const adminUrl = process.env[PG_URL_VARIABLE];
// It needs one server only, but runs in CI's scale-out step (two clusters) rather than twice.
const servers = twoServers();
const skip =
  adminUrl === undefined || adminUrl === '' || 'skip' in servers
    ? `runs with the scale-out tests: node scripts/with-postgres.mjs --clusters 2 node --import tsx --test ${'test/scale-out/two-servers.test.ts'}`
    : false;

const CONTACTS = 2_000;
const BANDS = 8;
const SCRIPTED_SEGMENTS = 4;
const SCRIPTED_OPERATIONS = 45;
const RACING_OPERATIONS = 20;
const TOTAL = SCRIPTED_SEGMENTS * SCRIPTED_OPERATIONS + RACING_OPERATIONS;
const SEED = 20260611;
const SETTLE_TIMEOUT_MS = 45_000;

/** Short polls, so both processes keep claiming; a lease no step comes near. */
const JOB_ENV = {
  SEGMENTD_JOB_POLL_MS: '20',
  SEGMENTD_JOB_LEASE_MS: '10000',
  SEGMENTD_JOB_CONCURRENCY: '2',
  SEGMENTD_JOB_MAX_ATTEMPTS: '3',
};

interface OperationState {
  OperationId: string;
  Operation: string;
  State: string;
  Requested: number | null;
  Applied: number | null;
  Ignored: number | null;
  Error: string | null;
  CompletedOn: string | null;
}

interface Segment {
  readonly id: string;
  readonly queryName: string;
  readonly ops: readonly MemberOperation[];
  /** Operation ids in the order the test sent them (scripted: also the order received). */
  readonly sent: string[];
}

async function queue(server: SegmentdProcess, op: MemberOperation, segmentId: string): Promise<string> {
  const res = await server.api('POST', 'msdyncrm_SegmentMembersUpdate', requestOf(op, segmentId));
  assert.equal(res.status, 200, JSON.stringify(res.body));
  assert.equal(res.body.State, 'Queued');
  return String(res.body.OperationId);
}

async function operationsState(
  server: SegmentdProcess,
  segmentId: string,
): Promise<{ State: string; Operations: OperationState[] }> {
  const res = await server.api('POST', 'msdyncrm_SegmentMembersUpdate', {
    msdyncrm_segmentid: segmentId,
    msdyncrm_operation: 'getState',
  });
  assert.equal(res.status, 200, JSON.stringify(res.body));
  return res.body as unknown as { State: string; Operations: OperationState[] };
}

function sorted(ids: Iterable<string>): string[] {
  return [...ids].sort();
}

function resultOf(job: JobInfo): Outcome {
  const r = job.result as Record<string, unknown> | null;
  return {
    requested: Number(r?.requested),
    applied: Number(r?.applied),
    ignored: Number(r?.ignored),
    changed: Number(r?.changed),
    members: Number(r?.members),
  };
}

async function run(t: TestContext, url: string, servers: SegmentdProcess[]): Promise<void> {
  const [a, b] = servers as [SegmentdProcess, SegmentdProcess];
  const started = Date.now();
  const lap = (what: string, since: number) => t.diagnostic(`${what}: ${Date.now() - since} ms`);

  // Contacts, half through each process.
  const loadStart = Date.now();
  const rows = Array.from({ length: CONTACTS }, (_, i) => ({
    firstname: `c${i}`,
    lastname: bandName(i % BANDS),
  }));
  const half = CONTACTS / 2;
  const loaded = await Promise.all(
    [rows.slice(0, half), rows.slice(half)].map(async (part, i) => {
      const res = await servers[i]!.api('POST', 'contacts/Microsoft.Dynamics.CRM.CreateMultiple', {
        Targets: part,
      });
      assert.equal(res.status, 200, JSON.stringify(res.body));
      return (res.body as { Ids: string[] }).Ids.map((id) => id.toLowerCase());
    }),
  );
  const ids = loaded.flat();
  assert.equal(new Set(ids).size, CONTACTS);
  const contacts: Contacts = new Map(ids.map((id, i) => [id, i % BANDS]));
  lap(`${CONTACTS} contacts loaded`, loadStart);

  // Static segments in Draft, and their scripts.
  const random = prng(SEED);
  const segments: Segment[] = [];
  for (let s = 0; s <= SCRIPTED_SEGMENTS; s++) {
    const racing = s === SCRIPTED_SEGMENTS;
    const res = await servers[s % 2]!.api('POST', 'msdyncrm_segments', {
      msdyncrm_segmentname: racing ? 'two servers racing' : `two servers scripted ${s}`,
      msdyncrm_segmenttype: SegmentType.Static,
      statuscode: SegmentStatus.Draft,
    });
    assert.equal(res.status, 204, JSON.stringify(res.body));
    const id = /\(([0-9a-f-]{36})\)$/.exec(String(res.headers.get('odata-entityid')))?.[1];
    assert.ok(id !== undefined);
    const pool = racing ? ids.slice(1600, 1660) : ids.slice(s * 400, s * 400 + 150);
    const ops = racing
      ? generateScript(random, pool, BANDS, RACING_OPERATIONS, 20)
      : generateScript(random, pool, BANDS, SCRIPTED_OPERATIONS, 40);
    segments.push({ id, queryName: `SEGMENT_CRM_ID_${id.replaceAll('-', '')}`, ops, sent: [] });
  }
  const scripted = segments.slice(0, SCRIPTED_SEGMENTS);
  const racing = segments[SCRIPTED_SEGMENTS]!;

  // The scripts are order-sensitive: applied backwards, every one ends with other members.
  for (const s of scripted) {
    assert.notDeepEqual(
      sorted(simulate([...s.ops].reverse(), contacts).members),
      sorted(simulate(s.ops, contacts).members),
      'a script whose result does not depend on its order would not show a reordering',
    );
  }

  // The burst: every stream at once, through both processes.
  const burstStart = Date.now();
  await Promise.all([
    ...scripted.map(async (s, n) => {
      for (const [i, op] of s.ops.entries()) s.sent.push(await queue(servers[(i + n) % 2]!, op, s.id));
    }),
    (async () => {
      const sent = await Promise.all(racing.ops.map((op, i) => queue(servers[i % 2]!, op, racing.id)));
      racing.sent.push(...sent);
    })(),
  ]);
  lap(`${TOTAL} operations queued`, burstStart);
  assert.equal(
    segments.reduce((n, s) => n + s.sent.length, 0),
    TOTAL,
  );

  // Every segment Idle (asked alternately of both processes).
  const settled = new Map<string, OperationState[]>();
  const deadline = Date.now() + SETTLE_TIMEOUT_MS;
  for (let round = 0; settled.size < segments.length; round++) {
    for (const s of segments) {
      if (settled.has(s.id)) continue;
      const state = await operationsState(servers[round % 2]!, s.id);
      if (state.State === 'Idle') settled.set(s.id, state.Operations);
    }
    if (settled.size === segments.length) break;
    if (Date.now() > deadline) {
      assert.fail(
        `${segments.length - settled.size} segments still had pending operations after ${SETTLE_TIMEOUT_MS} ms`,
      );
    }
    await sleep(50);
  }
  lap('burst sent and applied', burstStart);

  const schema = schemaFromDocument(undefined);
  const { store } = await openStore({ schema, databaseUrl: url });
  const expectedOf = new Map<string, { op: MemberOperation; outcome: Outcome }>();
  try {
    for (const s of segments) {
      // The jobs, in the order received (enqueue order).
      const jobs = (
        await store.jobs.list({ orderingKey: orderingKeyOf(s.id), kind: SegmentJobKind.Members, limit: 1000 })
      ).reverse();
      assert.equal(jobs.length, s.ops.length, `one job per operation of ${s.id}`);
      assert.deepEqual(sorted(jobs.map((j) => j.id)), sorted(s.sent));
      let ops: readonly MemberOperation[];
      if (s === racing) {
        const opOf = new Map(s.sent.map((id, i) => [id, s.ops[i]!]));
        ops = jobs.map((j) => opOf.get(j.id)!);
      } else {
        assert.deepEqual(
          jobs.map((j) => j.id),
          s.sent,
          'the jobs of a scripted segment are in the order it was sent',
        );
        ops = s.ops;
      }
      const expected = simulate(ops, contacts);
      for (const [i, job] of jobs.entries()) {
        expectedOf.set(job.id, { op: ops[i]!, outcome: expected.outcomes[i]! });
        const where = `operation ${i} (${ops[i]!.operation}) of ${s.id}`;
        assert.equal(job.state, 'succeeded', `${where}: ${job.lastError ?? ''}`);
        assert.equal(job.attempts, 1, `${where} ran ${job.attempts} times`);
        assert.deepEqual(resultOf(job), expected.outcomes[i], where);
        // In order: each completed no earlier than the one before it. (`startedOn` is no measure of
        // that: a claim takes its time before it waits for the claim lock, so a job can read as
        // started a few milliseconds before the one it waited for completed.)
        const previous = jobs[i - 1];
        if (previous !== undefined) {
          assert.ok(
            job.completedOn !== null &&
              previous.completedOn !== null &&
              job.completedOn.getTime() >= previous.completedOn.getTime(),
            `${where} completed before the operation before it`,
          );
        }
      }

      // getState: every operation Succeeded once, newest first, with the counts computed here.
      const listed = settled.get(s.id)!;
      assert.deepEqual(
        listed.map((o) => o.OperationId),
        jobs.map((j) => j.id).reverse(),
      );
      assert.deepEqual(
        listed.map((o) => [o.Operation, o.State, o.Requested, o.Applied, o.Ignored, o.Error]),
        jobs
          .map((j) => {
            const { op, outcome } = expectedOf.get(j.id)!;
            return [op.operation, 'Succeeded', outcome.requested, outcome.applied, outcome.ignored, null];
          })
          .reverse(),
      );
      assert.ok(listed.every((o) => o.CompletedOn !== null));

      // The members: in the database, through FetchContactsByQuery on both processes, and the size.
      const members = sorted(expected.members);
      assert.deepEqual(await memberIds(store, s.id), members, `the members of ${s.id}`);
      for (const server of servers) {
        const res = await server.api('POST', 'msdyncrm_FetchContactsByQuery', {
          Query: `SEGMENT(${s.queryName}).SELECT(contactid)`,
        });
        assert.equal(res.status, 200, JSON.stringify(res.body));
        const body = res.body as { Contacts: { contactid: string }[]; TotalRecordCount: number };
        assert.equal(body.TotalRecordCount, members.length);
        assert.deepEqual(sorted(body.Contacts.map((c) => c.contactid.toLowerCase())), members);
      }
      const record = await a.api('GET', `msdyncrm_segments(${s.id})?$select=msdyncrm_segmentsize`);
      assert.equal(record.body.msdyncrm_segmentsize, members.length);
    }
  } finally {
    await store.close();
  }
  assert.equal(expectedOf.size, TOTAL);

  // Each operation was applied by exactly one process, once; both processes applied some.
  const ranBy = new Map<string, number[]>();
  for (const server of [a, b]) {
    for (const line of server.logs()) {
      if (line.msg !== 'segment members updated') continue;
      const job = String(line.job);
      ranBy.set(job, [...(ranBy.get(job) ?? []), server.pid]);
      const expected = expectedOf.get(job)?.outcome;
      assert.ok(expected !== undefined, `the log names job ${job}, which the test did not send`);
      assert.deepEqual(
        [line.requested, line.applied, line.ignored, line.changed, line.members],
        [expected.requested, expected.applied, expected.ignored, expected.changed, expected.members],
      );
    }
    const problems = server.logs().filter((l) => Number(l.level) >= 40);
    assert.deepEqual(problems, [], `process ${server.pid} logged warnings or errors`);
  }
  assert.deepEqual(
    [...expectedOf.keys()].filter((job) => ranBy.get(job)?.length !== 1),
    [],
    'operations not applied exactly once',
  );
  const byA = [...ranBy.values()].filter(([pid]) => pid === a.pid).length;
  const byB = [...ranBy.values()].filter(([pid]) => pid === b.pid).length;
  t.diagnostic(`operations applied: ${byA} by process ${a.pid}, ${byB} by process ${b.pid}`);
  assert.equal(byA + byB, TOTAL);
  assert.ok(byA > 0 && byB > 0, `both processes apply operations (${byA} and ${byB})`);
  lap('whole test', started);
}

describe('two segmentd processes on one PostgreSQL database', { skip }, () => {
  it(`process a burst of ${TOTAL} membership operations exactly once`, { timeout: 120_000 }, async (t) => {
    const url = await createDatabase(adminUrl!, 'two_servers');
    const startStart = Date.now();
    const starting = await Promise.allSettled([startSegmentd(url, JOB_ENV), startSegmentd(url, JOB_ENV)]);
    const servers = starting.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
    try {
      for (const s of starting) if (s.status === 'rejected') throw s.reason;
      assert.notEqual(servers[0]!.root, servers[1]!.root);
      t.diagnostic(`both processes serving after ${Date.now() - startStart} ms`);
      await run(t, url, servers);
      // A clean shutdown of both.
      const ended = await Promise.all(servers.map((s) => s.stop()));
      assert.deepEqual(ended, [
        { code: 0, signal: null },
        { code: 0, signal: null },
      ]);
    } catch (error) {
      for (const s of servers) t.diagnostic(`process ${s.pid} output (end):\n${s.output().slice(-3000)}`);
      throw error;
    } finally {
      await Promise.all(servers.map((s) => s.kill()));
    }
  });
});
