import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { type DuckDBConnection, DuckDBInstance, type DuckDBValue } from '@duckdb/node-api';
import type { Row } from '../../ir/nodes.ts';
import type { SqlParam } from '../../sql/parameter-value.ts';
import type { DriverConnection, StoreDriver } from '../../store/driver.ts';
import { DuplicateKeyError, TransactionConflictError } from '../../store/store.ts';
import { duckdbDialect } from './duckdb-dialect.ts';
import { appendRows } from './duckdb-bulk.ts';
import { normaliseDuckDBValue } from './duckdb-values.ts';

export const DUCKDB_MEMORY = ':memory:';

/**
 * Extensions cannot be downloaded where segmentd runs, and the built-in ones (icu, json…) are
 * already loaded: never let DuckDB try. The write-ahead log is checkpointed into the database
 * file at 256 MB rather than DuckDB's 16 MB: each checkpoint rewrites the tables' last, partly
 * filled row groups and their indexes, so an import of 200,000 contacts in batches of 20,000 spent
 * a fifth of its CPU time checkpointing (a crash replays at most that much log on the next open).
 */
const INSTANCE_OPTIONS = {
  autoinstall_known_extensions: 'false',
  autoload_known_extensions: 'false',
  checkpoint_threshold: '256MB',
};

/**
 * Opens a DuckDB database (a file path, created with its folder when missing, or ':memory:').
 * All connections come from one instance, so an in-memory database is shared by all of them.
 */
export async function openDuckDBDriver(path: string, poolSize = 4): Promise<StoreDriver> {
  try {
    if (path !== DUCKDB_MEMORY) mkdirSync(dirname(path), { recursive: true });
    const instance = await DuckDBInstance.create(path, INSTANCE_OPTIONS);
    return new DuckDBDriver(instance, Math.max(1, poolSize));
  } catch (error) {
    // E.g. another process holds the file: DuckDB lets one process open a database read-write.
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`cannot open the DuckDB database '${path}': ${reason}`, { cause: error });
  }
}

/**
 * A small connection pool: one connection per concurrent operation and never two statements at
 * once on one connection (concurrent use of one connection can crash the native binding).
 */
class DuckDBDriver implements StoreDriver {
  readonly dialect = duckdbDialect;
  private readonly idle: DuckDBConnection[] = [];
  /** Borrowers waiting for a connection (already counted in `borrowed`). */
  private readonly waiting: { resolve: (c: DuckDBConnection) => void; reject: (e: unknown) => void }[] = [];
  private open = 0;
  private borrowed = 0;
  private closing: (() => void) | undefined;
  private closed = false;

  constructor(
    private readonly instance: DuckDBInstance,
    private readonly size: number,
  ) {}

  async withConnection<T>(fn: (connection: DriverConnection) => Promise<T>): Promise<T> {
    const raw = await this.acquire();
    let broken = false;
    try {
      return await fn(wrap(raw, () => (broken = true)));
    } finally {
      this.release(raw, broken);
    }
  }

  private async acquire(): Promise<DuckDBConnection> {
    if (this.closed) throw new Error('the duckdb store is closed');
    this.borrowed++;
    const c = this.idle.pop();
    if (c !== undefined) return c;
    if (this.open < this.size) {
      this.open++;
      try {
        return await this.instance.connect();
      } catch (error) {
        this.open--;
        this.borrowed--;
        throw error;
      }
    }
    return new Promise((resolve, reject) => this.waiting.push({ resolve, reject }));
  }

  private release(c: DuckDBConnection, broken: boolean): void {
    this.borrowed--;
    // While closing, borrowers already queued still get served: close() waits for them all.
    if (!broken && this.closed && this.waiting.length > 0) {
      (this.waiting.shift() as (typeof this.waiting)[number]).resolve(c);
      return;
    }
    if (broken || this.closed) {
      c.closeSync();
      this.open--;
      if (broken && this.waiting.length > 0) {
        // Replace the broken connection for whoever waits.
        const next = this.waiting.shift() as (typeof this.waiting)[number];
        this.open++;
        this.instance.connect().then(next.resolve, (error: unknown) => {
          this.open--;
          this.borrowed--;
          next.reject(error);
        });
      }
    } else {
      const next = this.waiting.shift();
      if (next !== undefined) {
        next.resolve(c);
        return;
      }
      this.idle.push(c);
    }
    if (this.closed && this.borrowed === 0) this.closing?.();
  }

  translateError(error: unknown): unknown {
    if (
      error instanceof Error &&
      !(error instanceof DuplicateKeyError) &&
      !(error instanceof TransactionConflictError)
    ) {
      // DuckDB's optimistic concurrency refuses the later of two transactions writing one row.
      if (
        /Conflict on (update|tuple deletion)|Transaction conflict|write-write conflict/i.test(error.message)
      ) {
        return new TransactionConflictError(error.message);
      }
      // DuckDB words it differently for single statements, transactions and the appender.
      const m =
        /Duplicate key "([^"]*)" violates (?:primary key|unique) constraint/i.exec(error.message) ??
        /constraint violation: duplicate key "([^"]*)"/i.exec(error.message);
      if (m !== null)
        return new DuplicateKeyError(`duplicate key (${m[1]}): a record with this key already exists`);
    }
    return error;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.borrowed > 0) await new Promise<void>((resolve) => (this.closing = resolve));
    for (const c of this.idle.splice(0)) c.closeSync();
    this.instance.closeSync();
  }
}

function bind(params: readonly SqlParam[]): DuckDBValue[] | undefined {
  return params.length === 0 ? undefined : [...params];
}

function wrap(c: DuckDBConnection, discard: () => void): DriverConnection {
  return {
    async query(sql, params): Promise<Row[]> {
      const reader = await c.runAndReadAll(sql, bind(params));
      const names = reader.columnNames();
      return reader.getRows().map((values) => {
        const row: Row = {};
        names.forEach((name, i) => (row[name] = normaliseDuckDBValue(values[i] ?? null, name)));
        return row;
      });
    },
    async queryIntegers(sql, params): Promise<Int32Array> {
      const reader = await c.runAndReadAll(sql, bind(params));
      if (reader.columnCount !== 1) throw new Error(`expected one integer column, got ${reader.columnCount}`);
      return Int32Array.from(reader.getColumns()[0] ?? [], (v) => Number(v));
    },
    async execute(sql, params): Promise<number> {
      const result = await c.run(sql, bind(params));
      return result.rowsChanged;
    },
    append: (target, rows) => appendRows(c, target, rows),
    discard,
  };
}
