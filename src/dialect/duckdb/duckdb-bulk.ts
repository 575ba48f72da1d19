import type { DuckDBConnection } from '@duckdb/node-api';
import { quoteIdentifier as q } from '../../sql/identifiers.ts';
import type { SqlParam } from '../../sql/parameter-value.ts';
import { DECIMAL_PRECISION } from '../../sql/storage-types.ts';
import type { BulkColumn, BulkTarget } from '../../store/driver.ts';
import { duckdbDialect } from './duckdb-dialect.ts';
import { appendTyped, stagedAsText } from './duckdb-values.ts';

let staged = 0;

/** Digits of DuckDB's widest decimal that is stored as a 64-bit integer. */
const SMALL_DECIMAL_PRECISION = 18;

function stagingType(column: BulkColumn): string {
  if (stagedAsText(column)) return 'VARCHAR';
  if (column.type === 'key') return duckdbDialect.keyColumnType;
  return duckdbDialect.castType(column.type);
}

/**
 * Whether every value of decimal column `index` can go through DECIMAL(18, scale): DuckDB casts
 * text to a 128-bit DECIMAL(38, s) some 200× slower than to a 64-bit one, and widening the 64-bit
 * decimal afterwards is exact. One integer digit is kept free for rounding to the scale.
 */
function fitsSmallDecimal(
  rows: readonly (readonly (SqlParam | null)[])[],
  index: number,
  scale: number,
): boolean {
  const maxIntegerDigits = SMALL_DECIMAL_PRECISION - scale - 1;
  for (const row of rows) {
    const v = row[index];
    if (typeof v !== 'string') continue;
    const point = v.indexOf('.');
    const digits = (point < 0 ? v.length : point) - (v.startsWith('-') ? 1 : 0);
    if (digits > maxIntegerDigits) return false;
  }
  return true;
}

/** What the INSERT … SELECT reads from a staging column: text staged columns cast to their type. */
function selectExpression(
  column: BulkColumn,
  index: number,
  rows: readonly (readonly (SqlParam | null)[])[],
): string {
  const name = q(column.name);
  if (!stagedAsText(column)) return name;
  if (column.type === 'decimal') {
    const scale = column.scale ?? 10;
    const wide = `DECIMAL(${DECIMAL_PRECISION},${scale})`;
    return fitsSmallDecimal(rows, index, scale)
      ? `CAST(CAST(${name} AS DECIMAL(${SMALL_DECIMAL_PRECISION},${scale})) AS ${wide})`
      : `CAST(${name} AS ${wide})`;
  }
  return `CAST(${name} AS ${duckdbDialect.castType(column.type === 'key' ? 'integer' : column.type)})`;
}

/**
 * Appends rows with the DuckDB Appender. An Appender writes every column of its table, and an
 * entity table is wide (a contact has ~100 columns, most of them empty in an import), so the rows
 * go into a temporary table of just the written columns and one INSERT … SELECT moves them:
 * about twice as fast as appending a null per empty column per row.
 *
 * Guids, instants, dates, decimals and bigints are staged as their checked canonical text and cast
 * by the INSERT … SELECT: the Appender casts text one value at a time (a guid costs ~1.5 µs, a
 * DECIMAL(38, s) ~12 µs), the SELECT a whole vector at once.
 */
export async function appendRows(
  c: DuckDBConnection,
  target: BulkTarget,
  rows: readonly (readonly (SqlParam | null)[])[],
): Promise<void> {
  const staging = `"temp"."main".${q(`sd_bulk_${++staged}`)}`;
  const list = target.columns.map((col) => q(col.name)).join(', ');
  const expressions = target.columns.map((col, i) => selectExpression(col, i, rows)).join(', ');
  await c.run(
    `CREATE TEMP TABLE ${staging} (${target.columns.map((col) => `${q(col.name)} ${stagingType(col)}`).join(', ')})`,
  );
  try {
    const appender = await c.createAppender(`sd_bulk_${staged}`, 'main', 'temp');
    try {
      const columns = target.columns;
      const width = columns.length;
      for (const row of rows) {
        for (let i = 0; i < width; i++) appendTyped(appender, columns[i] as BulkColumn, row[i] ?? null);
        appender.endRow();
      }
      appender.flushSync();
    } finally {
      try {
        appender.closeSync();
      } catch {
        // Flushing already failed and reported why; closing only repeats it.
      }
    }
    await c.run(`INSERT INTO ${q(target.table)} (${list}) SELECT ${expressions} FROM ${staging}`);
  } finally {
    // After a failed INSERT the transaction is aborted and refuses the DROP; its rollback drops
    // the staging table anyway.
    await c.run(`DROP TABLE IF EXISTS ${staging}`).catch(() => undefined);
  }
}
