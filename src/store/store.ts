import type { JobTable } from '../jobs/job-table.ts';
import type { Mutation, RelQuery, Row, Value } from '../ir/nodes.ts';
import type { Schema } from '../metadata/schema.ts';
import type { MembershipTable } from './membership-table.ts';

/**
 * A store runs IR against one database. Implementations live in `src/dialect/<name>/` (driver,
 * SQL overrides, DDL, bulk path); nothing outside those folders and `src/sql/` writes SQL text.
 */
export interface StoreSession {
  /** Runs a query and returns its rows with normalised values (see `Value` in the IR). */
  select(query: RelQuery): Promise<Row[]>;
  /** A query of one integer column (surrogate keys): its values in row order, read column-wise. */
  selectIntegers(query: RelQuery): Promise<Int32Array>;
  /** Runs a write and returns the number of rows affected. */
  mutate(mutation: Mutation): Promise<number>;
  /** Allocates `count` fresh surrogate keys for `entity` (dense, increasing). */
  allocateKeys(entity: string, count: number): Promise<number[]>;
  /**
   * Appends many rows through the store's bulk path (DuckDB Appender, PostgreSQL COPY).
   * `rows[i]` holds the values of `attributes` in order; keys are allocated by the store.
   * Returns the allocated keys.
   */
  bulkInsert(
    entity: string,
    attributes: readonly string[],
    rows: readonly (readonly Value[])[],
  ): Promise<number[]>;
  /**
   * `bulkInsert` given column by column: `columns[j][r]` is row `r`'s value of `attributes[j]`
   * (each column `rowCount` long). The import path builds its rows this way, without a per-row
   * object between the record engine and the store's column buffers.
   */
  bulkInsertColumns(
    entity: string,
    attributes: readonly string[],
    columns: readonly (readonly Value[])[],
    rowCount: number,
  ): Promise<number[]>;
  /**
   * Segment membership (`sd_segment_member`). On the store each call is atomic on its own; on a
   * transaction's session it commits with the transaction.
   */
  readonly membership: MembershipTable;
  /** The durable job table (`sd_job`); on a transaction's session an enqueue commits with it. */
  readonly jobs: JobTable;
}

export interface Store extends StoreSession {
  readonly name: 'duckdb' | 'postgres';
  readonly schema: Schema;
  /** Runs `fn` in one transaction: committed when it resolves, rolled back when it throws. */
  transaction<T>(fn: (tx: StoreSession) => Promise<T>): Promise<T>;
  /**
   * Refreshes the planner statistics of an entity's table after a bulk load, so that queries
   * right after an import get good plans (PostgreSQL's ANALYZE; DuckDB keeps its own statistics).
   */
  refreshStatistics(entity: string): Promise<void>;
  /**
   * The change version of each table (an entity's logical name, or `sd_segment_member`): it grows
   * with every committed write of the table through the store (src/store/change-versions.ts).
   * Read it before reading the data a cache derives from the table.
   */
  changeVersions(tables: readonly string[]): Promise<number[]>;
  /** The SQL text and parameters a query compiles to (for `explain` and golden tests). */
  compile(query: RelQuery | Mutation): { sql: string; params: Value[] };
  close(): Promise<void>;
}

/** What opening a store may report about the schema migration it ran. */
export interface MigrationReport {
  createdTables: string[];
  addedColumns: string[];
}

/** A migration that would destroy data; the store refuses it and names what would be lost. */
export class DestructiveMigrationError extends Error {
  override name = 'DestructiveMigrationError';
}

/**
 * Two transactions wrote the same rows at the same time and the store refused one of them; the
 * refused one can simply run again.
 */
export class TransactionConflictError extends Error {
  override name = 'TransactionConflictError';
}

/** A write that violates a store constraint (duplicate primary id). */
export class DuplicateKeyError extends Error {
  override name = 'DuplicateKeyError';
}
