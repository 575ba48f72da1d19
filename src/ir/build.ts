import type { AttributeMetadata } from '../metadata/model.ts';
import type {
  CompareOp,
  Expr,
  RelQuery,
  ScalarType,
  SelectItem,
  SelectQuery,
  Source,
  Value,
} from './nodes.ts';

/** Small constructors so front ends read like the queries they build. */

export const attrRef = (source: string, attribute: string): Expr => ({ kind: 'attr', source, attribute });
export const keyRef = (source: string): Expr => ({ kind: 'key', source });
export const lit = (value: Value, type: ScalarType): Expr =>
  value === null ? { kind: 'null' } : { kind: 'literal', value, type };
export const cmp = (op: CompareOp, left: Expr, right: Expr, ci = false): Expr =>
  ci ? { kind: 'compare', op, left, right, ci } : { kind: 'compare', op, left, right };
export const isNull = (operand: Expr, negated = false): Expr => ({ kind: 'isNull', operand, negated });
export const not = (operand: Expr): Expr => ({ kind: 'not', operand });
export const exists = (query: RelQuery, negated = false): Expr => ({ kind: 'exists', query, negated });

export function and(...operands: (Expr | undefined)[]): Expr | undefined {
  const xs = operands.filter((x): x is Expr => x !== undefined);
  if (xs.length === 0) return undefined;
  if (xs.length === 1) return xs[0];
  return { kind: 'and', operands: xs };
}

export function or(...operands: Expr[]): Expr {
  if (operands.length === 1 && operands[0] !== undefined) return operands[0];
  return { kind: 'or', operands };
}

export const entitySource = (entity: string, alias: string): Source => ({ kind: 'entity', entity, alias });

export function select(
  from: Source,
  columns: SelectItem[],
  rest: Partial<Omit<SelectQuery, 'kind' | 'from' | 'columns'>> = {},
): SelectQuery {
  return { kind: 'select', from, joins: [], columns, ...rest };
}

/** The IR scalar type that holds values of an attribute. */
export function scalarTypeOf(a: AttributeMetadata): ScalarType {
  switch (a.type) {
    case 'String':
    case 'Memo':
    case 'EntityName':
      return 'string';
    case 'Integer':
    case 'Picklist':
    case 'State':
    case 'Status':
      return 'integer';
    case 'BigInt':
      return 'bigint';
    case 'Decimal':
    case 'Money':
      return 'decimal';
    case 'Double':
      return 'double';
    case 'Boolean':
      return 'boolean';
    case 'DateTime':
      return a.dateTimeBehavior === 'DateOnly' ? 'date' : 'datetime';
    case 'Uniqueidentifier':
    case 'Lookup':
    case 'Customer':
    case 'Owner':
      return 'guid';
  }
}
