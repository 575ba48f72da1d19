import type { ScalarType, Value } from '../ir/nodes.ts';
import { DataverseError, ErrorCodes } from './errors.ts';
import { parseDateOnly, parseDateTime, parseGuid } from './values.ts';

/**
 * The `$skiptoken` of a page: shaped like Dataverse's paging cookie element so clients that look
 * at it see the familiar form, carrying the keyset position (order values and surrogate key) of
 * the last row served.
 */
export interface SkipToken {
  page: number;
  values: Value[];
  types: (ScalarType | undefined)[];
  key: number;
}

export function encodeSkipToken(
  values: Value[],
  types: (ScalarType | undefined)[],
  key: number,
  page: number,
): string {
  const cookie = Buffer.from(JSON.stringify({ v: values, t: types.map((t) => t ?? null), k: key })).toString(
    'base64url',
  );
  return `<cookie pagenumber="${page}" pagingcookie="${cookie}" istracking="False" />`;
}

const SCALAR_TYPES: readonly ScalarType[] = [
  'string',
  'integer',
  'bigint',
  'decimal',
  'double',
  'boolean',
  'datetime',
  'date',
  'guid',
];

const COOKIE = /^<cookie pagenumber="(\d+)" pagingcookie="([A-Za-z0-9_-]*)" istracking="(?:True|False)" \/>$/;

function invalid(): DataverseError {
  return new DataverseError(
    'BadRequest',
    ErrorCodes.QueryError,
    'The $skiptoken is not valid for this query. Use the @odata.nextLink unchanged.',
  );
}

export function decodeSkipToken(token: string, orderCount: number): SkipToken {
  const m = COOKIE.exec(token.trim());
  if (m === null) throw invalid();
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(m[2] ?? '', 'base64url').toString('utf8'));
  } catch {
    throw invalid();
  }
  if (typeof parsed !== 'object' || parsed === null) throw invalid();
  const { v, t, k } = parsed as { v?: unknown; t?: unknown; k?: unknown };
  if (!Array.isArray(v) || !Array.isArray(t) || v.length !== orderCount || t.length !== orderCount)
    throw invalid();
  if (typeof k !== 'number' || !Number.isInteger(k)) throw invalid();
  if (!v.every((x) => x === null || ['string', 'number', 'boolean'].includes(typeof x))) throw invalid();
  if (!t.every((x) => x === null || (typeof x === 'string' && SCALAR_TYPES.includes(x as ScalarType))))
    throw invalid();
  const types = t.map((x) => (x === null ? undefined : (x as ScalarType)));
  if (!v.every((x, i) => fitsType(x as Value, types[i]))) throw invalid();
  return { page: Number(m[1]), values: v as Value[], types, key: k };
}

/** A tampered token must not reach the store as a value its column cannot hold. */
function fitsType(v: Value, type: ScalarType | undefined): boolean {
  if (v === null || type === undefined) return true;
  switch (type) {
    case 'string':
      return typeof v === 'string';
    case 'boolean':
      return typeof v === 'boolean';
    case 'integer':
    case 'bigint':
      return typeof v === 'number' && Number.isSafeInteger(v);
    case 'decimal':
    case 'double':
      return typeof v === 'number' && Number.isFinite(v);
    case 'guid':
      return typeof v === 'string' && parseGuid(v) === v;
    case 'date':
      return typeof v === 'string' && parseDateOnly(v) === v;
    case 'datetime':
      return typeof v === 'string' && parseDateTime(v) === v;
  }
}
