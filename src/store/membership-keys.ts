import roaring from 'roaring';
import type { RoaringBitmap32 as Bitmap } from 'roaring';
import { InvalidValueError } from '../sql/errors.ts';
import { toSqlParam } from '../sql/parameter-value.ts';

const { RoaringBitmap32 } = roaring;

/** Surrogate keys are stored as 32-bit signed integers; roaring holds unsigned ones. */
export const MAX_MEMBER_KEY = 2147483647;

/** Keys per statement: a list parameter of ~1 MB; larger lists bought nothing in measurements. */
export const KEYS_PER_STATEMENT = 100_000;

/** Contact keys as a caller passes them. */
export type MemberKeys = Bitmap | readonly number[];

export function emptyBitmap(): Bitmap {
  return new RoaringBitmap32();
}

function keyError(value: unknown, detail: string): InvalidValueError {
  return new InvalidValueError('integer', value, detail);
}

/** A segment's surrogate key, checked. */
export function checkSegmentKey(segmentKey: number): number {
  if (!Number.isSafeInteger(segmentKey) || segmentKey < 0 || segmentKey > MAX_MEMBER_KEY) {
    throw keyError(segmentKey, `a segment key must be a whole number from 0 to ${MAX_MEMBER_KEY}`);
  }
  return segmentKey;
}

/** A contact's surrogate key, checked. */
export function checkContactKey(contactKey: number): number {
  if (!Number.isSafeInteger(contactKey) || contactKey < 0 || contactKey > MAX_MEMBER_KEY) {
    throw keyError(contactKey, `a contact key must be a whole number from 0 to ${MAX_MEMBER_KEY}`);
  }
  return contactKey;
}

/**
 * The keys as a bitmap (deduplicated), checked to fit the key column. A bitmap is used as it is
 * (never modified); an array is copied into a new one.
 */
export function memberBitmap(keys: MemberKeys): Bitmap {
  if (keys instanceof RoaringBitmap32) {
    if (!keys.isEmpty && keys.maximum() > MAX_MEMBER_KEY) {
      throw keyError(keys.maximum(), `a contact key must be a whole number from 0 to ${MAX_MEMBER_KEY}`);
    }
    return keys;
  }
  if (!Array.isArray(keys)) throw keyError(keys, 'expected a RoaringBitmap32 or an array of contact keys');
  const list = keys as readonly unknown[];
  for (const k of list) {
    if (typeof k !== 'number' || !Number.isInteger(k) || k < 0 || k > MAX_MEMBER_KEY) {
      throw keyError(k, `a contact key must be a whole number from 0 to ${MAX_MEMBER_KEY}`);
    }
  }
  return new RoaringBitmap32(list as readonly number[]);
}

/** The bitmap's keys in ascending runs of at most `size`, without materialising them all at once. */
export function* keyChunks(keys: Bitmap, size = KEYS_PER_STATEMENT): Generator<Uint32Array> {
  let from = 0;
  for (;;) {
    const chunk = keys.rangeUint32Array(from, size);
    if (chunk.length === 0) return;
    yield chunk;
    if (chunk.length < size) return;
    from += chunk.length;
  }
}

/** The text of a list parameter holding `keys` (see `SqlDialect.listText`). */
export function keyListText(listText: (values: readonly string[]) => string, keys: Uint32Array): string {
  const texts = new Array<string>(keys.length);
  for (let i = 0; i < keys.length; i++) texts[i] = String(keys[i]);
  return listText(texts);
}

/** Adds the keys of `text` (comma-separated, as `string_agg` returns them) to `into`. */
export function addKeysText(into: Bitmap, text: string): void {
  if (text === '') return;
  const parts = text.split(',');
  const keys = new Uint32Array(parts.length);
  for (let i = 0; i < parts.length; i++) keys[i] = Number(parts[i]);
  into.addMany(keys);
}

/** A membership's entered_on as the datetime parameter the store binds. */
export function enteredOnParam(enteredOn: Date): string {
  if (!(enteredOn instanceof Date) || Number.isNaN(enteredOn.getTime())) {
    throw new InvalidValueError('datetime', String(enteredOn), 'entered_on must be a valid Date');
  }
  return String(toSqlParam(`${enteredOn.toISOString().slice(0, 19)}Z`, 'datetime'));
}
