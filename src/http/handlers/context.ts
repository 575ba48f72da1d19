import type { RecordService } from '../../engine/records.ts';
import type { Row } from '../../ir/nodes.ts';
import type { EntityMetadata } from '../../metadata/model.ts';
import type { Schema } from '../../metadata/schema.ts';
import type { Preferences } from '../../odata/prefer.ts';
import { applied } from '../../odata/prefer.ts';
import type { RepresentationContext } from '../../odata/representation.ts';
import { Annotation } from '../../odata/representation.ts';
import type { ActionRegistry } from '../actions.ts';
import type { ExpandPlan } from '../expansion.ts';
import { collectLookupReferences, loadExpansions, shapeExpanded } from '../expansion.ts';
import { resolveLookupNames } from '../lookup-names.ts';
import type { QueryPlan } from '../query-plan.ts';
import type { CustomQueryHandler } from '../query-parameters.ts';
import type { WebRequest } from '../web-request.ts';

/** What every handler works with: the request, its preferences and the services behind the API. */
export interface HandlerContext {
  schema: Schema;
  /** Inside a `$batch` change set, the change set's transaction. */
  records: RecordService;
  actions: ActionRegistry;
  /** Handlers of non-OData query parameters (`fetchXml`, …) on entity sets. */
  queryParameters: ReadonlyMap<string, CustomQueryHandler>;
  req: WebRequest;
  prefs: Preferences;
  /** Parses and lowers the request's query options for `entity`. */
  plan(entity: EntityMetadata, target: 'collection' | 'entity'): QueryPlan;
  /** The `$metadata` document (built once). */
  csdl(): string;
}

/**
 * Loads the expansions of a page of rows, resolves lookup display names when FormattedValues
 * are wanted, and shapes everything as Web API JSON.
 */
export async function shapeRows(
  h: HandlerContext,
  entity: EntityMetadata,
  rows: readonly Row[],
  select: readonly string[] | undefined,
  expand: readonly ExpandPlan[],
): Promise<Record<string, unknown>[]> {
  const recs = await loadExpansions(h.records, h.schema, entity, rows, expand);
  const ctx: RepresentationContext = { schema: h.schema };
  if (h.prefs.annotations !== undefined) {
    ctx.annotations = h.prefs.annotations;
    if (h.prefs.annotations.includes(Annotation.FormattedValue)) {
      const refs = new Map<string, Set<string>>();
      collectLookupReferences(entity, recs, select, refs);
      ctx.lookupNames = await resolveLookupNames(h.records, h.schema, refs);
    }
  }
  return recs.map((r) => shapeExpanded(ctx, entity, r, select, h.req.serviceRoot));
}

/** `Preference-Applied` for the annotation preference (when the client sent one). */
export function annotationsApplied(prefs: Preferences): string[] {
  return prefs.annotations !== undefined ? [applied.annotations(prefs.annotations)] : [];
}
