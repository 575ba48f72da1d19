import type { AttributeMetadata, EntityMetadata, NavigationProperty, RelationshipMetadata } from './model.ts';
import { isLookupType } from './model.ts';
import type { InteractionTypeMetadata } from './interactions.ts';

/**
 * Dataverse's own names for the built-in relationships, keyed by `<referencing>.<lookup>.<target>`.
 * Lookups not listed here get derived names (see `deriveRelationship`).
 */
const KNOWN_RELATIONSHIPS: Record<string, { schemaName: string; single?: string; collection?: string }> = {
  'contact.parentcustomerid.account': {
    schemaName: 'contact_customer_accounts',
    single: 'parentcustomerid_account',
  },
  'contact.parentcustomerid.contact': {
    schemaName: 'contact_customer_contacts',
    single: 'parentcustomerid_contact',
  },
  'contact.accountid.account': { schemaName: 'account_contacts', single: 'accountid' },
  'contact.msdyncrm_segmentmemberid.msdyncrm_segment': {
    schemaName: 'msdyncrm_msdyncrm_segment_contact',
    single: 'msdyncrm_SegmentMemberId',
  },
  'account.primarycontactid.contact': { schemaName: 'account_primary_contact' },
  'account.parentaccountid.account': { schemaName: 'account_parent_account' },
  'contact.owningbusinessunit.businessunit': { schemaName: 'business_unit_contacts' },
  'account.owningbusinessunit.businessunit': { schemaName: 'business_unit_accounts' },
  'msdyncrm_segment.owningbusinessunit.businessunit': { schemaName: 'business_unit_msdyncrm_segment' },
  'contact.owninguser.systemuser': { schemaName: 'contact_owning_user' },
  'account.owninguser.systemuser': { schemaName: 'account_owning_user' },
  'msdyncrm_segment.owninguser.systemuser': { schemaName: 'user_msdyncrm_segment' },
  'contact.ownerid.systemuser': { schemaName: 'owner_contacts' },
  'account.ownerid.systemuser': { schemaName: 'owner_accounts' },
  'msdyncrm_segment.ownerid.systemuser': { schemaName: 'owner_msdyncrm_segment' },
  'contact.createdby.systemuser': { schemaName: 'lk_contactbase_createdby' },
  'contact.modifiedby.systemuser': { schemaName: 'lk_contactbase_modifiedby' },
  'account.createdby.systemuser': { schemaName: 'lk_accountbase_createdby' },
  'account.modifiedby.systemuser': { schemaName: 'lk_accountbase_modifiedby' },
  'msdyncrm_segment.createdby.systemuser': { schemaName: 'lk_msdyncrm_segment_createdby' },
  'msdyncrm_segment.modifiedby.systemuser': { schemaName: 'lk_msdyncrm_segment_modifiedby' },
  'businessunit.parentbusinessunitid.businessunit': { schemaName: 'business_unit_parent_business_unit' },
  'systemuser.businessunitid.businessunit': { schemaName: 'business_unit_system_users' },
  'systemuser.parentsystemuserid.systemuser': { schemaName: 'user_parent_user' },
};

function deriveRelationship(
  from: EntityMetadata,
  lookup: AttributeMetadata,
  to: EntityMetadata,
): RelationshipMetadata {
  const known = KNOWN_RELATIONSHIPS[`${from.logicalName}.${lookup.logicalName}.${to.logicalName}`];
  const polymorphic = (lookup.targets?.length ?? 0) > 1;
  const schemaName =
    known?.schemaName ??
    lookup.relationshipName ??
    `${to.logicalName}_${from.logicalName}_${lookup.logicalName}`;
  return {
    schemaName,
    referencedEntity: to.logicalName,
    referencedAttribute: to.primaryIdAttribute,
    referencingEntity: from.logicalName,
    referencingAttribute: lookup.logicalName,
    referencingNavigationProperty:
      known?.single ?? (polymorphic ? `${lookup.logicalName}_${to.logicalName}` : lookup.logicalName),
    referencedNavigationProperty: known?.collection ?? schemaName,
    segmentName: `${from.logicalName}_${to.logicalName}_${lookup.logicalName}`,
  };
}

/** An immutable, indexed view of the effective schema (built-ins plus the schema file). */
export class Schema {
  readonly entities: ReadonlyMap<string, EntityMetadata>;
  readonly relationships: readonly RelationshipMetadata[];
  private readonly bySet = new Map<string, EntityMetadata>();
  private readonly byLowerName = new Map<string, EntityMetadata>();
  private readonly navigation = new Map<string, Map<string, NavigationProperty>>();
  /** Interaction types by lower-cased name (the `interaction` entity holds their records). */
  readonly interactionTypes: ReadonlyMap<string, InteractionTypeMetadata>;

  constructor(entities: EntityMetadata[], interactionTypes: readonly InteractionTypeMetadata[] = []) {
    this.interactionTypes = new Map(interactionTypes.map((t) => [t.name.toLowerCase(), t]));
    const map = new Map<string, EntityMetadata>();
    for (const e of entities) {
      if (map.has(e.logicalName)) throw new Error(`duplicate entity '${e.logicalName}'`);
      map.set(e.logicalName, e);
      this.bySet.set(e.entitySetName, e);
      this.byLowerName.set(e.logicalName.toLowerCase(), e);
    }
    this.entities = map;
    const relationships: RelationshipMetadata[] = [];
    for (const from of entities) {
      this.navigation.set(
        from.logicalName,
        this.navigation.get(from.logicalName) ?? new Map<string, NavigationProperty>(),
      );
      for (const a of from.attributes.values()) {
        if (!isLookupType(a.type)) continue;
        for (const t of a.targets ?? []) {
          const to = map.get(t);
          if (to === undefined) continue;
          relationships.push(deriveRelationship(from, a, to));
        }
      }
    }
    this.relationships = relationships;
    for (const r of relationships) {
      this.addNavigation({
        name: r.referencingNavigationProperty,
        entity: r.referencingEntity,
        targetEntity: r.referencedEntity,
        kind: 'single',
        relationship: r,
      });
      this.addNavigation({
        name: r.referencedNavigationProperty,
        entity: r.referencedEntity,
        targetEntity: r.referencingEntity,
        kind: 'collection',
        relationship: r,
      });
    }
  }

  private addNavigation(n: NavigationProperty): void {
    let m = this.navigation.get(n.entity);
    if (m === undefined) {
      m = new Map();
      this.navigation.set(n.entity, m);
    }
    // A self-referencing relationship yields the same name twice only when schema name and lookup coincide.
    if (!m.has(n.name)) m.set(n.name, n);
  }

  /** An interaction type by name, case-insensitively. */
  interactionType(name: string): InteractionTypeMetadata | undefined {
    return this.interactionTypes.get(name.toLowerCase());
  }

  entity(logicalName: string): EntityMetadata | undefined {
    return this.entities.get(logicalName) ?? this.byLowerName.get(logicalName.toLowerCase());
  }

  /** Like `entity` but for names that must exist (schema-internal callers). */
  requireEntity(logicalName: string): EntityMetadata {
    const e = this.entity(logicalName);
    if (e === undefined) throw new Error(`unknown entity '${logicalName}'`);
    return e;
  }

  entityBySetName(setName: string): EntityMetadata | undefined {
    return this.bySet.get(setName);
  }

  attribute(entity: string, logicalName: string): AttributeMetadata | undefined {
    return this.entities.get(entity)?.attributes.get(logicalName);
  }

  navigationProperties(entity: string): ReadonlyMap<string, NavigationProperty> {
    return this.navigation.get(entity) ?? new Map();
  }

  navigationProperty(entity: string, name: string): NavigationProperty | undefined {
    return this.navigation.get(entity)?.get(name);
  }

  /** Relationships a segment-language TRAVERSE may name: `<from>_<to>_<lookup>` or the schema name. */
  relationshipsNamed(name: string): RelationshipMetadata[] {
    const lower = name.toLowerCase();
    return this.relationships.filter(
      (r) => r.segmentName.toLowerCase() === lower || r.schemaName.toLowerCase() === lower,
    );
  }
}
