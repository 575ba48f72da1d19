import type { RecordService } from '../../engine/records.ts';
import { JobQueue, type JobQueueOptions, type StopOptions } from '../../jobs/job-queue.ts';
import type { Store } from '../../store/store.ts';
import { goLiveFailed, goLiveJob, liveUpdateJob, refreshFailed, refreshJob } from './jobs/evaluation-job.ts';
import type { SegmentJobEnvironment, SegmentLog } from './jobs/job-environment.ts';
import { memberOperationJob } from './jobs/member-operation-job.ts';
import { LiveSegmentUpdates } from './live-updates.ts';
import { stopFailed, stopJob } from './jobs/stop-job.ts';
import { orderingKeyOf, SegmentJobKind, type SegmentJobKindName, SegmentJobs } from './segment-jobs.ts';
import { SegmentMembersUpdate } from './segment-members-update.ts';
import { readSegment, SEGMENT_ENTITY, selectSegments, type SegmentRecord } from './segment-record.ts';
import { segmentRules } from './segment-rules.ts';
import { hasQueryMembers, isLive } from './segment-status.ts';
import { SegmentStatus } from '../../metadata/builtin/segment.ts';

export interface SegmentEngineOptions {
  /** The job queue's settings (concurrency, lease, poll interval, retry backoff, …). */
  queue?: JobQueueOptions;
  /** Attempts of a segment job before it fails for good and the segment goes to Error (default 5). */
  maxAttempts?: number;
  /** The current time (evaluations, entry times). */
  now?: () => Date;
  log?: SegmentLog;
  /**
   * Live updates: a live dynamic or compound segment is re-evaluated `delayMs` (default 2000)
   * after data it depends on changed. `false` leaves only the periodic and on-demand refreshes.
   */
  liveUpdates?: { delayMs?: number } | false;
}

/** Segment work that runs in background jobs: going live, refreshes, stopping, member operations. */
const DEFAULT_CONCURRENCY = 2;

/**
 * The segment engine: the lifecycle rules of `msdyncrm_segment` records (installed into the record
 * service, so every write path runs them), the durable background jobs that evaluate, refresh and
 * stop segments and apply member operations (on its own `JobQueue` over the store's job table),
 * `msdyncrm_SegmentMembersUpdate`, and the live updates that re-evaluate live segments shortly
 * after the data they depend on changed (`LiveSegmentUpdates`). Start it to run jobs; stop it
 * before closing the store.
 *
 *   const segments = new SegmentEngine(store, records);
 *   await segments.start();   // buildApp({ segments }) does this when the app is ready
 *   …
 *   await segments.stop();
 */
export class SegmentEngine {
  readonly queue: JobQueue;
  readonly membersUpdate: SegmentMembersUpdate;
  /** Schedules the live updates of segments for the writes of this process (undefined: turned off). */
  readonly liveUpdates: LiveSegmentUpdates | undefined;
  private readonly jobs: SegmentJobs;
  private readonly now: () => Date;
  private started: Promise<void> | undefined;

  constructor(
    readonly store: Store,
    readonly records: RecordService,
    options: SegmentEngineOptions = {},
  ) {
    this.now = options.now ?? (() => new Date());
    this.jobs = new SegmentJobs(
      options.maxAttempts !== undefined ? { maxAttempts: options.maxAttempts } : {},
    );
    this.queue = new JobQueue(store, { concurrency: DEFAULT_CONCURRENCY, ...options.queue });
    const wake = () => this.queue.notify();
    const log = options.log ?? (() => undefined);
    const live =
      options.liveUpdates === false
        ? undefined
        : new LiveSegmentUpdates(store, records, this.jobs, {
            ...(options.liveUpdates?.delayMs !== undefined ? { delayMs: options.liveUpdates.delayMs } : {}),
            wake,
            onError: (err) =>
              log('segment live updates could not be queued (trying again)', {
                error: err instanceof Error ? err.message : String(err),
              }),
          });
    this.liveUpdates = live;
    const membersChanged = (segmentId: string) => live?.membersChanged(segmentId);
    const definitionChanged = (segmentId: string) => live?.definitionChanged(segmentId);
    records.rules.register(
      SEGMENT_ENTITY,
      segmentRules({ jobs: this.jobs, wake, membersChanged, definitionChanged }),
    );
    const env: SegmentJobEnvironment = { records, jobs: this.jobs, now: this.now, log, membersChanged };
    this.queue
      .register(SegmentJobKind.GoLive, goLiveJob(env), { onFailure: goLiveFailed(env) })
      .register(SegmentJobKind.Refresh, refreshJob(env), { onFailure: refreshFailed(env) })
      .register(SegmentJobKind.LiveUpdate, liveUpdateJob(env), { onFailure: refreshFailed(env) })
      .register(SegmentJobKind.Stop, stopJob(env), { onFailure: stopFailed(env) })
      .register(SegmentJobKind.Members, memberOperationJob(env));
    this.membersUpdate = new SegmentMembersUpdate(this.jobs, wake);
  }

  /**
   * Starts running jobs, after making sure every segment waiting for background work has its job
   * (a job lost to a purge or a crash between releases would otherwise leave it Going live).
   */
  start(): Promise<void> {
    this.started ??= (async () => {
      await this.resume();
      this.liveUpdates?.start();
      this.queue.start();
    })();
    return this.started;
  }

  /** Stops claiming jobs; running ones finish or are given back (they run again at the next start). */
  async stop(options?: StopOptions): Promise<void> {
    await this.started?.catch(() => undefined);
    // The writes of this process until now still get their live updates (queued, durable).
    await this.liveUpdates?.close();
    await this.queue.stop(options);
  }

  /**
   * Re-evaluates a live dynamic or compound segment now (on demand), in its turn after the
   * segment's queued jobs; false when the segment is not one that is refreshed.
   */
  async refresh(segmentId: string): Promise<boolean> {
    const segment = await readSegment(this.store, segmentId.toLowerCase());
    if (segment === undefined || !isLive(segment.status) || !hasQueryMembers(segment.type)) return false;
    await this.jobs.refresh(this.store, segment, this.now());
    this.queue.notify();
    return true;
  }

  private async resume(): Promise<void> {
    for (const segment of await selectSegments(this.store)) {
      if (segment.status === SegmentStatus.GoingLive) await this.ensureJob(segment, SegmentJobKind.GoLive);
      else if (segment.status === SegmentStatus.Stopping) await this.ensureJob(segment, SegmentJobKind.Stop);
      else if (isLive(segment.status) && hasQueryMembers(segment.type) && segment.refreshMinutes > 0) {
        // Due at the time it was scheduled for (at once if that passed while the server was down).
        await this.jobs.refresh(this.store, segment, segment.nextEvaluation ?? this.now());
      }
    }
  }

  private async ensureJob(segment: SegmentRecord, kind: SegmentJobKindName): Promise<void> {
    const open = await this.store.jobs.list({
      orderingKey: orderingKeyOf(segment.id),
      kind,
      states: ['queued', 'running'],
      limit: 1,
    });
    if (open.length > 0) return;
    if (kind === SegmentJobKind.GoLive) await this.jobs.goLive(this.store, segment.id);
    else await this.jobs.stop(this.store, segment.id);
  }
}
