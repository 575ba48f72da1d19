import { createReadStream } from 'node:fs';
import { extname } from 'node:path';
import { readCsvRecords } from './csv-reader.ts';
import type { CsvReaderOptions } from './csv-reader.ts';
import { readJsonArrayRecords } from './json-array-reader.ts';
import { readNdjsonRecords } from './ndjson-reader.ts';
import type { ReadItem, RecordInput } from './read-item.ts';

export type RecordFormat = 'csv' | 'ndjson' | 'json';

export const RECORD_FORMATS: readonly RecordFormat[] = ['csv', 'ndjson', 'json'];

const FORMAT_BY_EXTENSION: Record<string, RecordFormat> = {
  '.csv': 'csv',
  '.ndjson': 'ndjson',
  '.jsonl': 'ndjson',
  '.json': 'json',
};

/** The format a file name's extension announces (case-insensitive), if any. */
export function formatFromFileName(fileName: string): RecordFormat | undefined {
  return FORMAT_BY_EXTENSION[extname(fileName).toLowerCase()];
}

export function isRecordFormat(name: string): name is RecordFormat {
  return (RECORD_FORMATS as readonly string[]).includes(name);
}

export interface RecordReaderOptions {
  /** CSV only. */
  csv?: CsvReaderOptions;
}

/** Reads records of `format` from any chunk source (a file stream, stdin). */
export function readRecords(
  input: RecordInput,
  format: RecordFormat,
  options: RecordReaderOptions = {},
): AsyncIterable<ReadItem> {
  switch (format) {
    case 'csv':
      return readCsvRecords(input, options.csv);
    case 'ndjson':
      return readNdjsonRecords(input);
    case 'json':
      return readJsonArrayRecords(input);
  }
}

/** A file whose format is neither given nor told by its extension. */
export class UnknownRecordFormatError extends Error {
  override name = 'UnknownRecordFormatError';
}

/**
 * Opens a record file. The format comes from `format`, else from the extension (.csv, .ndjson,
 * .jsonl, .json). Throws `UnknownRecordFormatError` when neither names one; errors opening or
 * reading the file (ENOENT, EACCES) surface when the records are iterated.
 */
export function readRecordFile(
  path: string,
  format?: RecordFormat,
  options: RecordReaderOptions = {},
): AsyncIterable<ReadItem> {
  const resolved = format ?? formatFromFileName(path);
  if (resolved === undefined) {
    throw new UnknownRecordFormatError(
      `cannot tell the format of '${path}' from its extension; name one of ${RECORD_FORMATS.join(', ')} (.csv, .ndjson or .jsonl, .json)`,
    );
  }
  return readRecords(createReadStream(path, { highWaterMark: 256 * 1024 }), resolved, options);
}
