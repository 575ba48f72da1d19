import { ROOT } from '../../engine/record-types.ts';
import { attrRef } from '../../ir/build.ts';
import type { Expr, OrderItem } from '../../ir/nodes.ts';
import type { EntityMetadata } from '../../metadata/model.ts';
import type { FetchNode, OrderNode } from '../ast.ts';
import { fetchXmlError } from '../errors.ts';
import type { ColumnList } from './columns.ts';
import { resolveAttribute } from './names.ts';
import type { OutputColumn } from './plan.ts';
import type { AliasScope, BoundEntity, JoinedLink } from './scope.ts';

/**
 * The `order` elements of a query: by attribute (of the entity, a link-entity, or the link named
 * by `entityname`) or by the alias of a returned column. Dataverse applies the entity's orders
 * first, then each joined link-entity's. Stored values order lookups and choices (as Dataverse
 * does with `useraworderby`).
 */

const same = (a: Expr, b: Expr) => JSON.stringify(a) === JSON.stringify(b);

function order(
  fetch: FetchNode,
  o: OrderNode,
  owner: BoundEntity,
  columns: readonly OutputColumn[],
  scope: AliasScope,
): OrderItem {
  const direction = o.descending ? 'desc' : 'asc';
  if (o.alias !== undefined) {
    const c = columns.find((x) => x.key === o.alias);
    if (c === undefined)
      throw fetchXmlError(
        o.loc,
        `The order alias '${o.alias}' is not the alias of any attribute of the query.`,
      );
    return { expr: c.expr, direction };
  }
  if (fetch.aggregate)
    throw fetchXmlError(
      o.loc,
      'In an aggregate query, order by the alias of an aggregate or group attribute.',
    );
  let bound = owner;
  if (o.entityName !== undefined) {
    const b = scope.lookup(o.entityName);
    if (b === undefined)
      throw fetchXmlError(
        o.loc,
        `The order's entityname '${o.entityName}' is not the alias of a joined link-entity.`,
      );
    bound = b;
  }
  const a = resolveAttribute(bound.entity, o.attribute ?? '', o.loc);
  const expr = attrRef(bound.sqlAlias, a.logicalName);
  if (fetch.distinct && !columns.some((c) => same(c.expr, expr))) {
    throw fetchXmlError(
      o.loc,
      `A distinct query can only be ordered by the attributes it returns, and '${o.attribute ?? ''}' is not one of them.`,
    );
  }
  return { expr, direction };
}

/** The query's orders: the entity's, then each joined link-entity's. */
export function queryOrders(
  fetch: FetchNode,
  root: BoundEntity,
  joined: readonly JoinedLink[],
  columns: readonly OutputColumn[],
  scope: AliasScope,
): OrderItem[] {
  const out = fetch.entity.orders.map((o) => order(fetch, o, root, columns, scope));
  for (const j of joined) for (const o of j.node.orders) out.push(order(fetch, o, j.bound, columns, scope));
  return out;
}

/**
 * The orders plus keys that make every row's place unique, so pages neither repeat nor skip rows:
 * the group keys (aggregates), every column (distinct), or the primary ids of the root and of each
 * link that can repeat it.
 */
export function totalOrder(
  fetch: FetchNode,
  orders: readonly OrderItem[],
  list: ColumnList,
  entity: EntityMetadata,
  joined: readonly JoinedLink[],
): OrderItem[] {
  const out = [...orders];
  const add = (e: Expr) => {
    if (!out.some((o) => same(o.expr, e))) out.push({ expr: e, direction: 'asc' });
  };
  if (fetch.aggregate) for (const g of list.groupBy) add(g);
  else if (fetch.distinct) for (const c of list.columns) add(c.expr);
  else {
    add(attrRef(ROOT, entity.primaryIdAttribute));
    for (const j of joined)
      if (!j.bound.single) add(attrRef(j.bound.sqlAlias, j.bound.entity.primaryIdAttribute));
  }
  return out;
}
