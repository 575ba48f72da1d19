import { type Store, type StoreSession, TransactionConflictError } from '../store/store.ts';
import { type Backoff, retryDelay } from './backoff.ts';
import {
  type ClaimedJob,
  type JobInfo,
  JobTimeoutError,
  type JsonValue,
  type Lease,
  LeaseLostError,
  QueueStoppingError,
} from './job-types.ts';
import { Serial } from './serial.ts';

/**
 * What a handler gets. Work is done in steps: each `step` is one store transaction that first
 * checks the lease is still held (fencing: a worker that lost the job commits nothing), then runs
 * the step's writes, then records the progress checkpoint — all or nothing. After a crash the job
 * runs again with `progress` = the last committed checkpoint, so a handler resumes where it was
 * and no step's effect is applied twice.
 */
export interface JobContext {
  readonly job: JobInfo;
  /** The latest committed checkpoint (the claimed job's, then each step's). */
  readonly progress: JsonValue | null;
  /**
   * Aborted when the worker lost the lease, the attempt timed out or the queue is stopping; its
   * reason is a LeaseLostError, JobTimeoutError or QueueStoppingError. Long loops should check it.
   */
  readonly signal: AbortSignal;
  /**
   * Runs `fn` in one transaction with the lease check and, when given, the checkpoint (a value,
   * or computed from `fn`'s result). Rejects with LeaseLostError when the lease is gone.
   */
  step<T>(
    fn: (tx: StoreSession) => Promise<T>,
    progress?: JsonValue | ((result: T) => JsonValue),
  ): Promise<T>;
  /** A step with no writes of its own. */
  checkpoint(progress: JsonValue): Promise<void>;
  /**
   * Commits `fn`'s writes together with the job's success (its result: what `fn` returns). The
   * handler returns right after; what it returns is then ignored.
   */
  finish(fn?: (tx: StoreSession) => Promise<JsonValue | void>): Promise<void>;
}

/** Returns the job's result (stored as JSON), unless it called `finish`. */
export type JobHandler = (context: JobContext) => Promise<JsonValue | void>;

export interface JobFailure {
  readonly job: JobInfo;
  /** Why the last attempt failed, or why the queue gave up on the job. */
  readonly reason: string;
}

/**
 * Runs once when a job fails for good, inside the transaction that marks it failed (its writes
 * commit with that; e.g. the segment engine sets the segment to Error with the reason).
 */
export type FailureHandler = (failure: JobFailure, tx: StoreSession) => Promise<void>;

/** What the queue knows about a kind. */
export interface JobKind {
  readonly handler: JobHandler;
  readonly timeoutMs: number;
  readonly backoff: Backoff;
  readonly onFailure: FailureHandler | undefined;
}

/** What a run needs from its queue. */
export interface RunEnvironment {
  readonly store: Store;
  readonly leaseMs: number;
  readonly heartbeatMs: number;
  readonly onError: (error: unknown, job?: JobInfo) => void;
}

const MAX_ERROR_LENGTH = 4000;
const FAILURE_HANDLER_ATTEMPTS = 3;

export function errorText(error: unknown): string {
  const text =
    error instanceof Error
      ? `${error.name === 'Error' ? '' : `${error.name}: `}${error.message}`
      : String(error);
  return text.length > MAX_ERROR_LENGTH ? `${text.slice(0, MAX_ERROR_LENGTH - 3)}...` : text;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * One attempt at one claimed job: heartbeats its lease, enforces the kind's timeout, runs the
 * handler and records the outcome (success, retry with backoff, or terminal failure with the
 * failure handler). Heartbeats and steps of one run never overlap (on DuckDB they would conflict).
 */
export class JobRun implements JobContext {
  readonly job: JobInfo;
  progress: JsonValue | null;
  private readonly lease: Lease;
  private readonly controller = new AbortController();
  private readonly serial = new Serial();
  private finished = false;
  /** The lease is gone (lost, or given back): the run records nothing more. */
  private detached = false;
  private leaseUntil: number;
  private heartbeat: NodeJS.Timeout | undefined;
  private timeout: NodeJS.Timeout | undefined;
  private aborted!: Promise<never>;

  constructor(
    claimed: ClaimedJob,
    private readonly kind: JobKind,
    private readonly env: RunEnvironment,
  ) {
    this.job = claimed.job;
    this.progress = claimed.job.progress;
    this.lease = { id: claimed.job.id, token: claimed.token };
    this.leaseUntil = claimed.job.lockedUntil?.getTime() ?? Date.now();
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  // ---- the handler's side --------------------------------------------------------------------

  async step<T>(
    fn: (tx: StoreSession) => Promise<T>,
    progress?: JsonValue | ((result: T) => JsonValue),
  ): Promise<T> {
    this.signal.throwIfAborted();
    let checkpoint: JsonValue | undefined;
    const result = await this.fenced(async (tx) => {
      const r = await fn(tx);
      if (progress !== undefined) {
        checkpoint = typeof progress === 'function' ? progress(r) : progress;
        if (!(await tx.jobs.checkpoint(this.lease, checkpoint))) throw this.lost();
      }
      await this.holdOn(tx);
      return r;
    });
    if (checkpoint !== undefined) this.progress = checkpoint;
    return result;
  }

  async checkpoint(progress: JsonValue): Promise<void> {
    await this.step(() => Promise.resolve(), progress);
  }

  async finish(fn?: (tx: StoreSession) => Promise<JsonValue | void>): Promise<void> {
    this.signal.throwIfAborted();
    await this.fenced(async (tx) => {
      const result = fn === undefined ? null : ((await fn(tx)) ?? null);
      await this.holdOn(tx);
      if (!(await tx.jobs.succeed(this.lease, result))) throw this.lost();
    });
    this.finished = true;
  }

  /** One transaction that starts with the fence; serialised with the heartbeat. */
  private fenced<T>(fn: (tx: StoreSession) => Promise<T>): Promise<T> {
    return this.serial.run(() =>
      this.env.store.jobs.hold(this.lease, () =>
        this.env.store.transaction(async (tx) => {
          if (!(await tx.jobs.fence(this.lease, this.env.leaseMs))) throw this.lost();
          this.leaseUntil = Date.now() + this.env.leaseMs;
          return fn(tx);
        }),
      ),
    );
  }

  /**
   * At the end of a step's transaction: extends the lease from now. The heartbeat waits while a
   * step runs, so a step longer than the lease ends with it expired; the fence still holds the row
   * (no claim can take the job before the commit), so renewing here is safe and lets the step
   * commit and the next one fence.
   */
  private async holdOn(tx: StoreSession): Promise<void> {
    if (!(await tx.jobs.renew(this.lease, this.env.leaseMs))) throw this.lost();
    this.leaseUntil = Date.now() + this.env.leaseMs;
  }

  private lost(): LeaseLostError {
    const error = new LeaseLostError(
      `job ${this.job.id} is no longer held by this worker (its lease expired or was taken over)`,
    );
    this.detach(error);
    return error;
  }

  private detach(reason: Error): void {
    this.detached = true;
    if (!this.signal.aborted) this.controller.abort(reason);
  }

  // ---- the queue's side ----------------------------------------------------------------------

  /** Runs the attempt to its end; never rejects. */
  async execute(): Promise<void> {
    try {
      await this.attempt();
    } catch (error) {
      this.env.onError(error, this.job);
    } finally {
      this.stopTimers();
    }
  }

  /**
   * At shutdown: stops the attempt and gives the job back, due at once. A step already committing
   * finishes first (no later one starts: the signal is aborted).
   */
  async giveBack(): Promise<void> {
    if (this.detached) return;
    this.detach(new QueueStoppingError('the job queue is stopping; the job was given back'));
    try {
      await this.serial.run(() => this.env.store.jobs.release(this.lease));
    } catch (error) {
      // The lease then simply expires and the job is claimed again.
      this.env.onError(error, this.job);
    }
  }

  private async attempt(): Promise<void> {
    const job = this.job;
    if (job.attempts > job.maxAttempts) {
      // Its earlier attempts all ended without an outcome: the worker died or lost the lease.
      const last = job.lastError === null ? '' : `; last error: ${job.lastError}`;
      await this.failForGood(
        `gave up after ${job.maxAttempts} attempts: none finished (the worker stopped or lost its lease)${last}`,
      );
      return;
    }
    this.aborted = new Promise<never>((_, reject) => {
      this.signal.addEventListener('abort', () => reject(this.signal.reason as Error), { once: true });
    });
    this.aborted.catch(() => undefined);
    this.startTimers();

    let result: JsonValue | void;
    try {
      result = await Promise.race([this.kind.handler(this), this.aborted]);
    } catch (error) {
      if (this.detached || this.finished) return;
      await this.failed(error);
      return;
    }
    this.stopTimers();
    if (this.detached || this.finished) return;
    try {
      await this.finish(() => Promise.resolve(result ?? null));
    } catch (error) {
      if (this.detached) return;
      // The handler's work is committed step by step; recording success failed (e.g. the store
      // is unreachable): the job runs again after its lease and resumes from its checkpoint.
      this.env.onError(error, job);
    }
  }

  private async failed(error: unknown): Promise<void> {
    this.stopTimers();
    const reason = errorText(error);
    if (this.job.attempts < this.job.maxAttempts) {
      const runAfter = new Date(Date.now() + retryDelay(this.kind.backoff, this.job.attempts));
      await this.serial.run(() => this.env.store.jobs.retry(this.lease, reason, runAfter));
      return;
    }
    await this.failForGood(reason);
  }

  /**
   * Marks the job failed and runs the failure handler in the same transaction; a failure handler
   * that keeps throwing is given up on after a few tries, so the job still ends failed.
   */
  private async failForGood(reason: string): Promise<void> {
    const onFailure = this.kind.onFailure;
    let handlerError: unknown;
    for (let attempt = 1; attempt <= FAILURE_HANDLER_ATTEMPTS; attempt++) {
      try {
        await this.serial.run(() =>
          this.env.store.transaction(async (tx) => {
            if (!(await tx.jobs.fail(this.lease, reason))) return;
            if (onFailure !== undefined) await onFailure({ job: this.job, reason }, tx);
          }),
        );
        return;
      } catch (error) {
        handlerError = error;
        this.env.onError(error, this.job);
        await sleep(50 * attempt);
      }
    }
    await this.serial.run(() =>
      this.env.store.jobs.fail(
        this.lease,
        `${reason}; the failure handler failed: ${errorText(handlerError)}`,
      ),
    );
  }

  private startTimers(): void {
    this.heartbeat = setInterval(() => void this.beat(), this.env.heartbeatMs);
    this.timeout = setTimeout(() => {
      this.controller.abort(
        new JobTimeoutError(`the job ran longer than its timeout of ${this.kind.timeoutMs} ms`),
      );
    }, this.kind.timeoutMs);
  }

  private stopTimers(): void {
    clearInterval(this.heartbeat);
    clearTimeout(this.timeout);
    this.heartbeat = undefined;
    this.timeout = undefined;
  }

  private async beat(): Promise<void> {
    if (this.detached || this.heartbeat === undefined) return;
    try {
      // A beat queued behind a long step may come after the attempt ended: then it has no lease.
      const held = await this.serial.run(() =>
        this.detached || this.heartbeat === undefined
          ? Promise.resolve(undefined)
          : this.env.store.jobs.renew(this.lease, this.env.leaseMs),
      );
      if (held === undefined) return;
      if (held) this.leaseUntil = Date.now() + this.env.leaseMs;
      else if (!this.finished) this.lost();
    } catch (error) {
      // A conflict or an unreachable store: try again at the next beat, unless the lease ran out.
      if (Date.now() > this.leaseUntil) this.lost();
      else if (!(error instanceof TransactionConflictError)) this.env.onError(error, this.job);
    }
  }
}
