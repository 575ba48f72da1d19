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
 * The checked values of a bulk write, column by column: `values[j][r]` is row `r`'s value of the
 * target's column `j` (the first column is the surrogate key). Columns rather than rows, so that
 * a driver can fill its column buffers (DuckDB data chunks) without a per-row object.
 */
export interface BulkColumns {
  rowCount: number;
  values: readonly (readonly (SqlParam | null)[])[];
}

/**
 * One database connection as the shared store code uses it. A connection runs one statement at a
 * time; callers serialise their calls (see `SqlStore`).
 */
export interface DriverConnection {
  /** Runs a statement and returns its rows, values normalised as the IR's `Value` documents. */
  query(sql: string, params: readonly SqlParam[]): Promise<Row[]>;
  /**
   * Runs a statement returning one integer column (surrogate keys) and returns its values in row
   * order, without a row object per value: key lists of a million rows are read in one go.
   */
  queryIntegers(sql: string, params: readonly SqlParam[]): Promise<Int32Array>;
  /** Runs a statement and returns the number of rows it changed. */
  execute(sql: string, params: readonly SqlParam[]): Promise<number>;
  /**
   * Writes rows through the store's bulk path, given column by column (one checked parameter
   * value or null per row in each target column). Columns the target does not name are left null.
   */
  append(target: BulkTarget, columns: BulkColumns): Promise<void>;
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
