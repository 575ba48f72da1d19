import { and, attrRef, cmp, isNull, lit, not, or, scalarTypeOf } from '../../ir/build.ts';
import type { CompareOp, DatePart as IrDatePart, Expr, ScalarType } from '../../ir/nodes.ts';
import type { AttributeMetadata } from '../../metadata/model.ts';
import type { ComparisonOperator, ExpressionNode, PropertyNode } from '../language/ast.ts';
import type { DatePart } from '../language/keywords.ts';
import { invalid } from './errors.ts';
import { convertLiteral, dateLiteral, isLiteral, naturalType } from './literals.ts';

/**
 * Conditions and values of a FILTER → IR expressions. Properties are resolved by the caller (the
 * chain lowering knows which SQL alias each step is bound to); literals take the type of what they
 * meet. Strings compare case-insensitively; SQL null semantics are kept as they are, which is what
 * the language means (`city != 'X'` is not true for a null city, `NOT(c)` is not true where `c` is
 * unknown).
 */

/** A property resolved to the SQL alias of its step. */
export interface ResolvedProperty {
  readonly source: string;
  readonly attribute: AttributeMetadata;
}

export interface ExpressionContext {
  resolve(prop: PropertyNode): ResolvedProperty;
  /** The value of DATETIMEUTCNOW(). */
  readonly now: Expr;
}

/** A lowered value and its type (`condition` for truth values). */
interface Typed {
  readonly expr: Expr;
  readonly type: ScalarType | 'condition';
}

/** The language's comparison operators as the IR's. */
export const COMPARE_OPS: Readonly<Record<ComparisonOperator, CompareOp>> = {
  '==': '=',
  '!=': '<>',
  '>': '>',
  '>=': '>=',
  '<': '<',
  '<=': '<=',
};

const NUMERIC: ReadonlySet<string> = new Set(['integer', 'bigint', 'decimal', 'double']);

const irPart = (p: DatePart): IrDatePart => p.toLowerCase() as IrDatePart;

export class ExpressionLowering {
  constructor(private readonly context: ExpressionContext) {}

  /** A condition; a boolean value used as one means "is true". */
  condition(node: ExpressionNode): Expr {
    switch (node.kind) {
      case 'Logical': {
        const operands = node.operands.map((o) => this.condition(o));
        return node.operator === '&&' ? (and(...operands) ?? lit(true, 'boolean')) : or(...operands);
      }
      case 'Not':
        return not(this.condition(node.condition));
      case 'NullTest':
        return isNull(this.property(node.property).expr, node.operator === 'ISNOTNULL');
      case 'Comparison':
        return this.comparison(node.operator, node.left, node.right);
      case 'StringTest': {
        const operand = this.typed(node.left, 'string');
        const pattern = this.typed(node.right, 'string');
        if (operand.type !== 'string' || pattern.type !== 'string')
          throw invalid(`${node.operator} needs text on both sides`, node.loc);
        const op =
          node.operator === 'CONTAINS'
            ? 'contains'
            : node.operator === 'STARTSWITH'
              ? 'startsWith'
              : 'endsWith';
        // The text IR ops take their pattern as literal text (no wildcards), as the language means.
        return { kind: 'text', op, operand: operand.expr, pattern: pattern.expr, negated: false };
      }
      default: {
        const v = this.typed(node, 'boolean');
        if (v.type === 'condition') return v.expr;
        if (v.type !== 'boolean') throw invalid('a value is used as a condition', node.loc);
        return node.kind === 'Boolean' ? v.expr : cmp('=', v.expr, lit(true, 'boolean'));
      }
    }
  }

  private comparison(operator: ComparisonOperator, left: ExpressionNode, right: ExpressionNode): Expr {
    let l: Typed | undefined = isLiteral(left) ? undefined : this.typed(left);
    let r: Typed | undefined = isLiteral(right) ? undefined : this.typed(right);
    if (l === undefined && r === undefined && isLiteral(left)) l = this.typed(left, naturalType(left));
    if (l === undefined) l = this.typed(left, valueType(r));
    if (r === undefined) r = this.typed(right, valueType(l));
    const ci = l.type === 'string' || r.type === 'string';
    return cmp(COMPARE_OPS[operator], l.expr, r.expr, ci);
  }

  /** `expected` is the type a literal here should take. */
  private typed(node: ExpressionNode, expected?: ScalarType): Typed {
    switch (node.kind) {
      case 'String':
      case 'Number':
      case 'Boolean':
        return convertLiteral(node, expected ?? naturalType(node));
      case 'Property':
        return this.property(node);
      case 'Now':
        return { expr: this.context.now, type: 'datetime' };
      case 'Date':
        return { expr: dateLiteral(node), type: 'datetime' };
      case 'DateAdd': {
        const value = this.typed(node.value, 'datetime');
        if (value.type !== 'date' && value.type !== 'datetime')
          throw invalid('DATEADD needs a date', node.value.loc);
        const amount = convertLiteral(node.amount, 'integer');
        return {
          expr: { kind: 'dateAdd', part: irPart(node.part.part), amount: amount.expr, operand: value.expr },
          type: value.type,
        };
      }
      case 'DateDiff': {
        const start = this.typed(node.start, 'datetime');
        const end = this.typed(node.end, 'datetime');
        for (const [v, n] of [
          [start, node.start],
          [end, node.end],
        ] as const)
          if (v.type !== 'date' && v.type !== 'datetime') throw invalid('DATEDIFF needs dates', n.loc);
        return {
          expr: { kind: 'dateDiff', part: irPart(node.part.part), start: start.expr, end: end.expr },
          type: 'bigint',
        };
      }
      case 'Arithmetic': {
        let l: Typed | undefined = isLiteral(node.left) ? undefined : this.typed(node.left);
        const r = this.typed(node.right, l === undefined ? undefined : valueType(l));
        l ??= this.typed(node.left, valueType(r));
        if (!NUMERIC.has(l.type) || !NUMERIC.has(r.type)) throw invalid('arithmetic needs numbers', node.loc);
        // `/` on integers gives a decimal in the language; the IR divides integers exactly.
        const integral = (t: Typed) => t.type === 'integer' || t.type === 'bigint';
        const left: Expr =
          node.operator === '/' && integral(l) && integral(r)
            ? { kind: 'cast', operand: l.expr, type: 'decimal' }
            : l.expr;
        return {
          expr: { kind: 'arith', op: node.operator, left, right: r.expr },
          type: arithmeticType(node.operator, l.type, r.type),
        };
      }
      case 'Negate': {
        const v = this.typed(node.operand, expected);
        if (!NUMERIC.has(v.type)) throw invalid('negation needs a number', node.loc);
        return { expr: { kind: 'negate', operand: v.expr }, type: v.type };
      }
      case 'Logical':
      case 'Comparison':
      case 'StringTest':
      case 'Not':
      case 'NullTest':
        return { expr: this.condition(node), type: 'condition' };
    }
  }

  private property(node: PropertyNode): Typed {
    const { source, attribute } = this.context.resolve(node);
    return { expr: attrRef(source, attribute.logicalName), type: scalarTypeOf(attribute) };
  }
}

const valueType = (t: Typed | undefined): ScalarType | undefined =>
  t === undefined ? undefined : t.type === 'condition' ? 'boolean' : t.type;

function arithmeticType(op: string, a: ScalarType | 'condition', b: ScalarType | 'condition'): ScalarType {
  if (a === 'double' || b === 'double') return 'double';
  if (a === 'decimal' || b === 'decimal' || op === '/') return 'decimal';
  return a === 'bigint' || b === 'bigint' ? 'bigint' : 'integer';
}
