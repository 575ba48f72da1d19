import type { Value } from '../ir/nodes.ts';
import type { AttributeMetadata, EntityMetadata } from '../metadata/model.ts';
import { badPayload } from './errors.ts';

const GUID = /^[{(]?([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})[})]?$/i;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATETIME =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?)?(Z|[+-]\d{2}:?\d{2})?$/i;

/** Normalises a GUID (`{…}`, upper case) to Dataverse's lower-case hyphenated form, or undefined. */
export function parseGuid(text: string): string | undefined {
  const m = GUID.exec(text.trim());
  return m?.[1]?.toLowerCase();
}

function validDate(y: number, m: number, d: number): boolean {
  if (m < 1 || m > 12 || d < 1) return false;
  const days = new Date(Date.UTC(y, m, 0)).getUTCDate();
  return d <= days;
}

/** `YYYY-MM-DD` when `text` is a valid calendar date, else undefined. */
export function parseDateOnly(text: string): string | undefined {
  const m = DATE.exec(text);
  if (m === null) {
    // Clients often send a DateOnly value as midnight UTC.
    const dt = parseDateTime(text);
    return dt !== undefined && dt.endsWith('T00:00:00Z') ? dt.slice(0, 10) : undefined;
  }
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  return validDate(y, mo, d) ? text : undefined;
}

/** `YYYY-MM-DDTHH:MM:SSZ` (UTC, seconds) when `text` is an ISO date-time, else undefined. */
export function parseDateTime(text: string): string | undefined {
  const m = DATETIME.exec(text.trim());
  if (m === null) return undefined;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (!validDate(y, mo, d)) return undefined;
  const h = Number(m[4] ?? 0);
  const mi = Number(m[5] ?? 0);
  const s = Number(m[6] ?? 0);
  if (h > 23 || mi > 59 || s > 59) return undefined;
  let offsetMinutes = 0;
  const tz = m[7];
  if (tz !== undefined && tz.toUpperCase() !== 'Z') {
    const sign = tz.startsWith('-') ? -1 : 1;
    const digits = tz.slice(1).replace(':', '');
    offsetMinutes = sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4)));
  }
  const ms = Date.UTC(y, mo - 1, d, h, mi, s) - offsetMinutes * 60_000;
  return formatDateTime(new Date(ms));
}

export function formatDateTime(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

const EDM: Record<string, string> = {
  String: 'Edm.String',
  Memo: 'Edm.String',
  EntityName: 'Edm.String',
  Integer: 'Edm.Int32',
  Picklist: 'Edm.Int32',
  State: 'Edm.Int32',
  Status: 'Edm.Int32',
  BigInt: 'Edm.Int64',
  Decimal: 'Edm.Decimal',
  Money: 'Edm.Decimal',
  Double: 'Edm.Double',
  Boolean: 'Edm.Boolean',
  Uniqueidentifier: 'Edm.Guid',
  Lookup: 'Edm.Guid',
  Customer: 'Edm.Guid',
  Owner: 'Edm.Guid',
};

/** The Edm type name of an attribute, as `$metadata` declares it. */
export function edmTypeOf(a: AttributeMetadata): string {
  if (a.type === 'DateTime') return a.dateTimeBehavior === 'DateOnly' ? 'Edm.Date' : 'Edm.DateTimeOffset';
  return EDM[a.type] ?? 'Edm.String';
}

function cannotConvert(raw: unknown, a: AttributeMetadata): never {
  throw badPayload(
    `Cannot convert the literal '${typeof raw === 'string' ? raw : JSON.stringify(raw)}' to the expected type '${edmTypeOf(a)}' of property '${a.logicalName}'.`,
  );
}

function toNumber(raw: unknown, a: AttributeMetadata): number {
  if (typeof raw === 'number' && Number.isFinite(raw)) return raw;
  if (typeof raw === 'string' && raw.trim() !== '' && Number.isFinite(Number(raw))) return Number(raw);
  return cannotConvert(raw, a);
}

function checkRange(n: number, a: AttributeMetadata, entity: EntityMetadata): number {
  if ((a.minValue !== undefined && n < a.minValue) || (a.maxValue !== undefined && n > a.maxValue)) {
    throw badPayload(
      `A validation error occurred. The value ${n} of '${a.logicalName}' on record of type '${entity.logicalName}' is outside the valid range.`,
    );
  }
  return n;
}

/**
 * Converts one JSON value to the IR value of an attribute, checking type, length, range and
 * option values. Errors are payload errors naming the property.
 */
export function convertAttributeValue(entity: EntityMetadata, a: AttributeMetadata, raw: unknown): Value {
  if (raw === null || raw === undefined) return null;
  switch (a.type) {
    case 'String':
    case 'Memo':
    case 'EntityName': {
      if (typeof raw !== 'string') return cannotConvert(raw, a);
      if (a.maxLength !== undefined && [...raw].length > a.maxLength) {
        throw badPayload(
          `A validation error occurred. The length of the '${a.logicalName}' attribute of the '${entity.logicalName}' entity exceeded the maximum allowed length of '${a.maxLength}'.`,
        );
      }
      return raw;
    }
    case 'Integer':
    case 'BigInt': {
      const n = toNumber(raw, a);
      if (!Number.isInteger(n)) return cannotConvert(raw, a);
      if (a.type === 'BigInt' && !Number.isSafeInteger(n)) return cannotConvert(raw, a);
      return checkRange(n, a, entity);
    }
    case 'Picklist':
    case 'State':
    case 'Status': {
      const n = toNumber(raw, a);
      if (!Number.isInteger(n)) return cannotConvert(raw, a);
      if (a.options !== undefined && !a.options.some((o) => o.value === n)) {
        throw badPayload(
          `A validation error occurred. The value ${n} of '${a.logicalName}' on record of type '${entity.logicalName}' is outside the valid range. Accepted values: ${a.options.map((o) => o.value).join(', ')}.`,
        );
      }
      return n;
    }
    case 'Decimal':
    case 'Money': {
      const n = toNumber(raw, a);
      const p = a.precision ?? 4;
      return checkRange(Math.round(n * 10 ** p) / 10 ** p, a, entity);
    }
    case 'Double':
      return checkRange(toNumber(raw, a), a, entity);
    case 'Boolean':
      if (typeof raw === 'boolean') return raw;
      return cannotConvert(raw, a);
    case 'DateTime': {
      if (typeof raw !== 'string') return cannotConvert(raw, a);
      const v = a.dateTimeBehavior === 'DateOnly' ? parseDateOnly(raw) : parseDateTime(raw);
      return v ?? cannotConvert(raw, a);
    }
    case 'Uniqueidentifier':
    case 'Lookup':
    case 'Customer':
    case 'Owner': {
      if (typeof raw !== 'string') return cannotConvert(raw, a);
      return parseGuid(raw) ?? cannotConvert(raw, a);
    }
  }
}

/** True when clients may not send a value for the attribute (the server maintains it). */
export function isServerMaintained(a: AttributeMetadata): boolean {
  return a.computed !== undefined;
}
