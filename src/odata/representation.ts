import type { Row, Value } from '../ir/nodes.ts';
import type { AttributeMetadata, EntityMetadata } from '../metadata/model.ts';
import { isLookupType, isOptionSetType, isPolymorphicLookup, lookupPropertyName } from '../metadata/model.ts';
import type { Schema } from '../metadata/schema.ts';
import { etagOf } from './etag.ts';
import type { AnnotationFilter } from './prefer.ts';

/**
 * Shapes engine rows (keyed by attribute logical name) into Dataverse Web API JSON: lookups as
 * `_x_value`, `@odata.etag` first, nulls kept, requested instance annotations next to their
 * property, and the `@odata.context` URLs of §4.6.
 */

export const Annotation = {
  FormattedValue: 'OData.Community.Display.V1.FormattedValue',
  LookupLogicalName: 'Microsoft.Dynamics.CRM.lookuplogicalname',
  AssociatedNavigationProperty: 'Microsoft.Dynamics.CRM.associatednavigationproperty',
  TotalRecordCount: 'Microsoft.Dynamics.CRM.totalrecordcount',
  TotalRecordCountLimitExceeded: 'Microsoft.Dynamics.CRM.totalrecordcountlimitexceeded',
} as const;

/** A property of an entity type as the Web API exposes it. */
export interface WebApiProperty {
  /** `firstname`, or `_parentcustomerid_value` for a lookup. */
  name: string;
  attribute: AttributeMetadata;
}

/**
 * The companion `<lookup>type` column of a polymorphic lookup is internal to the record: the
 * Web API tells the target through `@Microsoft.Dynamics.CRM.lookuplogicalname` instead.
 */
function isLookupCompanion(entity: EntityMetadata, a: AttributeMetadata): boolean {
  if (a.type !== 'EntityName' || !a.logicalName.endsWith('type')) return false;
  const lookup = entity.attributes.get(a.logicalName.slice(0, -'type'.length));
  return lookup !== undefined && isPolymorphicLookup(lookup);
}

/** The properties of an entity type, in declaration order (the primary id included). */
export function webApiProperties(entity: EntityMetadata): WebApiProperty[] {
  const out: WebApiProperty[] = [];
  for (const a of entity.attributes.values()) {
    if (isLookupCompanion(entity, a)) continue;
    out.push({
      name: isLookupType(a.type) ? lookupPropertyName(a.logicalName) : a.logicalName,
      attribute: a,
    });
  }
  return out;
}

/** The Web API property name of an attribute. */
export function propertyNameOf(a: AttributeMetadata): string {
  return isLookupType(a.type) ? lookupPropertyName(a.logicalName) : a.logicalName;
}

/** `entity:id` → primary name of that record; the key of `RepresentationContext.lookupNames`. */
export function lookupNameKey(entity: string, id: string): string {
  return `${entity}:${id}`;
}

export interface RepresentationContext {
  schema: Schema;
  /** The annotations the client asked for (`Prefer: odata.include-annotations`). */
  annotations?: AnnotationFilter;
  /** Primary names of lookup targets (see `lookupNameKey`), for lookup FormattedValues. */
  lookupNames?: ReadonlyMap<string, string | null>;
}

export interface RecordShape {
  /** Attribute logical names to return; undefined returns every property. The primary id always comes. */
  select?: readonly string[];
  /** Expanded navigation properties, already shaped: a record or null (single), an array (collection). */
  expanded?: ReadonlyMap<string, unknown>;
}

const usd = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD' });

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

/** Dataverse formats dates for display as `M/D/YYYY` and date-times as `M/D/YYYY h:mm AM` (here in UTC). */
function formatDisplayDate(text: string, dateOnly: boolean): string | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2}))?/.exec(text);
  if (m === null) return undefined;
  const date = `${Number(m[2])}/${Number(m[3])}/${m[1]}`;
  if (dateOnly || m[4] === undefined) return date;
  const h = Number(m[4]);
  const hour12 = h % 12 === 0 ? 12 : h % 12;
  return `${date} ${hour12}:${pad2(Number(m[5]))} ${h < 12 ? 'AM' : 'PM'}`;
}

/**
 * The display text Dataverse sends as `@OData.Community.Display.V1.FormattedValue`: option labels,
 * Yes/No, grouped numbers, currency and display dates. Undefined where Dataverse sends none
 * (text, ids, version numbers) and for lookups (their name comes from the target record).
 */
export function formattedValue(a: AttributeMetadata, v: Value): string | undefined {
  if (v === null) return undefined;
  if (isOptionSetType(a.type)) return a.options?.find((o) => o.value === v)?.label;
  switch (a.type) {
    case 'Boolean':
      return v === true ? 'Yes' : v === false ? 'No' : undefined;
    case 'Integer':
      return typeof v === 'number' ? v.toLocaleString('en-US') : undefined;
    case 'Decimal':
    case 'Double': {
      const n = typeof v === 'number' ? v : Number(v);
      if (!Number.isFinite(n)) return undefined;
      const digits = a.precision ?? (a.type === 'Decimal' ? 2 : 5);
      return n.toLocaleString('en-US', {
        minimumFractionDigits: a.type === 'Decimal' ? digits : 0,
        maximumFractionDigits: digits,
      });
    }
    case 'Money': {
      const n = typeof v === 'number' ? v : Number(v);
      return Number.isFinite(n) ? usd.format(n) : undefined;
    }
    case 'DateTime':
      return typeof v === 'string' ? formatDisplayDate(v, a.dateTimeBehavior === 'DateOnly') : undefined;
    default:
      return undefined;
  }
}

/** The entity a lookup value points at: the single target, or the row's `<lookup>type` column. */
function lookupTarget(a: AttributeMetadata, row: Row): string | undefined {
  if (isPolymorphicLookup(a)) {
    const t = row[`${a.logicalName}type`];
    return typeof t === 'string' ? t : undefined;
  }
  return a.targets?.[0];
}

/** Lookup values of a row that need a primary name for their FormattedValue: target entity → ids. */
export function lookupReferences(
  entity: EntityMetadata,
  row: Row,
  into: Map<string, Set<string>>,
  select?: readonly string[],
): void {
  const names = select ?? [...entity.attributes.keys()];
  for (const n of names) {
    const a = entity.attributes.get(n);
    if (a === undefined || !isLookupType(a.type)) continue;
    const v = row[n];
    const target = lookupTarget(a, row);
    if (typeof v !== 'string' || target === undefined) continue;
    let ids = into.get(target);
    if (ids === undefined) {
      ids = new Set();
      into.set(target, ids);
    }
    ids.add(v);
  }
}

function addProperty(
  out: Record<string, unknown>,
  ctx: RepresentationContext,
  entity: EntityMetadata,
  a: AttributeMetadata,
  row: Row,
): void {
  const v = row[a.logicalName] ?? null;
  const name = propertyNameOf(a);
  const wants = (term: string) => ctx.annotations?.includes(term) === true;
  if (isLookupType(a.type)) {
    const target = v === null ? undefined : lookupTarget(a, row);
    if (target !== undefined && typeof v === 'string') {
      if (wants(Annotation.FormattedValue)) {
        const display = ctx.lookupNames?.get(lookupNameKey(target, v));
        if (display !== undefined && display !== null) out[`${name}@${Annotation.FormattedValue}`] = display;
      }
      if (wants(Annotation.AssociatedNavigationProperty)) {
        const nav = ctx.schema.relationships.find(
          (r) =>
            r.referencingEntity === entity.logicalName &&
            r.referencingAttribute === a.logicalName &&
            r.referencedEntity === target,
        );
        if (nav !== undefined)
          out[`${name}@${Annotation.AssociatedNavigationProperty}`] = nav.referencingNavigationProperty;
      }
      if (wants(Annotation.LookupLogicalName)) out[`${name}@${Annotation.LookupLogicalName}`] = target;
    }
    out[name] = v;
    return;
  }
  if (wants(Annotation.FormattedValue)) {
    const display = formattedValue(a, v);
    if (display !== undefined) out[`${name}@${Annotation.FormattedValue}`] = display;
  }
  out[name] = v;
}

/** One record as Web API JSON. Internal columns of the row (anything not in the metadata) never appear. */
export function recordToJson(
  ctx: RepresentationContext,
  entity: EntityMetadata,
  row: Row,
  shape: RecordShape = {},
): Record<string, unknown> {
  const out: Record<string, unknown> = { '@odata.etag': etagOf(row.versionnumber ?? null) };
  if (shape.select === undefined) {
    for (const p of webApiProperties(entity)) addProperty(out, ctx, entity, p.attribute, row);
  } else {
    const seen = new Set<string>();
    for (const n of [...shape.select, entity.primaryIdAttribute]) {
      const a = entity.attributes.get(n);
      if (a === undefined || seen.has(n) || isLookupCompanion(entity, a)) continue;
      seen.add(n);
      addProperty(out, ctx, entity, a, row);
    }
  }
  for (const [nav, value] of shape.expanded ?? []) out[nav] = value;
  return out;
}

// ------------------------------------------------------------------------------------------------
// @odata.context

/** `$select` columns and `$expand`ed navigation properties, as they appear in a context URL. */
export interface ContextProjection {
  /** Property names as the client wrote them in `$select` (e.g. `_parentcustomerid_value`). */
  select?: readonly string[];
  expand?: readonly { navigation: string; projection: ContextProjection }[];
}

function projectionItems(p: ContextProjection): string[] {
  return [
    ...(p.select ?? []),
    ...(p.expand ?? []).map((e) => `${e.navigation}(${projectionItems(e.projection).join(',')})`),
  ];
}

/** `(name,revenue,primarycontactid(fullname))`, or '' when neither `$select` nor `$expand` was given. */
export function projectionText(p: ContextProjection | undefined): string {
  if (p === undefined) return '';
  const items = projectionItems(p);
  return items.length === 0 ? '' : `(${items.join(',')})`;
}

/** The context URLs of Dataverse responses; `serviceRoot` is `http://host/api/data/v9.0`. */
export const contextUrl = {
  collection: (serviceRoot: string, entity: EntityMetadata, p?: ContextProjection) =>
    `${serviceRoot}/$metadata#${entity.entitySetName}${projectionText(p)}`,
  entity: (serviceRoot: string, entity: EntityMetadata, p?: ContextProjection) =>
    `${serviceRoot}/$metadata#${entity.entitySetName}${projectionText(p)}/$entity`,
  property: (serviceRoot: string, entity: EntityMetadata, id: string, property: string) =>
    `${serviceRoot}/$metadata#${entity.entitySetName}(${id})/${property}`,
  refCollection: (serviceRoot: string) => `${serviceRoot}/$metadata#Collection($ref)`,
  ref: (serviceRoot: string) => `${serviceRoot}/$metadata#$ref`,
  complexType: (serviceRoot: string, typeName: string) =>
    `${serviceRoot}/$metadata#Microsoft.Dynamics.CRM.${typeName}`,
  serviceDocument: (serviceRoot: string) => `${serviceRoot}/$metadata`,
};

export interface CollectionBody {
  context: string;
  count?: number;
  /** Instance annotations of the collection (`@Microsoft.Dynamics.CRM.totalrecordcount`…), keys without '@'. */
  annotations?: Readonly<Record<string, unknown>>;
  value: readonly unknown[];
  nextLink?: string;
}

/** A collection response with Dataverse's key order: context, count, annotations, value, nextLink. */
export function collectionToJson(c: CollectionBody): Record<string, unknown> {
  const out: Record<string, unknown> = { '@odata.context': c.context };
  if (c.count !== undefined) out['@odata.count'] = c.count;
  for (const [k, v] of Object.entries(c.annotations ?? {})) out[`@${k}`] = v;
  out.value = c.value;
  if (c.nextLink !== undefined) out['@odata.nextLink'] = c.nextLink;
  return out;
}

/** A single record response: `@odata.context` first, then the record. */
export function entityToJson(context: string, record: Record<string, unknown>): Record<string, unknown> {
  return { '@odata.context': context, ...record };
}
