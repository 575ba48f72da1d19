import type { SqlDialect } from './dialect.ts';
import { quoteIdentifier as q, sequenceNameLiteral } from './identifiers.ts';

/**
 * The durable job queue's tables (src/jobs/): like every `sd_` table they carry no foreign keys.
 *
 * `sd_job`: one row per job. Times are epoch milliseconds (BIGINT): leases need sub-second
 * precision, which the IR's datetime (seconds) does not keep. `seq` is the enqueue order (a
 * sequence); `lease_token` changes at every claim, so a worker that lost its lease can no longer
 * change the row (fencing). Citus: a small, write-heavy queue table claimed with row locks — keep
 * it (and `sd_job_lock`) a local table on the coordinator rather than distributing it; if it ever
 * is distributed, by `job_id` (its primary key).
 *
 * `sd_job_lock`: a fixed set of rows, one per hash bucket of ordering keys. Enqueueing a job with
 * an ordering key updates its bucket's row inside the enqueuing transaction, so enqueues of one
 * key commit one after another in `seq` order (PostgreSQL waits on the row lock; DuckDB refuses the
 * later writer with a conflict, which the caller retries). The rows exist from the migration on,
 * so two transactions never race to create one.
 */

export const JOB_TABLE = 'sd_job';
export const JOB_LOCK_TABLE = 'sd_job_lock';
/** Not `sd_seq_<entity>`, which an entity named `job` would own. */
export const JOB_SEQUENCE = 'sd_job_seq';
export const JOB_LOCK_BUCKETS = 1024;

/** Job states as stored. */
export const QUEUED = 'queued';
export const RUNNING = 'running';
export const SUCCEEDED = 'succeeded';
export const FAILED = 'failed';
export const CANCELLED = 'cancelled';

const T = q(JOB_TABLE);
const LOCKS = q(JOB_LOCK_TABLE);

/** The columns of `sd_job`, in table order; every query returning jobs returns these. */
export const JOB_COLUMNS = [
  'job_id',
  'seq',
  'kind',
  'ordering_key',
  'state',
  'payload',
  'progress',
  'result',
  'last_error',
  'attempts',
  'max_attempts',
  'run_after',
  'locked_until',
  'lease_token',
  'locked_by',
  'created_on',
  'started_on',
  'completed_on',
  'updated_on',
] as const;

const SELECT_COLUMNS = JOB_COLUMNS.map((c) => q(c)).join(', ');

/** Any constant works; it only has to be the same for every segmentd process. */
const CLAIM_LOCK_KEY = 7311482020;

function text(d: SqlDialect, p: string): string {
  return `CAST(${p} AS ${d.castType('string')})`;
}
function big(d: SqlDialect, p: string): string {
  return `CAST(${p} AS ${d.castType('bigint')})`;
}
function int(d: SqlDialect, p: string): string {
  return `CAST(${p} AS ${d.castType('integer')})`;
}
function uuid(d: SqlDialect, p: string): string {
  return `CAST(${p} AS ${d.castType('guid')})`;
}

export function createJobTablesSql(d: SqlDialect): string[] {
  const s = d.castType('string');
  const b = d.castType('bigint');
  const i = d.castType('integer');
  const statements = [
    `CREATE SEQUENCE IF NOT EXISTS ${q(JOB_SEQUENCE)}`,
    `CREATE TABLE IF NOT EXISTS ${T} (` +
      `${q('job_id')} ${d.castType('guid')} NOT NULL PRIMARY KEY, ${q('seq')} ${b} NOT NULL, ` +
      `${q('kind')} ${s} NOT NULL, ${q('ordering_key')} ${s}, ${q('state')} ${s} NOT NULL, ` +
      `${q('payload')} ${s} NOT NULL, ${q('progress')} ${s}, ${q('result')} ${s}, ${q('last_error')} ${s}, ` +
      `${q('attempts')} ${i} NOT NULL, ${q('max_attempts')} ${i} NOT NULL, ` +
      `${q('run_after')} ${b} NOT NULL, ${q('locked_until')} ${b}, ${q('lease_token')} ${s}, ${q('locked_by')} ${s}, ` +
      `${q('created_on')} ${b} NOT NULL, ${q('started_on')} ${b}, ${q('completed_on')} ${b}, ${q('updated_on')} ${b} NOT NULL)`,
    `CREATE TABLE IF NOT EXISTS ${LOCKS} (${q('bucket')} ${i} NOT NULL PRIMARY KEY, ${q('enqueued')} ${b} NOT NULL)`,
    `INSERT INTO ${LOCKS} (${q('bucket')}, ${q('enqueued')}) ` +
      `SELECT CAST(${q('sd_g')}.${q('b')} AS ${i}), 0 FROM generate_series(0, ${JOB_LOCK_BUCKETS - 1}) AS ${q('sd_g')}(${q('b')}) ` +
      'ON CONFLICT DO NOTHING',
  ];
  // DuckDB's optimistic updates rewrite index entries of updated rows; a scan of a small queue is cheaper.
  if (d.indexesLookups) {
    statements.push(
      `CREATE INDEX IF NOT EXISTS ${q('sd_ix_job_open')} ON ${T} (${q('seq')}) ` +
        `WHERE ${q('state')} IN ('${QUEUED}', '${RUNNING}')`,
      `CREATE INDEX IF NOT EXISTS ${q('sd_ix_job_key')} ON ${T} (${q('ordering_key')}, ${q('seq')})`,
    );
  }
  return statements;
}

/** `$1` bucket. Takes the bucket's row lock until the transaction ends. */
export function lockJobBucketSql(d: SqlDialect): string {
  return `UPDATE ${LOCKS} SET ${q('enqueued')} = ${q('enqueued')} + 1 WHERE ${q('bucket')} = ${int(d, '$1')}`;
}

/** `$1` id, `$2` kind, `$3` ordering key ('' for none), `$4` payload, `$5` max attempts, `$6` run after, `$7` now. */
export function insertJobSql(d: SqlDialect): string {
  return (
    `INSERT INTO ${T} (${SELECT_COLUMNS}) VALUES (${uuid(d, '$1')}, nextval(${sequenceNameLiteral(JOB_SEQUENCE)}), ` +
    `${text(d, '$2')}, NULLIF(${text(d, '$3')}, ''), '${QUEUED}', ${text(d, '$4')}, NULL, NULL, NULL, 0, ${int(d, '$5')}, ` +
    `${big(d, '$6')}, NULL, NULL, NULL, ${big(d, '$7')}, NULL, NULL, ${big(d, '$7')})`
  );
}

/**
 * Claims are serialised across processes (PostgreSQL: a transaction-level advisory lock), so that
 * a claim always sees the jobs the previous claim set running: two jobs of one ordering key are
 * never claimed by two processes at once. DuckDB serves one process, which serialises in memory.
 */
export function claimLockSql(d: SqlDialect): string | undefined {
  return d.name === 'postgres' ? `SELECT pg_advisory_xact_lock(${CLAIM_LOCK_KEY})` : undefined;
}

/**
 * Claims up to `$5` jobs of the given kinds that are due (`queued` with `run_after` ≤ `$4`) or
 * whose lease expired (`running` with `locked_until` < `$4`), in `seq` order, and returns them.
 * A job waits while another job of its ordering key is running, or is queued before it and due
 * (or retrying): so one key's jobs run one at a time in enqueue order, while a job scheduled for
 * later does not hold back the jobs behind it until it is due.
 * `$1` lease token, `$2` owner, `$3` locked until, `$4` now, `$5` limit, `$6…` kinds, then the
 * ids of `held` jobs to skip. PostgreSQL skips rows another transaction holds (a worker committing
 * a step of that job); DuckDB, without row locks to skip, is given the jobs whose step transaction
 * is open in its one process (src/jobs/claim-guard.ts).
 */
export function claimJobsSql(d: SqlDialect, kinds: number, held = 0): string {
  const j = q('sd_j');
  const p = q('sd_p');
  const now = big(d, '$4');
  const kindList = Array.from({ length: kinds }, (_, i) => text(d, `$${i + 6}`)).join(', ');
  const blocked =
    `SELECT 1 FROM ${T} AS ${p} WHERE ${p}.${q('ordering_key')} = ${j}.${q('ordering_key')} ` +
    `AND ${p}.${q('job_id')} <> ${j}.${q('job_id')} AND (${p}.${q('state')} = '${RUNNING}' OR ` +
    `(${p}.${q('state')} = '${QUEUED}' AND ${p}.${q('seq')} < ${j}.${q('seq')} ` +
    `AND (${p}.${q('run_after')} <= ${now} OR ${p}.${q('attempts')} > 0)))`;
  const lock = d.name === 'postgres' ? ` FOR UPDATE OF ${j} SKIP LOCKED` : '';
  const heldList = Array.from({ length: held }, (_, i) => uuid(d, `$${i + 6 + kinds}`)).join(', ');
  const notHeld = held > 0 ? `AND ${j}.${q('job_id')} NOT IN (${heldList}) ` : '';
  const candidates =
    `SELECT ${j}.${q('job_id')} FROM ${T} AS ${j} WHERE ${j}.${q('kind')} IN (${kindList}) ` +
    `AND ((${j}.${q('state')} = '${QUEUED}' AND ${j}.${q('run_after')} <= ${now}) ` +
    `OR (${j}.${q('state')} = '${RUNNING}' AND ${j}.${q('locked_until')} < ${now})) ` +
    `${notHeld}AND NOT EXISTS (${blocked}) ORDER BY ${j}.${q('seq')} LIMIT ${int(d, '$5')}${lock}`;
  return (
    `UPDATE ${T} SET ${q('state')} = '${RUNNING}', ${q('attempts')} = ${q('attempts')} + 1, ` +
    `${q('lease_token')} = ${text(d, '$1')}, ${q('locked_by')} = ${text(d, '$2')}, ` +
    `${q('locked_until')} = ${big(d, '$3')}, ${q('started_on')} = coalesce(${q('started_on')}, ${now}), ` +
    `${q('updated_on')} = ${now} WHERE ${q('job_id')} IN (${candidates}) RETURNING ${SELECT_COLUMNS}`
  );
}

/** The row of a job whose lease `$2` is current. */
function leaseHeld(d: SqlDialect): string {
  return `${q('job_id')} = ${uuid(d, '$1')} AND ${q('lease_token')} = ${text(d, '$2')} AND ${q('state')} = '${RUNNING}'`;
}

/** `$1` id, `$2` token, `$3` new locked until, `$4` now: extends a lease still held. */
export function renewLeaseSql(d: SqlDialect): string {
  return (
    `UPDATE ${T} SET ${q('locked_until')} = ${big(d, '$3')}, ${q('updated_on')} = ${big(d, '$4')} ` +
    `WHERE ${leaseHeld(d)}`
  );
}

/**
 * `$1` id, `$2` token, `$3` new locked until, `$4` now: the fence at the start of a step's
 * transaction — changes the row only while the lease is held and not expired, and holds the row
 * (PostgreSQL: its lock; DuckDB: a write another claim would conflict with) until the step commits.
 */
export function fenceLeaseSql(d: SqlDialect): string {
  return `${renewLeaseSql(d)} AND ${q('locked_until')} >= ${big(d, '$4')}`;
}

/** `$1` id, `$2` token, `$3` progress, `$4` now. */
export function checkpointJobSql(d: SqlDialect): string {
  return (
    `UPDATE ${T} SET ${q('progress')} = ${text(d, '$3')}, ${q('updated_on')} = ${big(d, '$4')} ` +
    `WHERE ${leaseHeld(d)}`
  );
}

const CLEAR_LEASE = `${q('lease_token')} = NULL, ${q('locked_until')} = NULL, ${q('locked_by')} = NULL`;

/** `$1` id, `$2` token, `$3` result, `$4` now. Fenced like a step. */
export function succeedJobSql(d: SqlDialect): string {
  return (
    `UPDATE ${T} SET ${q('state')} = '${SUCCEEDED}', ${q('result')} = ${text(d, '$3')}, ` +
    `${q('completed_on')} = ${big(d, '$4')}, ${q('updated_on')} = ${big(d, '$4')}, ${CLEAR_LEASE} ` +
    `WHERE ${leaseHeld(d)} AND ${q('locked_until')} >= ${big(d, '$4')}`
  );
}

/** `$1` id, `$2` token, `$3` error, `$4` run after, `$5` now: back to the queue for another attempt. */
export function retryJobSql(d: SqlDialect): string {
  return (
    `UPDATE ${T} SET ${q('state')} = '${QUEUED}', ${q('last_error')} = ${text(d, '$3')}, ` +
    `${q('run_after')} = ${big(d, '$4')}, ${q('updated_on')} = ${big(d, '$5')}, ${CLEAR_LEASE} ` +
    `WHERE ${leaseHeld(d)}`
  );
}

/** `$1` id, `$2` token, `$3` error, `$4` now: the terminal failure. */
export function failJobSql(d: SqlDialect): string {
  return (
    `UPDATE ${T} SET ${q('state')} = '${FAILED}', ${q('last_error')} = ${text(d, '$3')}, ` +
    `${q('completed_on')} = ${big(d, '$4')}, ${q('updated_on')} = ${big(d, '$4')}, ${CLEAR_LEASE} ` +
    `WHERE ${leaseHeld(d)}`
  );
}

/**
 * `$1` id, `$2` token, `$3` now: gives a job back at shutdown, due at once; the interrupted
 * attempt does not count.
 */
export function releaseJobSql(d: SqlDialect): string {
  return (
    `UPDATE ${T} SET ${q('state')} = '${QUEUED}', ${q('attempts')} = ${q('attempts')} - 1, ` +
    `${q('run_after')} = ${big(d, '$3')}, ${q('updated_on')} = ${big(d, '$3')}, ${CLEAR_LEASE} ` +
    `WHERE ${leaseHeld(d)}`
  );
}

/** `$1` id. */
export function jobByIdSql(d: SqlDialect): string {
  return `SELECT ${SELECT_COLUMNS} FROM ${T} WHERE ${q('job_id')} = ${uuid(d, '$1')}`;
}

export interface JobListFilter {
  orderingKey: boolean;
  kind: boolean;
  states: number;
}

/**
 * Jobs newest first. Parameters in this order: ordering key (when filtered), kind (when
 * filtered), the states (as many as `states`), then the limit.
 */
export function listJobsSql(d: SqlDialect, filter: JobListFilter): string {
  const where: string[] = [];
  let n = 0;
  if (filter.orderingKey) where.push(`${q('ordering_key')} = ${text(d, `$${++n}`)}`);
  if (filter.kind) where.push(`${q('kind')} = ${text(d, `$${++n}`)}`);
  if (filter.states > 0) {
    const states = Array.from({ length: filter.states }, () => text(d, `$${++n}`));
    where.push(`${q('state')} IN (${states.join(', ')})`);
  }
  return (
    `SELECT ${SELECT_COLUMNS} FROM ${T}${where.length > 0 ? ` WHERE ${where.join(' AND ')}` : ''} ` +
    `ORDER BY ${q('seq')} DESC LIMIT ${int(d, `$${n + 1}`)}`
  );
}

/** `$1` kind, `$2` ordering key: the first queued job of that kind and key. */
export function firstQueuedJobSql(d: SqlDialect): string {
  return (
    `SELECT ${SELECT_COLUMNS} FROM ${T} WHERE ${q('kind')} = ${text(d, '$1')} ` +
    `AND ${q('ordering_key')} = ${text(d, '$2')} AND ${q('state')} = '${QUEUED}' ORDER BY ${q('seq')} LIMIT 1`
  );
}

/** `$1` id, `$2` run after, `$3` now: moves a queued job earlier (never later). */
export function advanceJobSql(d: SqlDialect): string {
  return (
    `UPDATE ${T} SET ${q('run_after')} = least(${q('run_after')}, ${big(d, '$2')}), ${q('updated_on')} = ${big(d, '$3')} ` +
    `WHERE ${q('job_id')} = ${uuid(d, '$1')} AND ${q('state')} = '${QUEUED}'`
  );
}

/**
 * Cancels queued jobs (running ones finish or fail on their own). Parameters: `$1` now, then the
 * id (when `byId`) or the ordering key, then the kind (when `byKind`).
 */
export function cancelJobsSql(d: SqlDialect, filter: { byId: boolean; byKind: boolean }): string {
  const where = [`${q('state')} = '${QUEUED}'`];
  where.push(filter.byId ? `${q('job_id')} = ${uuid(d, '$2')}` : `${q('ordering_key')} = ${text(d, '$2')}`);
  if (filter.byKind) where.push(`${q('kind')} = ${text(d, '$3')}`);
  return (
    `UPDATE ${T} SET ${q('state')} = '${CANCELLED}', ${q('completed_on')} = ${big(d, '$1')}, ` +
    `${q('updated_on')} = ${big(d, '$1')} WHERE ${where.join(' AND ')}`
  );
}

/** `$1` time: deletes finished jobs completed before it. */
export function purgeJobsSql(d: SqlDialect): string {
  return (
    `DELETE FROM ${T} WHERE ${q('state')} IN ('${SUCCEEDED}', '${FAILED}', '${CANCELLED}') ` +
    `AND ${q('completed_on')} < ${big(d, '$1')}`
  );
}
