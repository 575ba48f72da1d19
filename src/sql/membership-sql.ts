import type { SqlDialect } from './dialect.ts';
import { KEY_COLUMN, quoteIdentifier as q } from './identifiers.ts';
import { MEMBERSHIP_TABLE } from './internal-tables.ts';

/**
 * Statements of the membership write path (src/store/membership-table.ts) over
 * `sd_segment_member (segment_key, contact_key, entered_on)`. Keys travel as ONE list parameter
 * (`SqlDialect.listText`) and are unnested in the database: measured faster than the bulk path
 * (DuckDB Appender / PostgreSQL COPY into a staging table, then INSERT … SELECT) for 20,000 keys
 * on both stores and for 1,000,000 on PostgreSQL, and it needs no staging table. `ON CONFLICT DO
 * NOTHING` makes every add idempotent and safe against a concurrent writer of the same rows.
 *
 * Placeholders: functions taking `first` number their own parameters from `$first`, so they can
 * follow the parameters of a compiled IR query embedded in the same statement.
 */

const TABLE = q(MEMBERSHIP_TABLE);
const SEGMENT = q('segment_key');
const CONTACT = q('contact_key');
const ENTERED = q('entered_on');

function integer(d: SqlDialect, placeholder: string): string {
  return `CAST(${placeholder} AS ${d.castType('integer')})`;
}

function timestamp(d: SqlDialect, placeholder: string): string {
  return `CAST(${placeholder} AS ${d.castType('datetime')})`;
}

/** `$1` segment key, `$2` list of contact keys, `$3` entered_on. Changes one row per new member. */
export function addMemberListSql(d: SqlDialect): string {
  return (
    `INSERT INTO ${TABLE} (${SEGMENT}, ${CONTACT}, ${ENTERED}) ` +
    `SELECT ${integer(d, '$1')}, ${q('k')}, ${timestamp(d, '$3')} ` +
    `FROM (SELECT unnest(CAST($2 AS ${d.castType('integer')}[])) AS ${q('k')}) AS ${q('sd_keys')} ` +
    'ON CONFLICT DO NOTHING'
  );
}

/** `$1` segment key, `$2` list of contact keys. Changes one row per removed member. */
export function removeMemberListSql(d: SqlDialect): string {
  return (
    `DELETE FROM ${TABLE} WHERE ${SEGMENT} = ${integer(d, '$1')} ` +
    `AND ${d.inList(CONTACT, '$2', d.castType('integer'), false)}`
  );
}

/** `$1` segment key. Row: `n` (members), `lo`, `hi` (smallest and largest contact key). */
export function memberStatsSql(d: SqlDialect): string {
  return (
    `SELECT count(*) AS ${q('n')}, min(${CONTACT}) AS ${q('lo')}, max(${CONTACT}) AS ${q('hi')} ` +
    `FROM ${TABLE} WHERE ${SEGMENT} = ${integer(d, '$1')}`
  );
}

/** `$1` segment key. Row: `n`. */
export function countMembersSql(d: SqlDialect): string {
  return `SELECT count(*) AS ${q('n')} FROM ${TABLE} WHERE ${SEGMENT} = ${integer(d, '$1')}`;
}

/** `$1` segment key, `$2` contact key. A row when the contact is a member. */
export function hasMemberSql(d: SqlDialect): string {
  return (
    `SELECT 1 AS ${q('found')} FROM ${TABLE} ` +
    `WHERE ${SEGMENT} = ${integer(d, '$1')} AND ${CONTACT} = ${integer(d, '$2')}`
  );
}

/**
 * `$1` segment key, `$2`/`$3` lowest and highest contact key of the band. Row: `keys`, the
 * members' contact keys as one comma-separated text (null when none): one value instead of a row
 * per member, which both drivers return several times faster.
 */
export function memberKeysTextSql(d: SqlDialect): string {
  return (
    `SELECT string_agg(CAST(${CONTACT} AS ${d.castType('string')}), ',') AS ${q('keys')} ` +
    `FROM ${TABLE} WHERE ${SEGMENT} = ${integer(d, '$1')} ` +
    `AND ${CONTACT} >= ${integer(d, '$2')} AND ${CONTACT} <= ${integer(d, '$3')}`
  );
}

/** How `memberKeysOfIdsSql` finds the rows: one index probe per id, or one set-based lookup. */
export type IdLookup = 'probe' | 'set';

/**
 * `$1` the name of a table. Row `kind`: PostgreSQL's relkind of the table (`r` a plain table, `p`
 * a partitioned one, whose partitions may be foreign tables on other servers).
 */
export function tableKindSql(): string {
  return `SELECT c.relkind AS ${q('kind')} FROM pg_catalog.pg_class AS c WHERE c.oid = to_regclass($1)`;
}

/**
 * The surrogate keys of the rows of `table` whose `idColumn` (a GUID) is one of the ids bound as
 * `$1` (`memberIdsParam`). Row: `keys`, one comma-separated text (null when none), as
 * `memberKeysTextSql`. Ids naming no row give no key.
 *
 * `probe` (PostgreSQL, a plain table): one primary-key probe per id, written as a correlated
 * scalar subquery so that the plan cannot depend on estimates: for 20,000 ids in a list
 * (`id = ANY (…)`) the planner chose a parallel scan of every row (1M contacts: about twice as
 * slow as the probes, and growing with the table). The ids come sorted, so consecutive probes walk
 * neighbouring index pages. `set`: the list as one condition — on a partitioned PostgreSQL table
 * (its partitions may be foreign tables: the condition is sent to each server once, where a probe
 * per id would be a round trip per id), and on DuckDB (no index probes: a hash semi-join; the ids
 * travel as comma-separated text split in the database — casting the same text as a list literal,
 * `CAST(… AS UUID[])`, took ten times as long as `string_split`).
 */
export function memberKeysOfIdsSql(d: SqlDialect, table: string, idColumn: string, lookup: IdLookup): string {
  const t = q('sd_t');
  const key = `${t}.${q(KEY_COLUMN)}`;
  const id = `${t}.${q(idColumn)}`;
  const text = d.castType('string');
  if (lookup === 'probe')
    return (
      `SELECT string_agg(CAST(${q('k')} AS ${text}), ',') AS ${q('keys')} FROM (` +
      `SELECT (SELECT ${key} FROM ${q(table)} AS ${t} WHERE ${id} = ${q('sd_i')}.${q('id')}) AS ${q('k')} ` +
      `FROM unnest(CAST($1 AS ${d.castType('guid')}[])) AS ${q('sd_i')}(${q('id')})) AS ${q('sd_k')}`
    );
  const ids =
    d.name === 'duckdb'
      ? `(${id} IN (SELECT CAST(unnest(string_split($1, ',')) AS ${d.castType('guid')})))`
      : d.inList(id, '$1', d.castType('guid'), false);
  return `SELECT string_agg(CAST(${key} AS ${text}), ',') AS ${q('keys')} FROM ${q(table)} AS ${t} WHERE ${ids}`;
}

/** The `$1` of `memberKeysOfIdsSql`: canonical GUID texts (lower case, hyphenated), sorted. */
export function memberIdsParam(d: SqlDialect, ids: readonly string[]): string {
  const sorted = [...ids].sort();
  return d.name === 'duckdb' ? sorted.join(',') : d.listText(sorted);
}

/** Refreshes the planner statistics of the membership table, where the store keeps them. */
export function analyzeMembersSql(d: SqlDialect): string | undefined {
  return d.analyzeSql?.(TABLE);
}

/** `$1` segment key. */
export function clearMembersSql(d: SqlDialect): string {
  return `DELETE FROM ${TABLE} WHERE ${SEGMENT} = ${integer(d, '$1')}`;
}

/**
 * `SELECT DISTINCT` of the non-null keys in `column` of a compiled query (`querySql`, whose own
 * parameters come first), as column `contact_key`.
 */
function queryKeys(d: SqlDialect, querySql: string, column: string): string {
  const c = `${q('sd_q')}.${q(column)}`;
  return `SELECT DISTINCT CAST(${c} AS ${d.castType('integer')}) AS ${CONTACT} FROM (${querySql}) AS ${q('sd_q')} WHERE ${c} IS NOT NULL`;
}

/**
 * Adds the keys a query returns: `$first` segment key, `$first+1` entered_on; members already
 * there are skipped by the anti-join (cheaper than a conflict per existing row) and, for a
 * concurrent writer, by ON CONFLICT.
 */
export function addQueryMembersSql(d: SqlDialect, querySql: string, column: string, first: number): string {
  const segment = integer(d, `$${first}`);
  return (
    `INSERT INTO ${TABLE} (${SEGMENT}, ${CONTACT}, ${ENTERED}) ` +
    `SELECT ${segment}, ${q('sd_new')}.${CONTACT}, ${timestamp(d, `$${first + 1}`)} ` +
    `FROM (${queryKeys(d, querySql, column)}) AS ${q('sd_new')} ` +
    `WHERE NOT EXISTS (SELECT 1 FROM ${TABLE} AS ${q('sd_m')} WHERE ${q('sd_m')}.${SEGMENT} = ${segment} ` +
    `AND ${q('sd_m')}.${CONTACT} = ${q('sd_new')}.${CONTACT}) ON CONFLICT DO NOTHING`
  );
}

/** Removes the keys a query returns: `$first` segment key. */
export function removeQueryMembersSql(
  d: SqlDialect,
  querySql: string,
  column: string,
  first: number,
): string {
  const c = `${q('sd_q')}.${q(column)}`;
  return (
    `DELETE FROM ${TABLE} WHERE ${SEGMENT} = ${integer(d, `$${first}`)} AND EXISTS (` +
    `SELECT 1 FROM (${querySql}) AS ${q('sd_q')} WHERE CAST(${c} AS ${d.castType('integer')}) = ${TABLE}.${CONTACT})`
  );
}

// ---- replacing a segment's members with a query's result, computed in the database ----------

/**
 * A connection-local table holding a query's keys while a replace runs (the query is read twice,
 * and may read the segment's own members). CREATE TABLE AS takes no parameters on PostgreSQL, so
 * the table is created empty and filled by INSERT … SELECT.
 */
export function createStagingTableSql(d: SqlDialect, table: string): string {
  return `CREATE TEMP TABLE ${q(table)} (${CONTACT} ${d.keyColumnType} NOT NULL)`;
}

export function stageQueryKeysSql(d: SqlDialect, table: string, querySql: string, column: string): string {
  return `INSERT INTO ${q(table)} (${CONTACT}) ${queryKeys(d, querySql, column)}`;
}

export function countStagedSql(table: string): string {
  return `SELECT count(*) AS ${q('n')} FROM ${q(table)}`;
}

/** `$1` segment key: removes the members the staged keys no longer hold. */
export function removeUnstagedSql(d: SqlDialect, table: string): string {
  return (
    `DELETE FROM ${TABLE} WHERE ${SEGMENT} = ${integer(d, '$1')} AND NOT EXISTS (` +
    `SELECT 1 FROM ${q(table)} AS ${q('sd_s')} WHERE ${q('sd_s')}.${CONTACT} = ${TABLE}.${CONTACT})`
  );
}

/** `$1` segment key, `$2` entered_on: adds the staged keys that are not members yet. */
export function addStagedSql(d: SqlDialect, table: string): string {
  const segment = integer(d, '$1');
  return (
    `INSERT INTO ${TABLE} (${SEGMENT}, ${CONTACT}, ${ENTERED}) ` +
    `SELECT ${segment}, ${q('sd_s')}.${CONTACT}, ${timestamp(d, '$2')} FROM ${q(table)} AS ${q('sd_s')} ` +
    `WHERE NOT EXISTS (SELECT 1 FROM ${TABLE} AS ${q('sd_m')} WHERE ${q('sd_m')}.${SEGMENT} = ${segment} ` +
    `AND ${q('sd_m')}.${CONTACT} = ${q('sd_s')}.${CONTACT}) ON CONFLICT DO NOTHING`
  );
}

export function dropStagingTableSql(table: string): string {
  return `DROP TABLE IF EXISTS ${q(table)}`;
}
