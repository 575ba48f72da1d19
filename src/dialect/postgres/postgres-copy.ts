import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { PoolClient } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { SqlParam } from '../../sql/parameter-value.ts';
import { quoteIdentifier as q } from '../../sql/identifiers.ts';
import type { BulkTarget } from '../../store/driver.ts';

/** Rows per chunk written to the COPY stream. */
const ROWS_PER_CHUNK = 1000;

/**
 * One CSV field. NULL is the empty unquoted field (COPY's CSV default); every non-null value is
 * quoted, so an empty string stays an empty string.
 */
function csvField(v: SqlParam | null): string {
  if (v === null) return '';
  if (typeof v === 'string') return `"${v.replace(/"/g, '""')}"`;
  return String(v);
}

function* csvChunks(rows: readonly (readonly (SqlParam | null)[])[]): Generator<string> {
  for (let i = 0; i < rows.length; i += ROWS_PER_CHUNK) {
    let chunk = '';
    for (const row of rows.slice(i, i + ROWS_PER_CHUNK)) chunk += `${row.map(csvField).join(',')}\n`;
    yield chunk;
  }
}

/** Writes checked rows into the target's columns with COPY FROM STDIN (CSV). */
export async function copyRows(
  client: PoolClient,
  target: BulkTarget,
  rows: readonly (readonly (SqlParam | null)[])[],
): Promise<void> {
  const columns = target.columns.map((c) => q(c.name)).join(', ');
  const stream = client.query(copyFrom(`COPY ${q(target.table)} (${columns}) FROM STDIN WITH (FORMAT csv)`));
  await pipeline(Readable.from(csvChunks(rows)), stream);
}
