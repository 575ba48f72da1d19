import type { SegmentEngine } from '../segment/engine/index.ts';
import { ActionRegistry } from './actions.ts';
import { registerBulkActions } from './bulk-actions.ts';
import { registerSegmentActions } from './segment-actions.ts';
import { segmentMembersUpdateAction } from './segment-members-action.ts';

/**
 * A registry holding the actions every segmentd Web API serves; with a segment engine, also the
 * actions that need its background jobs (msdyncrm_SegmentMembersUpdate).
 */
export function defaultActions(options: { segments?: SegmentEngine } = {}): ActionRegistry {
  const registry = registerSegmentActions(registerBulkActions(new ActionRegistry()));
  if (options.segments !== undefined) registerSegmentEngineActions(registry, options.segments);
  return registry;
}

/** Registers the actions served by a segment engine. */
export function registerSegmentEngineActions(
  registry: ActionRegistry,
  segments: SegmentEngine,
): ActionRegistry {
  return registry.register(segmentMembersUpdateAction(segments.membersUpdate));
}
