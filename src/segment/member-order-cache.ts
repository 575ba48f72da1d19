/**
 * Ordered member lists (src/segment/member-order.ts) kept between requests, so that a page of a
 * large segment in some order — `(SEGMENT(x)).ORDERBY(fullname ASC).SKIP(k).TAKE(15)` — costs a
 * slice of a list and a read of 15 rows by key instead of sorting every member again (DuckDB has
 * no ordered index) or walking k index entries (PostgreSQL's OFFSET).
 *
 * A list is kept under the change versions (src/store/change-versions.ts) of every table it was
 * read from, read *before* the list was: any write committed since raises one of them, and the
 * list is then read again. The versions are read from the database where several processes
 * share it (PostgreSQL), so a write by another process is seen as well.
 *
 * Bounded: at most `maxLists` lists and `maxKeys` keys in all (least recently used first out); a
 * list larger than the whole budget is used once and not kept. Concurrent requests for the same
 * list at the same versions share one read.
 */

interface Entry {
  readonly versions: readonly number[];
  readonly keys: Promise<Int32Array>;
  /** Keys held, once the read is done (0 before). */
  size: number;
}

export interface MemberOrderCacheOptions {
  readonly maxLists?: number;
  readonly maxKeys?: number;
}

/** 16 lists, 32M keys (128 MiB) in all. */
const DEFAULT_MAX_LISTS = 16;
const DEFAULT_MAX_KEYS = 32_000_000;

export class MemberOrderCache {
  private readonly entries = new Map<string, Entry>();
  private held = 0;
  private readonly maxLists: number;
  private readonly maxKeys: number;

  constructor(options: MemberOrderCacheOptions = {}) {
    this.maxLists = options.maxLists ?? DEFAULT_MAX_LISTS;
    this.maxKeys = options.maxKeys ?? DEFAULT_MAX_KEYS;
  }

  /** The list `text` at exactly `versions`, if kept (or being read). */
  peek(text: string, versions: readonly number[]): Promise<Int32Array> | undefined {
    const entry = this.entries.get(text);
    if (entry === undefined || !sameVersions(entry.versions, versions)) return undefined;
    this.touch(text, entry);
    return entry.keys;
  }

  /**
   * The list `text` at `versions`: the kept one when its versions are these, else `read()` —
   * called only after `versions` were read — kept unless a list of later versions is kept already.
   */
  get(text: string, versions: readonly number[], read: () => Promise<Int32Array>): Promise<Int32Array> {
    const kept = this.peek(text, versions);
    if (kept !== undefined) return kept;
    const existing = this.entries.get(text);
    const keys = read();
    if (existing !== undefined && newer(existing.versions, versions)) return keys;
    if (existing !== undefined) this.remove(text, existing);
    const entry: Entry = { versions, keys, size: 0 };
    this.entries.set(text, entry);
    keys.then(
      (list) => {
        if (this.entries.get(text) !== entry) return;
        entry.size = list.length;
        this.held += list.length;
        this.evict();
      },
      () => {
        if (this.entries.get(text) === entry) this.remove(text, entry);
      },
    );
    return keys;
  }

  /** Lists and keys held (for tests and diagnostics). */
  get stats(): { lists: number; keys: number } {
    return { lists: this.entries.size, keys: this.held };
  }

  private touch(text: string, entry: Entry): void {
    this.entries.delete(text);
    this.entries.set(text, entry);
  }

  private remove(text: string, entry: Entry): void {
    this.entries.delete(text);
    this.held -= entry.size;
  }

  /** Drops the least recently used lists until both bounds hold (a list being read counts 0). */
  private evict(): void {
    for (const [text, entry] of this.entries) {
      if (this.entries.size <= this.maxLists && this.held <= this.maxKeys) return;
      this.remove(text, entry);
    }
  }
}

function sameVersions(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

/** Some version of `a` is later than `b`'s: `a` was read after a write `b` predates. */
function newer(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.some((v, i) => v > (b[i] as number));
}
