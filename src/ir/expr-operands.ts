import type { Expr } from './nodes.ts';

/**
 * `e` with each direct operand replaced by `f(operand)`; `e` itself when it has none. The query of
 * an `exists` is not an operand: walkers that look into subqueries handle `exists` themselves.
 */
export function mapOperands(e: Expr, f: (operand: Expr) => Expr): Expr {
  switch (e.kind) {
    case 'attr':
    case 'key':
    case 'column':
    case 'literal':
    case 'null':
    case 'now':
    case 'exists':
      return e;
    case 'compare':
    case 'arith':
      return { ...e, left: f(e.left), right: f(e.right) };
    case 'and':
    case 'or':
    case 'coalesce':
      return { ...e, operands: e.operands.map(f) };
    case 'not':
    case 'negate':
    case 'isNull':
    case 'cast':
    case 'lower':
    case 'datePart':
    case 'dateTrunc':
      return { ...e, operand: f(e.operand) };
    case 'text':
      return { ...e, operand: f(e.operand), pattern: f(e.pattern) };
    case 'in':
      return { ...e, operand: f(e.operand), values: e.values.map(f) };
    case 'dateAdd':
      return { ...e, amount: f(e.amount), operand: f(e.operand) };
    case 'dateDiff':
      return { ...e, start: f(e.start), end: f(e.end) };
    case 'aggregate':
      return e.operand === undefined ? e : { ...e, operand: f(e.operand) };
  }
}

/** The direct operands of `e`, in order (see `mapOperands`). */
export function operandsOf(e: Expr): Expr[] {
  const out: Expr[] = [];
  mapOperands(e, (operand) => {
    out.push(operand);
    return operand;
  });
  return out;
}
