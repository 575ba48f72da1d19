import { DataverseError, ErrorCodes } from '../engine/errors.ts';
import type { AttributeMetadata, EntityMetadata, NavigationProperty } from '../metadata/model.ts';
import { isLookupType } from '../metadata/model.ts';
import type { Schema } from '../metadata/schema.ts';

/**
 * The resource a Web API URL path names, after `/api/data/v9.x/`: the service document,
 * `$metadata`, `$batch`, an entity set, one record, one of its properties or navigation
 * properties, or an operation (action or function) bound to a set or record, or unbound.
 */
export type ResourcePath =
  | { kind: 'serviceDocument' }
  | { kind: 'metadata' }
  | { kind: 'batch' }
  | { kind: 'entitySet'; entity: EntityMetadata }
  | { kind: 'entitySetCount'; entity: EntityMetadata }
  | { kind: 'entity'; entity: EntityMetadata; id: string }
  | {
      kind: 'property';
      entity: EntityMetadata;
      id: string;
      attribute: AttributeMetadata;
      /** As it appears in the URL: the logical name, or `_x_value` for a lookup. */
      propertyName: string;
      /** `/$value`: the raw value rather than a JSON wrapper. */
      rawValue: boolean;
    }
  | {
      kind: 'navigation';
      entity: EntityMetadata;
      id: string;
      navigation: NavigationProperty;
      /** `/$count` after a collection-valued navigation property. */
      count: boolean;
      /** `/$ref`: links rather than records. */
      ref: boolean;
    }
  | {
      kind: 'operation';
      /** The operation name without namespace (`CreateMultiple`). */
      name: string;
      /** The segment as sent (`Microsoft.Dynamics.CRM.CreateMultiple`), for error messages. */
      segment: string;
      /** True when the name carried the `Microsoft.Dynamics.CRM.` (or `mscrm.`) namespace. */
      qualified: boolean;
      /** Absent for unbound operations; `id` absent for collection-bound ones. */
      binding?: { entity: EntityMetadata; id?: string };
      /** The text inside `Name(...)` for function-call syntax. */
      parameters?: string;
    };

export const NAMESPACE = 'Microsoft.Dynamics.CRM';
const ALIAS = 'mscrm';

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

interface Segment {
  name: string;
  /** The text inside parentheses, when present. */
  key?: string;
  /** The decoded segment, for error messages. */
  text: string;
}

export function resourceNotFound(segment: string): DataverseError {
  return new DataverseError(
    'NotFound',
    ErrorCodes.ResourceNotFound,
    `Resource not found for the segment '${segment}'.`,
  );
}

function badKey(message: string): DataverseError {
  return new DataverseError('BadRequest', ErrorCodes.QueryError, message);
}

function splitSegments(path: string): Segment[] {
  const raw = path.split('/');
  // A trailing slash (`/api/data/v9.0/` or `/contacts/`) names the same resource.
  if (raw.length > 0 && raw[raw.length - 1] === '') raw.pop();
  return raw.map((r) => {
    let text: string;
    try {
      text = decodeURIComponent(r);
    } catch {
      throw badKey(`The URL segment '${r}' is not correctly percent-encoded.`);
    }
    if (text === '') throw resourceNotFound(text);
    const open = text.indexOf('(');
    if (open < 0) return { name: text, text };
    if (!text.endsWith(')')) throw badKey(`The URL segment '${text}' has unbalanced parentheses.`);
    return { name: text.slice(0, open), key: text.slice(open + 1, -1), text };
  });
}

/**
 * The record id in `set(<key>)`: a bare GUID (`contacts(00000000-…)`) or the primary key named
 * (`contacts(contactid=00000000-…)`). Quoted, braced or `guid'…'` forms and alternate keys are
 * rejected with 400.
 */
export function parseKey(entity: EntityMetadata, segment: string, key: string): string {
  let text = key.trim();
  const eq = text.indexOf('=');
  if (eq >= 0) {
    const name = text.slice(0, eq).trim();
    if (name !== entity.primaryIdAttribute) {
      throw badKey(
        `The key '${key}' in segment '${segment}' is not supported: segmentd addresses records by their primary key '${entity.primaryIdAttribute}' only (alternate keys are not defined).`,
      );
    }
    text = text.slice(eq + 1).trim();
  }
  if (!GUID.test(text)) {
    throw badKey(
      `The key '${key}' in segment '${segment}' is not a valid Edm.Guid; write the id bare, without quotes or braces, e.g. ${entity.entitySetName}(00000000-0000-0000-0000-000000000001).`,
    );
  }
  return text.toLowerCase();
}

/** `Microsoft.Dynamics.CRM.X` or `mscrm.X` → `X`; other dotted names are not operations of this service. */
function operationName(name: string): { name: string; qualified: boolean } | undefined {
  for (const ns of [`${NAMESPACE}.`, `${ALIAS}.`]) {
    if (name.startsWith(ns) && name.length > ns.length)
      return { name: name.slice(ns.length), qualified: true };
  }
  if (name.includes('.')) return undefined;
  return { name, qualified: false };
}

function findProperty(
  schema: Schema,
  entity: EntityMetadata,
  name: string,
): { attribute: AttributeMetadata } | { navigation: NavigationProperty } | undefined {
  const lookup = /^_(.+)_value$/.exec(name)?.[1];
  if (lookup !== undefined) {
    const a = entity.attributes.get(lookup);
    if (a !== undefined && isLookupType(a.type)) return { attribute: a };
    return undefined;
  }
  const a = entity.attributes.get(name);
  // Lookups are read through `_x_value` (or their navigation property), never by their logical name.
  if (a !== undefined && !isLookupType(a.type)) return { attribute: a };
  const nav = schema.navigationProperty(entity.logicalName, name);
  if (nav !== undefined) return { navigation: nav };
  return undefined;
}

/**
 * Resolves the path after the service root (`contacts(…)/firstname`, `$metadata`, …) against
 * the schema. Errors are DataverseErrors: 404 `0x8006088a` for a segment that names nothing,
 * 400 `0x80060888` for a malformed key.
 */
export function parseResourcePath(schema: Schema, path: string): ResourcePath {
  const segments = splitSegments(path);
  const [first, ...rest] = segments;
  if (first === undefined) return { kind: 'serviceDocument' };
  if (first.key === undefined && rest.length === 0) {
    if (first.name === '$metadata') return { kind: 'metadata' };
    if (first.name === '$batch') return { kind: 'batch' };
  }
  const entity = schema.entityBySetName(first.name);
  if (entity === undefined) {
    const op = operationName(first.name);
    if (op === undefined || rest.length > 0 || first.name.startsWith('$')) throw resourceNotFound(first.name);
    return {
      kind: 'operation',
      ...op,
      segment: first.name,
      ...(first.key !== undefined ? { parameters: first.key } : {}),
    };
  }
  if (first.key === undefined) {
    const [second, ...more] = rest;
    if (second === undefined) return { kind: 'entitySet', entity };
    if (more.length > 0) throw resourceNotFound(more[0]?.text ?? '');
    if (second.name === '$count' && second.key === undefined) return { kind: 'entitySetCount', entity };
    const op = operationName(second.name);
    if (op === undefined || second.name.startsWith('$')) throw resourceNotFound(second.text);
    return {
      kind: 'operation',
      ...op,
      segment: second.name,
      binding: { entity },
      ...(second.key !== undefined ? { parameters: second.key } : {}),
    };
  }
  const id = parseKey(entity, first.text, first.key);
  const [second, third, ...more] = rest;
  if (second === undefined) return { kind: 'entity', entity, id };
  if (more.length > 0) throw resourceNotFound(more[0]?.text ?? '');
  if (second.key !== undefined && !operationName(second.name)?.qualified) {
    throw badKey(
      `The segment '${second.text}' addresses a related record by key, which segmentd does not support; read the navigation property '${second.name}' and filter it instead.`,
    );
  }
  const prop = findProperty(schema, entity, second.name);
  if (prop === undefined) {
    const op = operationName(second.name);
    if (op?.qualified === true && third === undefined) {
      return {
        kind: 'operation',
        ...op,
        segment: second.name,
        binding: { entity, id },
        ...(second.key !== undefined ? { parameters: second.key } : {}),
      };
    }
    throw resourceNotFound(second.text);
  }
  if ('attribute' in prop) {
    if (third === undefined) {
      return {
        kind: 'property',
        entity,
        id,
        attribute: prop.attribute,
        propertyName: second.name,
        rawValue: false,
      };
    }
    if (third.name === '$value' && third.key === undefined) {
      return {
        kind: 'property',
        entity,
        id,
        attribute: prop.attribute,
        propertyName: second.name,
        rawValue: true,
      };
    }
    throw resourceNotFound(third.text);
  }
  const navigation = prop.navigation;
  if (third === undefined) return { kind: 'navigation', entity, id, navigation, count: false, ref: false };
  if (third.key === undefined && third.name === '$ref')
    return { kind: 'navigation', entity, id, navigation, count: false, ref: true };
  if (third.key === undefined && third.name === '$count' && navigation.kind === 'collection') {
    return { kind: 'navigation', entity, id, navigation, count: true, ref: false };
  }
  throw resourceNotFound(third.text);
}

/** The canonical relative URL of a record: `contacts(<id>)`. */
export function entityPath(entity: EntityMetadata, id: string): string {
  return `${entity.entitySetName}(${id})`;
}
