import type { RoaringBitmap32 } from 'roaring';
import type { EntityRules, RuleContext } from '../../engine/entity-rules.ts';
import { SegmentStatus } from '../../metadata/builtin/segment.ts';
import { checkDelete } from './rules/delete-rules.ts';
import { planCreate } from './rules/create-rules.ts';
import { planUpdate } from './rules/edit-rules.ts';
import { checkSegmentName } from './rules/name-rules.ts';
import { SegmentJobs, nextRefresh } from './segment-jobs.ts';
import { contactKeys, readSegment, SEGMENT_ENTITY, SEGMENT_ID } from './segment-record.ts';

/** What a write decided before it was made, for what follows it (same transaction). */
interface Pending {
  /** The static members to store (contact keys of the ids given; unknown ids are left out). */
  members?: RoaringBitmap32;
  dropMembers?: boolean;
  /** Queue this job kind for the segment. */
  job?: 'go-live' | 'stop';
  cancelRefresh?: boolean;
  reschedule?: boolean;
}

export interface SegmentRulesEnvironment {
  readonly jobs: SegmentJobs;
  /** Called once a write that queued a job has committed (wakes the job queue). */
  readonly wake: () => void;
  /** Called once a write that changed the stored members of a segment has committed. */
  readonly membersChanged: (segmentId: string) => void;
  /** Called once a write that changed the query or the type of a segment has committed. */
  readonly definitionChanged: (segmentId: string) => void;
}

const QUERY = 'msdyncrm_segmentquery';
const NAME = 'msdyncrm_segmentname';
const TYPE = 'msdyncrm_segmenttype';

/**
 * The rules of `msdyncrm_segment` records, run by the record service around every create, update
 * and delete (Web API, $batch, bulk actions, import): the checks of rules/*, the static members of
 * `msdyncrm_segmentmemberids`, and the background jobs a status change starts, queued in the
 * write's own transaction so that a segment is never Going live or Stopping without its job.
 */
export function segmentRules(env: SegmentRulesEnvironment): EntityRules {
  const pending = new WeakMap<RuleContext, Pending>();

  const queueJobs = async (ctx: RuleContext, id: string, p: Pending) => {
    if (p.cancelRefresh === true) await env.jobs.cancelReevaluations(ctx.session, id);
    if (p.job === 'go-live') await env.jobs.goLive(ctx.session, id);
    if (p.job === 'stop') await env.jobs.stop(ctx.session, id);
    if (p.job !== undefined) ctx.afterCommit(env.wake);
  };

  return {
    async beforeCreate(ctx, values) {
      const plan = await planCreate(ctx.records, values);
      const name = plan.values[NAME];
      if (typeof name === 'string') await checkSegmentName(ctx.session, undefined, name);
      const p: Pending = plan.goLive ? { job: 'go-live' } : {};
      if (plan.memberIds !== undefined) {
        p.members = await contactKeys(ctx.session, plan.memberIds);
        plan.values.msdyncrm_segmentsize = p.members.size;
      }
      pending.set(ctx, p);
      return plan.values;
    },

    async afterCreate(ctx, { id, key }) {
      const p = pending.get(ctx);
      if (p === undefined) return;
      if (p.members !== undefined && !p.members.isEmpty) {
        await ctx.session.membership.add(key, p.members, ctx.now);
        ctx.afterCommit(() => env.membersChanged(id));
      }
      await queueJobs(ctx, id, p);
    },

    async beforeUpdate(ctx, current, values) {
      const plan = await planUpdate(ctx.records, current, values, ctx.now);
      const name = plan.values[NAME];
      if (typeof name === 'string' && name !== current[NAME])
        await checkSegmentName(ctx.session, String(current[SEGMENT_ID]), name);
      const p: Pending = { dropMembers: plan.dropMembers, reschedule: plan.reschedule };
      if (plan.memberIds !== undefined) {
        p.members = await contactKeys(ctx.session, plan.memberIds);
        plan.values.msdyncrm_segmentsize = p.members.size;
      }
      const to = plan.transition;
      if (to === SegmentStatus.GoingLive) p.job = 'go-live';
      else if (to === SegmentStatus.Stopping) p.job = 'stop';
      // Refreshes end when the segment leaves the live statuses (a re-evaluation schedules its own).
      if (to !== undefined && to !== SegmentStatus.GoingLive && to !== SegmentStatus.LiveEditable)
        p.cancelRefresh = true;
      pending.set(ctx, p);
      return plan.values;
    },

    async afterUpdate(ctx, { id, before, changes }) {
      const p = pending.get(ctx);
      if (p === undefined) return;
      if (p.members !== undefined || p.dropMembers === true) {
        const key = await ctx.records.keyOf(SEGMENT_ENTITY, id);
        if (key !== undefined) {
          if (p.members !== undefined) await ctx.session.membership.replace(key, p.members, ctx.now);
          else await ctx.session.membership.clear(key);
          ctx.afterCommit(() => env.membersChanged(id));
        }
      }
      const redefined = [QUERY, TYPE].some((a) => a in changes && changes[a] !== before[a]);
      if (redefined) ctx.afterCommit(() => env.definitionChanged(id));
      await queueJobs(ctx, id, p);
      if (p.reschedule === true) {
        await env.jobs.cancelRefresh(ctx.session, id);
        const segment = await readSegment(ctx.session, id);
        if (segment !== undefined)
          await env.jobs.refresh(ctx.session, segment, nextRefresh(segment, ctx.now));
      }
    },

    async beforeDelete(ctx, current) {
      await checkDelete(ctx.records, current);
    },

    async afterDelete(ctx, { id, key }) {
      await ctx.session.membership.clear(key);
      await env.jobs.cancelAll(ctx.session, id);
      ctx.afterCommit(() => env.definitionChanged(id));
    },
  };
}
