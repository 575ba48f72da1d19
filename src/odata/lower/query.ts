import { entitySource, keyRef, select } from '../../ir/build.ts';
import type { Expr, Join, OrderItem, SelectQuery } from '../../ir/nodes.ts';
import type { Schema } from '../../metadata/schema.ts';
import type { QueryOptions } from '../query-options.ts';
import { lowerFilter } from './filter.ts';
import { lowerOrderBy } from './orderby.ts';
import { lowerSelect, selectColumns } from './select.ts';

/**
 * All of a request's query options lowered over one alias, in the pieces a record engine puts
 * into its `SelectQuery` (it adds paging itself).
 */
export interface LoweredQuery {
  readonly where?: Expr;
  /** LEFT JOINs that `orderBy` refers to (navigation paths in `$orderby`); empty otherwise. */
  readonly joins: readonly Join[];
  /** `$orderby` only; append the primary or surrogate key for a total order. */
  readonly orderBy: readonly OrderItem[];
  /** Attribute logical names to read (see `lowerSelect`). */
  readonly attributes: readonly string[];
  readonly top?: number;
}

export function lowerQueryOptions(schema: Schema, options: QueryOptions, alias: string): LoweredQuery {
  const where = options.filter !== undefined ? lowerFilter(schema, options.filter, alias) : undefined;
  const order = lowerOrderBy(schema, options.orderBy, alias);
  return {
    ...(where !== undefined ? { where } : {}),
    joins: order.joins,
    orderBy: order.orderBy,
    attributes: lowerSelect(schema, options.entity, options.select, options.expand),
    ...(options.top !== undefined ? { top: options.top } : {}),
  };
}

/**
 * The whole first page as one query: selected columns, filter, `$orderby` then the surrogate key,
 * at most `$top` rows (or `pageSize` when given and smaller).
 */
export function rootQuery(
  schema: Schema,
  options: QueryOptions,
  alias: string,
  pageSize?: number,
): SelectQuery {
  const q = lowerQueryOptions(schema, options, alias);
  const limits = [q.top, pageSize].filter((n): n is number => n !== undefined);
  return select(entitySource(options.entity.logicalName, alias), selectColumns(q.attributes, alias), {
    joins: q.joins,
    ...(q.where !== undefined ? { where: q.where } : {}),
    orderBy: [...q.orderBy, { expr: keyRef(alias), direction: 'asc' }],
    ...(limits.length > 0 ? { limit: Math.min(...limits) } : {}),
  });
}

/** `SELECT count(*)` of the rows `$filter` keeps (for `$count=true`). */
export function countQuery(schema: Schema, options: QueryOptions, alias: string): SelectQuery {
  const where = options.filter !== undefined ? lowerFilter(schema, options.filter, alias) : undefined;
  return select(
    entitySource(options.entity.logicalName, alias),
    [{ expr: { kind: 'aggregate', fn: 'count' }, as: 'count' }],
    {
      ...(where !== undefined ? { where } : {}),
    },
  );
}
