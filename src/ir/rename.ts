import { mapOperands } from './expr-operands.ts';
import type { Expr, Join, RelQuery, SelectQuery, Source } from './nodes.ts';

/**
 * Rewrites every reference to alias `from` into `to`, in an expression and the subqueries inside
 * it. Front ends use it to evaluate a condition written for one binding of an entity's rows on
 * another binding of the same entity. Aliases are unique per query (front ends allocate them), so
 * a subquery rebinding `from` is a bug, not shadowing: it throws.
 */
export function renameAlias(e: Expr, from: string, to: string): Expr {
  const r = (x: Expr): Expr => renameAlias(x, from, to);
  switch (e.kind) {
    case 'attr':
    case 'key':
    case 'column':
      return e.source === from ? { ...e, source: to } : e;
    case 'exists':
      return { ...e, query: renameInQuery(e.query, from, to) };
    default:
      return mapOperands(e, r);
  }
}

function renameInSource(s: Source, from: string, to: string): Source {
  if (s.alias === from) throw new Error(`alias '${from}' is bound again inside the expression being renamed`);
  switch (s.kind) {
    case 'entity':
    case 'segmentMembers':
      return s;
    case 'subquery':
      return { ...s, query: renameInQuery(s.query, from, to) };
    case 'hierarchy':
      return { ...s, start: renameAlias(s.start, from, to) };
  }
}

function renameInQuery(q: RelQuery, from: string, to: string): RelQuery {
  if (q.kind === 'setop')
    return { ...q, left: renameInQuery(q.left, from, to), right: renameInQuery(q.right, from, to) };
  const r = (x: Expr): Expr => renameAlias(x, from, to);
  const out: SelectQuery = {
    ...q,
    from: renameInSource(q.from, from, to),
    joins: q.joins.map((j): Join => ({ ...j, source: renameInSource(j.source, from, to), on: r(j.on) })),
    columns: q.columns.map((c) => ({ ...c, expr: r(c.expr) })),
    ...(q.where !== undefined ? { where: r(q.where) } : {}),
    ...(q.groupBy !== undefined ? { groupBy: q.groupBy.map(r) } : {}),
    ...(q.having !== undefined ? { having: r(q.having) } : {}),
    ...(q.orderBy !== undefined ? { orderBy: q.orderBy.map((o) => ({ ...o, expr: r(o.expr) })) } : {}),
  };
  return out;
}
