/**
 * Turns byte offsets of a stream into line numbers. It sees each chunk as it goes into a parser and
 * answers "how many newlines come before byte N" for increasing N, dropping chunks once they are
 * behind the last question, so it holds only what the parser has read ahead.
 */
export class NewlineTracker {
  private readonly chunks: Uint8Array[] = [];
  /** Absolute offset of `chunks[0]`. */
  private chunkStart = 0;
  /** Newlines are counted in `[0, cursor)`. */
  private cursor = 0;
  private count = 0;

  add(chunk: Uint8Array): void {
    if (chunk.length > 0) this.chunks.push(chunk);
  }

  /**
   * Newlines in bytes `[0, offset)`. Offsets must not go backwards; an earlier offset gets the
   * answer for the latest one (the callers only ever move forward).
   */
  newlinesBefore(offset: number): number {
    while (this.cursor < offset) {
      const chunk = this.chunks[0];
      if (chunk === undefined) break;
      const from = this.cursor - this.chunkStart;
      const to = Math.min(chunk.length, offset - this.chunkStart);
      for (let i = chunk.indexOf(0x0a, from); i !== -1 && i < to; i = chunk.indexOf(0x0a, i + 1))
        this.count++;
      this.cursor = this.chunkStart + to;
      if (to === chunk.length) {
        this.chunks.shift();
        this.chunkStart += chunk.length;
      }
    }
    return this.count;
  }

  /** The 1-based line holding byte `offset`. */
  lineAt(offset: number): number {
    return 1 + this.newlinesBefore(offset);
  }
}
