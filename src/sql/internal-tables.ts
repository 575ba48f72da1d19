import type { ScalarType } from '../ir/nodes.ts';
import type { SqlDialect } from './dialect.ts';
import { quoteIdentifier as q } from './identifiers.ts';

/**
 * segmentd's own tables besides the entity tables (all prefixed `sd_`, which the migration never
 * compares with the schema). Like the entity tables they carry no foreign keys, so a PostgreSQL
 * store can be distributed with Citus.
 */

/**
 * Segment membership: one row per (segment, contact), both as surrogate keys, with the time the
 * contact entered. Keyed by segment first: reading, counting and diffing one segment's members is
 * a range scan; the second index answers "which segments is this contact in".
 */
export const MEMBERSHIP_TABLE = 'sd_segment_member';

export const MEMBERSHIP_COLUMNS: ReadonlyMap<string, ScalarType> = new Map<string, ScalarType>([
  ['segment_key', 'integer'],
  ['contact_key', 'integer'],
  ['entered_on', 'datetime'],
]);

export function createMembershipTableSql(d: SqlDialect): string[] {
  const table = q(MEMBERSHIP_TABLE);
  const statements = [
    `CREATE TABLE IF NOT EXISTS ${table} (` +
      `${q('segment_key')} ${d.keyColumnType} NOT NULL, ` +
      `${q('contact_key')} ${d.keyColumnType} NOT NULL, ` +
      `${q('entered_on')} ${d.castType('datetime')} NOT NULL, ` +
      `PRIMARY KEY (${q('segment_key')}, ${q('contact_key')}))`,
  ];
  // DuckDB answers this from zone maps; an ART index there only slows large membership writes.
  if (d.indexesLookups)
    statements.push(
      `CREATE INDEX IF NOT EXISTS ${q('sd_ix_segment_member_contact')} ON ${table} (${q('contact_key')})`,
    );
  return statements;
}
