import { and, attrRef, cmp, exists, lit, not, select } from '../../ir/build.ts';
import type { Expr } from '../../ir/nodes.ts';
import type { AttributeMetadata, EntityMetadata } from '../../metadata/model.ts';
import { isLookupType } from '../../metadata/model.ts';
import type { Loc } from '../errors.ts';
import { fetchXmlError } from '../errors.ts';
import type { HierarchyRelation } from '../operators.ts';
import type { LoweringContext } from './context.ts';
import type { BoundEntity } from './scope.ts';

/**
 * The hierarchy operators (under, eq-or-under, not-under, above, eq-or-above) on an entity with a
 * self-referencing lookup (account.parentaccountid, businessunit.parentbusinessunitid,
 * systemuser.parentsystemuserid). The condition names the primary id (as in Dataverse) or the
 * lookup itself. The walk is a recursive IR source, so it has no depth limit; a cycle in the data
 * ends it.
 */

const selfLookup = (e: EntityMetadata, a: AttributeMetadata) =>
  isLookupType(a.type) && a.targets?.length === 1 && a.targets[0] === e.logicalName;

function parentLookup(
  entity: EntityMetadata,
  attribute: AttributeMetadata,
  operator: string,
  loc: Loc,
): string {
  if (selfLookup(entity, attribute)) return attribute.logicalName;
  if (attribute.logicalName !== entity.primaryIdAttribute) {
    throw fetchXmlError(
      loc,
      `The operator '${operator}' applies to the primary id '${entity.primaryIdAttribute}' of a hierarchical entity, not to '${attribute.logicalName}'.`,
    );
  }
  const lookups = [...entity.attributes.values()].filter((a) => selfLookup(entity, a));
  const [only, second] = lookups;
  if (only === undefined) {
    throw fetchXmlError(
      loc,
      `The operator '${operator}' needs a hierarchy, but '${entity.logicalName}' has no lookup to itself.`,
    );
  }
  if (second !== undefined) {
    throw fetchXmlError(
      loc,
      `The operator '${operator}' is ambiguous on '${entity.logicalName}', which has several lookups to itself (${lookups.map((a) => `'${a.logicalName}'`).join(', ')}); put the condition on one of them.`,
    );
  }
  return only.logicalName;
}

export function hierarchyCondition(
  ctx: LoweringContext,
  bound: BoundEntity,
  attribute: AttributeMetadata,
  operator: string,
  relation: HierarchyRelation,
  id: string,
  loc: Loc,
): Expr {
  const entity = bound.entity;
  const parentAttribute = parentLookup(entity, attribute, operator, loc);
  const pk = entity.primaryIdAttribute;
  const walk = ctx.alias('h');
  const direction = relation === 'above' || relation === 'eq-or-above' ? 'up' : 'down';
  const inWalk = exists(
    select(
      {
        kind: 'hierarchy',
        entity: entity.logicalName,
        parentAttribute,
        direction,
        start: cmp('=', attrRef(walk, pk), lit(id, 'guid')),
        alias: walk,
      },
      [],
      { where: cmp('=', { kind: 'column', source: walk, column: 'id' }, attrRef(bound.sqlAlias, pk)) },
    ),
  );
  const notItself = cmp('<>', attrRef(bound.sqlAlias, pk), lit(id, 'guid'));
  switch (relation) {
    case 'eq-or-under':
    case 'eq-or-above':
      return inWalk;
    case 'under':
    case 'above':
      return and(inWalk, notItself) ?? inWalk;
    case 'not-under':
      return not(and(inWalk, notItself) ?? inWalk);
  }
}
