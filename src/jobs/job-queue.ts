import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { Store, StoreSession } from '../store/store.ts';
import { TransactionConflictError } from '../store/store.ts';
import { type Backoff, backoff, type BackoffOptions } from './backoff.ts';
import {
  type FailureHandler,
  type JobHandler,
  type JobKind,
  JobRun,
  type RunEnvironment,
} from './job-run.ts';
import type { EnqueueRequest, JobInfo } from './job-types.ts';

export interface JobQueueOptions {
  /** Jobs this queue runs at once (default 4). */
  concurrency?: number;
  /** How long a claim holds a job without a heartbeat (default 30 s). */
  leaseMs?: number;
  /** Lease renewal period while a handler runs (default a third of the lease). */
  heartbeatMs?: number;
  /** Look for due jobs this often when not woken earlier (default 1 s). */
  pollMs?: number;
  /** Retry backoff of every kind that does not set its own. */
  backoff?: BackoffOptions;
  /** Longest attempt of every kind that does not set its own (default 30 min). */
  timeoutMs?: number;
  /** Names this worker in `locked_by` (default host:pid:random). */
  workerId?: string;
  /** Problems the queue handles itself but should be seen (a failed poll, a failure handler that threw). */
  onError?: (error: unknown, job?: JobInfo) => void;
  /**
   * How long finished jobs (succeeded, failed, cancelled) are kept for `list`/`get` (default 30
   * days); older ones are deleted by the queue about once an hour. 0 keeps them forever.
   */
  retainFinishedMs?: number;
}

export interface JobKindOptions {
  /** Longest attempt; then the attempt counts as failed (a retry, or the terminal failure). */
  timeoutMs?: number;
  backoff?: BackoffOptions;
  /** Runs once when a job of this kind fails for good, in the transaction that marks it failed. */
  onFailure?: FailureHandler;
}

export interface StopOptions {
  /** How long running handlers may take to finish before their jobs are given back (default 10 s). */
  graceMs?: number;
}

const DEFAULT_TIMEOUT_MS = 30 * 60_000;
const DEFAULT_RETAIN_FINISHED_MS = 30 * 24 * 3600_000;
/** Finished jobs are purged at most this often (by each queue; a purge is idempotent). */
export const PURGE_EVERY_MS = 3600_000;

function positive(name: string, value: number, min = 1): number {
  if (!Number.isFinite(value) || value < min) throw new RangeError(`${name} must be a number >= ${min}`);
  return value;
}

/**
 * An in-process worker pool over the store's durable job table (`store.jobs`, src/jobs/job-table.ts).
 * It claims due jobs of the kinds registered with it, up to `concurrency` at a time, each under a
 * lease renewed by a heartbeat; jobs of one ordering key run one at a time in enqueue order. A
 * failed attempt is retried with exponential backoff until `maxAttempts`, then the kind's failure
 * handler runs. Several queues — in this process or, on PostgreSQL, in other processes — can
 * share one store: a job is claimed by one of them at a time, and a job whose worker died is
 * claimed again when its lease expires and resumes from its last checkpoint.
 *
 *   const queue = new JobQueue(store, { concurrency: 4 });
 *   queue.register('segment.evaluate', async (ctx) => { … ctx.step(…) … }, { onFailure });
 *   queue.start();
 *   await store.transaction(async (tx) => { …; await queue.enqueue(tx, { kind, payload, orderingKey }); });
 *   await queue.stop();
 */
export class JobQueue {
  readonly workerId: string;
  private readonly kinds = new Map<string, JobKind>();
  private readonly runs = new Set<JobRun>();
  private readonly settled = new Map<JobRun, Promise<void>>();
  private readonly concurrency: number;
  private readonly pollMs: number;
  private readonly defaultBackoff: Backoff;
  private readonly defaultTimeoutMs: number;
  private readonly env: RunEnvironment;
  private state: 'idle' | 'running' | 'stopping' | 'stopped' = 'idle';
  private timer: NodeJS.Timeout | undefined;
  private polling = false;
  private pollAgain = false;
  private polled: Promise<void> = Promise.resolve();
  private readonly retainFinishedMs: number;
  /** When this queue last purged finished jobs (0: not yet, so the first poll does). */
  private purgedAt = 0;

  constructor(
    readonly store: Store,
    options: JobQueueOptions = {},
  ) {
    this.concurrency = positive('concurrency', options.concurrency ?? 4);
    const leaseMs = positive('leaseMs', options.leaseMs ?? 30_000, 10);
    const heartbeatMs = positive(
      'heartbeatMs',
      options.heartbeatMs ?? Math.max(5, Math.floor(leaseMs / 3)),
      5,
    );
    this.pollMs = positive('pollMs', options.pollMs ?? 1000, 5);
    const retain = options.retainFinishedMs ?? DEFAULT_RETAIN_FINISHED_MS;
    this.retainFinishedMs = retain === 0 ? 0 : positive('retainFinishedMs', retain, 1000);
    this.defaultBackoff = backoff(options.backoff);
    this.defaultTimeoutMs = positive('timeoutMs', options.timeoutMs ?? DEFAULT_TIMEOUT_MS);
    this.workerId = options.workerId ?? `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
    const onError =
      options.onError ??
      ((error: unknown, job?: JobInfo) =>
        process.emitWarning(
          `${job === undefined ? '' : `job ${job.id} (${job.kind}): `}${error instanceof Error ? error.message : String(error)}`,
          'JobQueueWarning',
        ));
    this.env = { store, leaseMs, heartbeatMs, onError };
  }

  /** Registers the handler of a kind; only registered kinds are claimed. Register before `start`. */
  register(kind: string, handler: JobHandler, options: JobKindOptions = {}): this {
    if (this.kinds.has(kind)) throw new Error(`job kind '${kind}' is registered twice`);
    this.kinds.set(kind, {
      handler,
      timeoutMs: positive('timeoutMs', options.timeoutMs ?? this.defaultTimeoutMs),
      backoff: backoff(options.backoff, this.defaultBackoff),
      onFailure: options.onFailure,
    });
    return this;
  }

  /** Starts claiming jobs. */
  start(): void {
    if (this.state === 'running') return;
    if (this.state !== 'idle') throw new Error('a stopped job queue cannot start again; create a new one');
    this.state = 'running';
    this.notify();
  }

  /** Enqueues on `session` (the store, or a transaction: then it commits with it) and wakes the queue. */
  async enqueue(session: StoreSession, request: EnqueueRequest): Promise<string> {
    const id = await session.jobs.enqueue(request);
    this.notify();
    return id;
  }

  /** Looks for due jobs now (after an enqueue committed, say) rather than at the next poll. */
  notify(): void {
    if (this.state !== 'running') return;
    if (this.polling) {
      this.pollAgain = true;
      return;
    }
    clearTimeout(this.timer);
    this.timer = undefined;
    this.polled = this.poll();
  }

  /** Jobs running in this queue now. */
  get running(): number {
    return this.runs.size;
  }

  /**
   * Stops claiming, waits up to `graceMs` for running handlers, then gives the jobs still running
   * back (queued and due at once, the attempt not counted; their handlers see the abort signal and
   * can no longer commit). Leaves no timer behind.
   */
  async stop(options: StopOptions = {}): Promise<void> {
    if (this.state === 'stopped' || this.state === 'stopping') return;
    this.state = 'stopping';
    clearTimeout(this.timer);
    this.timer = undefined;
    // A claim in flight may still hand this queue jobs: they are launched, then given back below.
    await this.polled;
    const graceMs = options.graceMs ?? 10_000;
    const all = () => Promise.all([...this.settled.values()]);
    let graceTimer: NodeJS.Timeout | undefined;
    await Promise.race([all(), new Promise<void>((resolve) => (graceTimer = setTimeout(resolve, graceMs)))]);
    clearTimeout(graceTimer);
    await Promise.all([...this.runs].map((run) => run.giveBack()));
    await all();
    this.state = 'stopped';
  }

  private async poll(): Promise<void> {
    this.polling = true;
    try {
      do {
        this.pollAgain = false;
        await this.claimWhileFree();
      } while (this.pollAgain && this.state === 'running');
      await this.purgeWhenDue();
    } finally {
      this.polling = false;
      if (this.state === 'running') {
        clearTimeout(this.timer);
        this.timer = setTimeout(() => {
          this.timer = undefined;
          this.notify();
        }, this.pollMs);
      }
    }
  }

  private async claimWhileFree(): Promise<void> {
    while (this.state === 'running') {
      const free = this.concurrency - this.runs.size;
      if (free <= 0) return;
      let claimed;
      try {
        claimed = await this.store.jobs.claim({
          kinds: [...this.kinds.keys()],
          limit: free,
          leaseMs: this.env.leaseMs,
          owner: this.workerId,
        });
      } catch (error) {
        // Another claim or a committing step touched the same rows (DuckDB): the next poll retries.
        if (!(error instanceof TransactionConflictError)) this.env.onError(error);
        return;
      }
      for (const c of claimed) this.launch(new JobRun(c, this.kinds.get(c.job.kind) as JobKind, this.env));
      if (claimed.length < free) return;
    }
  }

  /** Deletes finished jobs older than the retention, at most once per PURGE_EVERY_MS. */
  private async purgeWhenDue(): Promise<void> {
    const now = Date.now();
    if (this.retainFinishedMs === 0 || this.state !== 'running' || now - this.purgedAt < PURGE_EVERY_MS)
      return;
    this.purgedAt = now;
    try {
      await this.store.jobs.purge(new Date(now - this.retainFinishedMs));
    } catch (error) {
      // The next purge is due in an hour; nothing depends on old jobs being gone sooner.
      if (!(error instanceof TransactionConflictError)) this.env.onError(error);
    }
  }

  private launch(run: JobRun): void {
    this.runs.add(run);
    const done = run.execute().finally(() => {
      this.runs.delete(run);
      this.settled.delete(run);
      // A slot is free, and the job's successor in its ordering key may now be due.
      this.notify();
    });
    this.settled.set(run, done);
  }
}
