import type { Value } from '../ir/nodes.ts';
import {
  FIXED_INTERACTION_ATTRIBUTES,
  INTERACTION_TIME_ATTRIBUTE,
  INTERACTION_TYPE_ATTRIBUTE,
} from '../metadata/interactions.ts';
import type { EntityMetadata } from '../metadata/model.ts';
import type { Schema } from '../metadata/schema.ts';
import { DataverseError, ErrorCodes } from './errors.ts';

/**
 * What an interaction must be before it is stored: of a declared type, with only that type's
 * properties and links, linked to at least one profile. Returns the values to store (type name
 * as declared, timestamp defaulted to `now`) or the problem in words.
 */
export function checkInteraction(
  schema: Schema,
  values: Readonly<Record<string, Value>>,
  now: string,
): { values: Record<string, Value> } | { problem: string } {
  const typeName = values[INTERACTION_TYPE_ATTRIBUTE];
  if (typeof typeName !== 'string' || typeName === '')
    return { problem: `'${INTERACTION_TYPE_ATTRIBUTE}' is required: the name of an interaction type.` };
  const type = schema.interactionType(typeName);
  if (type === undefined) {
    const known = [...schema.interactionTypes.values()].map((t) => t.name).join(', ');
    return { problem: `'${typeName}' is not an interaction type (declared: ${known}).` };
  }
  const properties = new Set(type.properties.map((p) => p.logicalName));
  const links = new Map(type.links.map((l) => [l.attribute, l]));
  let linked = false;
  for (const [name, v] of Object.entries(values)) {
    if (FIXED_INTERACTION_ATTRIBUTES.has(name) || v === null) continue;
    if (links.has(name)) {
      linked = true;
      continue;
    }
    if (!properties.has(name))
      return {
        problem: `'${name}' is not a property of ${type.name} interactions (its properties: ${[...properties].join(', ') || 'none'}; its links: ${[...links.keys()].join(', ')}).`,
      };
  }
  if (!linked)
    return {
      problem: `Each ${type.name} interaction must link to a profile: set ${type.links.map((l) => `'${l.attribute}' (${l.name})`).join(' or ')}.`,
    };
  const time = values[INTERACTION_TIME_ATTRIBUTE];
  return {
    values: {
      ...values,
      [INTERACTION_TYPE_ATTRIBUTE]: type.name,
      [INTERACTION_TIME_ATTRIBUTE]: time === undefined || time === null ? now : time,
    },
  };
}

/** Updates and deletes of append-only records (interactions) are refused, not ignored. */
export function appendOnlyError(e: EntityMetadata, action: string): DataverseError {
  return new DataverseError(
    'MethodNotAllowed',
    ErrorCodes.NotSupported,
    `${e.displayCollectionName} are append-only: they cannot be ${action}. Create new ones with POST.`,
  );
}
