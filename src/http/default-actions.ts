import { ActionRegistry } from './actions.ts';
import { registerBulkActions } from './bulk-actions.ts';
import { registerSegmentActions } from './segment-actions.ts';

/** A registry holding the actions every segmentd Web API serves. */
export function defaultActions(): ActionRegistry {
  return registerSegmentActions(registerBulkActions(new ActionRegistry()));
}
