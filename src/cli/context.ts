import type { Command } from 'commander';
import { settingsFrom, type Settings } from '../config.ts';
import { RecordService } from '../engine/records.ts';
import { loadSchema } from '../metadata/schema-file.ts';
import { openStore } from '../store/open.ts';
import type { MigrationReport, Store } from '../store/store.ts';

/** The store options every command accepts; environment variables supply the defaults. */
export function withStoreOptions(cmd: Command): Command {
  return cmd
    .option('--db <path>', "DuckDB file, or ':memory:' (env SEGMENTD_DB; default ./data/segmentd.duckdb)")
    .option('--database-url <url>', 'use PostgreSQL at this postgres:// URL (env SEGMENTD_DATABASE_URL)')
    .option('--schema <file>', 'schema file with custom attributes and entities (env SEGMENTD_SCHEMA)');
}

export interface StoreOptions {
  db?: string;
  databaseUrl?: string;
  schema?: string;
}

export function settingsOf(opts: StoreOptions & { port?: string | number; host?: string }): Settings {
  const overrides: Partial<Settings> = {};
  if (opts.db !== undefined) overrides.db = opts.db;
  if (opts.databaseUrl !== undefined) overrides.databaseUrl = opts.databaseUrl;
  if (opts.schema !== undefined) overrides.schemaFile = opts.schema;
  if (opts.port !== undefined) overrides.port = Number(opts.port);
  if (opts.host !== undefined) overrides.host = opts.host;
  return settingsFrom(process.env, overrides);
}

export interface OpenedStore {
  store: Store;
  records: RecordService;
  migration: MigrationReport;
  settings: Settings;
}

/** Opens (and migrates) the configured store and the record engine over it. */
export async function openConfiguredStore(settings: Settings): Promise<OpenedStore> {
  const schema = loadSchema(settings.schemaFile);
  const { store, migration } = await openStore({
    schema,
    db: settings.db,
    ...(settings.databaseUrl !== undefined ? { databaseUrl: settings.databaseUrl } : {}),
  });
  const records = new RecordService(store);
  await records.ensureDefaults();
  return { store, records, migration, settings };
}
