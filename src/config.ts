/**
 * Settings from the environment (and command-line overrides). One place so that the server, the
 * CLI and the tests open the same store the same way.
 */
export interface Settings {
  host: string;
  port: number;
  /** DuckDB file path or ':memory:' (used when no PostgreSQL URL is set). */
  db: string;
  /** A postgres:// URL selects PostgreSQL instead of the embedded store. */
  databaseUrl: string | undefined;
  /** A schema file with custom attributes and entities. */
  schemaFile: string | undefined;
  logLevel: string;
  /** Largest accepted request body in bytes. */
  bodyLimit: number;
}

export class SettingsError extends Error {
  override name = 'SettingsError';
}

function nonEmpty(v: string | undefined): string | undefined {
  return v === undefined || v.trim() === '' ? undefined : v;
}

export function settingsFrom(env: NodeJS.ProcessEnv, overrides: Partial<Settings> = {}): Settings {
  const port = overrides.port ?? Number(env.PORT ?? 5555);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new SettingsError(`PORT must be a port number, got '${env.PORT}'`);
  const bodyLimit = overrides.bodyLimit ?? Number(env.SEGMENTD_BODY_LIMIT ?? 64 * 1024 * 1024);
  if (!Number.isInteger(bodyLimit) || bodyLimit <= 0)
    throw new SettingsError('SEGMENTD_BODY_LIMIT must be a positive number of bytes');
  const databaseUrl = overrides.databaseUrl ?? nonEmpty(env.SEGMENTD_DATABASE_URL);
  if (databaseUrl !== undefined && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    throw new SettingsError(`SEGMENTD_DATABASE_URL must be a postgres:// URL, got '${databaseUrl}'`);
  }
  return {
    host: overrides.host ?? nonEmpty(env.HOST) ?? '127.0.0.1',
    port,
    db: overrides.db ?? nonEmpty(env.SEGMENTD_DB) ?? './data/segmentd.duckdb',
    databaseUrl,
    schemaFile: overrides.schemaFile ?? nonEmpty(env.SEGMENTD_SCHEMA),
    logLevel: overrides.logLevel ?? nonEmpty(env.LOG_LEVEL) ?? 'info',
    bodyLimit,
  };
}
