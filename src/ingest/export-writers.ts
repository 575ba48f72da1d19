import type { Writable } from 'node:stream';
import type { Row, Value } from '../ir/nodes.ts';

/**
 * Streams rows to CSV or NDJSON on a Writable (a file, stdout, an HTTP response), waiting for the
 * stream to drain whenever it asks to, so memory stays flat however many rows there are. The
 * writers do not end the stream: the caller owns it (stdout must stay open).
 */

export type RowSource = AsyncIterable<Row> | Iterable<Row>;

export interface CsvWriteOptions {
  /** Write a header row of the column names (default true). */
  header?: boolean;
  /** Field delimiter (default `,`). */
  delimiter?: string;
  /** Line terminator (default `\n`; RFC 4180 and Excel use `\r\n`). */
  lineEnding?: '\n' | '\r\n';
}

export interface NdjsonWriteOptions {
  /** Write these properties, in this order (missing ones as null); default: each row as it is. */
  columns?: readonly string[];
}

/** Output is handed to the stream in pieces of about this size rather than one write per row. */
const WRITE_CHUNK_CHARS = 64 * 1024;

/**
 * One CSV field. Null is an empty unquoted field and the empty string is `""`, as PostgreSQL's CSV
 * COPY writes them (the segmentd CSV reader reads both back as null, Dataverse having no empty
 * strings). Fields are quoted when they hold the delimiter, a quote, a line break, or edge
 * whitespace.
 */
export function formatCsvField(value: Value | undefined, delimiter = ','): string {
  if (value === null || value === undefined) return '';
  const text = typeof value === 'string' ? value : String(value);
  if (
    text === '' ||
    text.includes(delimiter) ||
    text.includes('"') ||
    text.includes('\n') ||
    text.includes('\r') ||
    text.trim() !== text
  ) {
    return `"${text.replaceAll('"', '""')}"`;
  }
  return text;
}

/** Writes `rows` as CSV with `columns` in order; returns the number of data rows written. */
export async function writeCsvRows(
  rows: RowSource,
  columns: readonly string[],
  out: Writable,
  options: CsvWriteOptions = {},
): Promise<number> {
  const delimiter = options.delimiter ?? ',';
  const eol = options.lineEnding ?? '\n';
  const line = (values: readonly (Value | undefined)[]) =>
    values.map((v) => formatCsvField(v, delimiter)).join(delimiter) + eol;
  return writeLines(rows, out, options.header === false ? '' : line(columns), (row) =>
    line(columns.map((c) => row[c])),
  );
}

/** Writes `rows` as NDJSON, one object per line; returns the number of rows written. */
export async function writeNdjsonRows(
  rows: RowSource,
  out: Writable,
  options: NdjsonWriteOptions = {},
): Promise<number> {
  const columns = options.columns;
  const pick =
    columns === undefined
      ? (row: Row) => row
      : (row: Row): Row => Object.fromEntries(columns.map((c): [string, Value] => [c, row[c] ?? null]));
  return writeLines(rows, out, '', (row) => `${JSON.stringify(pick(row))}\n`);
}

async function writeLines(
  rows: RowSource,
  out: Writable,
  first: string,
  format: (row: Row) => string,
): Promise<number> {
  const sink = new BackpressuredSink(out);
  try {
    let pending = first;
    let count = 0;
    for await (const row of rows) {
      pending += format(row);
      count++;
      if (pending.length >= WRITE_CHUNK_CHARS) {
        await sink.write(pending);
        pending = '';
      }
    }
    if (pending !== '') await sink.write(pending);
    return count;
  } finally {
    sink.release();
  }
}

/**
 * Writes to a stream, waiting for 'drain' when it is full. It listens for 'error' for as long as it
 * is used, so a failing stream rejects the write rather than crashing the process.
 */
class BackpressuredSink {
  private failure: Error | undefined;
  private readonly onError = (e: Error) => {
    this.failure ??= e;
  };

  constructor(private readonly out: Writable) {
    out.on('error', this.onError);
  }

  async write(chunk: string): Promise<void> {
    this.check();
    if (this.out.write(chunk)) return;
    await new Promise<void>((resolve, reject) => {
      const done = (e?: Error) => {
        this.out.off('drain', onDrain);
        this.out.off('error', onFail);
        this.out.off('close', onClose);
        if (e === undefined) resolve();
        else reject(e);
      };
      const onDrain = () => done();
      const onFail = (e: Error) => done(e);
      const onClose = () =>
        done(this.failure ?? new Error('the output stream closed before all rows were written'));
      this.out.on('drain', onDrain);
      this.out.on('error', onFail);
      this.out.on('close', onClose);
    });
  }

  release(): void {
    this.out.off('error', this.onError);
  }

  private check(): void {
    const failure = this.failure ?? this.out.errored ?? undefined;
    if (failure !== undefined && failure !== null) throw failure;
    if (this.out.destroyed || this.out.writableEnded) throw new Error('the output stream is closed');
  }
}
