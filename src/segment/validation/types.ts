import { scalarTypeOf } from '../../ir/build.ts';
import type { AttributeMetadata } from '../../metadata/model.ts';
import type { ExpressionNode } from '../language/ast.ts';
import { resolveProperty, type Scope } from './scope.ts';

/**
 * The static types of expressions. `condition` is a truth value (a comparison, a test, a logical
 * combination); `boolean` is a value (a Boolean attribute or TRUE/FALSE), usable as a condition too.
 */
export type ValueType = 'string' | 'number' | 'boolean' | 'datetime' | 'date' | 'guid' | 'condition';

export interface ExprType {
  readonly type: ValueType;
  /** Set for a literal, whose value is converted to the type it meets. */
  readonly literal?: ExpressionNode & { kind: 'String' | 'Number' | 'Boolean' };
  /** Set for a property. */
  readonly attribute?: AttributeMetadata;
  /** Integers only (integer attributes and option sets). */
  readonly integral?: boolean;
}

export function typeOfAttribute(a: AttributeMetadata): ExprType {
  const s = scalarTypeOf(a);
  switch (s) {
    case 'integer':
    case 'bigint':
      return { type: 'number', attribute: a, integral: true };
    case 'decimal':
    case 'double':
      return { type: 'number', attribute: a };
    default:
      return { type: s, attribute: a };
  }
}

/** The words used in messages for each type. */
export function describeType(t: ExprType): string {
  if (t.attribute !== undefined) {
    const a = t.attribute;
    const kind =
      a.type === 'Picklist' || a.type === 'State' || a.type === 'Status'
        ? 'option set'
        : t.integral === true
          ? 'integer'
          : t.type;
    return `'${a.logicalName}' (${kind})`;
  }
  if (t.literal?.kind === 'String') return `the text '${t.literal.value}'`;
  if (t.literal?.kind === 'Number') return `the number ${t.literal.text}`;
  if (t.literal?.kind === 'Boolean') return t.literal.value ? 'TRUE' : 'FALSE';
  if (t.type === 'datetime') return 'a date and time';
  return t.type === 'condition' ? 'a condition' : `a ${t.type}`;
}

const NUMERIC_RESULT: ExprType = { type: 'number' };
const DATETIME: ExprType = { type: 'datetime' };
const CONDITION: ExprType = { type: 'condition' };

/**
 * The type of an expression, or `undefined` when it cannot be told (an unknown name, or an operand
 * that is itself wrong): such expressions are not checked further, so that one mistake gives one
 * error. Iterative over `&&`/`||` lists (flattened by the parser); other nesting is bounded by the
 * parser's depth limit.
 */
export function typeOf(expr: ExpressionNode, scope: Scope): ExprType | undefined {
  switch (expr.kind) {
    case 'String':
      return { type: 'string', literal: expr };
    case 'Number':
      return { type: 'number', literal: expr, integral: /^-?\d+$/.test(expr.text) };
    case 'Boolean':
      return { type: 'boolean', literal: expr };
    case 'Property': {
      const r = resolveProperty(expr, scope);
      return r.kind === 'ok' ? typeOfAttribute(r.attribute) : undefined;
    }
    case 'Now':
    case 'Date':
      return DATETIME;
    case 'DateAdd': {
      const v = typeOf(expr.value, scope);
      return v !== undefined && isDateLike(v) ? DATETIME : undefined;
    }
    case 'DateDiff': {
      const a = typeOf(expr.start, scope);
      const b = typeOf(expr.end, scope);
      return a !== undefined && b !== undefined && isDateLike(a) && isDateLike(b)
        ? { type: 'number', integral: true }
        : undefined;
    }
    case 'Arithmetic': {
      const a = typeOf(expr.left, scope);
      const b = typeOf(expr.right, scope);
      return a?.type === 'number' && b?.type === 'number' ? NUMERIC_RESULT : undefined;
    }
    case 'Negate': {
      const a = typeOf(expr.operand, scope);
      return a?.type === 'number' ? NUMERIC_RESULT : undefined;
    }
    case 'Logical':
    case 'Comparison':
    case 'StringTest':
    case 'Not':
    case 'NullTest':
      return CONDITION;
  }
}

/** Dates, and text that can be read as one. */
export function isDateLike(t: ExprType): boolean {
  if (t.type === 'date' || t.type === 'datetime') return true;
  return t.literal?.kind === 'String' && isDateText(t.literal.value);
}

const DATE_TEXT =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,7})?)?(?:Z|[+-]\d{2}:\d{2})?)?$/;

/** `2017-03-30`, `2017-03-30T10:00`, `2017-03-30T10:00:00.5Z`, … with a real calendar date. */
export function isDateText(text: string): boolean {
  const m = DATE_TEXT.exec(text);
  if (m === null) return false;
  const [y, mo, d, h = '0', mi = '0', s = '0'] = m.slice(1).map((x) => x ?? '0');
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  if (month < 1 || month > 12 || day < 1) return false;
  if (day > new Date(Date.UTC(year, month, 0)).getUTCDate()) return false;
  return Number(h) < 24 && Number(mi) < 60 && Number(s) < 60;
}

const GUID_TEXT = /^\{?[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\}?$/i;

export function isGuidText(text: string): boolean {
  return GUID_TEXT.test(text);
}
