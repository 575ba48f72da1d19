import type { FailureHandler, JobHandler } from '../../../jobs/job-run.ts';
import type { JsonValue } from '../../../jobs/job-types.ts';
import { SegmentStatus } from '../../../metadata/builtin/segment.ts';
import { readSegment } from '../segment-record.ts';
import { statusLabel } from '../segment-status.ts';
import {
  segmentIdOf,
  serverRecords,
  setError,
  type SegmentJobEnvironment,
  writeSegment,
} from './job-environment.ts';

/**
 * Stopping → Stopped: the members are kept but no longer maintained (the queued refreshes and
 * live updates are cancelled), in one transaction with the job's success.
 */
export function stopJob(env: SegmentJobEnvironment): JobHandler {
  return async (ctx) => {
    const segmentId = segmentIdOf(ctx.job);
    await ctx.finish(async (tx): Promise<JsonValue> => {
      const segment = await readSegment(tx, segmentId);
      if (segment === undefined) return { skipped: 'the segment no longer exists' };
      if (segment.status !== SegmentStatus.Stopping)
        return { skipped: `the segment is ${statusLabel(segment.status)}` };
      await env.jobs.cancelReevaluations(tx, segmentId);
      await writeSegment(serverRecords(env, tx), segmentId, {
        statuscode: SegmentStatus.Stopped,
        msdyncrm_islive: false,
        msdyncrm_nextevaluation: null,
      });
      env.log('segment stopped', { segmentId, job: ctx.job.id });
      return { stopped: true };
    });
  };
}

export function stopFailed(env: SegmentJobEnvironment): FailureHandler {
  return async (failure, tx) => {
    await setError(env, tx, segmentIdOf(failure.job), failure.reason, [SegmentStatus.Stopping]);
  };
}
