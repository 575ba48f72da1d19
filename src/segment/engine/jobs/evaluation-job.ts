import type { JobHandler } from '../../../jobs/job-run.ts';
import type { FailureHandler } from '../../../jobs/job-run.ts';
import type { JsonValue } from '../../../jobs/job-types.ts';
import { SegmentStatus } from '../../../metadata/builtin/segment.ts';
import { evaluatedFields, evaluateSegment, SegmentDefinitionError } from '../segment-evaluation.ts';
import { nextEvaluationValue, nextRefresh } from '../segment-jobs.ts';
import { readSegment, type SegmentRecord } from '../segment-record.ts';
import { hasQueryMembers, isLive, statusLabel } from '../segment-status.ts';
import {
  segmentIdOf,
  serverRecords,
  setError,
  type SegmentJobEnvironment,
  writeSegment,
} from './job-environment.ts';

/** Which evaluation a job runs. */
interface EvaluationKind {
  /** Log and result wording. */
  readonly name: 'go-live' | 'refresh' | 'live-update';
  /** The segment is in a state this job evaluates (else the job has nothing to do). */
  readonly applies: (segment: SegmentRecord) => boolean;
  /** The status after a successful evaluation. */
  readonly statusAfter: (segment: SegmentRecord) => number;
  /**
   * Whether the evaluation schedules the next periodic refresh. A live update does not: data
   * that keeps changing would otherwise keep pushing the periodic refresh (the safety net for
   * what no write announces, such as time passing) out of reach.
   */
  readonly schedulesRefresh: boolean;
}

const GO_LIVE: EvaluationKind = {
  name: 'go-live',
  applies: (s) => s.status === SegmentStatus.GoingLive,
  statusAfter: () => SegmentStatus.Live,
  schedulesRefresh: true,
};

const REFRESH: EvaluationKind = {
  name: 'refresh',
  applies: (s) => isLive(s.status) && hasQueryMembers(s.type),
  statusAfter: (s) => s.status ?? SegmentStatus.Live,
  schedulesRefresh: true,
};

const LIVE_UPDATE: EvaluationKind = { ...REFRESH, name: 'live-update', schedulesRefresh: false };

/**
 * Evaluates the segment and commits everything in one transaction with the job's success: the
 * change of members (only the difference is written), the segment's status, size, evaluation
 * time, duration and state, and its next refresh. A crash before the commit leaves nothing behind
 * and the job runs again; after it, the job is done: the effect is applied exactly once. Once
 * committed, a change of members is announced (segments reading them may follow).
 */
function evaluationJob(env: SegmentJobEnvironment, kind: EvaluationKind): JobHandler {
  return async (ctx) => {
    const segmentId = segmentIdOf(ctx.job);
    let changed = false;
    await ctx.finish(async (tx): Promise<JsonValue> => {
      const segment = await readSegment(tx, segmentId);
      if (segment === undefined) return { skipped: 'the segment no longer exists' };
      if (!kind.applies(segment)) return { skipped: `the segment is ${statusLabel(segment.status)}` };
      const now = env.now();
      const records = serverRecords(env, tx);
      env.log(`segment ${kind.name} started`, { segmentId, job: ctx.job.id, attempt: ctx.job.attempts });
      let evaluation;
      try {
        evaluation = await evaluateSegment(records, segment, now);
      } catch (err) {
        if (!(err instanceof SegmentDefinitionError)) throw err;
        // The definition cannot be evaluated: retrying would fail the same way.
        await setError(env, tx, segmentId, err.message);
        return { failed: err.message };
      }
      changed = evaluation.added + evaluation.removed > 0;
      if (kind.schedulesRefresh) {
        const next = hasQueryMembers(segment.type) ? nextRefresh(segment, now) : undefined;
        const at = await env.jobs.refresh(tx, segment, next);
        const status = kind.statusAfter(segment);
        await writeSegment(records, segmentId, {
          statuscode: status,
          msdyncrm_islive: isLive(status),
          msdyncrm_nextevaluation: nextEvaluationValue(at),
          ...evaluatedFields(evaluation),
        });
      } else {
        await writeSegment(records, segmentId, evaluatedFields(evaluation));
      }
      const result = {
        members: evaluation.count,
        added: evaluation.added,
        removed: evaluation.removed,
        durationMs: Math.round(evaluation.durationMs),
        evaluatedOn: evaluation.evaluatedOn.toISOString(),
      };
      env.log(`segment ${kind.name} finished`, { segmentId, job: ctx.job.id, ...result });
      return result;
    });
    if (changed) env.membersChanged(segmentId);
  };
}

export const goLiveJob = (env: SegmentJobEnvironment): JobHandler => evaluationJob(env, GO_LIVE);
export const refreshJob = (env: SegmentJobEnvironment): JobHandler => evaluationJob(env, REFRESH);
export const liveUpdateJob = (env: SegmentJobEnvironment): JobHandler => evaluationJob(env, LIVE_UPDATE);

/** After the last retry: the segment goes to Error with the reason, so none stays Going live. */
export function goLiveFailed(env: SegmentJobEnvironment): FailureHandler {
  return async (failure, tx) => {
    await setError(env, tx, segmentIdOf(failure.job), failure.reason, [SegmentStatus.GoingLive]);
  };
}

export function refreshFailed(env: SegmentJobEnvironment): FailureHandler {
  return async (failure, tx) => {
    await setError(env, tx, segmentIdOf(failure.job), failure.reason, [
      SegmentStatus.Live,
      SegmentStatus.LiveEditable,
    ]);
  };
}
