import { postgresDialect } from '../../src/dialect/postgres/postgres-dialect.ts';
import type { Schema } from '../../src/metadata/schema.ts';
import { addColumnSql, createIndexesSql, createTableSql } from '../../src/sql/ddl.ts';
import { quoteIdentifier as q } from '../../src/sql/identifiers.ts';
import { createMembershipTableSql, MEMBERSHIP_TABLE } from '../../src/sql/internal-tables.ts';

/**
 * The statements that turn an empty PostgreSQL database into a segmentd store whose large tables
 * are hash-partitioned across several servers with the built-in `postgres_fdw` (docs/scale-out.md
 * shows them): the database segmentd connects to (the coordinator) holds each partitioned table
 * as a partitioned parent; partition `i` lives in schema `sd_shard<i>`, as a plain table on the
 * coordinator or on another server, reached through a foreign table.
 *
 * Every table that holds rows — local partition or remote table — is created by segmentd's own
 * DDL (src/sql/ddl.ts, src/sql/internal-tables.ts) with its primary key and indexes, so each
 * partition enforces uniqueness itself. The parent is `CREATE TABLE … (LIKE <partition 0>)`: the
 * same columns, types and NOT NULLs, without the primary key, because PostgreSQL allows no unique
 * index on a partitioned table with foreign partitions. Every partition key is part of its
 * table's primary key, so rows with one key always land in one partition and the partitions'
 * primary keys together are the table's. segmentd's migration then runs unchanged on the
 * coordinator: it sees the parents as its tables (partitions are not listed), and its
 * `CREATE INDEX IF NOT EXISTS` on a parent attaches the partitions' matching indexes and skips
 * foreign partitions.
 */

/** A table split by hash of one column of its primary key. */
export interface PartitionedTable {
  readonly table: string;
  readonly column: string;
}

/**
 * contact by its primary key; interaction by its primary key (by contactid, its rows would sit
 * with their contact, but interactionid would then be unique only within a partition);
 * sd_segment_member by contact: a large segment spreads over every server instead of filling
 * one, and a contact's memberships sit together. Everything else (accounts, segments, users,
 * business units, the job queue) stays on the coordinator.
 */
export const PARTITIONED_TABLES: readonly PartitionedTable[] = [
  { table: 'contact', column: 'contactid' },
  { table: 'interaction', column: 'interactionid' },
  { table: MEMBERSHIP_TABLE, column: 'contact_key' },
];

/** Where a partition's rows live: on the coordinator, or on another server. */
export type Placement =
  | { readonly local: true }
  | { readonly host: string; readonly port: number; readonly dbname: string; readonly user: string };

export const shardSchema = (index: number) => `sd_shard${index}`;

const literal = (text: string) => `'${text.replaceAll("'", "''")}'`;

/** The schema segmentd's tables live in on a server that holds partition `index`. */
export function shardSchemaSql(index: number): string {
  return `CREATE SCHEMA ${q(shardSchema(index))}`;
}

/**
 * segmentd's own DDL for one table with its primary key and indexes, to run with `search_path`
 * set to the partition's schema (the DDL names tables unqualified).
 */
export function tableDdl(schema: Schema, table: string): string[] {
  if (table === MEMBERSHIP_TABLE) return createMembershipTableSql(postgresDialect);
  const entity = schema.entity(table);
  if (entity === undefined) throw new Error(`the schema declares no entity '${table}'`);
  return [createTableSql(postgresDialect, entity), ...createIndexesSql(postgresDialect, entity)];
}

/** `SET search_path` for running `tableDdl` in a partition's schema. */
export function searchPathSql(schemaName: string): string {
  return `SET search_path TO ${q(schemaName)}`;
}

/**
 * What runs on the server that holds partitions on behalf of a coordinator (not the coordinator
 * itself): the schema of each partition it holds, and segmentd's tables in it.
 */
export function remoteShardSql(schema: Schema, index: number, tables = PARTITIONED_TABLES): string[] {
  return [
    shardSchemaSql(index),
    searchPathSql(shardSchema(index)),
    ...tables.flatMap((t) => tableDdl(schema, t.table)),
  ];
}

/**
 * What runs on the coordinator, in the database segmentd will open, before segmentd opens it:
 * the foreign servers, the local partitions, the parents and their partitions. `storeSchema` is
 * the schema segmentd uses there (its connection's current schema). The first placement must be
 * local: the parents are made LIKE its tables.
 */
export function coordinatorSql(
  schema: Schema,
  placements: readonly Placement[],
  storeSchema = 'public',
  tables = PARTITIONED_TABLES,
): string[] {
  if (!('local' in (placements[0] ?? {}))) throw new Error('the first partition must be on the coordinator');
  const out = ['CREATE EXTENSION IF NOT EXISTS postgres_fdw'];
  placements.forEach((p, i) => {
    out.push(shardSchemaSql(i));
    if ('local' in p) {
      out.push(searchPathSql(shardSchema(i)), ...tables.flatMap((t) => tableDdl(schema, t.table)));
      return;
    }
    const server = q(shardSchema(i));
    // async_capable: the coordinator scans all remote partitions of a query at once;
    // batch_size: INSERTs (and COPY) reach the remote server 100 rows at a time.
    out.push(
      `CREATE SERVER ${server} FOREIGN DATA WRAPPER postgres_fdw OPTIONS (host ${literal(p.host)}, ` +
        `port ${literal(String(p.port))}, dbname ${literal(p.dbname)}, async_capable 'true', ` +
        `batch_size '100', fetch_size '1000')`,
      `CREATE USER MAPPING FOR CURRENT_USER SERVER ${server} OPTIONS (user ${literal(p.user)})`,
    );
  });
  out.push(searchPathSql(storeSchema));
  for (const { table, column } of tables) {
    const parent = `${q(storeSchema)}.${q(table)}`;
    out.push(
      `CREATE TABLE ${parent} (LIKE ${q(shardSchema(0))}.${q(table)}) PARTITION BY HASH (${q(column)})`,
    );
    placements.forEach((p, i) => {
      const partition = `${q(shardSchema(i))}.${q(table)}`;
      const bounds = `FOR VALUES WITH (MODULUS ${placements.length}, REMAINDER ${i})`;
      out.push(
        'local' in p
          ? `ALTER TABLE ${parent} ATTACH PARTITION ${partition} ${bounds}`
          : `CREATE FOREIGN TABLE ${partition} PARTITION OF ${parent} ${bounds} SERVER ${q(shardSchema(i))} ` +
              `OPTIONS (schema_name ${literal(shardSchema(i))}, table_name ${literal(table)})`,
      );
    });
  }
  return out;
}

/**
 * What a server holding partition `index` for a coordinator runs before segmentd opens the
 * coordinator with a grown schema: segmentd's own ADD COLUMN for each attribute `after` declares
 * on a partitioned entity that `before` did not, and the indexes (IF NOT EXISTS, so only the new
 * ones are made). segmentd's migration on the coordinator then adds the columns to the parents,
 * which PostgreSQL carries to the local partitions and to the foreign tables' definitions, but
 * not to the tables on the other servers.
 */
export function remoteGrowthSql(
  before: Schema,
  after: Schema,
  index: number,
  tables = PARTITIONED_TABLES,
): string[] {
  const out = [searchPathSql(shardSchema(index))];
  for (const { table } of tables) {
    const grown = after.entity(table);
    if (grown === undefined) continue;
    const old = before.entity(table);
    const added = [...grown.attributes.values()].filter((a) => old?.attributes.has(a.logicalName) !== true);
    if (added.length === 0) continue;
    out.push(...added.map((a) => addColumnSql(postgresDialect, grown, a)));
    out.push(...createIndexesSql(postgresDialect, grown));
  }
  return out;
}
