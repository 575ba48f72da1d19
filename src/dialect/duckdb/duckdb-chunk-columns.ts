import duckdb from '@duckdb/node-bindings';
import { type DuckDBType, DuckDBTypeId } from '@duckdb/node-api';
import type { SqlParam } from '../../sql/parameter-value.ts';
import { scaledDecimal } from '../../sql/parameter-value.ts';

/**
 * Column buffers of DuckDB data chunks, filled from checked parameter values. Fixed-width values
 * (integers, doubles, booleans, and GUIDs, instants, dates, decimals in DuckDB's own binary form)
 * are written into a JavaScript buffer and copied into the chunk's vector with one native call
 * per column and chunk; only strings cost a native call each. The values are the canonical text
 * of `toSqlParam` (src/sql/parameter-value.ts), so the encodings below read that text.
 */

/** How a table column's values are laid out in a vector. */
export type ChunkEncoding =
  | { kind: 'int32' | 'int64' | 'double' | 'boolean' | 'varchar' | 'uuid' | 'timestamp' | 'date' }
  /** `limit`: 10^width, the first value out of the decimal's range. */
  | { kind: 'decimal'; width: number; scale: number; limit: bigint };

/** The encoding of a DuckDB column type, or undefined for a type this writer does not fill. */
export function chunkEncoding(type: DuckDBType): ChunkEncoding | undefined {
  switch (type.typeId) {
    case DuckDBTypeId.INTEGER:
      return { kind: 'int32' };
    case DuckDBTypeId.BIGINT:
      return { kind: 'int64' };
    case DuckDBTypeId.DOUBLE:
      return { kind: 'double' };
    case DuckDBTypeId.BOOLEAN:
      return { kind: 'boolean' };
    case DuckDBTypeId.VARCHAR:
      return { kind: 'varchar' };
    case DuckDBTypeId.UUID:
      return { kind: 'uuid' };
    case DuckDBTypeId.TIMESTAMP:
      return { kind: 'timestamp' };
    case DuckDBTypeId.DATE:
      return { kind: 'date' };
    case DuckDBTypeId.DECIMAL:
      return { kind: 'decimal', width: type.width, scale: type.scale, limit: 10n ** BigInt(type.width) };
    default:
      return undefined;
  }
}

/** Bytes per value in a vector of the encoding (a VARCHAR vector holds 16-byte string_t). */
function valueBytes(e: ChunkEncoding): number {
  switch (e.kind) {
    case 'boolean':
      return 1;
    case 'int32':
    case 'date':
      return 4;
    case 'int64':
    case 'double':
    case 'timestamp':
      return 8;
    case 'varchar':
    case 'uuid':
      return 16;
    case 'decimal':
      return e.width <= 4 ? 2 : e.width <= 9 ? 4 : e.width <= 18 ? 8 : 16;
  }
}

const SECONDS_PER_DAY = 86_400;
const TWO_32 = 2 ** 32;
const SIGN_BIT = 0x80000000;
const DIGIT_0 = 48;

/** The number written by `width` decimal digits of `s` from `at`, or NaN when one is not a digit. */
function digits(s: string, at: number, width: number): number {
  let n = 0;
  for (let i = at; i < at + width; i++) {
    const d = s.charCodeAt(i) - DIGIT_0;
    if (d < 0 || d > 9) return NaN;
    n = n * 10 + d;
  }
  return n;
}

/** Days from 1970-01-01 to a proleptic Gregorian date (H. Hinnant's days_from_civil). */
function daysFromCivil(y: number, m: number, d: number): number {
  const year = m <= 2 ? y - 1 : y;
  const era = Math.floor(year / 400);
  const yoe = year - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

/** The days since 1970 of `YYYY-MM-DD` at the start of `s`, or NaN when it is not that shape. */
function dateDays(s: string): number {
  if (s.charCodeAt(4) !== 45 || s.charCodeAt(7) !== 45) return NaN; // '-'
  return daysFromCivil(digits(s, 0, 4), digits(s, 5, 2), digits(s, 8, 2));
}

/** The hex digit values of GUID text from `at` (`width` digits, at most 8), or NaN. */
function hex(s: string, at: number, width: number): number {
  let n = 0;
  for (let i = at; i < at + width; i++) {
    const c = s.charCodeAt(i);
    const d = c >= 48 && c <= 57 ? c - 48 : c >= 97 && c <= 102 ? c - 87 : c >= 65 && c <= 70 ? c - 55 : -1;
    if (d < 0) return NaN;
    n = n * 16 + d;
  }
  return n;
}

function unexpected(kind: string, v: SqlParam): Error {
  return new Error(`the bulk path cannot write ${JSON.stringify(v)} into a ${kind} column`);
}

/** Writes one non-null value at byte `offset` of `view` in the column's binary form. */
function encode(view: DataView, offset: number, e: ChunkEncoding, v: SqlParam): void {
  switch (e.kind) {
    case 'int32':
      view.setInt32(offset, Number(v), true);
      return;
    case 'int64':
      view.setBigInt64(offset, BigInt(v), true);
      return;
    case 'double':
      view.setFloat64(offset, Number(v), true);
      return;
    case 'boolean':
      view.setUint8(offset, v === true ? 1 : 0);
      return;
    case 'uuid': {
      // DuckDB keeps a UUID as a 128-bit integer (lower half first) with the top bit flipped, so
      // that signed comparison orders UUIDs as their text does.
      const s = String(v);
      const high = hex(s, 0, 8);
      const midHigh = hex(s, 9, 4) * 0x10000 + hex(s, 14, 4);
      const midLow = hex(s, 19, 4) * 0x10000 + hex(s, 24, 4);
      const low = hex(s, 28, 8);
      if (s.length !== 36 || Number.isNaN(high + midHigh + midLow + low)) throw unexpected('UUID', v);
      view.setUint32(offset, low, true);
      view.setUint32(offset + 4, midLow, true);
      view.setUint32(offset + 8, midHigh, true);
      view.setUint32(offset + 12, (high ^ SIGN_BIT) >>> 0, true);
      return;
    }
    case 'timestamp': {
      // `YYYY-MM-DD HH:MM:SS`, as toSqlParam writes an instant.
      const s = String(v);
      const seconds =
        dateDays(s) * SECONDS_PER_DAY + digits(s, 11, 2) * 3600 + digits(s, 14, 2) * 60 + digits(s, 17, 2);
      if (s.length !== 19 || Number.isNaN(seconds)) throw unexpected('TIMESTAMP', v);
      const ms = seconds * 1000;
      // Microseconds exceed 2^53 for far dates: multiply the two 32-bit halves separately.
      const msHigh = Math.floor(ms / TWO_32);
      const lowMicros = (ms - msHigh * TWO_32) * 1000;
      const carry = Math.floor(lowMicros / TWO_32);
      view.setUint32(offset, lowMicros - carry * TWO_32, true);
      view.setInt32(offset + 4, msHigh * 1000 + carry, true);
      return;
    }
    case 'date': {
      const s = String(v);
      const days = dateDays(s);
      if (s.length !== 10 || Number.isNaN(days)) throw unexpected('DATE', v);
      view.setInt32(offset, days, true);
      return;
    }
    case 'decimal': {
      const n = scaledDecimal(String(v), e.scale);
      if ((n < 0n ? -n : n) >= e.limit) throw unexpected(`DECIMAL(${e.width},${e.scale})`, v);
      const bytes = valueBytes(e);
      if (bytes === 2) view.setInt16(offset, Number(n), true);
      else if (bytes === 4) view.setInt32(offset, Number(n), true);
      else if (bytes === 8) view.setBigInt64(offset, n, true);
      else {
        view.setBigUint64(offset, BigInt.asUintN(64, n), true);
        view.setBigInt64(offset + 8, BigInt.asIntN(64, n >> 64n), true);
      }
      return;
    }
    case 'varchar':
      throw new Error('strings are assigned one by one, not encoded');
  }
}

/** Scratch buffers for one chunk's worth of a column, reused across columns and chunks. */
export class ChunkScratch {
  private readonly data: ArrayBuffer;
  private readonly view: DataView;
  private readonly bytes: Uint8Array;
  private readonly validityBuffer: ArrayBuffer;
  private readonly validity: Uint8Array;
  /** All zeros: no row valid, and empty inlined strings. */
  private readonly zeros: ArrayBuffer;

  constructor(readonly rows: number) {
    this.data = new ArrayBuffer(rows * 16);
    this.view = new DataView(this.data);
    this.bytes = new Uint8Array(this.data);
    this.validityBuffer = new ArrayBuffer(Math.ceil(rows / 64) * 8);
    this.validity = new Uint8Array(this.validityBuffer);
    this.zeros = new ArrayBuffer(rows * 16);
  }

  /** Marks every row of the vector null (a column the write leaves empty). */
  writeNulls(vector: duckdb.Vector, encoding: ChunkEncoding | undefined, count: number): void {
    duckdb.vector_ensure_validity_writable(vector);
    duckdb.copy_data_to_vector_validity(vector, 0, this.zeros, 0, Math.ceil(count / 64) * 8);
    // Null strings still read as well-formed (empty) string_t, whatever the buffer held before.
    if (encoding?.kind === 'varchar') duckdb.copy_data_to_vector(vector, 0, this.zeros, 0, count * 16);
  }

  /** Writes rows `start … start + count - 1` of `values` into the vector. */
  write(
    vector: duckdb.Vector,
    encoding: ChunkEncoding,
    values: readonly (SqlParam | null)[],
    start: number,
    count: number,
  ): void {
    const validity = this.validity;
    const validityBytes = Math.ceil(count / 64) * 8;
    validity.fill(0, 0, validityBytes);
    if (encoding.kind === 'varchar') {
      duckdb.copy_data_to_vector(vector, 0, this.zeros, 0, count * 16);
      for (let i = 0; i < count; i++) {
        const v = values[start + i] ?? null;
        if (v === null) continue;
        validity[i >> 3] = (validity[i >> 3] as number) | (1 << (i & 7));
        duckdb.vector_assign_string_element(vector, i, typeof v === 'string' ? v : String(v));
      }
    } else {
      const width = valueBytes(encoding);
      const view = this.view;
      // Runs of equal values (timestamps, owners, codes) are encoded once and copied.
      let last: SqlParam | null = null;
      let lastOffset = -1;
      for (let i = 0; i < count; i++) {
        const v = values[start + i] ?? null;
        if (v === null) continue;
        validity[i >> 3] = (validity[i >> 3] as number) | (1 << (i & 7));
        const offset = i * width;
        if (v === last && lastOffset >= 0) {
          this.bytes.copyWithin(offset, lastOffset, lastOffset + width);
        } else {
          encode(view, offset, encoding, v);
          last = v;
        }
        lastOffset = offset;
      }
      duckdb.copy_data_to_vector(vector, 0, this.data, 0, count * width);
    }
    duckdb.vector_ensure_validity_writable(vector);
    duckdb.copy_data_to_vector_validity(vector, 0, this.validityBuffer, 0, validityBytes);
  }
}
