import type { AttributeMetadata, EntityMetadata } from '../../metadata/model.ts';
import type { Schema } from '../../metadata/schema.ts';
import { closestNames, didYouMean } from '../../odata/language/properties.ts';
import type { Loc } from '../errors.ts';
import { fetchXmlError } from '../errors.ts';

/** Entity and attribute names of a FetchXML query resolved against the metadata. */

export function resolveEntity(schema: Schema, name: string, loc: Loc): EntityMetadata {
  const e = schema.entity(name);
  if (e === undefined) {
    throw fetchXmlError(
      loc,
      `The entity '${name}' does not exist.${didYouMean(closestNames(name, schema.entities.keys()))}`,
    );
  }
  return e;
}

/** Logical names are lower case; a name in another case still finds its attribute. */
export function findAttribute(entity: EntityMetadata, name: string): AttributeMetadata | undefined {
  return entity.attributes.get(name) ?? entity.attributes.get(name.toLowerCase());
}

export function resolveAttribute(entity: EntityMetadata, name: string, loc: Loc): AttributeMetadata {
  const a = findAttribute(entity, name);
  if (a === undefined) {
    throw fetchXmlError(
      loc,
      `The entity '${entity.logicalName}' has no attribute '${name}'.${didYouMean(closestNames(name, entity.attributes.keys()))}`,
    );
  }
  return a;
}
