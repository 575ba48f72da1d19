import type { RecordService } from '../engine/records.ts';
import type { RelQuery } from '../ir/nodes.ts';
import type { EntityMetadata } from '../metadata/model.ts';
import { segmentResolver } from './definition-validation.ts';
import type { QueryNode, SegmentQueryError } from './language/index.ts';
import { parseSegmentQuery } from './language/index.ts';
import { lowerSegmentQuery } from './lower/index.ts';
import { validateSegmentQuery } from './validation/index.ts';

/** A segment query taken through every stage: parsed, checked against the store, lowered to IR. */
export interface PreparedSegmentQuery {
  ast: QueryNode;
  query: RelQuery;
  entity: EntityMetadata;
}

/**
 * Parses, checks (schema and stored segments) and lowers a query; the errors of the first stage
 * that finds any, with their positions, otherwise the IR to run.
 */
export async function prepareSegmentQuery(
  records: RecordService,
  text: string,
  options: { requireContact?: boolean; now?: Date } = {},
): Promise<PreparedSegmentQuery | { errors: readonly SegmentQueryError[] }> {
  const parsed = parseSegmentQuery(text);
  if (parsed.ast === undefined) return { errors: parsed.errors };
  const resolveSegment = await segmentResolver(records);
  const errors = validateSegmentQuery(parsed.ast, {
    schema: records.schema,
    resolveSegment,
    requireContact: options.requireContact === true,
  });
  if (errors.length > 0) return { errors };
  const lowered = lowerSegmentQuery(parsed.ast, {
    schema: records.schema,
    resolveSegment,
    ...(options.now !== undefined ? { now: options.now } : {}),
  });
  return { ast: parsed.ast, query: lowered.query, entity: lowered.entity };
}
