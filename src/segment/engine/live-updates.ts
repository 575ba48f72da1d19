import type { RecordService } from '../../engine/records.ts';
import type { Store } from '../../store/store.ts';
import { TransactionConflictError } from '../../store/store.ts';
import { DependencyIndex } from './dependency-index.ts';
import { SegmentJobs } from './segment-jobs.ts';
import { selectSegments } from './segment-record.ts';

export interface LiveUpdateOptions {
  /**
   * How long after a change the re-evaluation of a segment depending on it runs (default 2000 ms):
   * every change until it starts shares it, so a burst of writes costs a few evaluations, not one
   * each. Processes sharing a database should use the same delay.
   */
  readonly delayMs?: number;
  /** Called when re-evaluations were queued and come due (wakes the local job queue). */
  readonly wake?: () => void;
  /** A flush that failed (it is tried again). */
  readonly onError?: (error: unknown) => void;
}

export const DEFAULT_LIVE_UPDATE_DELAY_MS = 2000;

/** Changes are gathered this long at most before they are looked at (fewer, larger flushes). */
const FLUSH_WAIT_MS = 100;
/** A failed flush is tried again after this long. */
const RETRY_MS = 1000;
/**
 * A live update known to be queued for T is not asked for again before T minus this: its
 * evaluation starts after T and sees what committed before (some room for clocks that differ).
 */
const CLOCK_MARGIN_MS = 100;

/** What is pending: the change not yet looked at. */
class PendingChange {
  readonly entities = new Set<string>();
  readonly members = new Set<string>();
  readonly definitions = new Set<string>();

  get empty(): boolean {
    return this.entities.size === 0 && this.members.size === 0 && this.definitions.size === 0;
  }

  merge(other: PendingChange): void {
    for (const e of other.entities) this.entities.add(e);
    for (const m of other.members) this.members.add(m);
    for (const d of other.definitions) this.definitions.add(d);
  }
}

/**
 * Keeps live dynamic and compound segments current: told of every committed write (the record
 * service's write observers: Web API, $batch, bulk actions, import, member operations, static
 * members set on the record), it queues a re-evaluation (`segment.live-update`) of each live
 * segment whose query depends on what changed, `delayMs` after the change.
 *
 * Writes only mark what changed in memory; a timer looks at the marks a little later, reads the
 * segments (one query), finds the dependents and `ensure()`s one queued live update per segment.
 * The job table keeps one queued live update per segment whoever asks, so several processes on
 * one database — each telling about its own writes — still share one evaluation. A segment whose
 * live update is known to be queued and not yet due is not asked for again.
 *
 *   const live = new LiveSegmentUpdates(store, records, jobs, { delayMs: 2000, wake });
 *   live.start();          // observes the record service's writes
 *   …
 *   await live.close();    // looks at what is still pending, then stops
 */
export class LiveSegmentUpdates {
  readonly delayMs: number;
  private readonly index = new DependencyIndex();
  private pending = new PendingChange();
  /** Live updates known to be queued: segment id → when it runs and the segment's version then. */
  private readonly queued = new Map<string, { runAfter: number; version: string }>();
  private readonly wakeTimers = new Map<number, NodeJS.Timeout>();
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopObserving: (() => void) | undefined;
  private state: 'idle' | 'started' | 'closed' = 'idle';

  constructor(
    private readonly store: Store,
    private readonly records: RecordService,
    private readonly jobs: SegmentJobs,
    private readonly options: LiveUpdateOptions = {},
  ) {
    const delayMs = options.delayMs ?? DEFAULT_LIVE_UPDATE_DELAY_MS;
    if (!Number.isInteger(delayMs) || delayMs < 0)
      throw new RangeError('the live update delay must be a whole number of milliseconds >= 0');
    this.delayMs = delayMs;
  }

  /** Starts observing the writes of the record service (and of its transactions). */
  start(): void {
    if (this.state !== 'idle') return;
    this.state = 'started';
    this.stopObserving = this.records.rules.observeWrites((entities) => this.entitiesWritten(entities));
  }

  /** Rows of these entities were written (committed). */
  entitiesWritten(entities: ReadonlySet<string>): void {
    if (this.state !== 'started') return;
    for (const e of entities) this.pending.entities.add(e);
    this.schedule(this.flushWait());
  }

  /** The stored members of a segment changed (committed). */
  membersChanged(segmentId: string): void {
    if (this.state !== 'started') return;
    this.pending.members.add(segmentId);
    this.schedule(this.flushWait());
  }

  /** The query or type of a segment changed, or it was deleted (committed). */
  definitionChanged(segmentId: string): void {
    if (this.state !== 'started') return;
    this.pending.definitions.add(segmentId);
    this.schedule(this.flushWait());
  }

  /**
   * Looks at every change marked so far now; resolves once their live updates are queued, or
   * rejects with the reason they could not be (the change stays pending).
   */
  async flush(): Promise<void> {
    await this.running;
    clearTimeout(this.timer);
    this.timer = undefined;
    if (!this.pending.empty) await this.runOnce();
  }

  /** Stops observing writes, queues what is still pending (as far as it can) and clears its timers. */
  async close(): Promise<void> {
    if (this.state === 'closed') return;
    const wasStarted = this.state === 'started';
    this.state = 'closed';
    this.stopObserving?.();
    clearTimeout(this.timer);
    this.timer = undefined;
    if (wasStarted) {
      await this.running;
      try {
        await this.lookAt(this.take());
      } catch (err) {
        // What is lost here the periodic refresh makes up for.
        this.options.onError?.(err);
      }
    }
    for (const t of this.wakeTimers.values()) clearTimeout(t);
    this.wakeTimers.clear();
  }

  private flushWait(): number {
    return Math.min(this.delayMs, FLUSH_WAIT_MS);
  }

  private schedule(waitMs: number): void {
    if (this.state !== 'started' || this.timer !== undefined || this.running !== undefined) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.kick();
    }, waitMs);
    // Pending marks must not keep a process alive; the periodic refresh is the safety net.
    this.timer.unref();
  }

  /** Looks at the pending change in the background; a failure is reported and tried again later. */
  private kick(): void {
    this.runOnce().catch((err: unknown) => {
      if (!(err instanceof TransactionConflictError)) this.options.onError?.(err);
    });
  }

  /**
   * Looks at the pending change (one look at a time). When that fails, nothing is lost: the
   * change is pending again and looked at later (queuing a live update twice is harmless).
   */
  private runOnce(): Promise<void> {
    const change = this.take();
    const run = this.lookAt(change).then(
      () => {
        this.running = undefined;
        // Marks that came while it ran.
        if (!this.pending.empty) this.schedule(this.flushWait());
      },
      (err: unknown) => {
        this.running = undefined;
        this.pending.merge(change);
        this.schedule(RETRY_MS);
        throw err;
      },
    );
    this.running = run.catch(() => undefined);
    return run;
  }

  private take(): PendingChange {
    const change = this.pending;
    this.pending = new PendingChange();
    return change;
  }

  /** Queues the live updates of the segments depending on `change`. */
  private async lookAt(change: PendingChange): Promise<void> {
    if (change.empty) return;
    const segments = await selectSegments(this.store);
    await this.index.update(this.records, segments);
    const byId = new Map(segments.map((s) => [s.id, s]));
    for (const id of this.queued.keys()) if (!byId.has(id)) this.queued.delete(id);
    for (const id of this.index.dependents(change)) {
      const version = byId.get(id)?.version ?? '';
      const known = this.queued.get(id);
      // Queued, not yet due, and the segment unchanged since (a stop would have cancelled it).
      if (known?.version === version && Date.now() < known.runAfter - CLOCK_MARGIN_MS) continue;
      const job = await this.jobs.liveUpdate(this.store, id, new Date(Date.now() + this.delayMs));
      this.queued.set(id, { runAfter: job.runAfter.getTime(), version });
      this.wakeAt(job.runAfter.getTime());
    }
  }

  /** Wakes the local job queue when a live update comes due (it would else wait for its next poll). */
  private wakeAt(at: number): void {
    const wake = this.options.wake;
    if (wake === undefined || this.wakeTimers.has(at) || this.state === 'closed') return;
    const timer = setTimeout(
      () => {
        this.wakeTimers.delete(at);
        wake();
      },
      Math.max(0, at - Date.now()),
    );
    timer.unref();
    this.wakeTimers.set(at, timer);
  }
}

/**
 * Live updates for a process that writes but runs no segment engine (the importer): its writes
 * queue the live updates of the segments depending on them, which the servers' job queues run.
 * Close it before closing the store.
 */
export function startLiveSegmentUpdates(
  store: Store,
  records: RecordService,
  options: LiveUpdateOptions & { maxAttempts?: number } = {},
): LiveSegmentUpdates {
  const { maxAttempts, ...rest } = options;
  const jobs = new SegmentJobs(maxAttempts !== undefined ? { maxAttempts } : {});
  const live = new LiveSegmentUpdates(store, records, jobs, rest);
  live.start();
  return live;
}
