import type { JobHandler } from '../../../jobs/job-run.ts';
import type { JsonValue } from '../../../jobs/job-types.ts';
import { select } from '../../../ir/build.ts';
import type { RelQuery } from '../../../ir/nodes.ts';
import { formatDateTime } from '../../../engine/values.ts';
import { SegmentType } from '../../../metadata/builtin/segment.ts';
import type { StoreSession } from '../../../store/store.ts';
import { prepareSegmentQuery } from '../../query-runner.ts';
import { adds, storedOperation } from '../member-operation.ts';
import { readSegment } from '../segment-record.ts';
import { typeLabel } from '../segment-status.ts';
import { serverRecords, type SegmentJobEnvironment, writeSegment } from './job-environment.ts';

async function countRows(tx: StoreSession, query: RelQuery): Promise<number> {
  const rows = await tx.select(
    select({ kind: 'subquery', query, alias: 'q' }, [{ expr: { kind: 'aggregate', fn: 'count' }, as: 'n' }]),
  );
  return Number(rows[0]?.n ?? 0);
}

/**
 * Applies one member operation to a static segment, all or nothing: the membership change, the
 * segment's new size and the job's outcome (`requested`, `applied`, `ignored`, `changed`) commit in
 * one transaction. Operations of one segment run one at a time in the order they were received
 * (they share the segment's ordering key). An operation that cannot apply (the query no longer
 * checks, the segment is no longer static) ends with `failed` and changes nothing. Once committed,
 * a change of members is announced (compound segments reading them follow).
 */
export function memberOperationJob(env: SegmentJobEnvironment): JobHandler {
  return async (ctx) => {
    const op = storedOperation(ctx.job.payload);
    let changed = false;
    await ctx.finish(async (tx): Promise<JsonValue> => {
      const segment = await readSegment(tx, op.segmentId);
      if (segment === undefined) return { failed: 'the segment no longer exists' };
      if (segment.type !== SegmentType.Static)
        return {
          failed: `the segment is ${typeLabel(segment.type)}; members are added to static segments only`,
        };
      const now = env.now();
      const records = serverRecords(env, tx);
      const membership = tx.membership;
      let counts: { requested: number; applied: number; ignored: number; changed: number };
      if ('keys' in op) {
        const changed = adds(op.operation)
          ? await membership.add(segment.key, op.keys, now)
          : await membership.remove(segment.key, op.keys);
        counts = { requested: op.requested, applied: op.keys.size, ignored: op.ignored, changed };
      } else {
        const prepared = await prepareSegmentQuery(records, op.query, { requireContact: true, now });
        if ('errors' in prepared) {
          return { failed: `the query is not valid: ${prepared.errors.map((e) => e.message).join('; ')}` };
        }
        const named = await countRows(tx, prepared.query);
        const member = { query: prepared.query };
        const changed = adds(op.operation)
          ? await membership.addFromQuery(segment.key, member, now)
          : await membership.removeFromQuery(segment.key, member);
        counts = { requested: named, applied: named, ignored: 0, changed };
      }
      changed = counts.changed > 0;
      const size = await membership.count(segment.key);
      await writeSegment(records, segment.id, {
        msdyncrm_segmentsize: size,
        msdyncrm_lastupdatedtime: formatDateTime(now),
      });
      env.log('segment members updated', {
        segmentId: segment.id,
        operation: op.operation,
        job: ctx.job.id,
        ...counts,
        members: size,
      });
      return { ...counts, members: size };
    });
    if (changed) env.membersChanged(op.segmentId);
  };
}
