import pg from 'pg';
import type { CustomTypesConfig } from 'pg';
import type { Value } from '../../ir/nodes.ts';

/**
 * Parsers for the result types whose pg defaults differ from the IR's `Value` rules: pg would
 * make local-time JS Dates of timestamps and dates, and strings of int8 and numeric.
 */
const OID = {
  int8: 20,
  numeric: 1700,
  date: 1082,
  timestamp: 1114,
  timestamptz: 1184,
} as const;

const WHOLE = /^-?\d+$/;

/** bigint → number when safe, else its digits. */
function parseInteger(text: string): Value {
  const n = Number(text);
  return Number.isSafeInteger(n) ? n : text;
}

/** numeric → number (through the text, as DuckDB's decimals are); whole numbers as int8. */
function parseNumeric(text: string): Value {
  return WHOLE.test(text) ? parseInteger(text) : parseFloat(text);
}

const TIMESTAMP = /^(\d{4,}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2})(?:\.\d+)?$/;

/** `timestamp` holds UTC by convention: `YYYY-MM-DD HH:MM:SS[.f]` → `YYYY-MM-DDTHH:MM:SSZ`. */
function parseTimestamp(text: string): Value {
  const m = TIMESTAMP.exec(text);
  return m === null ? text : `${m[1]}T${m[2]}Z`;
}

const TIMESTAMPTZ =
  /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2})(?:\.\d+)?([+-]\d{2})(?::?(\d{2}))?(?::?(\d{2}))?$/;

function parseTimestampTz(text: string): Value {
  const m = TIMESTAMPTZ.exec(text);
  if (m === null) return text;
  const t = Date.parse(`${m[1]}T${m[2]}${m[3]}:${m[4] ?? '00'}`);
  return Number.isNaN(t) ? text : `${new Date(t).toISOString().slice(0, 19)}Z`;
}

const PARSERS: Record<number, (text: string) => Value> = {
  [OID.int8]: parseInteger,
  [OID.numeric]: parseNumeric,
  [OID.date]: (text) => text,
  [OID.timestamp]: parseTimestamp,
  [OID.timestamptz]: parseTimestampTz,
};

export const postgresTypes: CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') => {
    const parser = format === 'binary' ? undefined : PARSERS[oid];
    return parser ?? (pg.types.getTypeParser(oid, format) as (text: string) => unknown);
  }) as CustomTypesConfig['getTypeParser'],
};
