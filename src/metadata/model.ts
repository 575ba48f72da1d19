/**
 * The metadata model: what entities, attributes and relationships exist. Everything else
 * (stores, the IR compiler, the Web API, the query languages) reads the schema through these
 * types and never hard-codes an entity.
 */

export type AttributeType =
  | 'String'
  | 'Memo'
  | 'Integer'
  | 'BigInt'
  | 'Decimal'
  | 'Double'
  | 'Money'
  | 'Boolean'
  | 'DateTime'
  | 'Picklist'
  | 'Uniqueidentifier'
  | 'Lookup'
  | 'Customer'
  | 'Owner'
  | 'State'
  | 'Status'
  | 'EntityName';

/** Dataverse DateTime behaviours; DateOnly columns are stored and served as dates without time. */
export type DateTimeBehavior = 'UserLocal' | 'DateOnly' | 'TimeZoneIndependent';

export type RequiredLevel = 'None' | 'Recommended' | 'ApplicationRequired' | 'SystemRequired';

export interface OptionMetadata {
  value: number;
  label: string;
  /** For Status options: the statecode this status belongs to. */
  state?: number;
  /** For State options: the default statuscode of this state. */
  defaultStatus?: number;
}

/** How the server fills an attribute that clients may not write. */
export type ComputedKind =
  /** fullname = firstname + ' ' + lastname (Dataverse's default composition). */
  | 'fullname'
  /** accountid = parentcustomerid when it points at an account. */
  | 'parentAccount'
  /** msdyncrm_segmentqueryname = SEGMENT_CRM_ID_ + id without hyphens. */
  | 'segmentQueryName'
  /** Maintained by the record service (createdon, modifiedon, versionnumber, statecode from statuscode…). */
  | 'system';

export interface AttributeMetadata {
  logicalName: string;
  type: AttributeType;
  displayName: string;
  required: RequiredLevel;
  /** String/Memo maximum length in characters. */
  maxLength?: number;
  minValue?: number;
  maxValue?: number;
  /** Decimal/Money digits after the point. */
  precision?: number;
  dateTimeBehavior?: DateTimeBehavior;
  /** Picklist/State/Status options. */
  options?: OptionMetadata[];
  /** Lookup/Customer/Owner targets (entity logical names). */
  targets?: string[];
  /** Value used on create when the client sends none. */
  defaultValue?: string | number | boolean;
  /** Clients may set it on create. */
  validForCreate: boolean;
  /** Clients may change it on update. */
  validForUpdate: boolean;
  /** Set when the server computes the value (the attribute is then read-only for clients). */
  computed?: ComputedKind;
  isPrimaryId?: boolean;
  isPrimaryName?: boolean;
  /**
   * Filters on it are common: stores that use secondary indexes keep one (PostgreSQL; on text the
   * index is on lower(value), matching case-insensitive comparisons). DuckDB scans and needs none.
   */
  indexed?: boolean;
  /**
   * The schema name of the relationship a (single-target) lookup defines, when the schema file
   * names it; otherwise Dataverse's name for built-ins or `<to>_<from>_<lookup>`.
   */
  relationshipName?: string;
  /** True for attributes declared in a schema file rather than built in. */
  isCustom?: boolean;
  /**
   * Other names a Web API body may set the attribute by, on create and update (never served):
   * e.g. `msdyncrm_query` for `msdyncrm_segmentquery`, as the original service's examples send it.
   */
  aliases?: readonly string[];
  /**
   * The text holds a JSON document of this shape (`array`): a body may send the document itself
   * instead of its text, and it is stored as its JSON text.
   */
  jsonText?: 'array';
}

export interface EntityMetadata {
  logicalName: string;
  entitySetName: string;
  displayName: string;
  displayCollectionName: string;
  primaryIdAttribute: string;
  primaryNameAttribute: string;
  /** Attributes by logical name, in declaration order. */
  attributes: ReadonlyMap<string, AttributeMetadata>;
  isCustom: boolean;
  /** Records are only ever added (interactions): updates and deletes are refused. */
  appendOnly?: boolean;
  /**
   * Composite secondary indexes (attribute names, leading column first) for the access paths the
   * entity is known for, e.g. interactions "by type and time" and "by linked profile".
   */
  indexes?: readonly (readonly string[])[];
}

/**
 * A one-to-many relationship: `referencingEntity.referencingAttribute` (a lookup) points at
 * `referencedEntity.referencedAttribute` (its primary id).
 */
export interface RelationshipMetadata {
  schemaName: string;
  referencedEntity: string;
  referencedAttribute: string;
  referencingEntity: string;
  referencingAttribute: string;
  /** Single-valued navigation property on the referencing entity (e.g. `parentcustomerid_account`). */
  referencingNavigationProperty: string;
  /** Collection-valued navigation property on the referenced entity (e.g. `contact_customer_accounts`). */
  referencedNavigationProperty: string;
  /** Segment-language name `<from>_<to>_<lookup>` (e.g. `contact_account_parentcustomerid`). */
  segmentName: string;
}

/** A navigation property as seen from one entity. */
export interface NavigationProperty {
  name: string;
  entity: string;
  targetEntity: string;
  /** `single`: this entity holds the lookup; `collection`: the target holds it. */
  kind: 'single' | 'collection';
  relationship: RelationshipMetadata;
}

/** True for attribute types stored as a GUID pointing at another row. */
export function isLookupType(type: AttributeType): boolean {
  return type === 'Lookup' || type === 'Customer' || type === 'Owner';
}

/** True for attribute types whose value is an option-set integer. */
export function isOptionSetType(type: AttributeType): boolean {
  return type === 'Picklist' || type === 'State' || type === 'Status';
}

/** True for lookups that may point at more than one entity and so carry a `<name>type` column. */
export function isPolymorphicLookup(attr: AttributeMetadata): boolean {
  return isLookupType(attr.type) && (attr.targets?.length ?? 0) > 1;
}

/** The Web API property name of a lookup: `_<name>_value`. */
export function lookupPropertyName(logicalName: string): string {
  return `_${logicalName}_value`;
}
