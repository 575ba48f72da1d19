import { scalarTypeOf } from '../../ir/build.ts';
import type { ScalarType } from '../../ir/nodes.ts';
import type { AttributeMetadata } from '../../metadata/model.ts';
import { EXTRACT_FIELDS } from '../../sql/dialect.ts';
import type { IntervalUnit, SqlDialect, TruncateUnit } from '../../sql/dialect.ts';
import { sequenceNameLiteral } from '../../sql/identifiers.ts';
import { DECIMAL_PRECISION, decimalScale } from '../../sql/storage-types.ts';

const CAST_TYPES: Record<ScalarType, string> = {
  string: 'VARCHAR',
  integer: 'INTEGER',
  bigint: 'BIGINT',
  decimal: `DECIMAL(${DECIMAL_PRECISION},10)`,
  double: 'DOUBLE',
  boolean: 'BOOLEAN',
  datetime: 'TIMESTAMP',
  date: 'DATE',
  guid: 'UUID',
};

/** DuckDB's interval constructors and the argument type each takes. */
const INTERVALS: Record<IntervalUnit, [fn: string, argType: string]> = {
  year: ['to_years', 'INTEGER'],
  month: ['to_months', 'INTEGER'],
  day: ['to_days', 'INTEGER'],
  hour: ['to_hours', 'BIGINT'],
  minute: ['to_minutes', 'BIGINT'],
  second: ['to_seconds', 'DOUBLE'],
  millisecond: ['to_milliseconds', 'DOUBLE'],
};

export const duckdbDialect: SqlDialect = {
  name: 'duckdb',

  columnType(a: AttributeMetadata): string {
    return a.type === 'Money' || a.type === 'Decimal'
      ? `DECIMAL(${DECIMAL_PRECISION},${decimalScale(a)})`
      : CAST_TYPES[scalarTypeOf(a)];
  },
  keyColumnType: 'INTEGER',
  castType: (t) => CAST_TYPES[t],

  now: () => `date_trunc('second', now() AT TIME ZONE 'UTC')`,
  // `//` truncates toward zero like PostgreSQL's integer `/` (DuckDB's `/` always yields a double).
  intDivide: (l, r) => `(${l} // ${r})`,
  addInterval(unit, amount, ts) {
    const [fn, argType] = INTERVALS[unit];
    return `(${ts} + ${fn}(CAST(${amount} AS ${argType})))`;
  },
  epochMilliseconds: (ts) => `epoch_ms(${ts})`,
  inList: (operand, param, castType, negated) =>
    `(${operand} ${negated ? 'NOT IN' : 'IN'} (SELECT unnest(CAST(${param} AS ${castType}[]))))`,
  listText: (values) => `[${values.join(', ')}]`,
  extract(field, v) {
    // DuckDB's millisecond field counts the seconds too (5.5 s → 5500).
    if (field === 'millisecond') return `CAST(extract(millisecond FROM ${v}) % 1000 AS INTEGER)`;
    return `CAST(extract(${EXTRACT_FIELDS[field]} FROM ${v}) AS INTEGER)`;
  },
  truncate: (unit: TruncateUnit, ts) => `date_trunc('${unit}', ${ts})`,

  // DuckDB compares strings byte-wise already.
  byteOrder: (sql) => sql,
  // RE2's `.` skips newlines unless (?s); SQL Server's `_` matches any character.
  regexParameter: (source) => `(?s)${source}`,
  regexMatch: (subject, pattern) => `regexp_full_match(${subject}, ${pattern})`,

  introspectColumnsSql:
    'SELECT c.table_name AS "table_name", c.column_name AS "column_name", c.data_type AS "data_type" ' +
    'FROM information_schema.columns AS c JOIN information_schema.tables AS t ' +
    'ON t.table_catalog = c.table_catalog AND t.table_schema = c.table_schema AND t.table_name = c.table_name ' +
    "WHERE t.table_type = 'BASE TABLE' AND c.table_catalog = current_database() AND c.table_schema = current_schema() " +
    'ORDER BY c.table_name, c.ordinal_position',
  allocateKeysSql: (sequence) =>
    `SELECT nextval(${sequenceNameLiteral(sequence)}) AS "k" FROM range(CAST($1 AS BIGINT))`,
  indexesLookups: false,
  semiJoinsAsIn: true,

  beginSql: 'BEGIN TRANSACTION',
  commitSql: 'COMMIT',
  rollbackSql: 'ROLLBACK',
};
