import { advanceChangeVersionsSql, readChangeVersionsSql } from '../sql/change-version-sql.ts';
import type { DriverConnection, StoreDriver } from './driver.ts';

/**
 * Change versions: one counter per table (an entity's logical name, or `sd_segment_member`) that
 * grows with every committed write of it through the store. Caches of data derived from tables
 * (src/segment/member-order-cache.ts) read the versions of the tables they derive from *before*
 * reading the data, and keep what they derived under those versions: a write that commits later
 * advances a version, so what was derived before it is not found again.
 *
 * PostgreSQL (several processes may share the database): a sequence per table, advanced by the
 * writer once right before its commit and once right after it. A list derived before the write
 * committed was read under an older version than the one after the commit, so it is never served
 * again; sequences take no lock, so writers of one table never queue for each other. The only
 * gap: a process that dies between its commit and the advance after it leaves lists derived
 * during its commit looking current until the table's next write — the advance before the commit
 * keeps that window to the commit itself.
 *
 * DuckDB (one process owns the database): counters in memory, per driver, raised as soon as the
 * write has committed — before the writer is told it has.
 */
export class ChangeTracker {
  private static readonly byDriver = new WeakMap<StoreDriver, ChangeTracker>();

  /** The tracker of a driver's database (shared by every store over the driver). */
  static of(driver: StoreDriver): ChangeTracker {
    let tracker = ChangeTracker.byDriver.get(driver);
    if (tracker === undefined) {
      tracker = new ChangeTracker(driver.dialect.name === 'postgres');
      ChangeTracker.byDriver.set(driver, tracker);
    }
    return tracker;
  }

  private readonly counters = new Map<string, number>();

  private constructor(
    /** Versions live in the database (sequences), shared by every process. */
    readonly inDatabase: boolean,
  ) {}

  /** Inside the writing transaction, as its last statement. */
  async beforeCommit(c: DriverConnection, written: ReadonlySet<string>): Promise<void> {
    if (!this.inDatabase || written.size === 0) return;
    await c.query(advanceChangeVersionsSql([...written]), []);
  }

  /**
   * Once the write has committed. A failure here cannot undo the write, so it is swallowed: the
   * versions then advance with the table's next write.
   */
  async committed(
    withConnection: <T>(fn: (c: DriverConnection) => Promise<T>) => Promise<T>,
    written: ReadonlySet<string>,
  ): Promise<void> {
    if (written.size === 0) return;
    if (!this.inDatabase) {
      for (const name of written) this.counters.set(name, (this.counters.get(name) ?? 0) + 1);
      return;
    }
    try {
      await withConnection((c) => c.query(advanceChangeVersionsSql([...written]), []));
    } catch {
      // See above.
    }
  }

  /** The current version of each of `names` (0: never written since versions are kept). */
  async read(
    withConnection: <T>(fn: (c: DriverConnection) => Promise<T>) => Promise<T>,
    names: readonly string[],
  ): Promise<number[]> {
    if (!this.inDatabase || names.length === 0) return names.map((n) => this.counters.get(n) ?? 0);
    const [row] = await withConnection((c) => c.query(readChangeVersionsSql(names), []));
    return names.map((_, i) => Number(row?.[`v${i}`] ?? 0));
  }
}
