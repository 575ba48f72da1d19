import { keyRef } from '../ir/build.ts';
import type { RelQuery, SelectQuery } from '../ir/nodes.ts';
import { MEMBERSHIP_TABLE } from '../sql/internal-tables.ts';

/**
 * The ordered member list behind a page of a segment query: a lowered query with ORDERBY (and
 * SKIP/TAKE) → the same query returning only each member row's surrogate key, in the same order,
 * without SKIP/TAKE. Rows `skip … skip + take` of that list are exactly the rows OFFSET/LIMIT
 * would return (same FROM, WHERE and ORDER BY, whose last key — the primary id — makes the order
 * total), so a page can be cut from it. Also: the tables its rows depend on (the change versions
 * a cached list is kept under) and whether it depends on the time (then it is not cached).
 */

/** The output column of the keys query. */
export const KEY_COLUMN_NAME = 'k';

export interface MemberOrderPlan {
  /** Every member's surrogate key (column `k`), in the page query's order. */
  readonly keysQuery: SelectQuery;
  /** Identifies the list: the keys query itself (segment keys, scope and literals included). */
  readonly text: string;
  /** Entities and internal tables the list is read from, sorted. */
  readonly tables: readonly string[];
}

/**
 * The plan of an ordered page query, or undefined when it has no order to keep (no ORDER BY, not
 * plain rows of one entity) or depends on the time of the request (DATETIMEUTCNOW()).
 */
export function memberOrderPlan(query: RelQuery): MemberOrderPlan | undefined {
  if (query.kind !== 'select' || query.from.kind !== 'entity') return undefined;
  if (query.orderBy === undefined || query.orderBy.length === 0) return undefined;
  if (query.distinct === true || (query.groupBy?.length ?? 0) > 0 || query.having !== undefined)
    return undefined;
  const { offset: _offset, limit: _limit, ...unpaged } = query;
  const keysQuery: SelectQuery = {
    ...unpaged,
    columns: [{ expr: keyRef(query.from.alias), as: KEY_COLUMN_NAME }],
  };
  const tables = new Set<string>();
  if (readsTime(keysQuery, tables)) return undefined;
  return { keysQuery, text: JSON.stringify(keysQuery), tables: [...tables].sort() };
}

/**
 * Walks every node of the IR: notes the tables it reads into `tables`; true when some node is
 * the time of the statement (its rows change without any write).
 */
function readsTime(node: unknown, tables: Set<string>): boolean {
  if (Array.isArray(node)) return node.some((n) => readsTime(n, tables));
  if (node === null || typeof node !== 'object') return false;
  const n = node as { kind?: unknown; entity?: unknown };
  if (n.kind === 'now') return true;
  if ((n.kind === 'entity' || n.kind === 'hierarchy') && typeof n.entity === 'string') tables.add(n.entity);
  if (n.kind === 'segmentMembers') tables.add(MEMBERSHIP_TABLE);
  return Object.values(node).some((v) => readsTime(v, tables));
}
