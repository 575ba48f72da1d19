import { lit } from '../../ir/build.ts';
import type { Expr, ScalarType } from '../../ir/nodes.ts';
import type { BooleanNode, DateNode, NumberNode, StringNode } from '../language/ast.ts';
import { isDateText, isGuidText } from '../validation/types.ts';
import { invalid } from './errors.ts';

/**
 * Literals of the segment language become IR literals of the type they meet: `'2017-03-30'` next to
 * a DateTime property is a datetime, `'1cc0…'` next to a lookup a guid, `3` next to a decimal a
 * decimal. The checker guarantees the conversion exists; a failure here means an unchecked query.
 */

export type LiteralNode = StringNode | NumberNode | BooleanNode;

export const isLiteral = (n: { kind: string }): n is LiteralNode =>
  n.kind === 'String' || n.kind === 'Number' || n.kind === 'Boolean';

const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;

/** The type a literal has when nothing typed stands next to it. */
export function naturalType(node: LiteralNode): ScalarType {
  if (node.kind === 'String') return 'string';
  if (node.kind === 'Boolean') return 'boolean';
  if (!/^-?\d+$/.test(node.text)) return 'decimal';
  const n = Number(node.text);
  return n >= INT32_MIN && n <= INT32_MAX ? 'integer' : 'bigint';
}

/** The literal converted to `type`; returns the type it really got (a fraction stays a decimal). */
export function convertLiteral(node: LiteralNode, type: ScalarType): { expr: Expr; type: ScalarType } {
  const text = node.kind === 'String' ? node.value : node.kind === 'Number' ? node.text : String(node.value);
  switch (type) {
    case 'string':
      return { expr: lit(text, 'string'), type };
    case 'integer':
    case 'bigint':
    case 'decimal':
    case 'double':
      return numberLiteral(node, text, type);
    case 'boolean': {
      const lower = text.toLowerCase();
      if (lower === 'true' || lower === '1') return { expr: lit(true, 'boolean'), type };
      if (lower === 'false' || lower === '0') return { expr: lit(false, 'boolean'), type };
      throw invalid(`'${text}' is not a boolean`, node.loc);
    }
    case 'datetime':
    case 'date': {
      const instant = parseDateText(text);
      if (instant === undefined) throw invalid(`'${text}' is not a date`, node.loc);
      // A date-only property compared to a moment inside a day keeps the moment (no silent rounding).
      if (type === 'date' && instant.slice(11) === '00:00:00Z')
        return { expr: lit(instant.slice(0, 10), 'date'), type };
      return { expr: lit(instant, 'datetime'), type: 'datetime' };
    }
    case 'guid': {
      if (!isGuidText(text)) throw invalid(`'${text}' is not a GUID`, node.loc);
      return { expr: lit(text.replace(/[{}]/g, '').toLowerCase(), 'guid'), type };
    }
  }
}

function numberLiteral(
  node: LiteralNode,
  text: string,
  type: 'integer' | 'bigint' | 'decimal' | 'double',
): { expr: Expr; type: ScalarType } {
  const trimmed = text.trim();
  if (!/^-?(\d+(\.\d*)?|\.\d+)$/.test(trimmed)) throw invalid(`'${text}' is not a number`, node.loc);
  const integral = /^-?\d+$/.test(trimmed);
  let actual: ScalarType = type;
  if ((type === 'integer' || type === 'bigint') && !integral) actual = 'decimal';
  else if (type === 'integer' && integral) {
    const n = Number(trimmed);
    if (n < INT32_MIN || n > INT32_MAX) actual = 'bigint';
  }
  const n = Number(trimmed);
  // Values a double cannot hold exactly travel as their text (bigint and decimal parameters accept
  // it), written as plain digits: `12.` → `12`, `-.5` → `-0.5`.
  const exact = actual === 'double' || (Number.isSafeInteger(n) && integral) || String(n) === trimmed;
  const plain = trimmed.replace(/\.$/, '').replace(/^(-?)\./, '$10.');
  return { expr: lit(exact ? n : plain, actual), type: actual };
}

const DATE_TEXT =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,7})?)?(Z|[+-]\d{2}:\d{2})?)?$/;

/** `YYYY-MM-DDTHH:MM:SSZ` (UTC, second precision) for a date text the language accepts. */
export function parseDateText(text: string): string | undefined {
  if (!isDateText(text)) return undefined;
  const m = DATE_TEXT.exec(text);
  if (m === null) return undefined;
  const [y, mo, d, h, mi, s, zone] = m.slice(1);
  let ms = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h ?? 0), Number(mi ?? 0), Number(s ?? 0));
  if (zone !== undefined && zone !== 'Z') {
    const sign = zone.startsWith('-') ? -1 : 1;
    ms -= sign * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(4, 6))) * 60_000;
  }
  return formatInstant(new Date(ms));
}

export function formatInstant(d: Date): string {
  return `${d.toISOString().slice(0, 19)}Z`;
}

/** `DATE(y, m, d[, h[, mi[, s[, ms]]]])` as a datetime literal (milliseconds dropped: second precision). */
export function dateLiteral(node: DateNode): Expr {
  const parts = node.parts.map((p) => Number(p.text));
  const [y = 0, mo = 1, d = 1, h = 0, mi = 0, s = 0] = parts;
  const ok =
    parts.every((p) => Number.isInteger(p)) &&
    y >= 1 &&
    y <= 9999 &&
    mo >= 1 &&
    mo <= 12 &&
    d >= 1 &&
    d <= new Date(Date.UTC(y, mo, 0)).getUTCDate() &&
    h >= 0 &&
    h < 24 &&
    mi >= 0 &&
    mi < 60 &&
    s >= 0 &&
    s < 60;
  if (!ok) throw invalid(`DATE(${parts.join(', ')}) is not a valid date`, node.loc);
  const date = new Date(Date.UTC(2000, mo - 1, d, h, mi, s));
  date.setUTCFullYear(y);
  return lit(formatInstant(date), 'datetime');
}
