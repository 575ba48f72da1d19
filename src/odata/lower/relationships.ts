import { and, attrRef, cmp, lit } from '../../ir/build.ts';
import type { Expr } from '../../ir/nodes.ts';
import type { RelationshipMetadata } from '../../metadata/model.ts';
import { isPolymorphicLookup } from '../../metadata/model.ts';
import type { Schema } from '../../metadata/schema.ts';

/**
 * The join condition of a relationship between a row of the referencing entity (the one holding
 * the lookup) bound to `referencing` and a row of the referenced entity bound to `referenced`.
 * Polymorphic lookups (parentcustomerid → account or contact) also test the lookup's
 * `<lookup>type` column, since the id alone does not say which table it points into.
 */
export function relationshipCondition(
  schema: Schema,
  rel: RelationshipMetadata,
  referencing: string,
  referenced: string,
): Expr {
  const link = cmp(
    '=',
    attrRef(referenced, rel.referencedAttribute),
    attrRef(referencing, rel.referencingAttribute),
  );
  const typeAttribute = lookupTypeAttribute(schema, rel);
  if (typeAttribute === undefined) return link;
  return (
    and(link, cmp('=', attrRef(referencing, typeAttribute), lit(rel.referencedEntity, 'string'))) ?? link
  );
}

/** The `<lookup>type` attribute of a polymorphic lookup, when the referencing entity has one. */
export function lookupTypeAttribute(schema: Schema, rel: RelationshipMetadata): string | undefined {
  const lookup = schema.attribute(rel.referencingEntity, rel.referencingAttribute);
  if (lookup === undefined || !isPolymorphicLookup(lookup)) return undefined;
  const name = `${rel.referencingAttribute}type`;
  return schema.attribute(rel.referencingEntity, name) !== undefined ? name : undefined;
}

/** Hands out source aliases that cannot clash: `<prefix>1`, `<prefix>2`, … */
export class AliasAllocator {
  private n = 0;
  constructor(private readonly prefix: string) {}
  next(): string {
    this.n += 1;
    return `${this.prefix}${this.n}`;
  }
}
