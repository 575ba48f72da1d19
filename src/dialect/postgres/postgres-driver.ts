import pg from 'pg';
import type { PoolClient } from 'pg';
import type { Row } from '../../ir/nodes.ts';
import type { DriverConnection, StoreDriver } from '../../store/driver.ts';
import { DuplicateKeyError, TransactionConflictError } from '../../store/store.ts';
import { copyRows } from './postgres-copy.ts';
import { postgresDialect } from './postgres-dialect.ts';
import { postgresTypes } from './postgres-values.ts';

/** Datetimes are stored without a zone and hold UTC; a UTC session keeps every conversion neutral. */
const SESSION_SETUP = "SET TimeZone = 'UTC'";

const UNIQUE_VIOLATION = '23505';
const SERIALIZATION_FAILURE = '40001';
const DEADLOCK_DETECTED = '40P01';

/** The URL without its password, for messages. */
export function describeDatabaseUrl(url: string): string {
  try {
    const u = new URL(url);
    return `postgres://${u.username === '' ? '' : `${decodeURIComponent(u.username)}@`}${u.host}${u.pathname}`;
  } catch {
    return 'the configured PostgreSQL database';
  }
}

/** Opens a pool on a PostgreSQL database (`postgres://user:password@host:port/database`). */
export function openPostgresDriver(databaseUrl: string, poolSize = 10): StoreDriver {
  const pool = new pg.Pool({
    connectionString: databaseUrl,
    max: Math.max(1, poolSize),
    types: postgresTypes,
  });
  // An idle client losing its connection must not crash the process; the next query reports it.
  pool.on('error', () => undefined);
  pool.on('connect', (client) => {
    // pg runs a client's queries in order, so this precedes every statement of the client.
    client.query(SESSION_SETUP).catch(() => undefined);
  });
  return new PostgresDriver(pool, databaseUrl);
}

class PostgresDriver implements StoreDriver {
  readonly dialect = postgresDialect;
  private closed = false;

  constructor(
    private readonly pool: pg.Pool,
    private readonly url: string,
  ) {}

  async withConnection<T>(fn: (connection: DriverConnection) => Promise<T>): Promise<T> {
    if (this.closed) throw new Error('the postgres store is closed');
    let client: PoolClient;
    try {
      client = await this.pool.connect();
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new Error(`cannot connect to ${describeDatabaseUrl(this.url)}: ${reason}`, { cause: error });
    }
    let broken = false;
    try {
      return await fn(wrap(client, () => (broken = true)));
    } finally {
      client.release(broken);
    }
  }

  translateError(error: unknown): unknown {
    if (error instanceof TransactionConflictError) return error;
    if (error instanceof Error && !(error instanceof DuplicateKeyError)) {
      const e = error as Error & { code?: string; detail?: string; table?: string };
      if (e.code === SERIALIZATION_FAILURE || e.code === DEADLOCK_DETECTED) {
        return new TransactionConflictError(e.message);
      }
      if (e.code === UNIQUE_VIOLATION) {
        return new DuplicateKeyError(
          `duplicate key in ${e.table ?? 'the table'}${e.detail === undefined ? '' : `: ${e.detail}`}`,
        );
      }
    }
    return error;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.pool.end();
  }
}

function wrap(client: PoolClient, discard: () => void): DriverConnection {
  return {
    async query(sql, params): Promise<Row[]> {
      const result = await client.query<Row>(sql, [...params]);
      return result.rows;
    },
    async queryIntegers(sql, params): Promise<Int32Array> {
      // Rows as arrays: no object (and no column-name lookup) per value.
      const result = await client.query<unknown[]>({ text: sql, values: [...params], rowMode: 'array' });
      return Int32Array.from(result.rows, (r) => Number(r[0]));
    },
    async execute(sql, params): Promise<number> {
      const result = await client.query(sql, [...params]);
      return result.rowCount ?? 0;
    },
    append: (target, rows) => copyRows(client, target, rows),
    discard,
  };
}
