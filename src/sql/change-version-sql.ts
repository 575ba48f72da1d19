import type { SqlDialect } from './dialect.ts';
import { quoteIdentifier as q, sequenceNameLiteral } from './identifiers.ts';

/**
 * Change versions in the database (PostgreSQL, where several processes share it): a sequence per
 * table, `sd_chg_<table>`, advanced by every write of the table (src/store/change-versions.ts).
 * Sequences are not transactional and never wait for each other's writers, so advancing one
 * costs a writer no lock that another writer of the table would queue behind. A DuckDB database
 * has one process, which counts in memory.
 */
export function changeSequenceName(table: string): string {
  return `sd_chg_${table}`;
}

export function createChangeSequencesSql(d: SqlDialect, tables: readonly string[]): string[] {
  if (d.name !== 'postgres') return [];
  return tables.map((t) => `CREATE SEQUENCE IF NOT EXISTS ${q(changeSequenceName(t))}`);
}

/** Advances the versions of `tables` (one statement). */
export function advanceChangeVersionsSql(tables: readonly string[]): string {
  return `SELECT ${tables.map((t, i) => `nextval(${sequenceNameLiteral(changeSequenceName(t))}) AS ${q(`v${i}`)}`).join(', ')}`;
}

/**
 * The versions of `tables` (one statement; columns v0, v1, …). A sequence never advanced reads 0;
 * so does a table without one (created by a later migration than the reading process knows).
 */
export function readChangeVersionsSql(tables: readonly string[]): string {
  const list = tables.map((t) => `'${changeSequenceName(t).replace(/'/g, "''")}'`).join(', ');
  const columns = tables
    .map(
      (t, i) =>
        `max(CASE WHEN sequencename = '${changeSequenceName(t).replace(/'/g, "''")}' THEN last_value END) AS ${q(`v${i}`)}`,
    )
    .join(', ');
  return `SELECT ${columns} FROM pg_sequences WHERE schemaname = current_schema() AND sequencename IN (${list})`;
}
