/**
 * What every record reader yields: a record with the line it starts on, or a malformed piece of
 * input with the line and the reason. Readers report bad input as items rather than throwing, so an
 * import can list every bad row and go on with the good ones.
 */

export interface ReadRecord {
  /** 1-based line of the input where the record starts. */
  readonly line: number;
  readonly record: Record<string, unknown>;
}

export interface ReadError {
  /** 1-based line of the input where the malformed piece starts. */
  readonly line: number;
  readonly error: string;
}

export type ReadItem = ReadRecord | ReadError;

/** The input of a reader: a file stream, stdin, or any chunk source (bytes are decoded as UTF-8). */
export type RecordInput = AsyncIterable<Uint8Array | string> | Iterable<Uint8Array | string>;

export function isReadError(item: ReadItem): item is ReadError {
  return 'error' in item;
}

/** A JSON value that can be a record: an object, not an array or null. */
export function isJsonObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Names the JSON type of a value for messages ("found an array"). */
export function describeJsonType(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'string') return 'a string';
  if (typeof v === 'number') return 'a number';
  if (typeof v === 'boolean') return 'a boolean';
  return 'an object';
}
