/**
 * Durable background jobs in the store (`sd_job`): enqueue through `store.jobs` or `tx.jobs`
 * (src/jobs/job-table.ts), run them with a `JobQueue` (src/jobs/job-queue.ts), write handlers
 * against `JobContext` (src/jobs/job-run.ts).
 */
export { type Backoff, type BackoffOptions, retryDelay } from './backoff.ts';
export { JobQueue, type JobKindOptions, type JobQueueOptions, type StopOptions } from './job-queue.ts';
export type { FailureHandler, JobContext, JobFailure, JobHandler } from './job-run.ts';
export type { JobTable } from './job-table.ts';
export {
  type ClaimedJob,
  type EnqueueRequest,
  type JobFilter,
  type JobInfo,
  JobRequestError,
  type JobState,
  JobTimeoutError,
  type JsonValue,
  type Lease,
  LeaseLostError,
  QueueStoppingError,
} from './job-types.ts';
