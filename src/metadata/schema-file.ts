import { readFileSync } from 'node:fs';
import { account } from './builtin/account.ts';
import { businessunit } from './builtin/businessunit.ts';
import { contact } from './builtin/contact.ts';
import { activeInactiveState, attr, entity, systemAttributes } from './builtin/define.ts';
import { msdyncrm_segment } from './builtin/segment.ts';
import { systemuser } from './builtin/systemuser.ts';
import type {
  AttributeMetadata,
  AttributeType,
  EntityMetadata,
  OptionMetadata,
  RequiredLevel,
} from './model.ts';
import { isLookupType, isOptionSetType } from './model.ts';
import { builtinInteractionTypes } from './builtin/interaction-types.ts';
import {
  FIXED_INTERACTION_ATTRIBUTES,
  INTERACTION_ENTITY,
  InteractionSchemaError,
  interactionEntity,
  type InteractionLink,
  type InteractionTypeMetadata,
} from './interactions.ts';
import { Schema } from './schema.ts';

/** A schema file that cannot be used; the message names the file, the entity and the attribute. */
export class SchemaFileError extends Error {
  override name = 'SchemaFileError';
}

export function builtinEntities(): EntityMetadata[] {
  return [contact, account, businessunit, systemuser, msdyncrm_segment];
}

const DECLARABLE_TYPES: readonly AttributeType[] = [
  'String',
  'Memo',
  'Integer',
  'BigInt',
  'Decimal',
  'Double',
  'Money',
  'Boolean',
  'DateTime',
  'Picklist',
  'Uniqueidentifier',
  'Lookup',
  'Customer',
];
const NAME = /^[a-z][a-z0-9_]{0,63}$/;
const RESERVED_PREFIX = 'sd_';
const RELATIONSHIP_NAME = /^[A-Za-z][A-Za-z0-9_]{0,99}$/;

type Json = Record<string, unknown>;

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function checkKeys(where: string, o: Json, allowed: readonly string[]): void {
  for (const k of Object.keys(o)) {
    if (!allowed.includes(k))
      throw new SchemaFileError(`${where}: unknown property '${k}' (allowed: ${allowed.join(', ')})`);
  }
}

function checkName(where: string, v: unknown, what: string): string {
  if (typeof v !== 'string' || !NAME.test(v)) {
    throw new SchemaFileError(
      `${where}: ${what} must be a lower-case logical name (a-z, 0-9, _), got ${JSON.stringify(v)}`,
    );
  }
  if (v.startsWith(RESERVED_PREFIX))
    throw new SchemaFileError(`${where}: names starting with '${RESERVED_PREFIX}' are reserved`);
  return v;
}

function optNumber(where: string, o: Json, key: string): number | undefined {
  const v = o[key];
  if (v === undefined) return undefined;
  if (typeof v !== 'number' || !Number.isFinite(v))
    throw new SchemaFileError(`${where}: '${key}' must be a number`);
  return v;
}

function parseOptions(where: string, v: unknown): OptionMetadata[] {
  if (!Array.isArray(v) || v.length === 0)
    throw new SchemaFileError(`${where}: 'options' must be a non-empty array`);
  const seen = new Set<number>();
  return v.map((o, i) => {
    if (!isObject(o) || !Number.isInteger(o.value) || typeof o.label !== 'string') {
      throw new SchemaFileError(`${where}: options[${i}] must be {"value": <integer>, "label": "<text>"}`);
    }
    const value = o.value as number;
    if (seen.has(value)) throw new SchemaFileError(`${where}: option value ${value} appears twice`);
    seen.add(value);
    return { value, label: o.label };
  });
}

function parseAttribute(entityName: string, raw: unknown, index: number): AttributeMetadata {
  const at = `entity '${entityName}', attributes[${index}]`;
  if (!isObject(raw)) throw new SchemaFileError(`${at}: must be an object`);
  const logicalName = checkName(at, raw.logicalName, 'logicalName');
  const where = `entity '${entityName}', attribute '${logicalName}'`;
  checkKeys(where, raw, [
    'logicalName',
    'type',
    'displayName',
    'required',
    'maxLength',
    'minValue',
    'maxValue',
    'precision',
    'dateTimeBehavior',
    'options',
    'targets',
    'defaultValue',
    'indexed',
    'relationshipName',
  ]);
  const type = raw.type;
  if (typeof type !== 'string' || !DECLARABLE_TYPES.includes(type as AttributeType)) {
    throw new SchemaFileError(`${where}: 'type' must be one of ${DECLARABLE_TYPES.join(', ')}`);
  }
  const t = type as AttributeType;
  const required = raw.required ?? 'None';
  if (!['None', 'Recommended', 'ApplicationRequired'].includes(required as string)) {
    throw new SchemaFileError(`${where}: 'required' must be None, Recommended or ApplicationRequired`);
  }
  const a = attr(logicalName, t, typeof raw.displayName === 'string' ? raw.displayName : logicalName, {
    required: required as RequiredLevel,
  });
  a.isCustom = true;
  if (raw.indexed !== undefined) {
    if (typeof raw.indexed !== 'boolean')
      throw new SchemaFileError(`${where}: 'indexed' must be true or false`);
    if (raw.indexed) a.indexed = true;
  }
  if (t === 'String' || t === 'Memo')
    a.maxLength = optNumber(where, raw, 'maxLength') ?? (t === 'String' ? 100 : 2000);
  const min = optNumber(where, raw, 'minValue');
  const max = optNumber(where, raw, 'maxValue');
  if (min !== undefined) a.minValue = min;
  if (max !== undefined) a.maxValue = max;
  if (t === 'Integer') {
    a.minValue ??= -2147483648;
    a.maxValue ??= 2147483647;
  }
  if (t === 'Decimal' || t === 'Money') {
    const p = optNumber(where, raw, 'precision') ?? (t === 'Money' ? 4 : 2);
    if (!Number.isInteger(p) || p < 0 || p > 10)
      throw new SchemaFileError(`${where}: 'precision' must be 0..10`);
    a.precision = p;
  }
  if (t === 'DateTime') {
    const b = raw.dateTimeBehavior ?? 'UserLocal';
    if (!['UserLocal', 'DateOnly', 'TimeZoneIndependent'].includes(b as string)) {
      throw new SchemaFileError(
        `${where}: 'dateTimeBehavior' must be UserLocal, DateOnly or TimeZoneIndependent`,
      );
    }
    a.dateTimeBehavior = b as AttributeMetadata['dateTimeBehavior'];
  }
  if (isOptionSetType(t)) a.options = parseOptions(where, raw.options);
  else if (raw.options !== undefined)
    throw new SchemaFileError(`${where}: 'options' is only for Picklist attributes`);
  if (isLookupType(t)) {
    const targets = raw.targets;
    if (!Array.isArray(targets) || targets.length === 0 || !targets.every((x) => typeof x === 'string')) {
      throw new SchemaFileError(`${where}: a ${t} needs 'targets', a non-empty array of entity names`);
    }
    if (t === 'Lookup' && targets.length !== 1)
      throw new SchemaFileError(`${where}: a Lookup has exactly one target (use Customer for several)`);
    a.targets = targets;
  } else if (raw.targets !== undefined) {
    throw new SchemaFileError(`${where}: 'targets' is only for Lookup and Customer attributes`);
  }
  if (raw.relationshipName !== undefined) {
    if (t !== 'Lookup')
      throw new SchemaFileError(`${where}: 'relationshipName' is only for Lookup attributes (one target)`);
    if (typeof raw.relationshipName !== 'string' || !RELATIONSHIP_NAME.test(raw.relationshipName))
      throw new SchemaFileError(
        `${where}: 'relationshipName' must be a name of letters, digits and _ starting with a letter`,
      );
    a.relationshipName = raw.relationshipName;
  }
  if (raw.defaultValue !== undefined) {
    const d = raw.defaultValue;
    if (typeof d !== 'string' && typeof d !== 'number' && typeof d !== 'boolean') {
      throw new SchemaFileError(`${where}: 'defaultValue' must be a string, number or boolean`);
    }
    a.defaultValue = d;
  }
  return a;
}

function parseEntity(raw: unknown, index: number, builtins: Map<string, EntityMetadata>): EntityMetadata {
  if (!isObject(raw)) throw new SchemaFileError(`entities[${index}]: must be an object`);
  const logicalName = checkName(`entities[${index}]`, raw.logicalName, 'logicalName');
  const where = `entity '${logicalName}'`;
  checkKeys(where, raw, [
    'logicalName',
    'entitySetName',
    'displayName',
    'displayCollectionName',
    'primaryIdAttribute',
    'primaryNameAttribute',
    'attributes',
  ]);
  const rawAttrs = raw.attributes ?? [];
  if (!Array.isArray(rawAttrs)) throw new SchemaFileError(`${where}: 'attributes' must be an array`);
  const declared = rawAttrs.map((a, i) => parseAttribute(logicalName, a, i));
  const base = builtins.get(logicalName);
  if (base !== undefined) {
    for (const k of ['entitySetName', 'primaryIdAttribute', 'primaryNameAttribute']) {
      if (raw[k] !== undefined)
        throw new SchemaFileError(`${where}: '${k}' of a built-in entity cannot be changed`);
    }
    for (const a of declared) {
      if (base.attributes.has(a.logicalName)) {
        throw new SchemaFileError(
          `${where}: attribute '${a.logicalName}' is built in and cannot be redeclared`,
        );
      }
    }
    return entity({ ...base, isCustom: false }, [...base.attributes.values(), ...declared]);
  }
  const primaryId =
    raw.primaryIdAttribute === undefined
      ? `${logicalName}id`
      : checkName(where, raw.primaryIdAttribute, 'primaryIdAttribute');
  const primaryName =
    raw.primaryNameAttribute === undefined
      ? `${logicalName.split('_')[0]}_name`
      : checkName(where, raw.primaryNameAttribute, 'primaryNameAttribute');
  const setName =
    raw.entitySetName === undefined
      ? `${logicalName}s`
      : checkName(where, raw.entitySetName, 'entitySetName');
  const displayName = typeof raw.displayName === 'string' ? raw.displayName : logicalName;
  const attrs: AttributeMetadata[] = [
    attr(primaryId, 'Uniqueidentifier', displayName, { required: 'SystemRequired', createOnly: true }),
  ];
  if (!declared.some((a) => a.logicalName === primaryName)) {
    attrs.push(attr(primaryName, 'String', 'Name', { maxLength: 100, required: 'ApplicationRequired' }));
  }
  for (const a of declared) {
    if (a.logicalName === primaryId)
      throw new SchemaFileError(`${where}: '${primaryId}' is the primary id and is created for you`);
  }
  attrs.push(...declared);
  const names = new Set(attrs.map((a) => a.logicalName));
  for (const s of [...activeInactiveState(), ...systemAttributes(logicalName)]) {
    if (names.has(s.logicalName))
      throw new SchemaFileError(`${where}: '${s.logicalName}' is a system attribute and is created for you`);
    attrs.push(s);
  }
  const pn = attrs.find((a) => a.logicalName === primaryName);
  if (pn?.type !== 'String')
    throw new SchemaFileError(`${where}: the primary name '${primaryName}' must be a String attribute`);
  return entity(
    {
      logicalName,
      entitySetName: setName,
      displayName,
      displayCollectionName:
        typeof raw.displayCollectionName === 'string' ? raw.displayCollectionName : `${displayName}s`,
      primaryIdAttribute: primaryId,
      primaryNameAttribute: primaryName,
      isCustom: true,
    },
    attrs,
  );
}

const TYPE_NAME = /^[A-Za-z][A-Za-z0-9_]{0,99}$/;

/** Property types an interaction may have (links are declared as links, not lookups). */
const PROPERTY_TYPES: readonly AttributeType[] = DECLARABLE_TYPES.filter((t) => !isLookupType(t));

function parseInteractionType(
  raw: unknown,
  index: number,
  builtinTypes: ReadonlyMap<string, InteractionTypeMetadata>,
  entities: ReadonlyMap<string, EntityMetadata>,
): InteractionTypeMetadata {
  const at = `interactionTypes[${index}]`;
  if (!isObject(raw)) throw new SchemaFileError(`${at}: must be an object`);
  if (typeof raw.name !== 'string' || !TYPE_NAME.test(raw.name))
    throw new SchemaFileError(
      `${at}: 'name' must be a name of letters, digits and _ starting with a letter, got ${JSON.stringify(raw.name)}`,
    );
  const name = raw.name;
  const where = `interaction type '${name}'`;
  checkKeys(where, raw, ['name', 'displayName', 'properties', 'links']);
  const rawProps = raw.properties ?? [];
  if (!Array.isArray(rawProps)) throw new SchemaFileError(`${where}: 'properties' must be an array`);
  const properties = rawProps.map((p, i) => {
    const a = parseAttribute(`interaction type ${name}`, p, i);
    if (!PROPERTY_TYPES.includes(a.type))
      throw new SchemaFileError(
        `${where}, property '${a.logicalName}': 'type' must be one of ${PROPERTY_TYPES.join(', ')} (declare profile references as links)`,
      );
    if (FIXED_INTERACTION_ATTRIBUTES.has(a.logicalName))
      throw new SchemaFileError(
        `${where}: '${a.logicalName}' is a column of every interaction and is created for you`,
      );
    a.validForUpdate = false;
    return a;
  });
  const rawLinks = raw.links ?? [];
  if (!Array.isArray(rawLinks)) throw new SchemaFileError(`${where}: 'links' must be an array`);
  const links = rawLinks.map((l, i): InteractionLink => {
    if (!isObject(l)) throw new SchemaFileError(`${where}, links[${i}]: must be {"name": …, "entity": …}`);
    checkKeys(`${where}, links[${i}]`, l, ['name', 'entity']);
    if (typeof l.name !== 'string' || !TYPE_NAME.test(l.name))
      throw new SchemaFileError(`${where}, links[${i}]: 'name' must be a name like '${name}_ContactLink'`);
    const target = typeof l.entity === 'string' ? entities.get(l.entity) : undefined;
    if (target === undefined)
      throw new SchemaFileError(`${where}, link '${l.name}': unknown entity ${JSON.stringify(l.entity)}`);
    if (target.logicalName === INTERACTION_ENTITY)
      throw new SchemaFileError(
        `${where}, link '${l.name}': a link points at a profile entity, not at interactions`,
      );
    return { name: l.name, entity: target.logicalName, attribute: target.primaryIdAttribute };
  });
  const base = builtinTypes.get(name.toLowerCase());
  const displayName = typeof raw.displayName === 'string' ? raw.displayName : (base?.displayName ?? name);
  const merged: InteractionTypeMetadata = {
    name: base?.name ?? name,
    displayName,
    properties: [...(base?.properties ?? []), ...properties],
    links: [...(base?.links ?? []), ...links],
    isCustom: base === undefined,
  };
  const seenProps = new Set<string>();
  for (const p of merged.properties) {
    if (seenProps.has(p.logicalName))
      throw new SchemaFileError(`${where}: property '${p.logicalName}' is declared twice (or is built in)`);
    seenProps.add(p.logicalName);
  }
  // Links to the same entity are synonyms: they read the same column.
  const seenLinks = new Set<string>();
  for (const l of merged.links) {
    if (seenLinks.has(l.name.toLowerCase()))
      throw new SchemaFileError(`${where}: link '${l.name}' is declared twice (or is built in)`);
    seenLinks.add(l.name.toLowerCase());
  }
  if (merged.links.length === 0)
    throw new SchemaFileError(`${where}: needs at least one link to a profile entity in 'links'`);
  return merged;
}

function interactionSchema(
  entities: Map<string, EntityMetadata>,
  declared: readonly unknown[],
): InteractionTypeMetadata[] {
  const builtinTypes = new Map(builtinInteractionTypes().map((t) => [t.name.toLowerCase(), t]));
  const types = new Map(builtinTypes);
  const seen = new Set<string>();
  declared.forEach((raw, i) => {
    const t = parseInteractionType(raw, i, builtinTypes, entities);
    const key = t.name.toLowerCase();
    if (seen.has(key)) throw new SchemaFileError(`interaction type '${t.name}' is declared twice`);
    seen.add(key);
    types.set(key, t);
  });
  const list = [...types.values()];
  try {
    entities.set(
      INTERACTION_ENTITY,
      interactionEntity(list, (n) => entities.get(n)),
    );
  } catch (e) {
    if (e instanceof InteractionSchemaError) throw new SchemaFileError(e.message);
    throw e;
  }
  return list;
}

/** Builds the effective schema from a parsed schema-file document (or none). */
export function schemaFromDocument(doc: unknown): Schema {
  const builtins = new Map(builtinEntities().map((e) => [e.logicalName, e]));
  if (doc === undefined) {
    const entities = new Map(builtins);
    const types = interactionSchema(entities, []);
    return new Schema([...entities.values()], types);
  }
  if (!isObject(doc)) throw new SchemaFileError('the schema file must hold a JSON object');
  checkKeys('schema file', doc, ['$schema', 'entities', 'interactionTypes']);
  const list = doc.entities ?? [];
  if (!Array.isArray(list)) throw new SchemaFileError("'entities' must be an array");
  const result = new Map(builtins);
  const seen = new Set<string>();
  list.forEach((raw, i) => {
    const e = parseEntity(raw, i, builtins);
    if (e.logicalName === INTERACTION_ENTITY)
      throw new SchemaFileError(
        `entity '${INTERACTION_ENTITY}' is built from the interaction types; declare them in 'interactionTypes'`,
      );
    if (seen.has(e.logicalName)) throw new SchemaFileError(`entity '${e.logicalName}' is declared twice`);
    seen.add(e.logicalName);
    result.set(e.logicalName, e);
  });
  const declaredTypes = doc.interactionTypes ?? [];
  if (!Array.isArray(declaredTypes)) throw new SchemaFileError("'interactionTypes' must be an array");
  const types = interactionSchema(result, declaredTypes);
  const sets = new Map<string, string>();
  for (const e of result.values()) {
    const other = sets.get(e.entitySetName);
    if (other !== undefined)
      throw new SchemaFileError(
        `entity set name '${e.entitySetName}' is used by both '${other}' and '${e.logicalName}'`,
      );
    sets.set(e.entitySetName, e.logicalName);
    for (const a of e.attributes.values()) {
      for (const t of a.targets ?? []) {
        if (!result.has(t))
          throw new SchemaFileError(
            `entity '${e.logicalName}', attribute '${a.logicalName}': unknown target entity '${t}'`,
          );
      }
    }
  }
  const schema = new Schema([...result.values()], types);
  // Relationship names are how TRAVERSE finds a relationship: each must name exactly one.
  const byName = new Map<string, string>();
  for (const r of schema.relationships) {
    for (const name of new Set([r.schemaName.toLowerCase(), r.segmentName.toLowerCase()])) {
      const where = `${r.referencingEntity}.${r.referencingAttribute} → ${r.referencedEntity}`;
      const other = byName.get(name);
      if (other !== undefined && other !== where)
        throw new SchemaFileError(`relationship name '${name}' is used by both ${other} and ${where}`);
      byName.set(name, where);
    }
  }
  return schema;
}

/** Loads the schema file at `path` (or only the built-ins when no path is given). */
export function loadSchema(path?: string): Schema {
  if (path === undefined || path === '') return schemaFromDocument(undefined);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new SchemaFileError(`cannot read schema file '${path}': ${(e as Error).message}`);
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new SchemaFileError(`schema file '${path}' is not valid JSON: ${(e as Error).message}`);
  }
  try {
    return schemaFromDocument(doc);
  } catch (e) {
    if (e instanceof SchemaFileError) throw new SchemaFileError(`schema file '${path}': ${e.message}`);
    throw e;
  }
}
