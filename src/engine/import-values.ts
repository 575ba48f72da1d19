import type { AttributeMetadata, EntityMetadata } from '../metadata/model.ts';
import { isLookupType } from '../metadata/model.ts';
import type { Schema } from '../metadata/schema.ts';
import { badPayload } from './errors.ts';
import { parseEntityBody } from './payload.ts';
import type { AttributeValues } from './record-types.ts';
import { convertAttributeValue } from './values.ts';

/**
 * Converts one imported record (a CSV row of strings, or an NDJSON/JSON object) to attribute
 * values. Unlike the Web API, files name lookups by their logical name holding a GUID (with
 * `<lookup>type` for lookups that can point at several entities) and may carry the columns an
 * export wrote (server-maintained ones are skipped), so an export can be imported again.
 */
export function convertImportRecord(
  schema: Schema,
  entityName: string,
  record: Record<string, unknown>,
  fromText: boolean,
): AttributeValues {
  const e = schema.requireEntity(entityName);
  const plain: Record<string, unknown> = {};
  const values: AttributeValues = {};
  for (const [key, raw0] of Object.entries(record)) {
    const raw = fromText ? textToJson(e, key, raw0) : raw0;
    const lookupName = /^_(.+)_value$/.exec(key)?.[1];
    const a = e.attributes.get(key) ?? (lookupName !== undefined ? e.attributes.get(lookupName) : undefined);
    if (a !== undefined && (isLookupType(a.type) || (a.type === 'EntityName' && a.computed !== undefined))) {
      if (a.computed !== undefined && a.type !== 'EntityName') continue;
      values[a.logicalName] = convertAttributeValue(e, a, raw);
      continue;
    }
    if (a !== undefined && a.computed !== undefined) continue;
    plain[key] = raw;
  }
  const converted = parseEntityBody(schema, e.logicalName, plain, 'create');
  const merged = { ...converted, ...values };
  for (const a of e.attributes.values()) {
    if (!isLookupType(a.type) || (a.targets?.length ?? 0) < 2) continue;
    const v = merged[a.logicalName];
    const typeName = `${a.logicalName}type`;
    if (typeof v === 'string' && typeof merged[typeName] !== 'string') {
      throw badPayload(
        `'${a.logicalName}' needs a '${typeName}' column naming its target (${(a.targets ?? []).join(' or ')}).`,
      );
    }
    const t = merged[typeName];
    if (typeof t === 'string' && !(a.targets ?? []).includes(t)) {
      throw badPayload(`'${typeName}' must be one of ${(a.targets ?? []).join(', ')}, got '${t}'.`);
    }
  }
  return merged;
}

/** CSV cells are text: empty means null, and numbers and booleans are parsed by the column's type. */
function textToJson(e: EntityMetadata, key: string, raw: unknown): unknown {
  if (typeof raw !== 'string') return raw;
  if (raw === '') return null;
  const a: AttributeMetadata | undefined = e.attributes.get(key);
  if (a === undefined) return raw;
  switch (a.type) {
    case 'Integer':
    case 'BigInt':
    case 'Picklist':
    case 'State':
    case 'Status':
    case 'Decimal':
    case 'Money':
    case 'Double':
      return raw.trim() !== '' && Number.isFinite(Number(raw)) ? Number(raw) : raw;
    case 'Boolean': {
      const t = raw.trim().toLowerCase();
      if (['true', '1', 'yes'].includes(t)) return true;
      if (['false', '0', 'no'].includes(t)) return false;
      return raw;
    }
    default:
      return raw;
  }
}
