import type { AttributeMetadata, EntityMetadata } from '../metadata/model.ts';
import { isLookupType } from '../metadata/model.ts';
import type { SqlDialect } from './dialect.ts';
import { KEY_COLUMN, keySequenceName, quoteIdentifier as q } from './identifiers.ts';

/**
 * Schema statements for the entity tables. Only additive statements exist here: segmentd never
 * drops or converts a table or column (see src/store/migrate.ts). The tables carry no foreign
 * keys or cross-table constraints, so a PostgreSQL schema can be distributed with Citus.
 */

/** The longest identifier PostgreSQL keeps (longer names are silently cut). */
const MAX_IDENTIFIER = 63;

export function createSequenceSql(entity: EntityMetadata): string {
  return `CREATE SEQUENCE IF NOT EXISTS ${q(keySequenceName(entity.logicalName))}`;
}

export function createTableSql(d: SqlDialect, entity: EntityMetadata): string {
  const columns = [`${q(KEY_COLUMN)} ${d.keyColumnType} NOT NULL`];
  for (const a of entity.attributes.values()) {
    columns.push(`${q(a.logicalName)} ${d.columnType(a)}${a.isPrimaryId === true ? ' NOT NULL' : ''}`);
  }
  columns.push(`PRIMARY KEY (${q(entity.primaryIdAttribute)})`);
  return `CREATE TABLE ${q(entity.logicalName)} (${columns.join(', ')})`;
}

export function addColumnSql(d: SqlDialect, entity: EntityMetadata, attribute: AttributeMetadata): string {
  return `ALTER TABLE ${q(entity.logicalName)} ADD COLUMN ${q(attribute.logicalName)} ${d.columnType(attribute)}`;
}

/** The secondary indexes of an entity table: `sd_key`, and lookups where the dialect wants them. */
export function createIndexesSql(d: SqlDialect, entity: EntityMetadata): string[] {
  const columns = [KEY_COLUMN];
  if (d.indexesLookups) {
    for (const a of entity.attributes.values()) if (isLookupType(a.type)) columns.push(a.logicalName);
  }
  return columns.map(
    (c) =>
      `CREATE INDEX IF NOT EXISTS ${q(indexName(entity.logicalName, c))} ON ${q(entity.logicalName)} (${q(c)})`,
  );
}

function indexName(table: string, column: string): string {
  const name = `sd_ix_${table}_${column}`;
  if (name.length <= MAX_IDENTIFIER) return name;
  // Keep long names unique after shortening: a hash of the full name replaces the tail.
  let h = 5381;
  for (const ch of name) h = ((h * 33) ^ ch.charCodeAt(0)) >>> 0;
  return `${name.slice(0, MAX_IDENTIFIER - 9)}_${h.toString(16).padStart(8, '0')}`;
}

/** `sd_meta`: key/value facts about the store (schema format version, last migration). */
export const META_TABLE = 'sd_meta';

export function createMetaTableSql(d: SqlDialect): string {
  const text = d.castType('string');
  return `CREATE TABLE IF NOT EXISTS ${q(META_TABLE)} (${q('key')} ${text} PRIMARY KEY, ${q('value')} ${text})`;
}

/** Takes `$1` = key, `$2` = value. */
export function upsertMetaSql(d: SqlDialect): string {
  const text = d.castType('string');
  return (
    `INSERT INTO ${q(META_TABLE)} (${q('key')}, ${q('value')}) VALUES (CAST($1 AS ${text}), CAST($2 AS ${text})) ` +
    `ON CONFLICT (${q('key')}) DO UPDATE SET ${q('value')} = excluded.${q('value')}`
  );
}

/** Rows (key, value) of `sd_meta`. */
export const readMetaSql = `SELECT ${q('key')}, ${q('value')} FROM ${q(META_TABLE)}`;
