import type { AttributeMetadata, EntityMetadata } from './model.ts';
import { attr, dt, entity, str } from './builtin/define.ts';

/**
 * Interactions: what profiles did (opened an email, submitted a form …). Every interaction type
 * has a timestamp, its own properties and links that name the profile entity it points at
 * (`EmailOpened_ContactLink` → contact). All types share one append-only table, the `interaction`
 * entity: its columns are the fixed ones, one lookup per linked profile entity (named after that
 * entity's primary id, e.g. `contactid`) and the union of all types' properties. A property name
 * used by several types has one type everywhere.
 */

export const INTERACTION_ENTITY = 'interaction';
export const INTERACTION_TYPE_ATTRIBUTE = 'interactiontype';
export const INTERACTION_TIME_ATTRIBUTE = 'timestamp';

export interface InteractionLink {
  /** As declared, e.g. `EmailOpened_ContactLink`; matched case-insensitively. */
  readonly name: string;
  /** Logical name of the profile entity the link points at. */
  readonly entity: string;
  /** The interaction entity's lookup column holding the profile's id. */
  readonly attribute: string;
}

export interface InteractionTypeMetadata {
  /** As declared, e.g. `EmailOpened`; matched case-insensitively, stored as declared. */
  readonly name: string;
  readonly displayName: string;
  /** The type's own properties (attributes of the interaction entity). */
  readonly properties: readonly AttributeMetadata[];
  readonly links: readonly InteractionLink[];
  readonly isCustom: boolean;
}

/** Thrown for interaction declarations that cannot be combined into one table. */
export class InteractionSchemaError extends Error {
  override name = 'InteractionSchemaError';
}

/** The columns every interaction has, whatever its type. */
function fixedAttributes(): AttributeMetadata[] {
  return [
    attr('interactionid', 'Uniqueidentifier', 'Interaction', {
      required: 'SystemRequired',
      createOnly: true,
    }),
    str(INTERACTION_TYPE_ATTRIBUTE, 'Interaction Type', 100, {
      required: 'ApplicationRequired',
      createOnly: true,
    }),
    dt(INTERACTION_TIME_ATTRIBUTE, 'Timestamp', 'TimeZoneIndependent', { createOnly: true }),
    dt('createdon', 'Created On', 'UserLocal', { computed: 'system' }),
    attr('versionnumber', 'BigInt', 'Version Number', { computed: 'system' }),
  ];
}

/** The names no property or link column may take. */
export const FIXED_INTERACTION_ATTRIBUTES: ReadonlySet<string> = new Set(
  fixedAttributes().map((a) => a.logicalName),
);

/**
 * The `interaction` entity for a set of types. Throws InteractionSchemaError when two types give
 * one property name different types, or a property takes a fixed or link column's name.
 */
export function interactionEntity(
  types: readonly InteractionTypeMetadata[],
  profileEntity: (name: string) => EntityMetadata | undefined,
): EntityMetadata {
  const attributes = fixedAttributes();
  const byName = new Map(attributes.map((a) => [a.logicalName, { a, owner: '(every interaction)' }]));
  const linkColumns = new Map<string, string>();
  for (const t of types) {
    for (const l of t.links) {
      const target = profileEntity(l.entity);
      if (target === undefined)
        throw new InteractionSchemaError(
          `interaction type '${t.name}', link '${l.name}': unknown profile entity '${l.entity}'`,
        );
      if (linkColumns.has(l.attribute)) continue;
      if (byName.has(l.attribute))
        throw new InteractionSchemaError(
          `interaction type '${t.name}', link '${l.name}': column '${l.attribute}' is taken by ${byName.get(l.attribute)!.owner}`,
        );
      const a = attr(l.attribute, 'Lookup', target.displayName, {
        targets: [target.logicalName],
        createOnly: true,
      });
      linkColumns.set(l.attribute, target.logicalName);
      byName.set(l.attribute, { a, owner: `the link to ${target.logicalName}` });
      attributes.push(a);
    }
  }
  for (const t of types) {
    for (const p of t.properties) {
      const seen = byName.get(p.logicalName);
      if (seen === undefined) {
        byName.set(p.logicalName, { a: p, owner: `property '${p.logicalName}' of ${t.name}` });
        attributes.push(p);
        continue;
      }
      if (FIXED_INTERACTION_ATTRIBUTES.has(p.logicalName) || linkColumns.has(p.logicalName))
        throw new InteractionSchemaError(
          `interaction type '${t.name}': property '${p.logicalName}' clashes with ${seen.owner}`,
        );
      if (seen.a.type !== p.type)
        throw new InteractionSchemaError(
          `interaction type '${t.name}': property '${p.logicalName}' is ${p.type} but ${seen.owner} is ${seen.a.type}`,
        );
    }
  }
  const indexes: string[][] = [[INTERACTION_TYPE_ATTRIBUTE, INTERACTION_TIME_ATTRIBUTE]];
  for (const column of linkColumns.keys())
    indexes.push([column, INTERACTION_TYPE_ATTRIBUTE, INTERACTION_TIME_ATTRIBUTE]);
  return {
    ...entity(
      {
        logicalName: INTERACTION_ENTITY,
        entitySetName: 'interactions',
        displayName: 'Interaction',
        displayCollectionName: 'Interactions',
        primaryIdAttribute: 'interactionid',
        primaryNameAttribute: INTERACTION_TYPE_ATTRIBUTE,
      },
      attributes,
    ),
    appendOnly: true,
    indexes,
  };
}

/**
 * What a FILTER inside `INTERACTION(t, …)` sees: the interaction entity narrowed to the
 * timestamp and the type's own properties, so that another type's property is an unknown name.
 */
export function interactionView(interaction: EntityMetadata, type: InteractionTypeMetadata): EntityMetadata {
  const names = [INTERACTION_TIME_ATTRIBUTE, ...type.properties.map((p) => p.logicalName)];
  const attributes = new Map<string, AttributeMetadata>();
  for (const n of names) {
    const a = interaction.attributes.get(n);
    if (a !== undefined) attributes.set(n, a);
  }
  return { ...interaction, displayName: `${type.name} interaction`, attributes };
}

/** The link of a type by name, case-insensitively. */
export function findLink(type: InteractionTypeMetadata, name: string): InteractionLink | undefined {
  const lower = name.toLowerCase();
  return type.links.find((l) => l.name.toLowerCase() === lower);
}
