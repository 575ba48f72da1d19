import type { Value } from '../ir/nodes.ts';
import type { EntityMetadata } from '../metadata/model.ts';

/**
 * The rows of a bulk create, built column by column as the record engine works out each row, so
 * that no per-row object stands between the engine and the store's column buffers. Row `i` is
 * the batch's record `i`; `finish` keeps the rows that are created. A column exists once some row
 * gives its attribute a value (an import fills a third of a wide entity's columns, the others are
 * not written); names that are not attributes of the entity are ignored.
 */
export class CreateColumns {
  private readonly columns = new Map<string, Value[]>();

  /** `rows`: the records of the batch. */
  constructor(
    private readonly entity: EntityMetadata,
    private readonly rows: number,
  ) {}

  /** Sets row `row`'s value of `name` (undefined writes null, as a missing value does). */
  set(row: number, name: string, v: Value | undefined): void {
    let column = this.columns.get(name);
    if (column === undefined) {
      if (v === null || v === undefined || !this.entity.attributes.has(name)) return;
      column = new Array<Value>(this.rows).fill(null);
      this.columns.set(name, column);
    }
    column[row] = v ?? null;
  }

  /**
   * The written attributes in the entity's order, and each one's values for the rows marked in
   * `created` (1: the row is created), in row order.
   */
  finish(created: Uint8Array): { attributes: string[]; columns: Value[][]; count: number } {
    let count = 0;
    for (let r = 0; r < this.rows; r++) count += created[r] === 1 ? 1 : 0;
    const attributes = [...this.entity.attributes.keys()].filter((a) => this.columns.has(a));
    const columns = attributes.map((a) => {
      const column = this.columns.get(a) as Value[];
      if (count === this.rows) return column;
      const kept = new Array<Value>(count);
      let k = 0;
      for (let r = 0; r < this.rows; r++) if (created[r] === 1) kept[k++] = column[r] as Value;
      return kept;
    });
    return { attributes, columns, count };
  }
}
