import { edmTypeOf, parseDateOnly, parseDateTime, parseGuid } from '../engine/values.ts';
import { scalarTypeOf } from '../ir/build.ts';
import type { ScalarType, Value } from '../ir/nodes.ts';
import type { AttributeMetadata } from '../metadata/model.ts';

/**
 * Condition values arrive as text (`value="…"`, `<value>…</value>`); these convert them to IR
 * values of the column they are compared with, in the forms Dataverse accepts: whole numbers for
 * integers and choices, `true`/`false`/`1`/`0` for booleans, ISO dates and date-times (with an
 * offset or `Z`; none means UTC), GUIDs with or without braces.
 */

export interface TypedValue {
  readonly value: Exclude<Value, null>;
  readonly type: ScalarType;
}

const INT32 = { min: -2147483648, max: 2147483647 };
const WHOLE = /^[+-]?\d+$/;
const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

function whole(text: string): number | undefined {
  const t = text.trim();
  if (!WHOLE.test(t)) return undefined;
  const n = Number(t);
  return Number.isSafeInteger(n) ? n : undefined;
}

/** Years the stores hold; a date-time's offset can move it out, which is refused here. */
const inYearRange = (v: string | undefined): string | undefined => {
  const year = v === undefined || !/^\d{4}-/.test(v) ? NaN : Number(v.slice(0, 4));
  return year >= 1 && year <= 9999 ? v : undefined;
};

const dateTime = (t: string) => inYearRange(parseDateTime(t));

/**
 * A calendar date `YYYY-MM-DD` from a date or a date-time (its UTC date), for on, on-or-before
 * and on-or-after. The day after it must exist too (the range of a day ends there).
 */
export function dateValue(text: string): string | undefined {
  const t = text.trim();
  const d = inYearRange(parseDateOnly(t) ?? dateTime(t)?.slice(0, 10));
  return d !== undefined && d < '9999-12-31' ? d : undefined;
}

/** `text` as a value of attribute `a`, or undefined when it is not one. */
export function columnValue(a: AttributeMetadata, text: string): TypedValue | undefined {
  const type = scalarTypeOf(a);
  const t = text.trim();
  switch (type) {
    case 'string':
      return { value: text, type };
    case 'integer': {
      const n = whole(t);
      return n !== undefined && n >= INT32.min && n <= INT32.max ? { value: n, type } : undefined;
    }
    case 'bigint': {
      const n = whole(t);
      return n !== undefined ? { value: n, type } : undefined;
    }
    case 'decimal':
    case 'double': {
      const n = NUMBER.test(t) ? Number(t) : NaN;
      // Decimals are stored with at most 28 digits before the point.
      const fits = type === 'double' || Math.abs(n) < 1e27;
      return Number.isFinite(n) && fits ? { value: n, type } : undefined;
    }
    case 'boolean': {
      const lower = t.toLowerCase();
      if (lower === 'true' || lower === '1') return { value: true, type };
      if (lower === 'false' || lower === '0') return { value: false, type };
      return undefined;
    }
    case 'datetime': {
      const v = dateTime(t);
      return v !== undefined ? { value: v, type } : undefined;
    }
    case 'date': {
      const v = inYearRange(parseDateOnly(t) ?? dateTime(t)?.slice(0, 10));
      return v !== undefined ? { value: v, type } : undefined;
    }
    case 'guid': {
      const v = parseGuid(t);
      return v !== undefined ? { value: v, type } : undefined;
    }
  }
}

/** The X of the `last-x-…`/`next-x-…`/`olderthan-x-…` operators: a whole number from 0 to `max`. */
export function amountValue(text: string, max: number): number | undefined {
  const n = whole(text);
  return n !== undefined && n >= 0 && n <= max ? n : undefined;
}

/** The type name of an attribute as error messages give it. */
export function expectedType(a: AttributeMetadata): string {
  return edmTypeOf(a);
}
