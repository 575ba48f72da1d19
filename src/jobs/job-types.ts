/** What jobs carry (payload, progress checkpoints, results): anything JSON can hold. */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/**
 * queued → running → succeeded | failed; a failed attempt with attempts left goes back to queued
 * (with a backoff), as does a job given back at shutdown; only queued jobs can be cancelled.
 */
export type JobState = 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled';

/** A job as the API shows it. */
export interface JobInfo {
  readonly id: string;
  readonly kind: string;
  /** Jobs sharing it run one at a time, in enqueue order (null: no ordering). */
  readonly orderingKey: string | null;
  readonly state: JobState;
  readonly payload: JsonValue;
  /** The last checkpoint a handler committed (null before the first). */
  readonly progress: JsonValue | null;
  /** What the handler returned (succeeded jobs). */
  readonly result: JsonValue | null;
  /** Why the last attempt failed (kept when a retry then succeeds). */
  readonly lastError: string | null;
  /** Attempts started so far (a claim starts one). */
  readonly attempts: number;
  readonly maxAttempts: number;
  /** Not claimed before this time (the retry backoff, or a scheduled run). */
  readonly runAfter: Date;
  /** While running: the lease; a job whose lease expired can be claimed again. */
  readonly lockedUntil: Date | null;
  /** While running: the worker holding the lease. */
  readonly lockedBy: string | null;
  readonly createdOn: Date;
  /** When the first attempt started. */
  readonly startedOn: Date | null;
  /** When it succeeded, failed for good or was cancelled. */
  readonly completedOn: Date | null;
  readonly updatedOn: Date;
}

export interface EnqueueRequest {
  kind: string;
  payload?: JsonValue;
  orderingKey?: string;
  /** Not before this time (default: now). */
  runAfter?: Date;
  /** Attempts before the terminal failure (default 5). */
  maxAttempts?: number;
}

/** A job and the lease a claim gave on it. */
export interface ClaimedJob {
  readonly job: JobInfo;
  readonly token: string;
}

/** Who holds a job: its id and the token of the claim. */
export interface Lease {
  readonly id: string;
  readonly token: string;
}

export interface JobFilter {
  orderingKey?: string;
  kind?: string;
  states?: readonly JobState[];
  /** At most this many, newest first (default 50, at most 1000). */
  limit?: number;
}

/** A request the queue refuses (bad kind, key, payload or attempt count); nothing was written. */
export class JobRequestError extends Error {
  override name = 'JobRequestError';
}

/** The worker no longer holds the job's lease (it expired and another worker claimed it, or it was given back). */
export class LeaseLostError extends Error {
  override name = 'LeaseLostError';
}

/** The handler ran longer than its kind's timeout; the attempt counts as failed. */
export class JobTimeoutError extends Error {
  override name = 'JobTimeoutError';
}

/** The queue is stopping; the job was given back and will run again. */
export class QueueStoppingError extends Error {
  override name = 'QueueStoppingError';
}

export const DEFAULT_MAX_ATTEMPTS = 5;
