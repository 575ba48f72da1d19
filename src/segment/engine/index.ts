/**
 * The segment engine: lifecycle rules of segment records, evaluation into the membership table,
 * durable background jobs (go live, refresh, live updates, stop, member operations) and
 * `msdyncrm_SegmentMembersUpdate`. Build one `SegmentEngine` per store and record service.
 */
export { SegmentEngine, type SegmentEngineOptions } from './segment-engine.ts';
export { segmentDependencies, type SegmentDependencies } from './dependencies.ts';
export {
  DEFAULT_LIVE_UPDATE_DELAY_MS,
  LiveSegmentUpdates,
  type LiveUpdateOptions,
  startLiveSegmentUpdates,
} from './live-updates.ts';
export type { SegmentLog } from './jobs/job-environment.ts';
export { MAX_IDS_PER_CALL, parseMemberIds } from './member-ids.ts';
export { MemberOperationName } from './member-operation.ts';
export {
  type MembersUpdateRequest,
  type OperationInfo,
  type OperationsState,
  type QueuedOperation,
  RECENT_OPERATIONS,
  SegmentMembersUpdate,
} from './segment-members-update.ts';
export { evaluateSegment, type Evaluation, SegmentDefinitionError } from './segment-evaluation.ts';
export { orderingKeyOf, SegmentJobKind } from './segment-jobs.ts';
export { readSegment, type SegmentRecord } from './segment-record.ts';
export { referencingSegments } from './segment-references.ts';
export { allowedTransitions, checkTransition, effectiveRequest, statusLabel } from './segment-status.ts';
