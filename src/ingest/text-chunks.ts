import type { RecordInput } from './read-item.ts';

/**
 * Decodes a chunk source as UTF-8 text, chunk by chunk (a multi-byte character split across chunks
 * is joined), without the byte-order mark some editors put first. Invalid bytes become U+FFFD, so
 * a bad byte spoils one value rather than the whole import.
 */
export async function* decodeText(input: RecordInput): AsyncGenerator<string> {
  const decoder = new TextDecoder('utf-8', { ignoreBOM: false });
  for await (const chunk of input) {
    const text = typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true });
    if (text !== '') yield text;
  }
  const rest = decoder.decode();
  if (rest !== '') yield rest;
}

export interface TextLine {
  /** 1-based line number. */
  readonly line: number;
  /** The line without its terminator (`\n` or `\r\n`). */
  readonly text: string;
}

/** Splits text into lines at `\n` (dropping a `\r` before it), holding only the current line in memory. */
export async function* splitLines(input: RecordInput): AsyncGenerator<TextLine> {
  let line = 1;
  let pending = '';
  let first = true;
  for await (let text of decodeText(input)) {
    // TextDecoder drops a BOM only in byte input; strings handed in directly may still carry one.
    if (first && text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    first = false;
    let start = 0;
    for (let nl = text.indexOf('\n'); nl !== -1; nl = text.indexOf('\n', start)) {
      const piece = pending + text.slice(start, nl);
      pending = '';
      yield { line, text: piece.endsWith('\r') ? piece.slice(0, -1) : piece };
      line++;
      start = nl + 1;
    }
    pending += text.slice(start);
  }
  if (pending !== '') yield { line, text: pending.endsWith('\r') ? pending.slice(0, -1) : pending };
}
