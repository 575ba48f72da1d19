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
  /** Background segment jobs (going live, refreshes, member operations). */
  jobs: JobSettings;
}

export interface JobSettings {
  /** Jobs run at once (SEGMENTD_JOB_CONCURRENCY, default 2). */
  concurrency: number;
  /**
   * How long a job stays claimed without a heartbeat (SEGMENTD_JOB_LEASE_MS, default 30 s): after
   * a crash, the job runs again once this has passed.
   */
  leaseMs: number;
  /** How often to look for due jobs when not woken (SEGMENTD_JOB_POLL_MS, default 1 s). */
  pollMs: number;
  /** Attempts before a job fails for good (SEGMENTD_JOB_MAX_ATTEMPTS, default 5). */
  maxAttempts: number;
  /**
   * How long after a write a live segment depending on it is re-evaluated
   * (SEGMENTD_LIVE_UPDATE_DELAY_MS, default 2 s): writes until then share one evaluation.
   */
  liveUpdateDelayMs: number;
  /**
   * Days finished jobs (and so member operations' states) are kept (SEGMENTD_JOB_RETENTION_DAYS,
   * default 30; 0 keeps them forever).
   */
  retentionDays: number;
}

export class SettingsError extends Error {
  override name = 'SettingsError';
}

function nonEmpty(v: string | undefined): string | undefined {
  return v === undefined || v.trim() === '' ? undefined : v;
}

/** A whole number from the environment within [min, max], or the default when unset. */
function wholeNumber(env: NodeJS.ProcessEnv, name: string, dflt: number, min: number, max: number): number {
  const text = nonEmpty(env[name]);
  if (text === undefined) return dflt;
  const n = Number(text);
  if (!Number.isInteger(n) || n < min || n > max)
    throw new SettingsError(`${name} must be a whole number from ${min} to ${max}, got '${text}'`);
  return n;
}

function jobSettingsFrom(env: NodeJS.ProcessEnv): JobSettings {
  return {
    concurrency: wholeNumber(env, 'SEGMENTD_JOB_CONCURRENCY', 2, 1, 64),
    leaseMs: wholeNumber(env, 'SEGMENTD_JOB_LEASE_MS', 30_000, 100, 3_600_000),
    pollMs: wholeNumber(env, 'SEGMENTD_JOB_POLL_MS', 1000, 5, 600_000),
    maxAttempts: wholeNumber(env, 'SEGMENTD_JOB_MAX_ATTEMPTS', 5, 1, 1000),
    liveUpdateDelayMs: wholeNumber(env, 'SEGMENTD_LIVE_UPDATE_DELAY_MS', 2000, 0, 3_600_000),
    retentionDays: wholeNumber(env, 'SEGMENTD_JOB_RETENTION_DAYS', 30, 0, 36_500),
  };
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
    jobs: overrides.jobs ?? jobSettingsFrom(env),
  };
}
