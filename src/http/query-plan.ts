import { DataverseError } from '../engine/errors.ts';
import { ROOT } from '../engine/record-types.ts';
import type { Expr, Join, OrderItem } from '../ir/nodes.ts';
import type { EntityMetadata } from '../metadata/model.ts';
import type { Schema } from '../metadata/schema.ts';
import { optionError } from '../odata/language/errors.ts';
import { lowerFilter } from '../odata/lower/filter.ts';
import { lowerOrderBy } from '../odata/lower/orderby.ts';
import type { ExpandClause, OrderByClause, QueryOptions } from '../odata/query-options.ts';
import { parseQueryOptions } from '../odata/query-options.ts';
import type { ContextProjection } from '../odata/representation.ts';
import type { ExpandPlan } from './expansion.ts';

/** A GET's query options, lowered to IR over the addressed entity bound to `ROOT`. */
export interface QueryPlan {
  /** Attribute logical names (`$select`); undefined returns every property. */
  select?: string[];
  where?: Expr;
  orderBy?: OrderItem[];
  /** LEFT JOINs that navigation paths in `$orderby` need. */
  joins?: Join[];
  top?: number;
  /** `$count=true`. */
  count: boolean;
  /** `$skiptoken` of a nextLink. */
  skipToken?: string;
  expand: ExpandPlan[];
  /** `$select`/`$expand` as the client wrote them, for `@odata.context`. */
  projection: ContextProjection;
  /** Query parameters that are not OData options (`fetchXml`, …), as received. */
  custom: ReadonlyMap<string, string>;
}

/** Options that make no sense on one record (its key already picks it). */
const COLLECTION_ONLY = ['$filter', '$orderby', '$top', '$count', '$skiptoken'] as const;

/** `$orderby` as order items plus the LEFT JOINs that navigation paths in it need. */
function lowerOrder(
  schema: Schema,
  orderBy: readonly OrderByClause[],
): { orderBy?: OrderItem[]; joins?: Join[] } {
  if (orderBy.length === 0) return {};
  const lowered = lowerOrderBy(schema, orderBy, ROOT);
  return {
    orderBy: [...lowered.orderBy],
    ...(lowered.joins.length > 0 ? { joins: [...lowered.joins] } : {}),
  };
}

function expandPlan(schema: Schema, clause: ExpandClause): ExpandPlan {
  const where = clause.filter !== undefined ? lowerFilter(schema, clause.filter, ROOT) : undefined;
  const order = lowerOrder(schema, clause.orderBy);
  return {
    navigation: clause.navigation,
    ...(clause.select !== undefined ? { select: clause.select.properties.map((p) => p.attribute) } : {}),
    ...(where !== undefined ? { where } : {}),
    ...order,
    ...(clause.top !== undefined ? { top: clause.top } : {}),
    ref: clause.ref,
    expand: clause.expand.map((c) => expandPlan(schema, c)),
  };
}

function projectionOf(options: {
  select?: { properties: readonly { name: string }[] };
  expand: readonly ExpandClause[];
}): ContextProjection {
  return {
    ...(options.select !== undefined ? { select: options.select.properties.map((p) => p.name) } : {}),
    ...(options.expand.length > 0
      ? {
          expand: options.expand.map((e) => ({
            navigation: e.ref ? `${e.property}/$ref` : e.property,
            projection: projectionOf(e),
          })),
        }
      : {}),
  };
}

function checkTarget(query: string, target: 'collection' | 'entity'): void {
  if (target === 'collection') return;
  for (const [name, value] of new URLSearchParams(query)) {
    if ((COLLECTION_ONLY as readonly string[]).includes(name)) {
      throw optionError(
        name,
        value,
        `The query option ${name} applies to collections; it is not allowed when addressing a single record.`,
      );
    }
  }
}

/**
 * Parses the query string with the OData query-option parser and lowers it to the IR pieces the
 * record engine takes. Errors are the parser's `ODataQueryError`s (400, 0x80060888).
 */
export function planQuery(
  schema: Schema,
  entity: EntityMetadata,
  query: string,
  target: 'collection' | 'entity',
): QueryPlan {
  checkTarget(query, target);
  const options: QueryOptions | DataverseError = parseQueryOptions(
    schema,
    entity.logicalName,
    new URLSearchParams(query),
  );
  if (options instanceof DataverseError) throw options;
  const where = options.filter !== undefined ? lowerFilter(schema, options.filter, ROOT) : undefined;
  const order = lowerOrder(schema, options.orderBy);
  return {
    ...(options.select !== undefined ? { select: options.select.properties.map((p) => p.attribute) } : {}),
    ...(where !== undefined ? { where } : {}),
    ...order,
    ...(options.top !== undefined ? { top: options.top } : {}),
    count: options.count,
    ...(options.skipToken !== undefined ? { skipToken: options.skipToken } : {}),
    expand: options.expand.map((c) => expandPlan(schema, c)),
    projection: projectionOf(options),
    custom: options.custom,
  };
}
