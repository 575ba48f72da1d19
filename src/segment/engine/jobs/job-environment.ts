import type { AttributeValues } from '../../../engine/record-types.ts';
import type { RecordService } from '../../../engine/records.ts';
import type { JobInfo, JsonValue } from '../../../jobs/job-types.ts';
import { SegmentStatus } from '../../../metadata/builtin/segment.ts';
import type { StoreSession } from '../../../store/store.ts';
import { evaluationState } from '../segment-evaluation.ts';
import type { SegmentJobs } from '../segment-jobs.ts';
import { readSegment, SEGMENT_ENTITY } from '../segment-record.ts';

/** Progress and outcomes worth a line in the server's log. */
export type SegmentLog = (message: string, details: Record<string, JsonValue>) => void;

/** What the segment job handlers work with. */
export interface SegmentJobEnvironment {
  /** The engine's record service; jobs write through `inSession(tx, { rules: false })`. */
  readonly records: RecordService;
  readonly jobs: SegmentJobs;
  readonly now: () => Date;
  readonly log: SegmentLog;
  /**
   * Told once a job's commit changed the stored members of a segment, so that the segments
   * reading them are brought up to date (live updates).
   */
  readonly membersChanged: (segmentId: string) => void;
}

/** The segment id a job is about. */
export function segmentIdOf(job: JobInfo): string {
  const payload = job.payload;
  const id =
    typeof payload === 'object' && payload !== null && !Array.isArray(payload)
      ? payload.segmentId
      : undefined;
  if (typeof id !== 'string') throw new Error(`job ${job.id} (${job.kind}) names no segment`);
  return id;
}

/**
 * The record service for the server's own writes in `tx`: the segment rules are skipped (the
 * server sets Live, Stopped and Error, which clients only ask for).
 */
export function serverRecords(env: SegmentJobEnvironment, tx: StoreSession): RecordService {
  return env.records.inSession(tx, { rules: false });
}

/** Writes server-maintained fields of a segment. */
export async function writeSegment(
  records: RecordService,
  id: string,
  values: AttributeValues,
): Promise<void> {
  await records.update(SEGMENT_ENTITY, id, values, { upsert: false });
}

/**
 * Sets the segment to Error with the reason in `msdyncrm_segmentevaluationstate` (when it still
 * exists and, given `when`, is in one of those statuses) and ends its refreshes. Returns whether
 * it did.
 */
export async function setError(
  env: SegmentJobEnvironment,
  tx: StoreSession,
  segmentId: string,
  reason: string,
  when?: readonly number[],
): Promise<boolean> {
  const segment = await readSegment(tx, segmentId);
  if (segment === undefined || (when !== undefined && !when.includes(segment.status ?? -1))) return false;
  await writeSegment(serverRecords(env, tx), segmentId, {
    statuscode: SegmentStatus.Error,
    msdyncrm_islive: false,
    msdyncrm_nextevaluation: null,
    msdyncrm_segmentevaluationstate: evaluationState(`Failed: ${reason}`),
  });
  await env.jobs.cancelReevaluations(tx, segmentId);
  env.log('segment set to Error', { segmentId, reason });
  return true;
}
