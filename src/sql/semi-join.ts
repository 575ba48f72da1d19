import { operandsOf } from '../ir/expr-operands.ts';
import type { Expr, RelQuery, SelectQuery, Source } from '../ir/nodes.ts';

/**
 * Recognises `EXISTS (SELECT … FROM t [JOIN u ON <t and u only>] WHERE t.k = <outer> AND
 * <conditions on t and u only>)`, the shape every chain step and segment reference lowers to, so
 * that a dialect whose planner decorrelates `IN (uncorrelated subquery)` into a plain hash
 * semi-join, but not such an EXISTS (DuckDB plans a delim join, 3–10× slower), can write it as
 * `<outer> IN (SELECT t.k FROM t [JOIN u …] WHERE …)`.
 *
 * The rewrite is exact, also under NOT: the subquery drops nulls and the test is
 * `COALESCE(<outer> IN (…), FALSE)`, which is false where EXISTS is false (no match, or a null
 * outer value) — so `NOT` of it is NOT EXISTS, never the null trap of `NOT IN`. Conditions of the
 * subquery on outer rows only (the target type of a polymorphic lookup) move out of it, each as
 * `COALESCE(c, FALSE)` for the same reason.
 *
 * Anything this module cannot prove free of outer references is left alone (answer `undefined`).
 */

export interface KeySemiJoin {
  /** The outer side of the equality (references only enclosing queries). */
  readonly outer: Expr;
  /** The subquery returning the inner side as its only column, nulls excluded. */
  readonly inner: SelectQuery;
  /** Conditions of the subquery that refer only to enclosing queries (hoisted out of it). */
  readonly outerConditions: readonly Expr[];
}

/** Aliases a query binds at its own level. */
function boundBy(q: SelectQuery): Set<string> {
  return new Set([q.from.alias, ...q.joins.map((j) => j.source.alias)]);
}

/** The aliases an expression refers to that it does not bind itself; undefined if unsure. */
export function freeAliases(e: Expr): Set<string> | undefined {
  const out = new Set<string>();
  const add = (s: Set<string> | undefined): boolean => {
    if (s === undefined) return false;
    for (const x of s) out.add(x);
    return true;
  };
  switch (e.kind) {
    case 'attr':
    case 'key':
    case 'column':
      out.add(e.source);
      return out;
    case 'exists':
      return add(queryFreeAliases(e.query)) ? out : undefined;
    default:
      return operandsOf(e).every((o) => add(freeAliases(o))) ? out : undefined;
  }
}

function sourceFreeAliases(s: Source): Set<string> | undefined {
  if (s.kind === 'entity' || s.kind === 'segmentMembers') return new Set();
  if (s.kind === 'subquery') return queryFreeAliases(s.query);
  return undefined;
}

export function queryFreeAliases(q: RelQuery): Set<string> | undefined {
  if (q.kind === 'setop') {
    const l = queryFreeAliases(q.left);
    const r = queryFreeAliases(q.right);
    return l === undefined || r === undefined ? undefined : new Set([...l, ...r]);
  }
  const bound = boundBy(q);
  const refs = new Set<string>();
  const parts: (Set<string> | undefined)[] = [
    sourceFreeAliases(q.from),
    ...q.joins.flatMap((j) => [sourceFreeAliases(j.source), freeAliases(j.on)]),
    ...(q.where === undefined ? [] : [freeAliases(q.where)]),
    ...(q.groupBy ?? []).map(freeAliases),
    ...(q.having === undefined ? [] : [freeAliases(q.having)]),
    ...q.columns.map((c) => freeAliases(c.expr)),
    ...(q.orderBy ?? []).map((o) => freeAliases(o.expr)),
  ];
  for (const p of parts) {
    if (p === undefined) return undefined;
    for (const x of p) if (!bound.has(x)) refs.add(x);
  }
  return refs;
}

const conjuncts = (e: Expr | undefined): Expr[] =>
  e === undefined ? [] : e.kind === 'and' ? e.operands.flatMap((o) => conjuncts(o)) : [e];

const isColumn = (e: Expr): boolean => e.kind === 'attr' || e.kind === 'key' || e.kind === 'column';

const within = (s: Set<string> | undefined, allowed: Set<string>): boolean =>
  s !== undefined && [...s].every((x) => allowed.has(x));

export function asKeySemiJoin(query: RelQuery): KeySemiJoin | undefined {
  if (query.kind !== 'select') return undefined;
  const q = query;
  if (
    q.groupBy !== undefined ||
    q.having !== undefined ||
    q.limit !== undefined ||
    q.offset !== undefined ||
    q.distinct === true ||
    (q.orderBy?.length ?? 0) > 0
  )
    return undefined;
  if (!within(sourceFreeAliases(q.from), new Set())) return undefined;
  const own = boundBy(q);
  // Joins inside the subquery (a segment's stored members joined to the segment by its id) are
  // part of the uncorrelated set as long as neither their sources nor their conditions refer to
  // an enclosing row.
  for (const j of q.joins) {
    if (!within(sourceFreeAliases(j.source), new Set()) || !within(freeAliases(j.on), own)) return undefined;
  }
  const all = conjuncts(q.where);
  for (let i = 0; i < all.length; i++) {
    const c = all[i]!;
    if (c.kind !== 'compare' || c.op !== '=' || c.ci === true) continue;
    for (const [inside, outside] of [
      [c.left, c.right],
      [c.right, c.left],
    ] as const) {
      const insideRefs = freeAliases(inside);
      const outsideRefs = freeAliases(outside);
      if (insideRefs === undefined || outsideRefs === undefined) continue;
      // Plain column references only: both sides then have the column types the equality compares.
      if (!isColumn(inside) || !isColumn(outside)) continue;
      if (insideRefs.size === 0 || !within(insideRefs, own)) continue;
      if (outsideRefs.size === 0 || [...outsideRefs].some((x) => own.has(x))) continue;
      const rest: Expr[] = [];
      const outerConditions: Expr[] = [];
      let mixed = false;
      for (const r of all.filter((_, j) => j !== i)) {
        const refs = freeAliases(r);
        if (within(refs, own)) rest.push(r);
        else if (refs !== undefined && ![...refs].some((x) => own.has(x))) outerConditions.push(r);
        else mixed = true;
      }
      if (mixed) continue;
      const where: Expr = {
        kind: 'and',
        operands: [...rest, { kind: 'isNull', operand: inside, negated: true }],
      };
      return {
        outer: outside,
        inner: { ...q, columns: [{ expr: inside, as: 'sd_semi' }], where },
        outerConditions,
      };
    }
  }
  return undefined;
}
