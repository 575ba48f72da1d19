import { randomUUID } from 'node:crypto';
import type { Row } from '../ir/nodes.ts';
import type { SqlDialect } from '../sql/dialect.ts';
import {
  advanceJobSql,
  cancelJobsSql,
  checkpointJobSql,
  claimJobsSql,
  claimLockSql,
  failJobSql,
  fenceLeaseSql,
  firstQueuedJobSql,
  insertJobSql,
  JOB_LOCK_BUCKETS,
  jobByIdSql,
  listJobsSql,
  lockJobBucketSql,
  purgeJobsSql,
  releaseJobSql,
  renewLeaseSql,
  retryJobSql,
  succeedJobSql,
} from '../sql/jobs-sql.ts';
import type { DriverConnection } from '../store/driver.ts';
import type { SessionConnections } from '../store/sql-store.ts';
import {
  type ClaimedJob,
  DEFAULT_MAX_ATTEMPTS,
  type EnqueueRequest,
  type JobFilter,
  type JobInfo,
  JobRequestError,
  type JobState,
  type JsonValue,
  type Lease,
} from './job-types.ts';
import type { ClaimGuard } from './claim-guard.ts';

/**
 * The job table (`sd_job`) of one store session: `store.jobs` (each call on its own) or
 * `tx.jobs` inside `store.transaction` (an enqueue commits with the transaction's other writes,
 * e.g. a segment set to Going live together with its evaluation job). The worker side (claim,
 * leases, outcomes) is what `JobQueue` uses; applications enqueue and read.
 */
export interface JobTable {
  /** Adds a queued job; returns its id. */
  enqueue(request: EnqueueRequest): Promise<string>;
  /**
   * Makes sure one queued job of `kind` exists for `orderingKey`: returns the first such job (moved
   * earlier to `runAfter` if that is sooner) or enqueues one. Running jobs do not count, so a
   * periodic job can schedule its next run while it runs.
   */
  ensure(request: EnqueueRequest & { orderingKey: string }): Promise<{ id: string; created: boolean }>;
  get(id: string): Promise<JobInfo | undefined>;
  /** Jobs matching the filter, newest first. */
  list(filter?: JobFilter): Promise<JobInfo[]>;
  /** Cancels queued jobs: one by id, or those of an ordering key (optionally of one kind). */
  cancel(target: { id: string } | { orderingKey: string; kind?: string }): Promise<number>;
  /** Deletes jobs that finished (succeeded, failed, cancelled) before `before`. */
  purge(before: Date): Promise<number>;

  /** Claims up to `limit` runnable jobs of `kinds` for `leaseMs` (store-level only). */
  claim(request: {
    kinds: readonly string[];
    limit: number;
    leaseMs: number;
    owner: string;
  }): Promise<ClaimedJob[]>;
  /**
   * Runs `fn` — a step's transaction on the store — with the job kept from claims until it ends,
   * however long it takes: PostgreSQL's fence holds the row (claims skip locked rows), so this
   * only runs `fn` there; DuckDB has no row locks to skip, so claims in this process skip the job.
   */
  hold<T>(lease: Lease, fn: () => Promise<T>): Promise<T>;
  /** Extends a lease still held; false when it is not. */
  renew(lease: Lease, leaseMs: number): Promise<boolean>;
  /**
   * Inside a step's transaction, before its writes: true while the lease is held and unexpired
   * (the lease is extended, and the row held until the transaction ends); false means the worker
   * lost the job and must not commit.
   */
  fence(lease: Lease, leaseMs: number): Promise<boolean>;
  checkpoint(lease: Lease, progress: JsonValue): Promise<boolean>;
  /** Marks the job succeeded; false (and nothing changed) when the lease is lost or expired. */
  succeed(lease: Lease, result: JsonValue): Promise<boolean>;
  /** Back to the queue after a failed attempt, not before `runAfter`. */
  retry(lease: Lease, error: string, runAfter: Date): Promise<boolean>;
  fail(lease: Lease, error: string): Promise<boolean>;
  /** Gives a job back (at shutdown): queued and due at once, the attempt not counted. */
  release(lease: Lease): Promise<boolean>;
}

const MAX_KIND_LENGTH = 100;
const MAX_KEY_LENGTH = 400;
const MAX_ATTEMPTS_LIMIT = 1000;
const MAX_LIST = 1000;
const DEFAULT_LIST = 50;
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const JOB_STATES: ReadonlySet<string> = new Set<JobState>([
  'queued',
  'running',
  'succeeded',
  'failed',
  'cancelled',
]);

/** The job table over SQL: the statements of src/sql/jobs-sql.ts on a session's connections. */
export class SqlJobTable implements JobTable {
  constructor(
    private readonly d: SqlDialect,
    private readonly connections: SessionConnections,
    /** Keeps DuckDB claims apart (one per store, shared by its sessions). */
    private readonly claims: ClaimGuard,
    /** True for a transaction's session, where a claim would be serialised only until its statement ends. */
    private readonly inTransaction: boolean,
  ) {}

  async enqueue(request: EnqueueRequest): Promise<string> {
    const job = checkedRequest(request);
    return this.connections.write(async (c) => {
      if (job.orderingKey !== null) await this.lockKey(c, job.orderingKey);
      return this.insert(c, job);
    });
  }

  async ensure(request: EnqueueRequest & { orderingKey: string }): Promise<{ id: string; created: boolean }> {
    const job = checkedRequest(request);
    if (job.orderingKey === null) throw new JobRequestError('ensure needs an ordering key');
    const key = job.orderingKey;
    return this.connections.write(async (c) => {
      await this.lockKey(c, key);
      const found = (await c.query(firstQueuedJobSql(this.d), [job.kind, key]))[0];
      if (found === undefined) return { id: await this.insert(c, job), created: true };
      const id = String(found.job_id);
      const now = Date.now();
      await c.execute(advanceJobSql(this.d), [id, job.runAfter ?? now, now]);
      return { id, created: false };
    });
  }

  async get(id: string): Promise<JobInfo | undefined> {
    if (typeof id !== 'string' || !GUID.test(id))
      throw new JobRequestError(`'${String(id)}' is not a job id (a GUID)`);
    const rows = await this.connections.read((c) => c.query(jobByIdSql(this.d), [id.toLowerCase()]));
    return rows[0] === undefined ? undefined : jobFromRow(rows[0]);
  }

  async list(filter: JobFilter = {}): Promise<JobInfo[]> {
    const params: (string | number)[] = [];
    if (filter.orderingKey !== undefined) params.push(checkedKey(filter.orderingKey));
    if (filter.kind !== undefined) params.push(checkedKind(filter.kind));
    const states = filter.states ?? [];
    for (const s of states) {
      if (!JOB_STATES.has(s)) throw new JobRequestError(`'${String(s)}' is not a job state`);
      params.push(s);
    }
    const limit = filter.limit ?? DEFAULT_LIST;
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIST) {
      throw new JobRequestError(`the job list limit must be a whole number from 1 to ${MAX_LIST}`);
    }
    params.push(limit);
    const sql = listJobsSql(this.d, {
      orderingKey: filter.orderingKey !== undefined,
      kind: filter.kind !== undefined,
      states: states.length,
    });
    const rows = await this.connections.read((c) => c.query(sql, params));
    return rows.map(jobFromRow);
  }

  async cancel(target: { id: string } | { orderingKey: string; kind?: string }): Promise<number> {
    const now = Date.now();
    if ('id' in target) {
      if (typeof target.id !== 'string' || !GUID.test(target.id)) {
        throw new JobRequestError(`'${String(target.id)}' is not a job id (a GUID)`);
      }
      const sql = cancelJobsSql(this.d, { byId: true, byKind: false });
      return this.connections.write((c) => c.execute(sql, [now, target.id.toLowerCase()]));
    }
    const params: (string | number)[] = [now, checkedKey(target.orderingKey)];
    if (target.kind !== undefined) params.push(checkedKind(target.kind));
    const sql = cancelJobsSql(this.d, { byId: false, byKind: target.kind !== undefined });
    return this.connections.write((c) => c.execute(sql, params));
  }

  async purge(before: Date): Promise<number> {
    return this.connections.write((c) => c.execute(purgeJobsSql(this.d), [checkedTime(before, 'before')]));
  }

  async claim(request: {
    kinds: readonly string[];
    limit: number;
    leaseMs: number;
    owner: string;
  }): Promise<ClaimedJob[]> {
    if (this.inTransaction) throw new Error('jobs are claimed through the store, not inside a transaction');
    if (request.kinds.length === 0 || request.limit < 1) return [];
    const token = randomUUID();
    // The clock is read once the claim may proceed (connection and lock held), so the lease and
    // started_on do not include the wait for them.
    const params = () => {
      const now = Date.now();
      return [token, request.owner, now + request.leaseMs, now, request.limit, ...request.kinds];
    };
    const lockSql = claimLockSql(this.d);
    const rows =
      lockSql === undefined
        ? await this.claims.run(() => {
            const held = this.claims.heldIds();
            const claimSql = claimJobsSql(this.d, request.kinds.length, held.length);
            return this.connections.read((c) => c.query(claimSql, [...params(), ...held]));
          })
        : await this.connections.write(async (c) => {
            const claimSql = claimJobsSql(this.d, request.kinds.length);
            await c.query(lockSql, []);
            return c.query(claimSql, params());
          });
    // RETURNING gives no order; handlers start in enqueue order.
    return rows.sort((a, b) => Number(a.seq) - Number(b.seq)).map((row) => ({ job: jobFromRow(row), token }));
  }

  hold<T>(lease: Lease, fn: () => Promise<T>): Promise<T> {
    return claimLockSql(this.d) === undefined ? this.claims.hold(lease.id, fn) : fn();
  }

  async renew(lease: Lease, leaseMs: number): Promise<boolean> {
    const now = Date.now();
    const changed = await this.connections.write((c) =>
      c.execute(renewLeaseSql(this.d), [lease.id, lease.token, now + leaseMs, now]),
    );
    return changed > 0;
  }

  async fence(lease: Lease, leaseMs: number): Promise<boolean> {
    const now = Date.now();
    const changed = await this.connections.write((c) =>
      c.execute(fenceLeaseSql(this.d), [lease.id, lease.token, now + leaseMs, now]),
    );
    return changed > 0;
  }

  async checkpoint(lease: Lease, progress: JsonValue): Promise<boolean> {
    const text = jsonText(progress, 'progress');
    const changed = await this.connections.write((c) =>
      c.execute(checkpointJobSql(this.d), [lease.id, lease.token, text, Date.now()]),
    );
    return changed > 0;
  }

  async succeed(lease: Lease, result: JsonValue): Promise<boolean> {
    const text = jsonText(result, 'result');
    const changed = await this.connections.write((c) =>
      c.execute(succeedJobSql(this.d), [lease.id, lease.token, text, Date.now()]),
    );
    return changed > 0;
  }

  async retry(lease: Lease, error: string, runAfter: Date): Promise<boolean> {
    const at = checkedTime(runAfter, 'runAfter');
    const changed = await this.connections.write((c) =>
      c.execute(retryJobSql(this.d), [lease.id, lease.token, error, at, Date.now()]),
    );
    return changed > 0;
  }

  async fail(lease: Lease, error: string): Promise<boolean> {
    const changed = await this.connections.write((c) =>
      c.execute(failJobSql(this.d), [lease.id, lease.token, error, Date.now()]),
    );
    return changed > 0;
  }

  async release(lease: Lease): Promise<boolean> {
    const changed = await this.connections.write((c) =>
      c.execute(releaseJobSql(this.d), [lease.id, lease.token, Date.now()]),
    );
    return changed > 0;
  }

  private async lockKey(c: DriverConnection, key: string): Promise<void> {
    await c.execute(lockJobBucketSql(this.d), [bucketOf(key)]);
  }

  private async insert(c: DriverConnection, job: CheckedRequest): Promise<string> {
    const id = randomUUID();
    const now = Date.now();
    await c.execute(insertJobSql(this.d), [
      id,
      job.kind,
      // '' stands for no key (a key is never empty); parameters cannot be NULL.
      job.orderingKey ?? '',
      job.payload,
      job.maxAttempts,
      job.runAfter ?? now,
      now,
    ]);
    return id;
  }
}

interface CheckedRequest {
  kind: string;
  orderingKey: string | null;
  payload: string;
  maxAttempts: number;
  /** Epoch milliseconds; undefined: now. */
  runAfter: number | undefined;
}

function checkedKind(kind: unknown): string {
  if (typeof kind !== 'string' || !/^[A-Za-z0-9_.:-]+$/.test(kind) || kind.length > MAX_KIND_LENGTH) {
    throw new JobRequestError(
      `a job kind is 1 to ${MAX_KIND_LENGTH} letters, digits or '_.:-' characters, got ${JSON.stringify(kind)}`,
    );
  }
  return kind;
}

function checkedKey(key: unknown): string {
  if (typeof key !== 'string' || key === '' || key.length > MAX_KEY_LENGTH || key.includes('\u0000')) {
    throw new JobRequestError(`an ordering key is a text of 1 to ${MAX_KEY_LENGTH} characters`);
  }
  return key;
}

function checkedTime(at: unknown, what: string): number {
  if (!(at instanceof Date) || Number.isNaN(at.getTime()))
    throw new JobRequestError(`${what} must be a valid Date`);
  return at.getTime();
}

function jsonText(value: unknown, what: string): string {
  let text: string | undefined;
  try {
    text = JSON.stringify(value ?? null);
  } catch (error) {
    throw new JobRequestError(
      `the job ${what} is not JSON: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  if (typeof text !== 'string') throw new JobRequestError(`the job ${what} is not JSON`);
  return text;
}

function checkedRequest(request: EnqueueRequest): CheckedRequest {
  if (typeof request !== 'object' || request === null)
    throw new JobRequestError('expected a job request object');
  const maxAttempts = request.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
  if (!Number.isInteger(maxAttempts) || maxAttempts < 1 || maxAttempts > MAX_ATTEMPTS_LIMIT) {
    throw new JobRequestError(`maxAttempts must be a whole number from 1 to ${MAX_ATTEMPTS_LIMIT}`);
  }
  return {
    kind: checkedKind(request.kind),
    orderingKey: request.orderingKey === undefined ? null : checkedKey(request.orderingKey),
    payload: jsonText(request.payload, 'payload'),
    maxAttempts,
    runAfter: request.runAfter === undefined ? undefined : checkedTime(request.runAfter, 'runAfter'),
  };
}

/** FNV-1a of the key's UTF-16 units, to a lock bucket. */
function bucketOf(key: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h % JOB_LOCK_BUCKETS;
}

function time(v: unknown): Date | null {
  return v === null || v === undefined ? null : new Date(Number(v));
}

function json(v: unknown): JsonValue | null {
  return typeof v === 'string' ? (JSON.parse(v) as JsonValue) : null;
}

function jobFromRow(row: Row): JobInfo {
  return {
    id: String(row.job_id),
    kind: String(row.kind),
    orderingKey: row.ordering_key === null ? null : String(row.ordering_key),
    state: String(row.state) as JobState,
    payload: json(row.payload),
    progress: json(row.progress),
    result: json(row.result),
    lastError: row.last_error === null ? null : String(row.last_error),
    attempts: Number(row.attempts),
    maxAttempts: Number(row.max_attempts),
    runAfter: new Date(Number(row.run_after)),
    lockedUntil: time(row.locked_until),
    lockedBy: row.locked_by === null ? null : String(row.locked_by),
    createdOn: new Date(Number(row.created_on)),
    startedOn: time(row.started_on),
    completedOn: time(row.completed_on),
    updatedOn: new Date(Number(row.updated_on)),
  };
}
