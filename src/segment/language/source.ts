/**
 * The text of one segment query and the mapping from offsets to lines and columns. Offsets,
 * lengths and columns count UTF-16 code units (JavaScript string indices), so an editor that
 * highlights `text.slice(offset, offset + length)` marks exactly the reported text.
 */

/** A 1-based line and column. */
export interface Position {
  readonly line: number;
  readonly column: number;
}

export class QuerySource {
  /** Offsets at which each line starts; line breaks are `\n`, `\r\n` and `\r`. */
  private readonly lineStarts: number[] = [0];

  constructor(readonly text: string) {
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 10) this.lineStarts.push(i + 1);
      else if (c === 13) {
        if (text.charCodeAt(i + 1) === 10) i++;
        this.lineStarts.push(i + 1);
      }
    }
  }

  /** The line and column of an offset (`text.length` is the position just after the last character). */
  position(offset: number): Position {
    let lo = 0;
    let hi = this.lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.lineStarts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: offset - this.lineStarts[lo]! + 1 };
  }
}
