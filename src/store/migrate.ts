import { createHash } from 'node:crypto';
import type { AttributeMetadata, EntityMetadata } from '../metadata/model.ts';
import type { Schema } from '../metadata/schema.ts';
import {
  addColumnSql,
  createIndexesSql,
  createMetaTableSql,
  createSequenceSql,
  createTableSql,
  META_TABLE,
  readMetaSql,
  upsertMetaSql,
} from '../sql/ddl.ts';
import type { SqlDialect } from '../sql/dialect.ts';
import { createChangeSequencesSql } from '../sql/change-version-sql.ts';
import { createMembershipTableSql, MEMBERSHIP_TABLE } from '../sql/internal-tables.ts';
import { createJobTablesSql } from '../sql/jobs-sql.ts';
import { INTERNAL_PREFIX, KEY_COLUMN } from '../sql/identifiers.ts';
import type { DriverConnection } from './driver.ts';
import { DestructiveMigrationError, type MigrationReport } from './store.ts';

/** The layout of the store's format; bump it when segmentd changes how it stores entities. */
export const STORE_FORMAT_VERSION = 1;

export interface StoredColumn {
  name: string;
  /** As the dialect's introspection spells it (`SqlDialect.columnType`). */
  dataType: string;
}

/** Tables of the store's current schema and their columns in table order. */
export type StoreLayout = Map<string, StoredColumn[]>;

export interface MigrationPlan {
  createTables: EntityMetadata[];
  addColumns: { entity: EntityMetadata; attribute: AttributeMetadata }[];
  /** One line per table or column the declared schema would lose or convert. */
  destructive: string[];
}

/**
 * What it takes to bring the store to the declared schema. Only additions are planned: a table or
 * column the schema no longer declares, or a column of another type, is reported as destructive.
 * Tables prefixed `sd_` are segmentd's own and not compared.
 */
export function planMigration(schema: Schema, dialect: SqlDialect, stored: StoreLayout): MigrationPlan {
  const plan: MigrationPlan = { createTables: [], addColumns: [], destructive: [] };
  for (const [table, columns] of [...stored].sort(([a], [b]) => (a < b ? -1 : 1))) {
    if (table.startsWith(INTERNAL_PREFIX)) continue;
    const entity = schema.entities.get(table);
    if (entity === undefined) {
      plan.destructive.push(
        `table '${table}' (${columns.length} columns) is in the store but the schema declares no entity '${table}'`,
      );
      continue;
    }
    const byName = new Map(columns.map((c) => [c.name, c]));
    if (!byName.has(KEY_COLUMN)) {
      plan.destructive.push(`table '${table}' has no ${KEY_COLUMN} column, so segmentd did not create it`);
    }
    for (const c of columns) {
      if (c.name === KEY_COLUMN) continue;
      const a = entity.attributes.get(c.name);
      if (a === undefined) {
        plan.destructive.push(
          `column '${table}.${c.name}' (${c.dataType}) is in the store but entity '${table}' declares no attribute '${c.name}'`,
        );
      } else if (c.dataType !== dialect.columnType(a)) {
        plan.destructive.push(
          `column '${table}.${c.name}' is ${c.dataType} in the store but the schema wants ${dialect.columnType(a)} (${a.type})`,
        );
      }
    }
    for (const a of entity.attributes.values()) {
      if (!byName.has(a.logicalName)) plan.addColumns.push({ entity, attribute: a });
    }
  }
  for (const entity of schema.entities.values()) {
    if (!stored.has(entity.logicalName)) plan.createTables.push(entity);
  }
  return plan;
}

export function destructiveMigrationMessage(lines: readonly string[]): string {
  return [
    'segmentd refuses to migrate the store: segmentd never drops or converts data, and the declared schema would lose some:',
    ...lines.map((l) => `  - ${l}`),
    'Declare these again in the schema file, or move the data out of the store yourself.',
  ].join('\n');
}

export async function readLayout(connection: DriverConnection, dialect: SqlDialect): Promise<StoreLayout> {
  const layout: StoreLayout = new Map();
  for (const row of await connection.query(dialect.introspectColumnsSql, [])) {
    const table = String(row.table_name);
    let columns = layout.get(table);
    if (columns === undefined) {
      columns = [];
      layout.set(table, columns);
    }
    columns.push({ name: String(row.column_name), dataType: String(row.data_type) });
  }
  return layout;
}

/** A digest of the entity tables' layout, recorded in sd_meta to see when the schema changed. */
function fingerprint(schema: Schema, dialect: SqlDialect): string {
  const h = createHash('sha256');
  for (const e of [...schema.entities.values()].sort((a, b) => (a.logicalName < b.logicalName ? -1 : 1))) {
    h.update(`${e.logicalName}(`);
    for (const a of e.attributes.values()) h.update(`${a.logicalName} ${dialect.columnType(a)},`);
    h.update(')');
  }
  return h.digest('hex');
}

/** A store written by a newer segmentd may hold data this version would misread. */
async function checkFormatVersion(connection: DriverConnection): Promise<void> {
  const rows = await connection.query(readMetaSql, []);
  const version = Number(rows.find((r) => r.key === 'format_version')?.value ?? STORE_FORMAT_VERSION);
  if (version > STORE_FORMAT_VERSION) {
    throw new Error(
      `the store was written by a newer segmentd (store format ${version}; this version reads up to ${STORE_FORMAT_VERSION})`,
    );
  }
}

/**
 * Brings the store to `schema`: missing tables (with sequence, primary key and indexes) and
 * missing columns are created; anything destructive throws DestructiveMigrationError before any
 * change. Run it inside a transaction. Returns what changed.
 */
export async function migrateSchema(
  connection: DriverConnection,
  dialect: SqlDialect,
  schema: Schema,
): Promise<MigrationReport> {
  if (dialect.migrationLockSql !== undefined) await connection.query(dialect.migrationLockSql, []);
  const stored = await readLayout(connection, dialect);
  if (stored.has(META_TABLE)) await checkFormatVersion(connection);
  const plan = planMigration(schema, dialect, stored);
  if (plan.destructive.length > 0) {
    throw new DestructiveMigrationError(destructiveMigrationMessage(plan.destructive));
  }

  const run = (sql: string) => connection.execute(sql, []);
  for (const entity of schema.entities.values()) await run(createSequenceSql(entity));
  for (const entity of plan.createTables) await run(createTableSql(dialect, entity));
  for (const { entity, attribute } of plan.addColumns) await run(addColumnSql(dialect, entity, attribute));
  for (const entity of schema.entities.values()) {
    for (const sql of createIndexesSql(dialect, entity)) await run(sql);
  }

  await run(createMetaTableSql(dialect));
  for (const sql of createMembershipTableSql(dialect)) await run(sql);
  for (const sql of createJobTablesSql(dialect)) await run(sql);
  const tracked = [...[...schema.entities.values()].map((e) => e.logicalName), MEMBERSHIP_TABLE];
  for (const sql of createChangeSequencesSql(dialect, tracked)) await run(sql);
  const changed = plan.createTables.length > 0 || plan.addColumns.length > 0;
  const meta: [string, string][] = [
    ['format_version', String(STORE_FORMAT_VERSION)],
    ['schema_fingerprint', fingerprint(schema, dialect)],
  ];
  if (changed) meta.push(['migrated_at', new Date().toISOString().slice(0, 19) + 'Z']);
  for (const [key, value] of meta) await connection.execute(upsertMetaSql(dialect), [key, value]);

  return {
    createdTables: plan.createTables.map((e) => e.logicalName),
    addedColumns: plan.addColumns.map(
      ({ entity, attribute }) => `${entity.logicalName}.${attribute.logicalName}`,
    ),
  };
}
