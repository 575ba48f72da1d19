import { appendOnlyError } from './interaction-rules.ts';
import type { Schema } from '../metadata/schema.ts';
import type { AttributeMetadata, EntityMetadata } from '../metadata/model.ts';
import { isLookupType, isPolymorphicLookup } from '../metadata/model.ts';
import { badPayload } from './errors.ts';
import type { AttributeValues } from './record-types.ts';
import { convertAttributeValue, parseGuid } from './values.ts';

/**
 * `@odata.bind` values name a record by URL: `/contacts(<id>)`, `contacts(<id>)`, or an absolute
 * URL ending in `/api/data/v9.x/contacts(<id>)`.
 */
const BIND = /(?:^|\/)([A-Za-z_][A-Za-z0-9_]*)\(([^()]+)\)$/;

export function parseBindReference(
  schema: Schema,
  value: unknown,
): { entity: EntityMetadata; id: string } | undefined {
  if (typeof value !== 'string') return undefined;
  const m = BIND.exec(value.trim());
  if (m === null) return undefined;
  const entity = schema.entityBySetName(m[1] ?? '');
  const id = parseGuid(m[2] ?? '');
  if (entity === undefined || id === undefined) return undefined;
  return { entity, id };
}

/**
 * Validates a Web API entity body and converts it to attribute values. Unknown properties are
 * rejected by name (as Dataverse does); properties the server maintains are ignored so a client
 * can send back a record it read; lookups are set with `<navigation>@odata.bind`.
 */
export function parseEntityBody(
  schema: Schema,
  entityName: string,
  body: unknown,
  mode: 'create' | 'update',
): AttributeValues {
  const entity = schema.requireEntity(entityName);
  if (mode === 'update' && entity.appendOnly === true) throw appendOnlyError(entity, 'updated');
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw badPayload(`The request body must be a JSON object describing a '${entity.logicalName}' record.`);
  }
  const values: AttributeValues = {};
  for (const [key, raw] of Object.entries(body as Record<string, unknown>)) {
    if (key.endsWith('@odata.bind')) {
      bindLookup(schema, entity, key.slice(0, -'@odata.bind'.length), raw, values);
      continue;
    }
    if (key.startsWith('@') || key.includes('@')) continue; // instance and property annotations
    const a = entity.attributes.get(key) ?? aliasedAttribute(entity, key, body as Record<string, unknown>);
    if (a === undefined) {
      const lookup = /^_(.+)_value$/.exec(key)?.[1];
      if (lookup !== undefined && entity.attributes.has(lookup)) {
        throw badPayload(
          `The property '${key}' is read-only. Set the lookup with '<navigation property>@odata.bind', e.g. '${[...schema.navigationProperties(entity.logicalName).values()].find((n) => n.kind === 'single' && n.relationship.referencingAttribute === lookup)?.name ?? lookup}@odata.bind'.`,
        );
      }
      const nav = schema.navigationProperty(entity.logicalName, key);
      if (nav !== undefined) {
        throw badPayload(
          `The navigation property '${key}' cannot be set with a nested value; use '${key}@odata.bind' with a record URL such as "/${schema.requireEntity(nav.targetEntity).entitySetName}(<id>)".`,
        );
      }
      throw badPayload(
        `The property '${key}' does not exist on type 'Microsoft.Dynamics.CRM.${entity.logicalName}'. Make sure to only use property names that are defined by the type.`,
      );
    }
    if (a.computed !== undefined) continue;
    if (isLookupType(a.type)) {
      throw badPayload(
        `The lookup '${key}' is set with '<navigation property>@odata.bind', not by its name; e.g. "${
          [...schema.navigationProperties(entity.logicalName).values()].find(
            (n) => n.kind === 'single' && n.relationship.referencingAttribute === key,
          )?.name ?? key
        }@odata.bind": "/<entityset>(<id>)".`,
      );
    }
    if (mode === 'update' && !a.validForUpdate && !a.isPrimaryId) {
      throw badPayload(
        `The property '${key}' of '${entity.logicalName}' can only be set when the record is created.`,
      );
    }
    const text = a.jsonText === 'array' && Array.isArray(raw) ? JSON.stringify(raw) : raw;
    values[a.logicalName] = convertAttributeValue(entity, a, text);
  }
  return values;
}

/**
 * The attribute `key` is another name of (`AttributeMetadata.aliases`), if any. A body that also
 * names the attribute itself is refused: two values for one property.
 */
function aliasedAttribute(
  entity: EntityMetadata,
  key: string,
  body: Record<string, unknown>,
): AttributeMetadata | undefined {
  for (const a of entity.attributes.values()) {
    if (a.aliases?.includes(key) !== true) continue;
    if (Object.hasOwn(body, a.logicalName)) {
      throw badPayload(
        `'${key}' is another name of '${a.logicalName}'; send the value once, under one of the two names.`,
      );
    }
    return a;
  }
  return undefined;
}

function bindLookup(
  schema: Schema,
  entity: EntityMetadata,
  navName: string,
  raw: unknown,
  values: AttributeValues,
): void {
  const nav = schema.navigationProperty(entity.logicalName, navName);
  if (nav === undefined) {
    throw badPayload(
      `'${navName}@odata.bind' names no navigation property of 'Microsoft.Dynamics.CRM.${entity.logicalName}'.`,
    );
  }
  if (nav.kind !== 'single') {
    throw badPayload(
      `'${navName}' is a collection-valued navigation property; bind each related record from its own side instead (set its lookup with '<lookup navigation>@odata.bind').`,
    );
  }
  const lookup = entity.attributes.get(nav.relationship.referencingAttribute);
  if (lookup === undefined || lookup.computed !== undefined) {
    throw badPayload(`The lookup behind '${navName}' is maintained by the server and cannot be set.`);
  }
  if (raw === null) {
    values[lookup.logicalName] = null;
    if (isPolymorphicLookup(lookup)) values[`${lookup.logicalName}type`] = null;
    return;
  }
  const ref = parseBindReference(schema, raw);
  if (ref === undefined) {
    throw badPayload(
      `The value of '${navName}@odata.bind' must be a record URL such as "/${schema.requireEntity(nav.targetEntity).entitySetName}(<guid>)", got ${JSON.stringify(raw)}.`,
    );
  }
  if (ref.entity.logicalName !== nav.targetEntity) {
    throw badPayload(
      `'${navName}@odata.bind' must point at a '${nav.targetEntity}' record, but "${typeof raw === 'string' ? raw : JSON.stringify(raw)}" is a '${ref.entity.logicalName}'.`,
    );
  }
  values[lookup.logicalName] = ref.id;
  if (isPolymorphicLookup(lookup)) values[`${lookup.logicalName}type`] = nav.targetEntity;
}
