import type { ComparisonOperator, ExpressionNode } from '../../language/ast.ts';
import { filterScopeTracker } from '../scope.ts';
import { describeType, isDateLike, isDateText, isGuidText, typeOf, type ExprType } from '../types.ts';
import type { ValidationRule } from './rule.ts';

const isCondition = (t: ExprType): boolean => t.type === 'condition' || t.type === 'boolean';
const isDate = (t: ExprType): boolean => t.type === 'date' || t.type === 'datetime';

/**
 * Why `left op right` cannot be evaluated, and the node to blame (the literal that cannot be
 * converted, or the whole comparison), or undefined when it can.
 */
function comparisonProblem(
  op: ComparisonOperator,
  l: ExprType,
  r: ExprType,
): { readonly detail: string; readonly at?: ExpressionNode } | undefined {
  for (const [side, other] of [
    [l, r],
    [r, l],
  ] as const) {
    if (side.type === 'condition')
      return { detail: `a condition cannot be compared with ${describeType(other)}` };
  }
  for (const [lit, prop] of [
    [l, r],
    [r, l],
  ] as const) {
    const node = lit.literal;
    if (node === undefined || prop.literal !== undefined) continue;
    if (node.kind === 'String' && isDate(prop) && !isDateText(node.value))
      return { detail: `'${node.value}' is not a date, as ${describeType(prop)} needs`, at: node };
    if (node.kind === 'String' && prop.type === 'guid' && !isGuidText(node.value))
      return { detail: `'${node.value}' is not a GUID, as ${describeType(prop)} needs`, at: node };
    if (node.kind === 'Number' && prop.type === 'number' && prop.integral === true && !lit.integral)
      return { detail: `${node.text} is not a whole number, as ${describeType(prop)} needs`, at: node };
    const options = prop.attribute?.options;
    if (node.kind === 'Number' && options !== undefined && (op === '==' || op === '!=')) {
      if (!options.some((o) => String(o.value) === node.text)) {
        const list = options.map((o) => `${o.value} ${o.label}`).join(', ');
        return { detail: `${node.text} is not an option of ${describeType(prop)} (${list})`, at: node };
      }
    }
  }
  const compatible =
    l.type === r.type ||
    (isDate(l) && isDate(r)) ||
    (isDate(l) && isDateLike(r)) ||
    (isDate(r) && isDateLike(l)) ||
    (l.literal?.kind === 'String' && r.type === 'guid') ||
    (r.literal?.kind === 'String' && l.type === 'guid');
  if (!compatible) {
    const literal = r.literal ?? l.literal;
    const detail = `cannot compare ${describeType(l)} with ${describeType(r)}`;
    return literal !== undefined && (l.literal === undefined || r.literal === undefined)
      ? { detail, at: literal }
      : { detail };
  }
  if (op !== '==' && op !== '!=') {
    const unordered = [l, r].find((t) => t.type === 'boolean' || t.type === 'guid');
    if (unordered !== undefined) return { detail: `'${op}' does not apply to ${describeType(unordered)}` };
  }
  return undefined;
}

/**
 * Values meet values they can be compared with: literals convert to the type of the property they
 * meet, text tests need text, arithmetic needs numbers, date functions need dates, and FILTER, NOT,
 * && and || need conditions. Operands whose type is unknown (an unknown name) are not checked.
 */
export const TypeCompatibilityRule: ValidationRule = (context) => {
  const filter = filterScopeTracker(context.bindings);
  const type = (e: ExpressionNode): ExprType | undefined => {
    const scope = filter.current;
    return scope === undefined ? undefined : typeOf(e, scope);
  };
  const needCondition = (e: ExpressionNode, what: string): void => {
    const t = type(e);
    if (t !== undefined && !isCondition(t))
      context.report('TypeMismatch', e, `${what} needs a condition, not ${describeType(t)}`);
  };
  const need = (e: ExpressionNode, ok: (t: ExprType) => boolean, what: string, kind: string): void => {
    const t = type(e);
    if (t !== undefined && !ok(t))
      context.report('TypeMismatch', e, `${what} needs ${kind}, not ${describeType(t)}`);
  };
  return {
    Filter: {
      enter(node) {
        filter.enter(node);
        needCondition(node.condition, 'FILTER');
      },
      leave: () => filter.leave(),
    },
    Logical(node) {
      for (const operand of node.operands) needCondition(operand, `'${node.operator}'`);
    },
    Not(node) {
      needCondition(node.condition, 'NOT');
    },
    Comparison(node) {
      const l = type(node.left);
      const r = type(node.right);
      if (l === undefined || r === undefined) return;
      const problem = comparisonProblem(node.operator, l, r);
      if (problem !== undefined) context.report('TypeMismatch', problem.at ?? node, problem.detail);
    },
    StringTest(node) {
      for (const side of [node.left, node.right])
        need(side, (t) => t.type === 'string', node.operator, 'text');
    },
    Arithmetic(node) {
      for (const side of [node.left, node.right])
        need(side, (t) => t.type === 'number', `'${node.operator}'`, 'numbers');
    },
    Negate(node) {
      need(node.operand, (t) => t.type === 'number', "'-'", 'a number');
    },
    DateAdd(node) {
      if (!/^-?\d+$/.test(node.amount.text))
        context.report('TypeMismatch', node.amount, `DATEADD needs a whole number, not ${node.amount.text}`);
      need(node.value, isDateLike, 'DATEADD', 'a date');
    },
    DateDiff(node) {
      for (const side of [node.start, node.end]) need(side, isDateLike, 'DATEDIFF', 'a date');
    },
  };
};
