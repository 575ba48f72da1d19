import { formatDateTime } from '../../engine/values.ts';
import type { JsonValue } from '../../jobs/job-types.ts';
import type { StoreSession } from '../../store/store.ts';
import type { SegmentRecord } from './segment-record.ts';

/** The background work of segments, one durable job kind each. */
export const SegmentJobKind = {
  /** Evaluates a segment that is Going live, stores its members, sets it Live. */
  GoLive: 'segment.go-live',
  /** Re-evaluates a live dynamic or compound segment (periodic, or on demand). */
  Refresh: 'segment.refresh',
  /**
   * Re-evaluates a live dynamic or compound segment shortly after data it depends on changed;
   * leaves the periodic schedule as it is.
   */
  LiveUpdate: 'segment.live-update',
  /** Sets a Stopping segment Stopped and ends its refreshes. */
  Stop: 'segment.stop',
  /** Applies one `msdyncrm_SegmentMembersUpdate` operation to a static segment. */
  Members: 'segment.members',
} as const;

export type SegmentJobKindName = (typeof SegmentJobKind)[keyof typeof SegmentJobKind];

/**
 * Every job of a segment shares its ordering key, so they run one at a time in the order they
 * were queued: a go-live, then the member operations sent after it, in order; a refresh that is
 * not due yet does not hold the others back.
 */
export function orderingKeyOf(segmentId: string): string {
  return `segment:${segmentId}`;
}

export interface SegmentJobSettings {
  /** Attempts of a job before it fails for good (default 5). */
  readonly maxAttempts?: number;
}

/** Enqueues segment jobs inside the caller's transaction (they commit with its writes). */
export class SegmentJobs {
  constructor(private readonly settings: SegmentJobSettings = {}) {}

  private async enqueue(
    session: StoreSession,
    kind: SegmentJobKindName,
    segmentId: string,
    payload: Record<string, JsonValue> = {},
  ): Promise<string> {
    return session.jobs.enqueue({
      kind,
      orderingKey: orderingKeyOf(segmentId),
      payload: { segmentId, ...payload },
      ...(this.settings.maxAttempts !== undefined ? { maxAttempts: this.settings.maxAttempts } : {}),
    });
  }

  goLive(session: StoreSession, segmentId: string): Promise<string> {
    return this.enqueue(session, SegmentJobKind.GoLive, segmentId);
  }

  stop(session: StoreSession, segmentId: string): Promise<string> {
    return this.enqueue(session, SegmentJobKind.Stop, segmentId);
  }

  memberOperation(
    session: StoreSession,
    segmentId: string,
    payload: Record<string, JsonValue>,
  ): Promise<string> {
    return this.enqueue(session, SegmentJobKind.Members, segmentId, payload);
  }

  /**
   * Makes sure a refresh of the segment is queued for `at` (or earlier, when one already is);
   * returns when it will run. A segment whose refresh interval is 0 is refreshed on demand only:
   * undefined `at` then schedules nothing.
   */
  async refresh(
    session: StoreSession,
    segment: SegmentRecord,
    at: Date | undefined,
  ): Promise<Date | undefined> {
    if (at === undefined) return undefined;
    const { id } = await session.jobs.ensure({
      kind: SegmentJobKind.Refresh,
      orderingKey: orderingKeyOf(segment.id),
      payload: { segmentId: segment.id },
      runAfter: at,
      ...(this.settings.maxAttempts !== undefined ? { maxAttempts: this.settings.maxAttempts } : {}),
    });
    const job = await session.jobs.get(id);
    return job?.runAfter ?? at;
  }

  /**
   * Makes sure a live update of the segment is queued for `at` (or earlier, when one already is:
   * writes until it starts share it); returns the job and when it will run.
   */
  async liveUpdate(
    session: StoreSession,
    segmentId: string,
    at: Date,
  ): Promise<{ id: string; runAfter: Date }> {
    const { id } = await session.jobs.ensure({
      kind: SegmentJobKind.LiveUpdate,
      orderingKey: orderingKeyOf(segmentId),
      payload: { segmentId },
      runAfter: at,
      ...(this.settings.maxAttempts !== undefined ? { maxAttempts: this.settings.maxAttempts } : {}),
    });
    const job = await session.jobs.get(id);
    return { id, runAfter: job?.runAfter ?? at };
  }

  /** Cancels the queued periodic refreshes of a segment (its interval changed). */
  cancelRefresh(session: StoreSession, segmentId: string): Promise<number> {
    return session.jobs.cancel({ orderingKey: orderingKeyOf(segmentId), kind: SegmentJobKind.Refresh });
  }

  /** Cancels every queued re-evaluation of a segment, periodic or live (it is no longer live). */
  async cancelReevaluations(session: StoreSession, segmentId: string): Promise<number> {
    const key = orderingKeyOf(segmentId);
    return (
      (await session.jobs.cancel({ orderingKey: key, kind: SegmentJobKind.Refresh })) +
      (await session.jobs.cancel({ orderingKey: key, kind: SegmentJobKind.LiveUpdate }))
    );
  }

  /** Cancels every queued job of a segment (it was deleted). */
  cancelAll(session: StoreSession, segmentId: string): Promise<number> {
    return session.jobs.cancel({ orderingKey: orderingKeyOf(segmentId) });
  }
}

/** When the next periodic refresh of a segment is due after `now` (undefined: none, interval 0). */
export function nextRefresh(segment: SegmentRecord, now: Date): Date | undefined {
  if (segment.refreshMinutes <= 0) return undefined;
  return new Date(now.getTime() + segment.refreshMinutes * 60_000);
}

/** `msdyncrm_nextevaluation` for a refresh at `at` (null: none scheduled). */
export function nextEvaluationValue(at: Date | undefined): string | null {
  return at === undefined ? null : formatDateTime(at);
}
