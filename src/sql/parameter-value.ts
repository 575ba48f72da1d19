import type { ScalarType, Value } from '../ir/nodes.ts';
import { InvalidValueError } from './errors.ts';

/**
 * What a value is bound as. Only strings, numbers and booleans, so that both drivers bind them
 * the same way; the SQL casts each parameter to its IR type (`CAST($1 AS UUID)`).
 */
export type SqlParam = string | number | boolean;

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATETIME = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$/i;
const DECIMAL_TEXT = /^([+-]?)(\d*)(?:\.(\d*))?$/;
const INTEGER_TEXT = /^-?\d{1,19}$/;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
/** DECIMAL(38,10) leaves 28 digits before the point. */
const DECIMAL_INTEGER_DIGITS = 28;

/**
 * Checks that `value` is a valid `type` value (see `Value` in the IR) and returns the text or
 * number to bind: datetimes as UTC `YYYY-MM-DD HH:MM:SS`, decimals and bigints as plain digit
 * strings (exact on both stores), guids lower-case.
 */
export function toSqlParam(value: Exclude<Value, null>, type: ScalarType): SqlParam {
  switch (type) {
    case 'string':
      if (typeof value !== 'string') throw new InvalidValueError(type, value, 'expected text');
      if (value.includes('\u0000'))
        throw new InvalidValueError(type, value, 'text may not contain NUL characters');
      return value;
    case 'integer':
      if (typeof value !== 'number' || !Number.isInteger(value)) {
        throw new InvalidValueError(type, value, 'expected a whole number');
      }
      if (value < -2147483648 || value > 2147483647)
        throw new InvalidValueError(type, value, 'outside the 32-bit range');
      return value;
    case 'bigint':
      return bigintText(value);
    case 'decimal':
      return decimalText(value);
    case 'double':
      if (typeof value !== 'number' || !Number.isFinite(value)) {
        throw new InvalidValueError(type, value, 'expected a finite number');
      }
      return value;
    case 'boolean':
      if (typeof value !== 'boolean') throw new InvalidValueError(type, value, 'expected true or false');
      return value;
    case 'datetime':
      return datetimeText(value);
    case 'date':
      return dateText(value);
    case 'guid':
      if (typeof value !== 'string' || !GUID.test(value)) {
        throw new InvalidValueError(type, value, 'expected a GUID like 00000000-0000-0000-0000-000000000000');
      }
      return value.toLowerCase();
  }
}

function bigintText(value: Exclude<Value, null>): string {
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value)) throw new InvalidValueError('bigint', value, 'expected a whole number');
    return String(value);
  }
  if (typeof value !== 'string' || !INTEGER_TEXT.test(value)) {
    throw new InvalidValueError('bigint', value, 'expected a whole number');
  }
  const n = BigInt(value);
  if (n < INT64_MIN || n > INT64_MAX)
    throw new InvalidValueError('bigint', value, 'outside the 64-bit range');
  return n.toString();
}

/** A decimal as plain digits (`-12.5`, never exponent notation) so both stores parse it exactly. */
function decimalText(value: Exclude<Value, null>): string {
  let text: string;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new InvalidValueError('decimal', value, 'expected a finite number');
    text = plainNumberText(value);
  } else if (typeof value === 'string') {
    text = value;
  } else {
    throw new InvalidValueError('decimal', value, 'expected a number');
  }
  const m = DECIMAL_TEXT.exec(text);
  const intPart = (m?.[2] ?? '').replace(/^0+(?=\d)/, '');
  const fracPart = (m?.[3] ?? '').replace(/0+$/, '');
  if (m === null || (m[2] === '' && (m[3] ?? '') === ''))
    throw new InvalidValueError('decimal', value, 'expected a number');
  if (intPart.replace(/^0$/, '').length > DECIMAL_INTEGER_DIGITS) {
    throw new InvalidValueError(
      'decimal',
      value,
      `more than ${DECIMAL_INTEGER_DIGITS} digits before the point`,
    );
  }
  const digits = `${intPart === '' ? '0' : intPart}${fracPart === '' ? '' : `.${fracPart}`}`;
  return m[1] === '-' && /[1-9]/.test(digits) ? `-${digits}` : digits;
}

/** `String(n)` without exponent notation (1e-7 → 0.0000001, 1.5e+21 → 1500000000000000000000). */
export function plainNumberText(n: number): string {
  const s = String(n);
  const m = /^(-?)(\d+)(?:\.(\d+))?e([+-]\d+)$/.exec(s);
  if (m === null) return s;
  const sign = m[1] ?? '';
  const whole = m[2] ?? '';
  const digits = whole + (m[3] ?? '');
  const point = whole.length + Number(m[4]);
  if (point <= 0) return `${sign}0.${'0'.repeat(-point)}${digits}`;
  if (point >= digits.length) return sign + digits + '0'.repeat(point - digits.length);
  return `${sign}${digits.slice(0, point)}.${digits.slice(point)}`;
}

/**
 * The scaled integer of a plain decimal text at `scale` digits, rounding half away from zero as
 * both stores do when they cast text to DECIMAL(p, scale).
 */
export function scaledDecimal(text: string, scale: number): bigint {
  const m = DECIMAL_TEXT.exec(text);
  if (m === null) throw new InvalidValueError('decimal', text, 'expected a number');
  const frac = m[3] ?? '';
  const kept = (frac + '0'.repeat(scale)).slice(0, scale);
  let n = BigInt(`${m[2] === '' ? '0' : m[2]}${kept}`);
  if ((frac[scale] ?? '0') >= '5') n += 1n;
  return m[1] === '-' ? -n : n;
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

function checkDate(type: 'date' | 'datetime', value: string, y: number, mo: number, d: number): void {
  if (y < 1 || y > 9999 || mo < 1 || mo > 12 || d < 1 || d > daysInMonth(y, mo)) {
    throw new InvalidValueError(type, value, 'no such date');
  }
}

function dateText(value: Exclude<Value, null>): string {
  const m = typeof value === 'string' ? DATE.exec(value) : null;
  if (m === null) throw new InvalidValueError('date', value, 'expected YYYY-MM-DD');
  checkDate('date', value as string, Number(m[1]), Number(m[2]), Number(m[3]));
  return value as string;
}

/** An ISO 8601 instant → `YYYY-MM-DD HH:MM:SS` in UTC, truncated to the second. */
function datetimeText(value: Exclude<Value, null>): string {
  const m = typeof value === 'string' ? DATETIME.exec(value) : null;
  if (m === null) throw new InvalidValueError('datetime', value, 'expected YYYY-MM-DDTHH:MM:SSZ');
  const text = value as string;
  const [y, mo, d, h, mi, s] = [m[1], m[2], m[3], m[4], m[5], m[6] ?? '0'].map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  checkDate('datetime', text, y, mo, d);
  if (h > 23 || mi > 59 || s > 59) throw new InvalidValueError('datetime', text, 'no such time of day');
  const zone = (m[7] ?? 'Z').toUpperCase();
  if (zone === 'Z' || /^[+-]00:?00$/.test(zone)) {
    // The common case (and the store's own output): no arithmetic needed.
    return `${m[1]}-${m[2]}-${m[3]} ${m[4]}:${m[5]}:${pad(s, 2)}`;
  }
  const z = /^([+-])(\d{2}):?(\d{2})$/.exec(zone);
  const offsetMinutes = (z?.[1] === '-' ? -1 : 1) * (Number(z?.[2]) * 60 + Number(z?.[3]));
  // setUTCFullYear, unlike Date.UTC, takes years below 100 literally.
  const t = new Date(0);
  t.setUTCFullYear(y, mo - 1, d);
  t.setUTCHours(h, mi - offsetMinutes, s, 0);
  const year = t.getUTCFullYear();
  if (year < 1 || year > 9999) throw new InvalidValueError('datetime', text, 'outside years 0001-9999');
  return (
    `${pad(year, 4)}-${pad(t.getUTCMonth() + 1, 2)}-${pad(t.getUTCDate(), 2)} ` +
    `${pad(t.getUTCHours(), 2)}:${pad(t.getUTCMinutes(), 2)}:${pad(t.getUTCSeconds(), 2)}`
  );
}
