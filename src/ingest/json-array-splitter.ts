/**
 * Splits the text of a top-level JSON array into the texts of its elements, incrementally, so a
 * file of any size is read in constant memory (one element at a time). It only tracks what it
 * needs to find element boundaries — strings, escapes and bracket nesting — and leaves checking
 * each element to `JSON.parse`, so a malformed element is reported and the next one still read.
 * Damage to the array itself (no leading `[`, text after the closing `]`, the file ending inside
 * the array) ends the split with one error.
 */

export type SplitItem =
  { readonly line: number; readonly text: string } | { readonly line: number; readonly error: string };

/**
 * Elements longer than this are reported instead of buffered, so an unclosed string cannot make
 * the reader hold the rest of the file in memory.
 */
export const DEFAULT_MAX_ELEMENT_CHARS = 16 * 1024 * 1024;

type State =
  /** Before the opening `[`. */
  | 'start'
  /** After `[` or `,`, before the next element. */
  | 'beforeElement'
  /** Inside an element. */
  | 'element'
  /** After the closing `]`: only whitespace may follow. */
  | 'after'
  /** A fatal error was reported; the rest is ignored. */
  | 'failed';

const BRACKET_OPEN_CURLY = 0x7b;
const BRACKET_CLOSE_CURLY = 0x7d;
const BRACKET_OPEN_SQUARE = 0x5b;
const BRACKET_CLOSE_SQUARE = 0x5d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const NEWLINE = 0x0a;

function isJsonWhitespace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}

export class JsonArraySplitter {
  private state: State = 'start';
  private line = 1;
  /** Whether the last separator was a comma (so `]` now would close a trailing comma). */
  private afterComma = false;
  private elementLine = 0;
  private parts: string[] = [];
  private partsLength = 0;
  private oversized = false;
  private depth = 0;
  private inString = false;
  private escaped = false;
  private sawBom = false;

  constructor(private readonly maxElementChars = DEFAULT_MAX_ELEMENT_CHARS) {}

  /** Feeds the next chunk of text; returns the elements (and errors) it completed. */
  push(chunk: string): SplitItem[] {
    const out: SplitItem[] = [];
    // Where the current element's text starts in this chunk (0 when it began in an earlier one).
    let segmentStart = 0;
    for (let i = 0; i < chunk.length; i++) {
      const c = chunk.charCodeAt(i);
      switch (this.state) {
        case 'failed':
          return out;
        case 'start':
          if (c === 0xfeff && !this.sawBom && this.line === 1) {
            this.sawBom = true;
          } else if (c === BRACKET_OPEN_SQUARE) {
            this.state = 'beforeElement';
            this.afterComma = false;
          } else if (!isJsonWhitespace(c)) {
            out.push(this.fail(`expected a JSON array starting with '[', found '${chunk[i]}'`));
            return out;
          }
          break;
        case 'beforeElement':
          if (isJsonWhitespace(c)) break;
          if (c === BRACKET_CLOSE_SQUARE) {
            if (this.afterComma)
              out.push({ line: this.line, error: "a trailing comma before the closing ']'" });
            this.state = 'after';
          } else if (c === COMMA) {
            out.push({ line: this.line, error: 'an empty element (two commas in a row)' });
            this.afterComma = true;
          } else {
            this.startElement();
            segmentStart = i;
            i--; // let the element state see this character
          }
          break;
        case 'element': {
          if (this.inString) {
            if (this.escaped) this.escaped = false;
            else if (c === BACKSLASH) this.escaped = true;
            else if (c === QUOTE) this.inString = false;
          } else if (c === QUOTE) {
            this.inString = true;
          } else if (c === BRACKET_OPEN_CURLY || c === BRACKET_OPEN_SQUARE) {
            this.depth++;
          } else if ((c === BRACKET_CLOSE_CURLY || c === BRACKET_CLOSE_SQUARE) && this.depth > 0) {
            this.depth--;
          } else if (this.depth === 0 && (c === COMMA || c === BRACKET_CLOSE_SQUARE)) {
            // The element ends here; an unbalanced `}` at depth 0 stays in it for JSON.parse to reject.
            this.collect(chunk, segmentStart, i);
            out.push(this.finishElement());
            if (c === COMMA) {
              this.state = 'beforeElement';
              this.afterComma = true;
            } else {
              this.state = 'after';
            }
          }
          break;
        }
        case 'after':
          if (!isJsonWhitespace(c)) {
            out.push(this.fail(`unexpected '${chunk[i]}' after the array's closing ']'`));
            return out;
          }
          break;
      }
      if (c === NEWLINE) this.line++;
    }
    if (this.state === 'element') this.collect(chunk, segmentStart, chunk.length);
    return out;
  }

  /** Ends the input; reports an array that was never opened or never closed. */
  end(): SplitItem[] {
    switch (this.state) {
      case 'start':
        return [this.fail("expected a JSON array starting with '[', found the end of the input")];
      case 'beforeElement':
        return [this.fail("the input ends before the array's closing ']'")];
      case 'element':
        return [
          this.fail(
            this.oversized
              ? `the input ends inside this element, already longer than ${this.maxElementChars} characters (is a string left open?)`
              : "the input ends inside this element (the array's closing ']' is missing)",
            this.elementLine,
          ),
        ];
      case 'after':
      case 'failed':
        return [];
    }
  }

  private startElement(): void {
    this.state = 'element';
    this.elementLine = this.line;
    this.parts = [];
    this.partsLength = 0;
    this.oversized = false;
    this.depth = 0;
    this.inString = false;
    this.escaped = false;
  }

  private collect(chunk: string, from: number, to: number): void {
    if (this.oversized || to <= from) return;
    this.partsLength += to - from;
    if (this.partsLength > this.maxElementChars) {
      this.oversized = true;
      this.parts = [];
      return;
    }
    this.parts.push(chunk.slice(from, to));
  }

  private finishElement(): SplitItem {
    const line = this.elementLine;
    if (this.oversized) {
      return { line, error: `an element longer than ${this.maxElementChars} characters` };
    }
    const text = this.parts.join('');
    this.parts = [];
    return { line, text };
  }

  private fail(error: string, line = this.line): SplitItem {
    this.state = 'failed';
    this.parts = [];
    return { line, error };
  }
}
