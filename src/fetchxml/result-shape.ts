import type { Row, Value } from '../ir/nodes.ts';
import type { AttributeMetadata } from '../metadata/model.ts';
import { isLookupType } from '../metadata/model.ts';
import type { Schema } from '../metadata/schema.ts';
import { etagOf } from '../odata/etag.ts';
import type { AnnotationFilter } from '../odata/prefer.ts';
import { Annotation, formattedValue, lookupNameKey } from '../odata/representation.ts';
import type { LoweredFetch, OutputColumn } from './lower/plan.ts';

/**
 * FetchXML result rows as Web API records, the way Dataverse returns them: `@odata.etag` first
 * (plain queries), then each column under its name, columns without a value left out, and the
 * requested annotations (formatted values, lookup target and navigation property) next to their
 * values.
 */

export interface ShapeContext {
  readonly schema: Schema;
  /** `Prefer: odata.include-annotations`. */
  readonly annotations?: AnnotationFilter;
  /** Primary names of lookup targets by `lookupNameKey`, for lookup formatted values. */
  readonly lookupNames?: ReadonlyMap<string, string | null>;
}

/** A lookup column of the result that shows a record id (not a group count or date part). */
function isLookupColumn(c: OutputColumn): boolean {
  return isLookupType(c.attribute.type) && c.aggregate === undefined && c.dateGrouping === undefined;
}

function lookupTarget(c: OutputColumn, row: Row): string | undefined {
  if (c.lookupTypeColumn !== undefined) {
    const t = row[c.lookupTypeColumn];
    return typeof t === 'string' ? t : undefined;
  }
  return c.attribute.targets?.length === 1 ? c.attribute.targets[0] : undefined;
}

/** The records lookup values point at (target entity → ids), for their formatted values. */
export function lookupReferences(q: LoweredFetch, rows: readonly Row[]): Map<string, Set<string>> {
  const refs = new Map<string, Set<string>>();
  for (const c of q.columns) {
    if (!isLookupColumn(c)) continue;
    for (const row of rows) {
      const v = row[c.column];
      const target = lookupTarget(c, row);
      if (typeof v !== 'string' || target === undefined) continue;
      let ids = refs.get(target);
      if (ids === undefined) refs.set(target, (ids = new Set()));
      ids.add(v);
    }
  }
  return refs;
}

const integerFormat = (n: number) => n.toLocaleString('en-US', { maximumFractionDigits: 0 });

/** The display text of a value: option labels, Yes/No, numbers, currency, dates (as the OData path). */
function displayOf(c: OutputColumn, v: Value): string | undefined {
  if (c.aggregate === 'count' || c.aggregate === 'countcolumn')
    return typeof v === 'number' ? integerFormat(v) : undefined;
  if (c.dateGrouping !== undefined) return typeof v === 'number' ? String(v) : undefined;
  if (c.aggregate === 'avg' && typeof v === 'number') {
    const a: AttributeMetadata =
      c.attribute.type === 'Integer' ? { ...c.attribute, type: 'Double', precision: 2 } : c.attribute;
    return formattedValue(a, v);
  }
  return formattedValue(c.attribute, v);
}

function addLookup(
  out: Record<string, unknown>,
  ctx: ShapeContext,
  c: OutputColumn,
  row: Row,
  v: string,
): void {
  const target = lookupTarget(c, row);
  const wants = (term: string) => ctx.annotations?.includes(term) === true;
  if (target !== undefined) {
    if (wants(Annotation.FormattedValue)) {
      const name = ctx.lookupNames?.get(lookupNameKey(target, v));
      if (typeof name === 'string') out[`${c.key}@${Annotation.FormattedValue}`] = name;
    }
    if (wants(Annotation.AssociatedNavigationProperty)) {
      const rel = ctx.schema.relationships.find(
        (r) =>
          r.referencingEntity === c.entity.logicalName &&
          r.referencingAttribute === c.attribute.logicalName &&
          r.referencedEntity === target,
      );
      if (rel !== undefined)
        out[`${c.key}@${Annotation.AssociatedNavigationProperty}`] = rel.referencingNavigationProperty;
    }
    if (wants(Annotation.LookupLogicalName)) out[`${c.key}@${Annotation.LookupLogicalName}`] = target;
  }
  out[c.key] = v;
}

/** One result row as a record. */
export function shapeFetchRow(ctx: ShapeContext, q: LoweredFetch, row: Row): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const version = q.versionColumn === undefined ? null : (row[q.versionColumn] ?? null);
  if (version !== null) out['@odata.etag'] = etagOf(version);
  const formatted = ctx.annotations?.includes(Annotation.FormattedValue) === true;
  for (const c of q.columns) {
    const v = row[c.column] ?? null;
    if (v === null) continue;
    if (isLookupColumn(c) && typeof v === 'string') {
      addLookup(out, ctx, c, row, v);
      continue;
    }
    if (formatted) {
      const display = displayOf(c, v);
      if (display !== undefined) out[`${c.key}@${Annotation.FormattedValue}`] = display;
    }
    out[c.key] = v;
  }
  return out;
}
