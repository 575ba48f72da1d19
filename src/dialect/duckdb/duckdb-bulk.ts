import duckdb from '@duckdb/node-bindings';
import {
  type DuckDBAppender,
  type DuckDBConnection,
  DuckDBDataChunk,
  type DuckDBType,
} from '@duckdb/node-api';
import { quoteIdentifier as q } from '../../sql/identifiers.ts';
import type { SqlParam } from '../../sql/parameter-value.ts';
import { DECIMAL_PRECISION } from '../../sql/storage-types.ts';
import type { BulkColumn, BulkColumns, BulkTarget } from '../../store/driver.ts';
import { ChunkScratch, type ChunkEncoding, chunkEncoding } from './duckdb-chunk-columns.ts';
import { duckdbDialect } from './duckdb-dialect.ts';
import { appendTyped, stagedAsText } from './duckdb-values.ts';

/**
 * Writes checked rows into an entity table. The rows go straight into the table as DuckDB data
 * chunks through an Appender: every value in its column's binary form, the columns the write
 * leaves empty all null (a validity mask, no value per row), so only strings cost a native call
 * per value. The table's primary key and NOT NULL constraints are checked by the append itself.
 * A table with a column type the chunk writer does not fill takes the staging path below.
 */
export async function appendRows(
  c: DuckDBConnection,
  target: BulkTarget,
  columns: BulkColumns,
): Promise<void> {
  if (columns.rowCount === 0) return;
  let appender = await c.createAppender(target.table);
  let layout = cachedLayout(c, appender, target.table);
  if (layout === undefined) {
    // Read the catalog with no appender open on the connection.
    closeQuietly(appender);
    layout = await readLayout(c, target.table);
    appender = await c.createAppender(target.table);
    if (layout.names.length !== appender.columnCount) {
      closeQuietly(appender);
      throw new Error(`the columns of table '${target.table}' changed during a bulk write`);
    }
  }
  const written = new Set(target.columns.map((col) => col.name));
  if (layout.names.some((n, i) => written.has(n) && layout.encodings[i] === undefined)) {
    closeQuietly(appender);
    await appendThroughStaging(c, target, columns);
    return;
  }
  try {
    appendChunks(appender, layout, target, columns);
    // Closing flushes what is left; a constraint violation may be reported here.
    appender.closeSync();
  } catch (error) {
    closeQuietly(appender);
    throw error;
  }
}

function closeQuietly(appender: DuckDBAppender): void {
  try {
    appender.closeSync();
  } catch {
    // Closing only repeats an earlier failure.
  }
}

/** A table's columns in table order, with the chunk encoding of each (undefined: not filled). */
interface TableLayout {
  names: string[];
  types: DuckDBType[];
  encodings: (ChunkEncoding | undefined)[];
}

const layouts = new WeakMap<DuckDBConnection, Map<string, TableLayout>>();

/**
 * The table's columns as last read on this connection, while they still match the appender's: a
 * table only ever gains columns (src/store/migrate.ts), which the column count shows.
 */
function cachedLayout(c: DuckDBConnection, appender: DuckDBAppender, table: string): TableLayout | undefined {
  const layout = layouts.get(c)?.get(table);
  return layout !== undefined && layout.names.length === appender.columnCount ? layout : undefined;
}

async function readLayout(c: DuckDBConnection, table: string): Promise<TableLayout> {
  const reader = await c.runAndReadAll(
    'SELECT column_name FROM duckdb_columns() WHERE database_name = current_database() ' +
      'AND schema_name = current_schema() AND table_name = $1 ORDER BY column_index',
    [table],
  );
  const names = (reader.getColumns()[0] ?? []).map(String);
  // The types as the appender sees them (a DuckDBType with the decimal's width and scale).
  const appender = await c.createAppender(table);
  let types: DuckDBType[];
  try {
    types = names.map((_, i) => appender.columnType(i));
  } finally {
    closeQuietly(appender);
  }
  const layout = { names, types, encodings: types.map(chunkEncoding) };
  let perTable = layouts.get(c);
  if (perTable === undefined) layouts.set(c, (perTable = new Map<string, TableLayout>()));
  perTable.set(table, layout);
  return layout;
}

/** Appends the rows chunk by chunk (DuckDB's vector size, 2,048 rows). */
function appendChunks(
  appender: DuckDBAppender,
  layout: TableLayout,
  target: BulkTarget,
  columns: BulkColumns,
): void {
  const position = new Map(layout.names.map((n, i) => [n, i]));
  const sourceOf: (readonly (SqlParam | null)[] | undefined)[] = layout.names.map(() => undefined);
  target.columns.forEach((col, j) => {
    const at = position.get(col.name);
    if (at === undefined) throw new Error(`table '${target.table}' has no column '${col.name}'`);
    sourceOf[at] = columns.values[j];
  });
  const chunkRows = duckdb.vector_size();
  const chunk = DuckDBDataChunk.create(layout.types);
  const scratch = new ChunkScratch(chunkRows);
  for (let start = 0; start < columns.rowCount; start += chunkRows) {
    const count = Math.min(chunkRows, columns.rowCount - start);
    chunk.reset();
    chunk.rowCount = count;
    for (let i = 0; i < layout.names.length; i++) {
      const vector = duckdb.data_chunk_get_vector(chunk.chunk, i);
      const encoding = layout.encodings[i];
      const source = sourceOf[i];
      if (source === undefined || encoding === undefined) scratch.writeNulls(vector, encoding, count);
      else scratch.write(vector, encoding, source, start, count);
    }
    appender.appendDataChunk(chunk);
  }
}

let staged = 0;

/** Digits of DuckDB's widest decimal that is stored as a 64-bit integer. */
const SMALL_DECIMAL_PRECISION = 18;

function stagingType(column: BulkColumn): string {
  if (stagedAsText(column)) return 'VARCHAR';
  if (column.type === 'key') return duckdbDialect.keyColumnType;
  return duckdbDialect.castType(column.type);
}

/**
 * Whether every value of a decimal column can go through DECIMAL(18, scale): DuckDB casts text to
 * a 128-bit DECIMAL(38, s) some 200× slower than to a 64-bit one, and widening the 64-bit decimal
 * afterwards is exact. One integer digit is kept free for rounding to the scale.
 */
function fitsSmallDecimal(values: readonly (SqlParam | null)[], scale: number): boolean {
  const maxIntegerDigits = SMALL_DECIMAL_PRECISION - scale - 1;
  for (const v of values) {
    if (typeof v !== 'string') continue;
    const point = v.indexOf('.');
    const digits = (point < 0 ? v.length : point) - (v.startsWith('-') ? 1 : 0);
    if (digits > maxIntegerDigits) return false;
  }
  return true;
}

/** What the INSERT … SELECT reads from a staging column: text staged columns cast to their type. */
function selectExpression(column: BulkColumn, values: readonly (SqlParam | null)[]): string {
  const name = q(column.name);
  if (!stagedAsText(column)) return name;
  if (column.type === 'decimal') {
    const scale = column.scale ?? 10;
    const wide = `DECIMAL(${DECIMAL_PRECISION},${scale})`;
    return fitsSmallDecimal(values, scale)
      ? `CAST(CAST(${name} AS DECIMAL(${SMALL_DECIMAL_PRECISION},${scale})) AS ${wide})`
      : `CAST(${name} AS ${wide})`;
  }
  return `CAST(${name} AS ${duckdbDialect.castType(column.type === 'key' ? 'integer' : column.type)})`;
}

/**
 * The path for tables with a column type the chunk writer does not fill: the rows go into a
 * temporary table of just the written columns, row by row through the Appender (guids, instants,
 * dates, decimals and bigints as their checked text), and one INSERT … SELECT casts and moves them.
 */
async function appendThroughStaging(
  c: DuckDBConnection,
  target: BulkTarget,
  columns: BulkColumns,
): Promise<void> {
  const staging = `"temp"."main".${q(`sd_bulk_${++staged}`)}`;
  const list = target.columns.map((col) => q(col.name)).join(', ');
  const expressions = target.columns
    .map((col, i) => selectExpression(col, columns.values[i] ?? []))
    .join(', ');
  await c.run(
    `CREATE TEMP TABLE ${staging} (${target.columns.map((col) => `${q(col.name)} ${stagingType(col)}`).join(', ')})`,
  );
  try {
    const appender = await c.createAppender(`sd_bulk_${staged}`, 'main', 'temp');
    try {
      const width = target.columns.length;
      for (let r = 0; r < columns.rowCount; r++) {
        for (let i = 0; i < width; i++) {
          appendTyped(appender, target.columns[i] as BulkColumn, columns.values[i]?.[r] ?? null);
        }
        appender.endRow();
      }
      appender.flushSync();
    } finally {
      closeQuietly(appender);
    }
    await c.run(`INSERT INTO ${q(target.table)} (${list}) SELECT ${expressions} FROM ${staging}`);
  } finally {
    // After a failed INSERT the transaction is aborted and refuses the DROP; its rollback drops
    // the staging table anyway.
    await c.run(`DROP TABLE IF EXISTS ${staging}`).catch(() => undefined);
  }
}
