import type { RecordService } from '../engine/records.ts';
import type { RelQuery } from '../ir/nodes.ts';
import type { EntityMetadata } from '../metadata/model.ts';
import { segmentResolver } from './definition-validation.ts';
import type { QueryNode, SegmentQueryError } from './language/index.ts';
import { parseSegmentQuery } from './language/index.ts';
import { lowerSegmentQuery, type LowerSegmentQueryOptions } from './lower/index.ts';
import { validateSegmentQuery } from './validation/index.ts';

/** A segment query taken through every stage: parsed, checked against the store, lowered to IR. */
export interface PreparedSegmentQuery {
  ast: QueryNode;
  query: RelQuery;
  /** Every member (column `id`), without ORDERBY/SKIP/TAKE/SELECT: what a total counts. */
  members: RelQuery;
  entity: EntityMetadata;
}

/**
 * Parses, checks (schema and stored segments) and lowers a query; the errors of the first stage
 * that finds any, with their positions, otherwise the IR to run.
 */
export async function prepareSegmentQuery(
  records: RecordService,
  text: string,
  options: {
    requireContact?: boolean;
    now?: Date;
    /** A condition every member must also meet, before ORDERBY/SKIP/TAKE (see LowerSegmentQueryOptions). */
    restrict?: LowerSegmentQueryOptions['restrict'];
    /** The segment whose query this is: a reference back to it is a cycle. */
    segmentId?: string;
  } = {},
): Promise<PreparedSegmentQuery | { errors: readonly SegmentQueryError[] }> {
  const parsed = parseSegmentQuery(text);
  if (parsed.ast === undefined) return { errors: parsed.errors };
  const resolveSegment = await segmentResolver(records);
  const errors = validateSegmentQuery(parsed.ast, {
    schema: records.schema,
    resolveSegment,
    requireContact: options.requireContact === true,
    ...(options.segmentId !== undefined ? { segmentId: options.segmentId } : {}),
  });
  if (errors.length > 0) return { errors };
  const lowering = {
    schema: records.schema,
    resolveSegment,
    ...(options.now !== undefined ? { now: options.now } : {}),
    ...(options.restrict !== undefined ? { restrict: options.restrict } : {}),
  };
  const lowered = lowerSegmentQuery(parsed.ast, lowering);
  const ast = parsed.ast;
  const shaped =
    ast.orderBy !== undefined || ast.skip !== undefined || ast.take !== undefined || ast.select !== undefined;
  const members = shaped
    ? lowerSegmentQuery(
        { ...ast, orderBy: undefined, skip: undefined, take: undefined, select: undefined },
        lowering,
      ).query
    : lowered.query;
  return { ast, query: lowered.query, members, entity: lowered.entity };
}
