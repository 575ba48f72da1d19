import type { RoaringBitmap32 } from 'roaring';
import roaring from 'roaring';
import type { SqlCompiler } from '../sql/compiler.ts';
import {
  addMemberListSql,
  analyzeMembersSql,
  addQueryMembersSql,
  addStagedSql,
  clearMembersSql,
  countMembersSql,
  countStagedSql,
  createStagingTableSql,
  dropStagingTableSql,
  hasMemberSql,
  type IdLookup,
  memberIdsParam,
  memberKeysOfIdsSql,
  memberKeysTextSql,
  memberStatsSql,
  removeMemberListSql,
  removeQueryMembersSql,
  removeUnstagedSql,
  stageQueryKeysSql,
  tableKindSql,
} from '../sql/membership-sql.ts';
import type { DriverConnection } from './driver.ts';
import {
  addKeysText,
  checkContactKey,
  checkSegmentKey,
  emptyBitmap,
  enteredOnParam,
  keyChunks,
  keyListText,
  MAX_MEMBER_KEY,
  memberBitmap,
  type MemberKeys,
} from './membership-keys.ts';
import { memberKeyQuery, type MemberQuery } from './membership-query.ts';
import type { SessionConnections } from './sql-store.ts';

const { RoaringBitmap32: Bitmap } = roaring;

/** What a replace changed. */
export interface MembershipChange {
  added: number;
  removed: number;
}

/**
 * The members of segments (`sd_segment_member`): which contacts (by surrogate key) belong to which
 * segment (by the msdyncrm_segment row's surrogate key), and since when. Reached as
 * `store.membership` (each call atomic on its own) or `tx.membership` inside `store.transaction`
 * (commits with the transaction's other writes, e.g. the segment record's new size and status).
 *
 * Keys are 32-bit: 0 to 2147483647 (`InvalidValueError` otherwise). Writes are idempotent: adding
 * a member twice or removing a non-member changes nothing and is not counted.
 */
export interface MembershipTable {
  /** The segment's member keys. */
  members(segmentKey: number): Promise<RoaringBitmap32>;
  count(segmentKey: number): Promise<number>;
  has(segmentKey: number, contactKey: number): Promise<boolean>;
  /** Adds the keys that are not members yet (entering at `enteredOn`); returns how many. */
  add(segmentKey: number, keys: MemberKeys, enteredOn: Date): Promise<number>;
  /** Removes the keys that are members; returns how many. */
  remove(segmentKey: number, keys: MemberKeys): Promise<number>;
  /**
   * Makes `keys` the segment's members, writing only the difference to the stored members
   * (computed with roaring bitmaps): members that stay keep their entered_on.
   */
  replace(segmentKey: number, keys: RoaringBitmap32, enteredOn: Date): Promise<MembershipChange>;
  /** Adds the members a query names, computed in the database; returns how many were new. */
  addFromQuery(segmentKey: number, member: MemberQuery, enteredOn: Date): Promise<number>;
  /** Removes the members a query names, computed in the database; returns how many left. */
  removeFromQuery(segmentKey: number, member: MemberQuery): Promise<number>;
  /**
   * Makes the rows a query names the segment's members, computed in the database (the query runs
   * once into a connection-local staging table; departed members are deleted and new ones
   * inserted with anti-joins): members that stay keep their entered_on. `count` is the number of
   * members afterwards.
   */
  replaceFromQuery(
    segmentKey: number,
    member: MemberQuery,
    enteredOn: Date,
  ): Promise<MembershipChange & { count: number }>;
  /** Removes every member; returns how many. */
  clear(segmentKey: number): Promise<number>;
  /**
   * The contact keys of these contact ids (canonical GUID texts, as `parseGuid` returns them), in
   * one statement; ids naming no contact have none. What an add or remove by ids applies to.
   */
  keysOfIds(ids: readonly string[]): Promise<RoaringBitmap32>;
}

/** The entity whose rows are members. */
const MEMBER_ENTITY = 'contact';

/** Members read per query by `members`: their text stays far below V8's string limit. */
const KEYS_PER_READ = 4_000_000;

/**
 * A write changing at least this many membership rows refreshes the table's planner statistics
 * (PostgreSQL). Reads of one segment's members (`SEGMENT(x)`, a page of a segment ordered by
 * name) are planned from the rows per segment key; after a large write those are stale until
 * autovacuum analyzes the table — which, once it is large, a segment of a few percent of it never
 * triggers (10 % must change) — and the planner, expecting a handful of members, probes every
 * member instead of walking the name index: a page of a 500,000-member segment took 680 ms
 * instead of 5 ms. ANALYZE runs in the write's transaction, whose own rows it counts; it costs a
 * sample of 30,000 rows, small next to a write of this size.
 */
export const ANALYZE_AFTER_ROWS = 50_000;

let staging = 0;

/** The id lookup each store's member table takes (see `SqlMembershipTable.idLookup`). */
const idLookups = new WeakMap<SqlCompiler, IdLookup>();

/** The membership table over SQL: the statements of src/sql/membership-sql.ts on a session's connections. */
export class SqlMembershipTable implements MembershipTable {
  constructor(
    private readonly compiler: SqlCompiler,
    private readonly connections: SessionConnections,
    /** Rows a write changes before it refreshes the statistics (default ANALYZE_AFTER_ROWS). */
    private readonly analyzeAfterRows = ANALYZE_AFTER_ROWS,
  ) {}

  /** Refreshes the statistics after a write that changed `changed` rows, when that is many. */
  private async afterWrite(c: DriverConnection, changed: number): Promise<void> {
    const sql = analyzeMembersSql(this.d);
    if (sql !== undefined && changed >= this.analyzeAfterRows) await c.execute(sql, []);
  }

  private get d() {
    return this.compiler.dialect;
  }

  async members(segmentKey: number): Promise<RoaringBitmap32> {
    checkSegmentKey(segmentKey);
    return this.connections.read((c) => this.readMembers(c, segmentKey));
  }

  async count(segmentKey: number): Promise<number> {
    checkSegmentKey(segmentKey);
    const rows = await this.connections.read((c) => c.query(countMembersSql(this.d), [segmentKey]));
    return Number(rows[0]?.n ?? 0);
  }

  async has(segmentKey: number, contactKey: number): Promise<boolean> {
    checkSegmentKey(segmentKey);
    checkContactKey(contactKey);
    const rows = await this.connections.read((c) => c.query(hasMemberSql(this.d), [segmentKey, contactKey]));
    return rows.length > 0;
  }

  async add(segmentKey: number, keys: MemberKeys, enteredOn: Date): Promise<number> {
    checkSegmentKey(segmentKey);
    const bitmap = memberBitmap(keys);
    const entered = enteredOnParam(enteredOn);
    if (bitmap.isEmpty) return Promise.resolve(0);
    return this.connections.write(async (c) => {
      const added = await this.addKeys(c, segmentKey, bitmap, entered);
      await this.afterWrite(c, added);
      return added;
    });
  }

  async remove(segmentKey: number, keys: MemberKeys): Promise<number> {
    checkSegmentKey(segmentKey);
    const bitmap = memberBitmap(keys);
    if (bitmap.isEmpty) return Promise.resolve(0);
    return this.connections.write(async (c) => {
      const removed = await this.removeKeys(c, segmentKey, bitmap);
      await this.afterWrite(c, removed);
      return removed;
    });
  }

  async replace(segmentKey: number, keys: RoaringBitmap32, enteredOn: Date): Promise<MembershipChange> {
    checkSegmentKey(segmentKey);
    if (!(keys instanceof Bitmap)) throw new TypeError('replace takes the new members as a RoaringBitmap32');
    const wanted = memberBitmap(keys);
    const entered = enteredOnParam(enteredOn);
    return this.connections.write(async (c) => {
      const stored = await this.readMembers(c, segmentKey);
      const leaving = Bitmap.andNot(stored, wanted);
      const entering = Bitmap.andNot(wanted, stored);
      const removed = leaving.isEmpty ? 0 : await this.removeKeys(c, segmentKey, leaving);
      const added = entering.isEmpty ? 0 : await this.addKeys(c, segmentKey, entering, entered);
      await this.afterWrite(c, added + removed);
      return { added, removed };
    });
  }

  async addFromQuery(segmentKey: number, member: MemberQuery, enteredOn: Date): Promise<number> {
    checkSegmentKey(segmentKey);
    const entered = enteredOnParam(enteredOn);
    const { sql, params, column } = this.compileMembers(member);
    const statement = addQueryMembersSql(this.d, sql, column, params.length + 1);
    return this.connections.write(async (c) => {
      const added = await c.execute(statement, [...params, segmentKey, entered]);
      await this.afterWrite(c, added);
      return added;
    });
  }

  async removeFromQuery(segmentKey: number, member: MemberQuery): Promise<number> {
    checkSegmentKey(segmentKey);
    const { sql, params, column } = this.compileMembers(member);
    const statement = removeQueryMembersSql(this.d, sql, column, params.length + 1);
    return this.connections.write(async (c) => {
      const removed = await c.execute(statement, [...params, segmentKey]);
      await this.afterWrite(c, removed);
      return removed;
    });
  }

  async replaceFromQuery(
    segmentKey: number,
    member: MemberQuery,
    enteredOn: Date,
  ): Promise<MembershipChange & { count: number }> {
    checkSegmentKey(segmentKey);
    const entered = enteredOnParam(enteredOn);
    const { sql, params, column } = this.compileMembers(member);
    const table = `sd_member_stage_${++staging}`;
    const d = this.d;
    return this.connections.write(async (c) => {
      await c.execute(createStagingTableSql(d, table), []);
      try {
        await c.execute(stageQueryKeysSql(d, table, sql, column), params);
        const removed = await c.execute(removeUnstagedSql(d, table), [segmentKey]);
        const added = await c.execute(addStagedSql(d, table), [segmentKey, entered]);
        const rows = await c.query(countStagedSql(table), []);
        await this.afterWrite(c, added + removed);
        return { added, removed, count: Number(rows[0]?.n ?? 0) };
      } finally {
        // After a failed statement the transaction refuses the DROP; its rollback drops the table.
        await c.execute(dropStagingTableSql(table), []).catch(() => undefined);
      }
    });
  }

  async clear(segmentKey: number): Promise<number> {
    checkSegmentKey(segmentKey);
    return this.connections.write(async (c) => {
      const removed = await c.execute(clearMembersSql(this.d), [segmentKey]);
      await this.afterWrite(c, removed);
      return removed;
    });
  }

  async keysOfIds(ids: readonly string[]): Promise<RoaringBitmap32> {
    const keys = emptyBitmap();
    if (ids.length === 0) return keys;
    const contact = this.compiler.schema.entities.get(MEMBER_ENTITY);
    if (contact === undefined) throw new Error(`the schema has no '${MEMBER_ENTITY}' entity`);
    const param = memberIdsParam(this.d, ids);
    const rows = await this.connections.read(async (c) => {
      const lookup = await this.idLookup(c, contact.logicalName);
      const sql = memberKeysOfIdsSql(this.d, contact.logicalName, contact.primaryIdAttribute, lookup);
      return c.query(sql, [param]);
    });
    const text = rows[0]?.keys;
    if (typeof text === 'string') addKeysText(keys, text);
    return keys;
  }

  /**
   * Index probes where the store probes indexes and the member table is a plain table; a
   * partitioned PostgreSQL table (scale-out: partitions on other servers) gets the set-based
   * lookup. Decided once per store (its compiler): the layout is set up before the server starts.
   */
  private async idLookup(c: DriverConnection, table: string): Promise<IdLookup> {
    if (!this.d.indexesLookups) return 'set';
    const known = idLookups.get(this.compiler);
    if (known !== undefined) return known;
    const rows = await c.query(tableKindSql(), [`"${table}"`]);
    const lookup: IdLookup = rows[0]?.kind === 'r' ? 'probe' : 'set';
    idLookups.set(this.compiler, lookup);
    return lookup;
  }

  private listText(keys: Uint32Array): string {
    return keyListText((values) => this.d.listText(values), keys);
  }

  private compileMembers(member: MemberQuery): {
    sql: string;
    params: (string | number | boolean)[];
    column: string;
  } {
    const { query, column } = memberKeyQuery(this.compiler.schema, member);
    const compiled = this.compiler.compile(query);
    return { sql: compiled.sql, params: compiled.params, column };
  }

  /** Reads the members in bands of contact keys so that no single text grows too long. */
  private async readMembers(c: DriverConnection, segmentKey: number): Promise<RoaringBitmap32> {
    const stats = (await c.query(memberStatsSql(this.d), [segmentKey]))[0];
    const n = Number(stats?.n ?? 0);
    const members = emptyBitmap();
    if (n === 0) return members;
    const lo = Number(stats?.lo);
    const hi = Number(stats?.hi);
    const bands = Math.ceil(n / KEYS_PER_READ);
    const width = Math.ceil((hi - lo + 1) / bands);
    for (let from = lo; from <= hi; from += width) {
      const to = Math.min(hi, from + width - 1, MAX_MEMBER_KEY);
      const rows = await c.query(memberKeysTextSql(this.d), [segmentKey, from, to]);
      const text = rows[0]?.keys;
      if (typeof text === 'string') addKeysText(members, text);
    }
    return members;
  }

  private async addKeys(
    c: DriverConnection,
    segmentKey: number,
    keys: RoaringBitmap32,
    entered: string,
  ): Promise<number> {
    const sql = addMemberListSql(this.d);
    let added = 0;
    for (const chunk of keyChunks(keys)) {
      added += await c.execute(sql, [segmentKey, this.listText(chunk), entered]);
    }
    return added;
  }

  private async removeKeys(c: DriverConnection, segmentKey: number, keys: RoaringBitmap32): Promise<number> {
    const sql = removeMemberListSql(this.d);
    let removed = 0;
    for (const chunk of keyChunks(keys)) {
      removed += await c.execute(sql, [segmentKey, this.listText(chunk)]);
    }
    return removed;
  }
}
