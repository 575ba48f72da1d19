import { pipeline, Readable } from 'node:stream';
import { CsvError, parse } from 'csv-parse';
import type { Info } from 'csv-parse';
import { NewlineTracker } from './newline-tracker.ts';
import type { ReadItem, RecordInput } from './read-item.ts';

export interface CsvReaderOptions {
  /** Field delimiter, one character (default `,`; `;` is common in European spreadsheet exports). */
  delimiter?: string;
  /**
   * Records longer than this many bytes end the read with an error instead of being buffered
   * (a quote left open would otherwise swallow the rest of the file). Default 16 MiB.
   */
  maxRecordBytes?: number;
}

interface ParsedRow {
  info: Info;
  record: string[];
}

interface SkippedRow {
  /** Byte offset where csv-parse noticed the problem. */
  bytes: number;
  message: string;
  /** Nothing after this error can be trusted. */
  fatal: boolean;
}

const DEFAULT_MAX_RECORD_BYTES = 16 * 1024 * 1024;

/**
 * Reads CSV whose first row names the attributes (logical names). An empty field, quoted or not,
 * is null: Dataverse has no empty strings, and telling `""` apart through csv-parse's `cast` hook
 * made reading about six times slower. Rows with a different number of fields than the header,
 * and rows csv-parse cannot read (a stray quote), are reported with their line and reading goes
 * on; a header that cannot name the columns (empty or duplicate names) ends the read with one
 * error, and so do the two faults after which csv-parse cannot find the next row.
 *
 * Line numbers are computed from byte offsets rather than taken from csv-parse, whose line count
 * drifts on CRLF line breaks inside quoted fields.
 */
export async function* readCsvRecords(
  input: RecordInput,
  options: CsvReaderOptions = {},
): AsyncGenerator<ReadItem> {
  const lines = new NewlineTracker();
  const skipped: SkippedRow[] = [];
  const maxRecordBytes = options.maxRecordBytes ?? DEFAULT_MAX_RECORD_BYTES;
  // Set on an error csv-parse cannot recover from: no more input is fed, nothing after it is yielded.
  let stopAt: number | undefined;
  const parser = parse({
    bom: true,
    delimiter: options.delimiter ?? ',',
    info: true,
    skip_empty_lines: true,
    // The reader checks field counts itself, to report them with the row's first line.
    relax_column_count: true,
    skip_records_with_error: true,
    max_record_size: maxRecordBytes,
    on_skip: (err: CsvError | undefined) => {
      if (err === undefined || stopAt !== undefined) return;
      // After these csv-parse loses its place in the input (it reads on inside the quote, or past
      // the oversized row), so later rows would be garbage or silently vanish: stop there instead.
      const fatal = err.code === 'CSV_MAX_RECORD_SIZE' || err.code === 'CSV_INVALID_CLOSING_QUOTE';
      const at = byteOffsetOf(err);
      if (fatal) stopAt = at;
      skipped.push({
        bytes: at,
        message: describeCsvError(err, maxRecordBytes) + (fatal ? '; reading stopped here' : ''),
        fatal,
      });
    },
  });
  const bytes = Readable.from(
    trackedBytes(input, lines, () => stopAt !== undefined),
    { objectMode: false },
  );
  // Errors of either stream reach the loop below through the parser; the callback only has to exist.
  pipeline(bytes, parser, () => {});

  let header: string[] | undefined;
  /** Reports the skipped rows before byte `before`; false once a fatal error was reported. */
  const flushSkipped = function* (before: number): Generator<ReadItem, boolean> {
    while (skipped.length > 0 && (skipped[0]?.bytes ?? 0) < before) {
      const s = skipped.shift() as SkippedRow;
      yield { line: lines.lineAt(s.bytes), error: s.message };
      if (s.fatal) return false;
    }
    return true;
  };
  try {
    for await (const row of parser as AsyncIterable<ParsedRow>) {
      const end = row.info.bytes;
      if (!(yield* flushSkipped(end))) return;
      if (stopAt !== undefined && end > stopAt) continue;
      const line = lines.lineAt(end - 1) - newlinesIn(row.record);
      if (header === undefined) {
        const problem = headerProblem(row.record);
        if (problem !== undefined) {
          yield { line, error: problem };
          return;
        }
        header = row.record.map((name) => name.trim());
        continue;
      }
      if (row.record.length !== header.length) {
        yield {
          line,
          error: `expected ${header.length} fields as in the header, found ${row.record.length}`,
        };
        continue;
      }
      const names = header;
      // fromEntries defines own properties, so a column named `__proto__` cannot touch the prototype.
      yield {
        line,
        record: Object.fromEntries(
          row.record.map((value, i): [string, string | null] => [
            names[i] ?? '',
            value === '' ? null : value,
          ]),
        ),
      };
    }
    yield* flushSkipped(Number.POSITIVE_INFINITY);
  } catch (e) {
    if (!(e instanceof CsvError)) throw e;
    if (!(yield* flushSkipped(Number.POSITIVE_INFINITY))) return;
    yield {
      line: lines.lineAt(byteOffsetOf(e)),
      error: `${describeCsvError(e, maxRecordBytes)}; reading stopped here`,
    };
  } finally {
    parser.destroy();
  }
}

async function* trackedBytes(
  input: RecordInput,
  lines: NewlineTracker,
  stopped: () => boolean,
): AsyncGenerator<Buffer> {
  for await (const chunk of input) {
    if (stopped()) return;
    const buf =
      typeof chunk === 'string'
        ? Buffer.from(chunk, 'utf8')
        : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    lines.add(buf);
    yield buf;
  }
}

/**
 * Where csv-parse was when it gave up: it updates its byte count at the end of each row, so this is
 * the start of the row in error (or of blank lines before it).
 */
function byteOffsetOf(err: CsvError): number {
  const bytes = (err as CsvError & { bytes?: unknown }).bytes;
  return typeof bytes === 'number' ? bytes : 0;
}

/** csv-parse's messages carry its own (drifting) line numbers and raw bytes; say it plainly instead. */
function describeCsvError(err: CsvError, maxRecordBytes: number): string {
  const column = (err as CsvError & { column?: unknown }).column;
  switch (err.code) {
    case 'INVALID_OPENING_QUOTE':
      return `a quote inside unquoted field ${typeof column === 'number' ? column + 1 : ''}; quote the whole field and double the quotes in it`.replace(
        ' ;',
        ';',
      );
    case 'CSV_INVALID_CLOSING_QUOTE':
      return "a quoted field's closing quote is followed by other characters instead of a delimiter or line break";
    case 'CSV_QUOTE_NOT_CLOSED':
      return 'a quoted field in this row is never closed: the rest of the input was read as part of it';
    case 'CSV_MAX_RECORD_SIZE':
      return `a row longer than ${maxRecordBytes} bytes (is a quote left open?)`;
    default:
      return err.message.replace(/\s+(at|on) line \d+/, '');
  }
}

/** Newlines inside the fields of a record: the lines it spans beyond its first. */
function newlinesIn(record: readonly string[]): number {
  let n = 0;
  for (const field of record) {
    for (let i = field.indexOf('\n'); i !== -1; i = field.indexOf('\n', i + 1)) n++;
  }
  return n;
}

function headerProblem(names: readonly string[]): string | undefined {
  const seen = new Set<string>();
  for (let i = 0; i < names.length; i++) {
    const name = (names[i] ?? '').trim();
    if (name === '') return `the header names no attribute for column ${i + 1}`;
    if (seen.has(name)) return `the header names '${name}' twice`;
    seen.add(name);
  }
  return undefined;
}
