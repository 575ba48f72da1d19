import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { PoolClient } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { SqlParam } from '../../sql/parameter-value.ts';
import { quoteIdentifier as q } from '../../sql/identifiers.ts';
import type { BulkColumns, BulkTarget } from '../../store/driver.ts';

/** Rows per chunk written to the COPY stream. */
const ROWS_PER_CHUNK = 1000;

/**
 * One CSV field. NULL is the empty unquoted field (COPY's CSV default); every non-null value is
 * quoted, so an empty string stays an empty string.
 */
function csvField(v: SqlParam | null): string {
  if (v === null) return '';
  if (typeof v === 'string') return v.includes('"') ? `"${v.replace(/"/g, '""')}"` : `"${v}"`;
  return String(v);
}

/** The CSV lines of the rows, `ROWS_PER_CHUNK` at a time, read across the columns. */
function* csvChunks(columns: BulkColumns): Generator<string> {
  const { rowCount, values } = columns;
  for (let start = 0; start < rowCount; start += ROWS_PER_CHUNK) {
    const end = Math.min(rowCount, start + ROWS_PER_CHUNK);
    let chunk = '';
    for (let r = start; r < end; r++) {
      let line = '';
      for (let j = 0; j < values.length; j++) {
        if (j > 0) line += ',';
        line += csvField((values[j] as readonly (SqlParam | null)[])[r] ?? null);
      }
      chunk += `${line}\n`;
    }
    yield chunk;
  }
}

/** Writes checked rows into the target's columns with COPY FROM STDIN (CSV). */
export async function copyRows(client: PoolClient, target: BulkTarget, columns: BulkColumns): Promise<void> {
  const names = target.columns.map((c) => q(c.name)).join(', ');
  const stream = client.query(copyFrom(`COPY ${q(target.table)} (${names}) FROM STDIN WITH (FORMAT csv)`));
  await pipeline(Readable.from(csvChunks(columns)), stream);
}
