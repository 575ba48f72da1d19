import { scalarTypeOf } from '../ir/build.ts';
import type { Mutation, RelQuery, Row, Value } from '../ir/nodes.ts';
import type { EntityMetadata } from '../metadata/model.ts';
import type { Schema } from '../metadata/schema.ts';
import { allocatedKeyRangeSql } from '../sql/key-range-sql.ts';
import { type CompiledSql, SqlCompiler } from '../sql/compiler.ts';
import { InvalidValueError, SqlCompileError } from '../sql/errors.ts';
import { KEY_COLUMN, keySequenceName, quoteIdentifier } from '../sql/identifiers.ts';
import { type SqlParam, toSqlParam } from '../sql/parameter-value.ts';
import { decimalScale } from '../sql/storage-types.ts';
import { type JobTable, SqlJobTable } from '../jobs/job-table.ts';
import { ClaimGuard } from '../jobs/claim-guard.ts';
import { MEMBERSHIP_TABLE } from '../sql/internal-tables.ts';
import { ChangeTracker } from './change-versions.ts';
import type { BulkColumn, BulkTarget, DriverConnection, StoreDriver } from './driver.ts';
import { type MembershipTable, SqlMembershipTable } from './membership-table.ts';
import { DuplicateKeyError, type Store, type StoreSession, TransactionConflictError } from './store.ts';

/** Keeps an INSERT well below PostgreSQL's 65 535 parameters per statement. */
const MAX_PARAMS_PER_INSERT = 30000;

/** Tries of a store-level membership or job write that collided with a concurrent one. */
const INTERNAL_WRITE_ATTEMPTS = 10;

/**
 * Runs `fn` in one transaction on one connection: committed when it resolves, rolled back when
 * it throws. A connection whose rollback fails is discarded rather than reused.
 */
export async function inTransaction<T>(
  driver: StoreDriver,
  fn: (connection: DriverConnection) => Promise<T>,
): Promise<T> {
  return driver.withConnection(async (raw) => {
    const c = serialised(raw);
    const { beginSql, commitSql, rollbackSql } = driver.dialect;
    await c.execute(beginSql, []);
    let result: T;
    try {
      result = await fn(c);
    } catch (error) {
      try {
        await c.execute(rollbackSql, []);
      } catch {
        raw.discard();
      }
      throw error;
    }
    try {
      await c.execute(commitSql, []);
    } catch (error) {
      raw.discard();
      throw error;
    }
    return result;
  });
}

/**
 * One connection shared by the concurrent calls of a transaction: statements are queued, since a
 * connection runs one statement at a time.
 */
function serialised(c: DriverConnection): DriverConnection {
  let tail: Promise<unknown> = Promise.resolve();
  const queue = <T>(op: () => Promise<T>): Promise<T> => {
    const next = tail.then(op, op);
    tail = next.catch(() => undefined);
    return next;
  };
  return {
    query: (sql, params) => queue(() => c.query(sql, params)),
    queryIntegers: (sql, params) => queue(() => c.queryIntegers(sql, params)),
    execute: (sql, params) => queue(() => c.execute(sql, params)),
    append: (target, rows) => queue(() => c.append(target, rows)),
    discard: () => c.discard(),
  };
}

/**
 * How a session's internal tables (membership, jobs) reach the database: a transaction's session
 * runs everything on the transaction's connection; the store lends a connection per call and
 * runs `write` in a transaction of its own, so a multi-statement write is atomic either way.
 * Driver errors come out translated (DuplicateKeyError, TransactionConflictError).
 */
export interface SessionConnections {
  read<T>(fn: (connection: DriverConnection) => Promise<T>): Promise<T>;
  write<T>(fn: (connection: DriverConnection) => Promise<T>): Promise<T>;
}

/**
 * A store over one SQL database: compiles IR with the dialect's compiler and runs it through the
 * driver. DuckDB and PostgreSQL differ only in their driver and dialect.
 */
export class SqlStore implements Store {
  readonly name: 'duckdb' | 'postgres';
  private readonly compiler: SqlCompiler;
  private readonly ops: SessionOperations;
  /** Keeps job claims apart on stores without row locks to skip (DuckDB: one process). */
  private readonly claims = new ClaimGuard();
  /** Change versions of the tables written through this store (see src/store/change-versions.ts). */
  private readonly changes: ChangeTracker;
  private closed = false;
  readonly membership: MembershipTable;
  readonly jobs: JobTable;

  constructor(
    private readonly driver: StoreDriver,
    readonly schema: Schema,
  ) {
    this.name = driver.dialect.name;
    this.compiler = new SqlCompiler(schema, driver.dialect);
    this.ops = new SessionOperations(this.compiler, driver);
    this.changes = ChangeTracker.of(driver);
    const connections: SessionConnections = {
      read: (fn) => this.withConnection((c) => fn(this.ops.translating(c))),
      write: (fn) => this.internalWrite(() => inTransaction(this.driver, (c) => fn(this.ops.translating(c)))),
    };
    const members = new Set([MEMBERSHIP_TABLE]);
    const membershipConnections: SessionConnections = {
      read: (fn) => connections.read(fn),
      write: (fn) =>
        this.internalWrite(() =>
          inTransaction(this.driver, async (c) => {
            const result = await fn(this.ops.translating(c));
            await this.changes.beforeCommit(this.ops.translating(c), members);
            return result;
          }),
        ).then(async (result) => {
          await this.changes.committed(this.connect, members);
          return result;
        }),
    };
    this.membership = new SqlMembershipTable(this.compiler, membershipConnections);
    this.jobs = new SqlJobTable(driver.dialect, connections, this.claims, false);
  }

  /** A connection for the change tracker's own statements. */
  private readonly connect = <T>(fn: (c: DriverConnection) => Promise<T>): Promise<T> =>
    this.withConnection((c) => fn(this.ops.translating(c)));

  async changeVersions(tables: readonly string[]): Promise<number[]> {
    return this.changes.read(this.connect, tables);
  }

  compile(query: RelQuery | Mutation): { sql: string; params: Value[] } {
    return this.compiler.compile(query);
  }

  async select(query: RelQuery): Promise<Row[]> {
    const compiled = this.compiler.compile(query);
    return this.withConnection((c) => this.ops.run(() => c.query(compiled.sql, compiled.params)));
  }

  async selectIntegers(query: RelQuery): Promise<Int32Array> {
    const compiled = this.compiler.compile(query);
    return this.withConnection((c) => this.ops.run(() => c.queryIntegers(compiled.sql, compiled.params)));
  }

  async mutate(mutation: Mutation): Promise<number> {
    const statements = this.ops.statements(mutation);
    if (statements.length === 0) return 0;
    // Several statements (a large insert) must apply all or nothing.
    if (statements.length > 1) return this.transaction((tx) => tx.mutate(mutation));
    const changed = await this.withConnection((c) => this.ops.execute(c, statements));
    await this.changes.committed(this.connect, new Set([mutation.entity]));
    return changed;
  }

  async allocateKeys(entity: string, count: number): Promise<number[]> {
    return this.withConnection((c) => this.ops.allocateKeys(c, entity, count));
  }

  async refreshStatistics(entity: string): Promise<void> {
    const table = quoteIdentifier(this.schema.requireEntity(entity).logicalName);
    const sql = this.driver.dialect.analyzeSql?.(table);
    if (sql === undefined) return;
    await this.withConnection((c) => this.ops.run(() => c.execute(sql, [])));
  }

  /** In a transaction of its own, so a failing row leaves nothing behind. */
  async bulkInsert(
    entity: string,
    attributes: readonly string[],
    rows: readonly (readonly Value[])[],
  ): Promise<number[]> {
    if (rows.length === 0) {
      this.ops.bulkTarget(entity, attributes);
      return [];
    }
    return this.transaction((tx) => tx.bulkInsert(entity, attributes, rows));
  }

  /** In a transaction of its own, so a failing row leaves nothing behind. */
  async bulkInsertColumns(
    entity: string,
    attributes: readonly string[],
    columns: readonly (readonly Value[])[],
    rowCount: number,
  ): Promise<number[]> {
    if (rowCount === 0) {
      this.ops.bulkTarget(entity, attributes);
      return [];
    }
    return this.transaction((tx) => tx.bulkInsertColumns(entity, attributes, columns, rowCount));
  }

  async transaction<T>(fn: (tx: StoreSession) => Promise<T>): Promise<T> {
    this.checkOpen();
    const written = new Set<string>();
    const result = await this.translated(() =>
      inTransaction(this.driver, async (c) => {
        const tx = new TransactionSession(this.compiler, this.ops, c, this.claims, written);
        let value: T;
        try {
          value = await fn(tx);
        } finally {
          tx.finish();
        }
        await this.changes.beforeCommit(this.ops.translating(c), written);
        return value;
      }),
    );
    await this.changes.committed(this.connect, written);
    return result;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.driver.close();
  }

  /**
   * A store-level write to segmentd's own tables, in a transaction of its own. Those writes are
   * idempotent (ON CONFLICT DO NOTHING, fresh job ids), so one that collided with a concurrent
   * writer runs again: DuckDB refuses the later of two writers of one row (a conflict, or a
   * duplicate key at commit where PostgreSQL would have waited and skipped the row).
   */
  private async internalWrite<T>(fn: () => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      this.checkOpen();
      try {
        return await this.translated(fn);
      } catch (error) {
        const collided = error instanceof TransactionConflictError || error instanceof DuplicateKeyError;
        if (!collided || attempt >= INTERNAL_WRITE_ATTEMPTS) throw error;
        await new Promise<void>((resolve) => setTimeout(resolve, Math.random() * 5 * attempt));
      }
    }
  }

  private checkOpen(): void {
    if (this.closed) throw new Error(`the ${this.name} store is closed`);
  }

  private async translated<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (error) {
      throw this.driver.translateError(error);
    }
  }

  private async withConnection<T>(fn: (c: DriverConnection) => Promise<T>): Promise<T> {
    this.checkOpen();
    return this.translated(() => this.driver.withConnection(fn));
  }
}

/** The session a transaction hands to its callback; unusable once the transaction has ended. */
class TransactionSession implements StoreSession {
  private done = false;
  readonly membership: MembershipTable;
  readonly jobs: JobTable;

  constructor(
    private readonly compiler: SqlCompiler,
    private readonly ops: SessionOperations,
    private readonly connection: DriverConnection,
    claims: ClaimGuard,
    /** The tables this transaction wrote, for their change versions. */
    private readonly written: Set<string>,
  ) {
    const connections: SessionConnections = {
      read: (fn) => fn(this.ops.translating(this.c)),
      write: (fn) => fn(this.ops.translating(this.c)),
    };
    this.membership = new SqlMembershipTable(compiler, {
      read: (fn) => connections.read(fn),
      write: (fn) => {
        this.written.add(MEMBERSHIP_TABLE);
        return connections.write(fn);
      },
    });
    this.jobs = new SqlJobTable(compiler.dialect, connections, claims, true);
  }

  finish(): void {
    this.done = true;
  }

  private get c(): DriverConnection {
    if (this.done) throw new Error('the transaction has ended; use the store (or a new transaction) instead');
    return this.connection;
  }

  async select(query: RelQuery): Promise<Row[]> {
    const compiled = this.compiler.compile(query);
    const c = this.c;
    return this.ops.run(() => c.query(compiled.sql, compiled.params));
  }

  async selectIntegers(query: RelQuery): Promise<Int32Array> {
    const compiled = this.compiler.compile(query);
    const c = this.c;
    return this.ops.run(() => c.queryIntegers(compiled.sql, compiled.params));
  }

  async mutate(mutation: Mutation): Promise<number> {
    const statements = this.ops.statements(mutation);
    const c = this.c;
    this.written.add(mutation.entity);
    return this.ops.execute(c, statements);
  }

  async allocateKeys(entity: string, count: number): Promise<number[]> {
    return this.ops.allocateKeys(this.c, entity, count);
  }

  async bulkInsert(
    entity: string,
    attributes: readonly string[],
    rows: readonly (readonly Value[])[],
  ): Promise<number[]> {
    const c = this.c;
    this.written.add(entity);
    return this.ops.bulkInsert(c, entity, attributes, rows);
  }

  async bulkInsertColumns(
    entity: string,
    attributes: readonly string[],
    columns: readonly (readonly Value[])[],
    rowCount: number,
  ): Promise<number[]> {
    const c = this.c;
    this.written.add(entity);
    return this.ops.bulkInsertColumns(c, entity, attributes, columns, rowCount);
  }
}

/** The statement-level work the store and its transactions share, on a given connection. */
class SessionOperations {
  constructor(
    private readonly compiler: SqlCompiler,
    private readonly driver: StoreDriver,
  ) {}

  /**
   * Runs a driver call, turning driver errors into store errors at once, so code inside a
   * transaction can catch DuplicateKeyError.
   */
  async run<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (error) {
      throw this.driver.translateError(error);
    }
  }

  /** The connection with every call's driver error translated at once (see `run`). */
  translating(c: DriverConnection): DriverConnection {
    return {
      query: (sql, params) => this.run(() => c.query(sql, params)),
      queryIntegers: (sql, params) => this.run(() => c.queryIntegers(sql, params)),
      execute: (sql, params) => this.run(() => c.execute(sql, params)),
      append: (target, rows) => this.run(() => c.append(target, rows)),
      discard: () => c.discard(),
    };
  }

  /** The statements of a mutation; an insert is split so no statement has too many parameters. */
  statements(m: Mutation): CompiledSql[] {
    if (m.kind !== 'insert') return [this.compiler.compile(m)];
    if (m.keys.length !== m.rows.length) {
      throw new SqlCompileError(`insert has ${m.rows.length} rows but ${m.keys.length} keys`);
    }
    const perRow = m.attributes.length + 1;
    const rowsPerStatement = Math.max(1, Math.floor(MAX_PARAMS_PER_INSERT / perRow));
    const out: CompiledSql[] = [];
    for (let i = 0; i < m.rows.length; i += rowsPerStatement) {
      const rows = m.rows.slice(i, i + rowsPerStatement);
      out.push(this.compiler.compile({ ...m, rows, keys: m.keys.slice(i, i + rowsPerStatement) }));
    }
    return out;
  }

  async execute(c: DriverConnection, statements: readonly CompiledSql[]): Promise<number> {
    let changed = 0;
    for (const s of statements) changed += await this.run(() => c.execute(s.sql, s.params));
    return changed;
  }

  private entity(name: string): EntityMetadata {
    const e = this.compiler.schema.entities.get(name);
    if (e === undefined) throw new SqlCompileError(`unknown entity '${name}'`);
    return e;
  }

  async allocateKeys(c: DriverConnection, entityName: string, count: number): Promise<number[]> {
    const entity = this.entity(entityName);
    if (!Number.isSafeInteger(count) || count < 0) {
      throw new SqlCompileError(`key count must be a whole number >= 0, got ${count}`);
    }
    if (count === 0) return [];
    const sql = this.driver.dialect.allocateKeysSql(keySequenceName(entity.logicalName));
    // The keys come back as their range when they are one (reading 20,000 rows of keys costs more
    // than drawing them); only when another writer drew from the sequence at the same time are
    // they drawn again and listed.
    const [range] = await this.run(() => c.query(allocatedKeyRangeSql(sql), [count]));
    const lo = Number(range?.lo);
    if (Number(range?.hi) - lo + 1 === count) return Array.from({ length: count }, (_, i) => lo + i);
    const rows = await this.run(() => c.query(sql, [count]));
    return rows.map((r) => Number(r.k)).sort((a, b) => a - b);
  }

  /** The row-wise form of `bulkInsertColumns`: `rows[i]` holds the values of `attributes` in order. */
  async bulkInsert(
    c: DriverConnection,
    entity: string,
    attributes: readonly string[],
    rows: readonly (readonly Value[])[],
  ): Promise<number[]> {
    const target = this.bulkTarget(entity, attributes);
    if (rows.length === 0) return [];
    const width = attributes.length;
    if (rows.some((row) => row.length !== width)) this.checkedRowByRow(target, rows);
    const columns = attributes.map((_, j) => rows.map((row) => row[j] as Value));
    return this.bulkInsertColumns(c, entity, attributes, columns, rows.length);
  }

  /**
   * Checks every value, allocates the keys, then appends through the driver's bulk path.
   * `columns[j][r]` is row `r`'s value of `attributes[j]`.
   */
  async bulkInsertColumns(
    c: DriverConnection,
    entity: string,
    attributes: readonly string[],
    columns: readonly (readonly Value[])[],
    rowCount: number,
  ): Promise<number[]> {
    const target = this.bulkTarget(entity, attributes);
    if (rowCount === 0) return [];
    if (columns.length !== attributes.length || columns.some((col) => col.length !== rowCount)) {
      throw new SqlCompileError(
        `bulk columns do not match: ${attributes.length} attributes of ${rowCount} rows expected`,
      );
    }
    // The store draws the keys while the values are checked.
    const allocated = this.allocateKeys(c, entity, rowCount);
    // Let the query reach the database before the checks keep this thread busy.
    await new Promise(setImmediate);
    let values: (SqlParam | null)[][];
    try {
      values = this.checkedColumns(target, columns, rowCount);
    } catch (error) {
      await allocated.catch(() => undefined);
      throw error;
    }
    const keys = await allocated;
    await this.run(() => c.append(target, { rowCount, values: [keys, ...values] }));
    return keys;
  }

  /** The key column, then the written attributes (checked against the schema). */
  bulkTarget(entityName: string, attributes: readonly string[]): BulkTarget {
    const entity = this.entity(entityName);
    const seen = new Set<string>();
    const columns: BulkColumn[] = attributes.map((name) => {
      const a = entity.attributes.get(name);
      if (a === undefined)
        throw new SqlCompileError(`entity '${entity.logicalName}' has no attribute '${name}'`);
      if (seen.has(name)) throw new SqlCompileError(`attribute '${name}' is written twice`);
      seen.add(name);
      const type = scalarTypeOf(a);
      return type === 'decimal' ? { name, type, scale: decimalScale(a) } : { name, type };
    });
    return { table: entity.logicalName, columns: [{ name: KEY_COLUMN, type: 'key' }, ...columns] };
  }

  /**
   * The checked parameter values of the written attributes, column by column, with one
   * conversion per run of equal values (an import repeats the owner, the timestamps and many
   * codes in every row). The first bad value is then reported as the row-by-row check finds it.
   */
  private checkedColumns(
    target: BulkTarget,
    columns: readonly (readonly Value[])[],
    rowCount: number,
  ): (SqlParam | null)[][] {
    const out = new Array<(SqlParam | null)[]>(columns.length);
    try {
      for (let j = 0; j < columns.length; j++) {
        const col = target.columns[j + 1] as BulkColumn;
        const type = col.type === 'key' ? 'integer' : col.type;
        const input = columns[j] as readonly Value[];
        const checked = new Array<SqlParam | null>(rowCount);
        let last: Value = null;
        let lastParam: SqlParam | null = null;
        for (let r = 0; r < rowCount; r++) {
          const v = input[r] as Value;
          if (v !== last) {
            last = v;
            lastParam = v === null ? null : toSqlParam(v, type);
          }
          checked[r] = lastParam;
        }
        out[j] = checked;
      }
    } catch (error) {
      if (!(error instanceof InvalidValueError)) throw error;
      const rows = Array.from({ length: rowCount }, (_, r) => columns.map((col) => col[r] as Value));
      this.checkedRowByRow(target, rows);
      throw error;
    }
    return out;
  }

  /** The row-by-row check: slower, but it names the first bad value in row order. */
  private checkedRowByRow(target: BulkTarget, rows: readonly (readonly Value[])[]): void {
    const width = target.columns.length;
    rows.forEach((row, r) => {
      if (row.length !== width - 1) {
        throw new SqlCompileError(`row ${r} has ${row.length} values for ${width - 1} attributes`);
      }
      row.forEach((v, j) => {
        const col = target.columns[j + 1] as BulkColumn;
        try {
          if (v !== null) toSqlParam(v, col.type === 'key' ? 'integer' : col.type);
        } catch (error) {
          if (!(error instanceof InvalidValueError)) throw error;
          throw new InvalidValueError(
            error.type,
            error.value,
            `${error.detail} (row ${r}, attribute '${col.name}')`,
          );
        }
      });
    });
  }
}
