import type { AttributeMetadata, EntityMetadata, NavigationProperty } from '../../metadata/model.ts';
import { isLookupType, isOptionSetType, lookupPropertyName } from '../../metadata/model.ts';
import type { Schema } from '../../metadata/schema.ts';

/**
 * The Web API property names of an entity, as Dataverse exposes them: attributes by logical name,
 * lookups as `_<name>_value`, plus navigation properties; and "did you mean" hints for the names
 * a client gets wrong.
 */

export type WebProperty =
  | { readonly kind: 'attribute'; readonly attribute: AttributeMetadata }
  | { readonly kind: 'navigation'; readonly navigation: NavigationProperty };

const LOOKUP_VALUE = /^_(.+)_value$/;

export function webProperty(schema: Schema, entity: string, name: string): WebProperty | undefined {
  const lookup = LOOKUP_VALUE.exec(name);
  if (lookup !== null) {
    const a = schema.attribute(entity, lookup[1] ?? '');
    if (a !== undefined && isLookupType(a.type)) return { kind: 'attribute', attribute: a };
  }
  const a = schema.attribute(entity, name);
  if (a !== undefined && !isLookupType(a.type)) return { kind: 'attribute', attribute: a };
  const n = schema.navigationProperty(entity, name);
  if (n !== undefined) return { kind: 'navigation', navigation: n };
  return undefined;
}

/** The Web API name of an attribute (`_x_value` for lookups). */
export const webNameOf = (a: AttributeMetadata): string =>
  isLookupType(a.type) ? lookupPropertyName(a.logicalName) : a.logicalName;

export const entityTypeName = (entity: string): string => `Microsoft.Dynamics.CRM.${entity}`;

/** The EDM type Dataverse reports for an attribute, used in messages. */
export function edmTypeOf(a: AttributeMetadata): string {
  switch (a.type) {
    case 'String':
    case 'Memo':
    case 'EntityName':
      return 'Edm.String';
    case 'Integer':
    case 'Picklist':
    case 'State':
    case 'Status':
      return 'Edm.Int32';
    case 'BigInt':
      return 'Edm.Int64';
    case 'Decimal':
    case 'Money':
      return 'Edm.Decimal';
    case 'Double':
      return 'Edm.Double';
    case 'Boolean':
      return 'Edm.Boolean';
    case 'DateTime':
      return a.dateTimeBehavior === 'DateOnly' ? 'Edm.Date' : 'Edm.DateTimeOffset';
    case 'Uniqueidentifier':
    case 'Lookup':
    case 'Customer':
    case 'Owner':
      return 'Edm.Guid';
  }
}

/** `'statecode' (Edm.Int32 option set)` style description used in type errors. */
export function describeAttribute(a: AttributeMetadata): string {
  return `'${webNameOf(a)}' of type ${edmTypeOf(a)}${isOptionSetType(a.type) ? ' (choice)' : ''}`;
}

/** Edit distance, stopping early once it exceeds `max`. */
export function editDistance(a: string, b: string, max: number): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      const v = Math.min((prev[j] ?? 0) + 1, (cur[j - 1] ?? 0) + 1, (prev[j - 1] ?? 0) + cost);
      cur.push(v);
      rowMin = Math.min(rowMin, v);
    }
    if (rowMin > max) return max + 1;
    prev = cur;
  }
  return prev[b.length] ?? max + 1;
}

/** Up to three candidates close to `name`: same letters ignoring case, or a few edits away. */
export function closestNames(name: string, candidates: Iterable<string>): string[] {
  const lower = name.toLowerCase();
  const max = name.length <= 4 ? 1 : name.length <= 10 ? 2 : 3;
  const scored: { c: string; d: number }[] = [];
  for (const c of candidates) {
    const cl = c.toLowerCase();
    if (cl === lower) scored.push({ c, d: 0 });
    else {
      const d = editDistance(lower, cl, max);
      if (d <= max) scored.push({ c, d });
    }
  }
  scored.sort((x, y) => x.d - y.d || x.c.localeCompare(y.c));
  return [...new Set(scored.map((s) => s.c))].slice(0, 3);
}

/** ` Did you mean 'a' or 'b'?` (with a leading space), or '' when nothing is close. */
export function didYouMean(names: readonly string[]): string {
  if (names.length === 0) return '';
  const quoted = names.map((n) => `'${n}'`);
  const list =
    quoted.length === 1 ? quoted[0] : `${quoted.slice(0, -1).join(', ')} or ${quoted[quoted.length - 1]}`;
  return ` Did you mean ${list}?`;
}

export type PropertyKind = 'any' | 'attribute' | 'navigation';

/** Every Web API property name of an entity of the given kind. */
export function webPropertyNames(schema: Schema, entity: EntityMetadata, kind: PropertyKind): string[] {
  const names: string[] = [];
  if (kind !== 'navigation') for (const a of entity.attributes.values()) names.push(webNameOf(a));
  if (kind !== 'attribute')
    for (const n of schema.navigationProperties(entity.logicalName).keys()) names.push(n);
  return names;
}

/**
 * The hint for an unknown property name: a lookup written by its logical name (`parentcustomerid`)
 * gets its `_x_value` and navigation names; otherwise the closest spellings.
 */
export function unknownPropertyHint(
  schema: Schema,
  entity: EntityMetadata,
  name: string,
  kind: PropertyKind,
): string {
  const suggestions: string[] = [];
  const a = schema.attribute(entity.logicalName, name);
  if (a !== undefined && isLookupType(a.type)) {
    if (kind !== 'navigation') suggestions.push(lookupPropertyName(a.logicalName));
    if (kind !== 'attribute') {
      for (const n of schema.navigationProperties(entity.logicalName).values()) {
        if (n.kind === 'single' && n.relationship.referencingAttribute === a.logicalName)
          suggestions.push(n.name);
      }
    }
  }
  if (suggestions.length === 0)
    suggestions.push(...closestNames(name, webPropertyNames(schema, entity, kind)));
  return didYouMean(suggestions.slice(0, 3));
}

export function unknownPropertyMessage(
  schema: Schema,
  entity: EntityMetadata,
  name: string,
  kind: PropertyKind = 'any',
): string {
  return `Could not find a property named '${name}' on type '${entityTypeName(entity.logicalName)}'.${unknownPropertyHint(schema, entity, name, kind)}`;
}
