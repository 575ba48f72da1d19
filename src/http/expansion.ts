import type { RecordService } from '../engine/records.ts';
import { ROOT } from '../engine/record-types.ts';
import { and, attrRef, cmp, lit } from '../ir/build.ts';
import type { Expr, Join, OrderItem, Row } from '../ir/nodes.ts';
import type { EntityMetadata, NavigationProperty } from '../metadata/model.ts';
import { isLookupType, isPolymorphicLookup } from '../metadata/model.ts';
import type { Schema } from '../metadata/schema.ts';
import type { RepresentationContext } from '../odata/representation.ts';
import { lookupReferences, recordToJson } from '../odata/representation.ts';
import { fetchWhereIn } from '../engine/fetch-in.ts';

/**
 * `$expand`: loads the related records of a page of rows with one batch of queries per
 * navigation property (not one per row), then shapes them into nested JSON: a record or null
 * for single-valued navigation properties, an array for collection-valued ones.
 */

/** One `$expand` item, lowered: IR over the target entity bound to `ROOT`. */
export interface ExpandPlan {
  navigation: NavigationProperty;
  /** Attributes of the target to return; undefined returns all. */
  select?: readonly string[];
  /** `$filter` inside the expand (collection-valued only). */
  where?: Expr;
  orderBy?: readonly OrderItem[];
  joins?: readonly Join[];
  /** `$top` inside the expand: at most this many related records per parent. */
  top?: number;
  /** `nav/$ref`: references (`@odata.id`) rather than records. */
  ref?: boolean;
  expand: readonly ExpandPlan[];
}

export interface ExpandedRecord {
  row: Row;
  expanded: Map<string, ExpandedValue>;
}

export type ExpandedValue =
  | { kind: 'single'; plan: ExpandPlan; entity: EntityMetadata; record: ExpandedRecord | null }
  | { kind: 'collection'; plan: ExpandPlan; entity: EntityMetadata; records: ExpandedRecord[] };

/**
 * The attributes a query must read so its expansions can be joined back: the `$select`ed ones
 * plus the lookups behind single-valued navigation properties (and their `<lookup>type`).
 * Undefined when everything is read anyway.
 */
export function columnsToRead(
  entity: EntityMetadata,
  select: readonly string[] | undefined,
  expand: readonly ExpandPlan[],
): string[] | undefined {
  if (select === undefined) return undefined;
  const cols = new Set(select);
  for (const p of expand) {
    if (p.navigation.kind !== 'single') continue;
    const lookup = p.navigation.relationship.referencingAttribute;
    cols.add(lookup);
    if (entity.attributes.has(`${lookup}type`)) cols.add(`${lookup}type`);
  }
  return [...cols];
}

function polymorphic(entity: EntityMetadata, attribute: string): boolean {
  const a = entity.attributes.get(attribute);
  return a !== undefined && isLookupType(a.type) && isPolymorphicLookup(a);
}

async function expandSingle(
  records: RecordService,
  schema: Schema,
  entity: EntityMetadata,
  parents: ExpandedRecord[],
  plan: ExpandPlan,
): Promise<void> {
  const target = schema.requireEntity(plan.navigation.targetEntity);
  const lookup = plan.navigation.relationship.referencingAttribute;
  const poly = polymorphic(entity, lookup);
  const idOf = (row: Row): string | undefined => {
    const v = row[lookup];
    if (typeof v !== 'string') return undefined;
    return !poly || row[`${lookup}type`] === target.logicalName ? v : undefined;
  };
  const ids = new Set<string>();
  for (const p of parents) {
    const id = idOf(p.row);
    if (id !== undefined) ids.add(id);
  }
  const rows =
    ids.size === 0
      ? []
      : await fetchWhereIn(records, target.logicalName, target.primaryIdAttribute, ids, {
          ...withSelect(
            plan.ref === true ? [target.primaryIdAttribute] : columnsToRead(target, plan.select, plan.expand),
          ),
        });
  const children = await loadExpansions(records, schema, target, rows, plan.expand);
  const byId = new Map<string, ExpandedRecord>();
  for (const c of children) byId.set(String(c.row[target.primaryIdAttribute]), c);
  for (const p of parents) {
    const id = idOf(p.row);
    p.expanded.set(plan.navigation.name, {
      kind: 'single',
      plan,
      entity: target,
      record: id === undefined ? null : (byId.get(id) ?? null),
    });
  }
}

function withSelect(select: readonly string[] | undefined): { select?: readonly string[] } {
  return select === undefined ? {} : { select };
}

async function expandCollection(
  records: RecordService,
  schema: Schema,
  entity: EntityMetadata,
  parents: ExpandedRecord[],
  plan: ExpandPlan,
): Promise<void> {
  const target = schema.requireEntity(plan.navigation.targetEntity);
  const lookup = plan.navigation.relationship.referencingAttribute;
  const poly = polymorphic(target, lookup);
  const parentIds = parents
    .map((p) => p.row[entity.primaryIdAttribute])
    .filter((v): v is string => typeof v === 'string');
  const select =
    plan.select === undefined
      ? undefined
      : [...(columnsToRead(target, plan.select, plan.expand) ?? []), lookup];
  const where = and(
    plan.where,
    poly ? cmp('=', attrRef(ROOT, `${lookup}type`), lit(entity.logicalName, 'string')) : undefined,
  );
  const rows =
    parentIds.length === 0
      ? []
      : await fetchWhereIn(records, target.logicalName, lookup, parentIds, {
          ...withSelect(select),
          ...(where !== undefined ? { where } : {}),
          ...(plan.orderBy !== undefined ? { orderBy: plan.orderBy } : {}),
          ...(plan.joins !== undefined ? { joins: plan.joins } : {}),
        });
  const grouped = new Map<string, Row[]>();
  for (const r of rows) {
    const parent = r[lookup];
    if (typeof parent !== 'string') continue;
    const list = grouped.get(parent) ?? [];
    if (plan.top === undefined || list.length < plan.top) list.push(r);
    grouped.set(parent, list);
  }
  const kept = [...grouped.values()].flat();
  const children = await loadExpansions(records, schema, target, kept, plan.expand);
  const byRow = new Map<Row, ExpandedRecord>();
  kept.forEach((r, i) => {
    const c = children[i];
    if (c !== undefined) byRow.set(r, c);
  });
  for (const p of parents) {
    const id = p.row[entity.primaryIdAttribute];
    const list = typeof id === 'string' ? (grouped.get(id) ?? []) : [];
    p.expanded.set(plan.navigation.name, {
      kind: 'collection',
      plan,
      entity: target,
      records: list.map((r) => byRow.get(r) ?? { row: r, expanded: new Map() }),
    });
  }
}

/** Loads the expansions of `rows` (of `entity`), recursively; the result is parallel to `rows`. */
export async function loadExpansions(
  records: RecordService,
  schema: Schema,
  entity: EntityMetadata,
  rows: readonly Row[],
  plans: readonly ExpandPlan[],
): Promise<ExpandedRecord[]> {
  const out: ExpandedRecord[] = rows.map((row) => ({ row, expanded: new Map() }));
  if (out.length === 0) return out;
  for (const plan of plans) {
    if (plan.navigation.kind === 'single') await expandSingle(records, schema, entity, out, plan);
    else await expandCollection(records, schema, entity, out, plan);
  }
  return out;
}

/** Lookup values (for display names) of the records and everything expanded under them. */
export function collectLookupReferences(
  entity: EntityMetadata,
  recs: readonly ExpandedRecord[],
  select: readonly string[] | undefined,
  into: Map<string, Set<string>>,
): void {
  for (const r of recs) {
    lookupReferences(entity, r.row, into, select);
    for (const v of r.expanded.values()) {
      if (v.plan.ref === true) continue;
      const children = v.kind === 'single' ? (v.record === null ? [] : [v.record]) : v.records;
      collectLookupReferences(v.entity, children, v.plan.select, into);
    }
  }
}

/** The record as Web API JSON with its expansions nested; `serviceRoot` builds `$ref` links. */
export function shapeExpanded(
  ctx: RepresentationContext,
  entity: EntityMetadata,
  rec: ExpandedRecord,
  select: readonly string[] | undefined,
  serviceRoot: string,
): Record<string, unknown> {
  const expanded = new Map<string, unknown>();
  const shape = (v: ExpandedValue, c: ExpandedRecord) =>
    v.plan.ref === true
      ? {
          '@odata.id': `${serviceRoot}/${v.entity.entitySetName}(${String(c.row[v.entity.primaryIdAttribute])})`,
        }
      : shapeExpanded(ctx, v.entity, c, v.plan.select, serviceRoot);
  for (const [name, v] of rec.expanded) {
    expanded.set(
      name,
      v.kind === 'single'
        ? v.record === null
          ? null
          : shape(v, v.record)
        : v.records.map((c) => shape(v, c)),
    );
  }
  return recordToJson(ctx, entity, rec.row, { ...(select !== undefined ? { select } : {}), expanded });
}
