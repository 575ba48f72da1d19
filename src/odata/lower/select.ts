import { attrRef } from '../../ir/build.ts';
import type { SelectItem } from '../../ir/nodes.ts';
import type { EntityMetadata } from '../../metadata/model.ts';
import { isPolymorphicLookup } from '../../metadata/model.ts';
import type { Schema } from '../../metadata/schema.ts';
import type { ExpandClause, SelectClause } from '../language/semantic.ts';
import { lookupTypeAttribute } from './relationships.ts';

/**
 * The attributes (logical names) a query must read for `$select`: the selected ones in the
 * client's order, then the primary id (Dataverse always returns it), the `<lookup>type` of each
 * selected polymorphic lookup (to annotate `@Microsoft.Dynamics.CRM.lookuplogicalname`), and
 * the lookups behind single-valued `$expand` items (to match related rows to their parents).
 * Without `$select` every attribute is read.
 */
export function lowerSelect(
  schema: Schema,
  entity: EntityMetadata,
  select: SelectClause | undefined,
  expand: readonly ExpandClause[] = [],
): string[] {
  if (select === undefined) return [...entity.attributes.keys()];
  const names = new Set<string>();
  const add = (name: string) => {
    names.add(name);
    const a = entity.attributes.get(name);
    const companion = `${name}type`;
    if (a !== undefined && isPolymorphicLookup(a) && entity.attributes.has(companion)) names.add(companion);
  };
  for (const p of select.properties) add(p.attribute);
  add(entity.primaryIdAttribute);
  for (const e of expand) {
    if (e.navigation.kind !== 'single') continue;
    add(e.navigation.relationship.referencingAttribute);
    const typeAttribute = lookupTypeAttribute(schema, e.navigation.relationship);
    if (typeAttribute !== undefined) names.add(typeAttribute);
  }
  return [...names];
}

/** Output columns named after the attributes, over `alias`. */
export function selectColumns(attributes: readonly string[], alias: string): SelectItem[] {
  return attributes.map((a) => ({ expr: attrRef(alias, a), as: a }));
}
