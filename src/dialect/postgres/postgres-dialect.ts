import { scalarTypeOf } from '../../ir/build.ts';
import type { ScalarType } from '../../ir/nodes.ts';
import type { AttributeMetadata } from '../../metadata/model.ts';
import { EXTRACT_FIELDS } from '../../sql/dialect.ts';
import type { IntervalUnit, SqlDialect, TruncateUnit } from '../../sql/dialect.ts';
import { sequenceNameLiteral } from '../../sql/identifiers.ts';
import { DECIMAL_PRECISION, decimalScale } from '../../sql/storage-types.ts';

const CAST_TYPES: Record<ScalarType, string> = {
  string: 'text',
  integer: 'integer',
  bigint: 'bigint',
  decimal: `numeric(${DECIMAL_PRECISION},10)`,
  double: 'double precision',
  boolean: 'boolean',
  datetime: 'timestamp',
  date: 'date',
  guid: 'uuid',
};

/** Column types as `format_type()` spells them (what introspection compares against). */
const COLUMN_TYPES: Record<ScalarType, string> = {
  ...CAST_TYPES,
  // UTC instants are stored without a zone so the server's TimeZone never shifts them.
  datetime: 'timestamp without time zone',
};

const INTERVAL_ARGS: Record<Exclude<IntervalUnit, 'millisecond'>, string> = {
  year: 'years',
  month: 'months',
  day: 'days',
  hour: 'hours',
  minute: 'mins',
  second: 'secs',
};

/** Any constant works; it only has to be the same for every segmentd process. */
const MIGRATION_LOCK_KEY = 7311482019;

export const postgresDialect: SqlDialect = {
  name: 'postgres',

  columnType(a: AttributeMetadata): string {
    return a.type === 'Money' || a.type === 'Decimal'
      ? `numeric(${DECIMAL_PRECISION},${decimalScale(a)})`
      : COLUMN_TYPES[scalarTypeOf(a)];
  },
  keyColumnType: 'integer',
  castType: (t) => CAST_TYPES[t],

  now: () => `date_trunc('second', now() AT TIME ZONE 'UTC')`,
  intDivide: (l, r) => `(${l} / ${r})`,
  addInterval(unit, amount, ts) {
    if (unit === 'millisecond')
      return `(${ts} + make_interval(secs => CAST(${amount} AS double precision) / 1000))`;
    const type = unit === 'second' ? 'double precision' : 'integer';
    return `(${ts} + make_interval(${INTERVAL_ARGS[unit]} => CAST(${amount} AS ${type})))`;
  },
  epochMilliseconds: (ts) => `CAST(floor(extract(epoch FROM ${ts}) * 1000) AS bigint)`,
  analyzeSql: (table) => `ANALYZE ${table}`,
  inList: (operand, param, castType, negated) =>
    negated
      ? `(${operand} <> ALL (CAST(${param} AS ${castType}[])))`
      : `(${operand} = ANY (CAST(${param} AS ${castType}[])))`,
  listText: (values) => `{${values.join(',')}}`,
  extract(field, v) {
    if (field === 'millisecond') return `(CAST(floor(extract(milliseconds FROM ${v})) AS integer) % 1000)`;
    // extract() yields numeric, with fractions for seconds; truncate like DuckDB does.
    return `CAST(floor(extract(${EXTRACT_FIELDS[field]} FROM ${v})) AS integer)`;
  },
  truncate: (unit: TruncateUnit, ts) =>
    `date_trunc('${unit === 'millisecond' ? 'milliseconds' : unit}', ${ts})`,

  // The database collation may be linguistic; "C" orders by bytes, as DuckDB does.
  byteOrder: (sql) => `(${sql}) COLLATE "C"`,
  regexParameter: (source) => `^(?:${source})$`,
  regexMatch: (subject, pattern) => `(${subject} ~ ${pattern})`,

  introspectColumnsSql:
    'SELECT c.relname AS "table_name", a.attname AS "column_name", format_type(a.atttypid, a.atttypmod) AS "data_type" ' +
    'FROM pg_catalog.pg_class AS c JOIN pg_catalog.pg_attribute AS a ON a.attrelid = c.oid ' +
    "WHERE c.relnamespace = CAST(current_schema() AS regnamespace) AND c.relkind IN ('r', 'p') " +
    'AND NOT c.relispartition AND a.attnum > 0 AND NOT a.attisdropped ' +
    'ORDER BY c.relname, a.attnum',
  allocateKeysSql: (sequence) =>
    `SELECT nextval(${sequenceNameLiteral(sequence)}) AS "k" FROM generate_series(1, CAST($1 AS integer))`,
  migrationLockSql: `SELECT pg_advisory_xact_lock(${MIGRATION_LOCK_KEY})`,
  indexesLookups: true,
  semiJoinsAsIn: false,

  beginSql: 'BEGIN',
  commitSql: 'COMMIT',
  rollbackSql: 'ROLLBACK',
};
