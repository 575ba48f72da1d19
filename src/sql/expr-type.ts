import { scalarTypeOf } from '../ir/build.ts';
import type { Expr, ScalarType } from '../ir/nodes.ts';
import { SqlCompileError } from './errors.ts';
import type { Binding, Scope } from './scope.ts';

/**
 * The IR type of an expression (null: only NULL, type unknown). The compiler needs it where the
 * SQL depends on the type: string ordering, case-insensitive comparison, division, date math.
 */
export function typeOf(e: Expr, scope: Scope): ScalarType | null {
  switch (e.kind) {
    case 'attr':
      return scalarTypeOf(attributeOf(scope.resolve(e.source), e.attribute));
    case 'key':
      return 'integer';
    case 'column':
      return columnTypeOf(scope.resolve(e.source), e.column);
    case 'literal':
    case 'cast':
      return e.type;
    case 'null':
      return null;
    case 'compare':
    case 'and':
    case 'or':
    case 'not':
    case 'isNull':
    case 'text':
    case 'in':
    case 'exists':
      return 'boolean';
    case 'arith':
      return arithmeticType(e.op, typeOf(e.left, scope), typeOf(e.right, scope));
    case 'negate':
      return typeOf(e.operand, scope);
    case 'now':
      return 'datetime';
    case 'dateAdd':
    case 'dateTrunc':
      return typeOf(e.operand, scope);
    case 'dateDiff':
      return 'bigint';
    case 'datePart':
      return 'integer';
    case 'lower':
      return 'string';
    case 'coalesce':
      for (const o of e.operands) {
        const t = typeOf(o, scope);
        if (t !== null) return t;
      }
      return null;
    case 'aggregate':
      switch (e.fn) {
        case 'count':
        case 'countDistinct':
          return 'bigint';
        case 'avg':
          return 'double';
        case 'sum': {
          const t = e.operand === undefined ? null : typeOf(e.operand, scope);
          return t === 'integer' ? 'bigint' : t;
        }
        case 'min':
        case 'max':
          return e.operand === undefined ? null : typeOf(e.operand, scope);
      }
  }
}

const NUMERIC: readonly ScalarType[] = ['integer', 'bigint', 'decimal', 'double'];

export function isNumeric(t: ScalarType | null): boolean {
  return t === null || NUMERIC.includes(t);
}

/** Integer operands stay integers (division truncates); any double makes a double; then decimal. */
export function arithmeticType(op: string, l: ScalarType | null, r: ScalarType | null): ScalarType {
  if (!isNumeric(l) || !isNumeric(r)) {
    throw new SqlCompileError(`arithmetic '${op}' needs numeric operands, got ${l} and ${r}`);
  }
  const both = [l, r];
  if (both.includes('double')) return 'double';
  if (both.includes('decimal')) return op === '/' ? 'double' : 'decimal';
  if (both.includes('bigint')) return 'bigint';
  return 'integer';
}

export function attributeOf(b: Binding, attribute: string) {
  if (b.kind !== 'entity') {
    throw new SqlCompileError(`alias '${b.alias}' is a subquery; refer to its output with a 'column' node`);
  }
  const a = b.entity.attributes.get(attribute);
  if (a === undefined)
    throw new SqlCompileError(`entity '${b.entity.logicalName}' has no attribute '${attribute}'`);
  return a;
}

export function columnTypeOf(b: Binding, column: string): ScalarType | null {
  if (b.kind !== 'subquery') {
    throw new SqlCompileError(`alias '${b.alias}' is an entity; refer to its attributes with an 'attr' node`);
  }
  const t = b.columns.get(column);
  if (t === undefined && !b.columns.has(column)) {
    throw new SqlCompileError(`subquery '${b.alias}' has no output column '${column}'`);
  }
  return t ?? null;
}
