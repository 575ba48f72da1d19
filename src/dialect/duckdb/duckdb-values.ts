import {
  DuckDBDateValue,
  DuckDBDecimalValue,
  DuckDBTimestampMillisecondsValue,
  DuckDBTimestampNanosecondsValue,
  DuckDBTimestampSecondsValue,
  DuckDBTimestampTZValue,
  DuckDBTimestampValue,
  DuckDBUUIDValue,
  type DuckDBAppender,
  type DuckDBValue,
} from '@duckdb/node-api';
import type { Value } from '../../ir/nodes.ts';
import type { SqlParam } from '../../sql/parameter-value.ts';
import type { BulkColumn } from '../../store/driver.ts';

const MICROS_PER_SECOND = 1_000_000n;
const MS_PER_DAY = 86_400_000;

/** Whole seconds of a microsecond count, rounded toward minus infinity (pre-1970 too). */
function floorSeconds(micros: bigint): bigint {
  const s = micros / MICROS_PER_SECOND;
  return micros < 0n && s * MICROS_PER_SECOND !== micros ? s - 1n : s;
}

function formatInstant(seconds: bigint): string {
  return `${new Date(Number(seconds) * 1000).toISOString().slice(0, 19)}Z`;
}

function bigintValue(n: bigint): number | string {
  return n >= BigInt(Number.MIN_SAFE_INTEGER) && n <= BigInt(Number.MAX_SAFE_INTEGER)
    ? Number(n)
    : n.toString();
}

/** A DuckDB result value as the IR's `Value` (see src/ir/nodes.ts). */
export function normaliseDuckDBValue(v: DuckDBValue, column: string): Value {
  if (v === null || typeof v === 'string' || typeof v === 'boolean' || typeof v === 'number') return v;
  if (typeof v === 'bigint') return bigintValue(v);
  // Through the decimal text so the number is the one PostgreSQL's numeric text parses to.
  if (v instanceof DuckDBDecimalValue) return parseFloat(v.toString());
  if (v instanceof DuckDBUUIDValue) return v.toString().toLowerCase();
  if (v instanceof DuckDBDateValue) return new Date(v.days * MS_PER_DAY).toISOString().slice(0, 10);
  if (v instanceof DuckDBTimestampValue || v instanceof DuckDBTimestampTZValue)
    return formatInstant(floorSeconds(v.micros));
  if (v instanceof DuckDBTimestampSecondsValue) return formatInstant(v.seconds);
  if (v instanceof DuckDBTimestampMillisecondsValue) return formatInstant(floorSeconds(v.millis * 1000n));
  if (v instanceof DuckDBTimestampNanosecondsValue) return formatInstant(floorSeconds(v.nanos / 1000n));
  throw new Error(`column '${column}' holds a value of a type the store does not return (${String(v)})`);
}

/**
 * Whether the bulk path stages a column as text (the checked canonical text of toSqlParam) and
 * casts it in SQL, rather than appending a value of the column's own type.
 */
export function stagedAsText(column: BulkColumn): boolean {
  switch (column.type) {
    case 'bigint':
    case 'decimal':
    case 'guid':
    case 'datetime':
    case 'date':
      return true;
    default:
      return false;
  }
}

/** Appends one checked parameter value with the appender call of the column's staging type. */
export function appendTyped(appender: DuckDBAppender, column: BulkColumn, v: SqlParam | null): void {
  if (v === null) {
    appender.appendNull();
    return;
  }
  switch (column.type) {
    case 'key':
    case 'integer':
      appender.appendInteger(v as number);
      return;
    case 'double':
      appender.appendDouble(v as number);
      return;
    case 'boolean':
      appender.appendBoolean(v as boolean);
      return;
    case 'string':
      appender.appendVarchar(v as string);
      return;
    // Staged as text (see stagedAsText): bigints and decimals are digit strings already.
    case 'bigint':
    case 'decimal':
    case 'guid':
    case 'datetime':
    case 'date':
      appender.appendVarchar(String(v));
      return;
  }
}
