import type { Row, ScalarType } from '../ir/nodes.ts';
import type { SqlDialect } from '../sql/dialect.ts';
import type { SqlParam } from '../sql/parameter-value.ts';

/** One column the bulk path writes. */
export interface BulkColumn {
  name: string;
  /** `key` is the surrogate key column (INTEGER). */
  type: ScalarType | 'key';
  /** Digits after the point of a decimal column. */
  scale?: number;
}

/** Where the bulk path writes: a table and the columns each row holds, in row order. */
export interface BulkTarget {
  table: string;
  columns: readonly BulkColumn[];
}

/**
 * One database connection as the shared store code uses it. A connection runs one statement at a
 * time; callers serialise their calls (see `SqlStore`).
 */
export interface DriverConnection {
  /** Runs a statement and returns its rows, values normalised as the IR's `Value` documents. */
  query(sql: string, params: readonly SqlParam[]): Promise<Row[]>;
  /** Runs a statement and returns the number of rows it changed. */
  execute(sql: string, params: readonly SqlParam[]): Promise<number>;
  /**
   * Writes rows through the store's bulk path; each row holds one checked parameter value (or
   * null) per target column. Columns the target does not name are left null.
   */
  append(target: BulkTarget, rows: readonly (readonly (SqlParam | null)[])[]): Promise<void>;
  /** Marks the connection as broken: it is closed instead of going back to the pool. */
  discard(): void;
}

/** The store-specific half of a store: connections, the bulk path and error translation. */
export interface StoreDriver {
  readonly dialect: SqlDialect;
  /** Lends a connection to `fn` for its whole run and takes it back afterwards. */
  withConnection<T>(fn: (connection: DriverConnection) => Promise<T>): Promise<T>;
  /** Turns a driver error into a store error (DuplicateKeyError) or returns it as it is. */
  translateError(error: unknown): unknown;
  close(): Promise<void>;
}
