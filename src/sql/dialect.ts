import type { ScalarType } from '../ir/nodes.ts';
import type { AttributeMetadata } from '../metadata/model.ts';

/** Units the date primitives work in (quarters and weeks are composed from these by the compiler). */
export type IntervalUnit = 'year' | 'month' | 'day' | 'hour' | 'minute' | 'second' | 'millisecond';

/** Fields a dialect can extract as an integer. `dayOfWeek` counts from Sunday = 0. */
export type ExtractField =
  | 'year'
  | 'quarter'
  | 'month'
  | 'day'
  | 'hour'
  | 'minute'
  | 'second'
  | 'millisecond'
  | 'dayOfYear'
  | 'dayOfWeek';

/** The SQL field names of `extract(<field> FROM …)`, the same in both stores (milliseconds differ). */
export const EXTRACT_FIELDS: Record<Exclude<ExtractField, 'millisecond'>, string> = {
  year: 'year',
  quarter: 'quarter',
  month: 'month',
  day: 'day',
  hour: 'hour',
  minute: 'minute',
  second: 'second',
  dayOfYear: 'doy',
  dayOfWeek: 'dow',
};

export type TruncateUnit =
  'year' | 'quarter' | 'month' | 'day' | 'hour' | 'minute' | 'second' | 'millisecond';

/**
 * The per-store parts of the SQL. The compiler (`compiler.ts`) writes everything both stores
 * share and asks the dialect only where they differ; a new store is a new implementation in
 * `src/dialect/<name>/`. Arguments named `sql` are already-compiled SQL fragments.
 */
export interface SqlDialect {
  readonly name: 'duckdb' | 'postgres';

  /** The column type of an attribute, spelled exactly as `introspectColumns` reports it. */
  columnType(attribute: AttributeMetadata): string;
  /** The column type of `sd_key`, spelled as `introspectColumns` reports it. */
  readonly keyColumnType: string;
  /** The type name used in `CAST(x AS <name>)` for an IR type. */
  castType(type: ScalarType): string;

  /** The statement's evaluation time as a UTC timestamp truncated to the second. */
  now(): string;
  /** Integer division truncating toward zero (both operands integers). */
  intDivide(left: string, right: string): string;
  /** `timestamp` plus `amount` (an integer expression) units; months clamp to the month's end. */
  addInterval(unit: IntervalUnit, amount: string, timestamp: string): string;
  /** Milliseconds since 1970-01-01 00:00:00 of a timestamp, as a BIGINT. */
  epochMilliseconds(timestamp: string): string;
  /** A field of a timestamp or date as an INTEGER. */
  extract(field: ExtractField, value: string): string;
  /** A timestamp truncated to the start of its unit. */
  truncate(unit: TruncateUnit, timestamp: string): string;

  /** A string expression whose ordering and `<`/`>` comparisons are byte-wise. */
  byteOrder(sql: string): string;
  /** The regex text to bind for a full match of `source` (the compiler's unanchored regex). */
  regexParameter(source: string): string;
  /** True when `subject` fully matches the regex parameter `pattern` (see `regexParameter`). */
  regexMatch(subject: string, pattern: string): string;

  /**
   * Membership in a list bound as ONE parameter (a long `IN (…)` of GUIDs or integers): `param` is
   * the placeholder of the text `listText(values)` returns, `castType` the element's cast type.
   */
  inList(operand: string, param: string, castType: string, negated: boolean): string;
  /** The text of a list parameter holding canonical GUID or integer texts (no quoting needed). */
  listText(values: readonly string[]): string;

  /** Refreshes planner statistics of a (quoted) table after a bulk load, where the store needs it. */
  analyzeSql?(table: string): string;

  /** Rows (table_name, column_name, data_type) of the tables in the current schema, by position. */
  readonly introspectColumnsSql: string;
  /** Takes the count as `$1`; returns column `k` with that many fresh values of `sequence`. */
  allocateKeysSql(sequence: string): string;
  /** Serialises concurrent migrations (run inside the migration transaction), if the store needs it. */
  readonly migrationLockSql?: string;
  /** Index lookup (foreign key) columns as well as `sd_key`. */
  readonly indexesLookups: boolean;
  /**
   * Write key semi-joins (`EXISTS (… WHERE t.k = outer.c …)`) as `COALESCE(outer.c IN (…), FALSE)`
   * for planners that decorrelate only the latter into a hash join (see src/sql/semi-join.ts).
   */
  readonly semiJoinsAsIn: boolean;

  readonly beginSql: string;
  readonly commitSql: string;
  readonly rollbackSql: string;
}
