import { and, attrRef, cmp, entitySource, keyRef, scalarTypeOf, select } from '../../ir/build.ts';
import type { Expr, Join, SelectQuery, Source } from '../../ir/nodes.ts';
import type { EntityMetadata, RelationshipMetadata } from '../../metadata/model.ts';
import type { Schema } from '../../metadata/schema.ts';
import { relationshipCondition } from '../../odata/lower/relationships.ts';
import type { LinkEntityNode } from '../ast.ts';
import { fetchXmlError } from '../errors.ts';
import { resolveAttribute } from './names.ts';
import type { BoundEntity } from './scope.ts';

/**
 * How a link-entity reaches its rows from the parent row: an equality of `from` (on the linked
 * entity) and `to` (on the parent), or, for the segment membership link, the membership table.
 * The path builds both shapes a link takes in the IR: joins (inner/outer links) and a correlated
 * subquery (exists/in and the filter links any/not any/all/not all).
 */
export interface LinkPath {
  /** The linked entity as conditions and columns refer to it. */
  readonly bound: BoundEntity;
  /** Joins that put each linked row next to its parent row; `on` is the link's own condition. */
  joins(type: 'inner' | 'left', on: Expr | undefined): Join[];
  /** The linked rows of the parent row, joined with `joins` (nested links) and kept where `condition` holds. */
  subquery(joins: readonly Join[], condition: Expr | undefined): SelectQuery;
}

/** segmentd serves contact.msdyncrm_segmentmemberid as a link through segment membership (many segments per contact). */
const CONTACT = 'contact';
const SEGMENT = 'msdyncrm_segment';
const MEMBER_LOOKUP = 'msdyncrm_segmentmemberid';

interface Columns {
  readonly from: string;
  readonly to: string;
}

function describe(c: Columns): string {
  return `from='${c.from}' to='${c.to}'`;
}

/** The `from`/`to` pair of a link: as written, or inferred from the one relationship between the two entities. */
function linkColumns(
  schema: Schema,
  parent: EntityMetadata,
  linked: EntityMetadata,
  node: LinkEntityNode,
): Columns {
  if (node.from !== undefined && node.to !== undefined) return { from: node.from, to: node.to };
  const candidates: Columns[] = [];
  const add = (c: Columns) => {
    if (node.from !== undefined && node.from !== c.from) return;
    if (node.to !== undefined && node.to !== c.to) return;
    if (!candidates.some((x) => x.from === c.from && x.to === c.to)) candidates.push(c);
  };
  for (const r of schema.relationships) {
    if (r.referencingEntity === linked.logicalName && r.referencedEntity === parent.logicalName)
      add({ from: r.referencingAttribute, to: r.referencedAttribute });
    if (r.referencingEntity === parent.logicalName && r.referencedEntity === linked.logicalName)
      add({ from: r.referencedAttribute, to: r.referencingAttribute });
  }
  const [only, second] = candidates;
  if (only !== undefined && second === undefined) return only;
  const options =
    candidates.length === 0 ? '' : ` It could be any of: ${candidates.map(describe).join('; ')}.`;
  throw fetchXmlError(
    node.loc,
    `The link-entity '${node.name}' needs 'from' and 'to' attributes: no single relationship joins '${linked.logicalName}' to '${parent.logicalName}'.${options}`,
  );
}

/** The relationship a `from`/`to` pair follows, when it follows one (its polymorphic lookups also check the type). */
function relationshipOf(
  schema: Schema,
  parent: EntityMetadata,
  linked: EntityMetadata,
  c: Columns,
): { rel: RelationshipMetadata; linkedIsReferencing: boolean } | undefined {
  for (const rel of schema.relationships) {
    if (
      rel.referencingEntity === linked.logicalName &&
      rel.referencedEntity === parent.logicalName &&
      rel.referencingAttribute === c.from &&
      rel.referencedAttribute === c.to
    )
      return { rel, linkedIsReferencing: true };
    if (
      rel.referencingEntity === parent.logicalName &&
      rel.referencedEntity === linked.logicalName &&
      rel.referencingAttribute === c.to &&
      rel.referencedAttribute === c.from
    )
      return { rel, linkedIsReferencing: false };
  }
  return undefined;
}

function membershipDirection(
  parent: EntityMetadata,
  linked: EntityMetadata,
  c: Columns,
): 'toSegments' | 'toMembers' | undefined {
  if (
    parent.logicalName === CONTACT &&
    linked.logicalName === SEGMENT &&
    c.to === MEMBER_LOOKUP &&
    c.from === linked.primaryIdAttribute
  )
    return 'toSegments';
  if (
    parent.logicalName === SEGMENT &&
    linked.logicalName === CONTACT &&
    c.from === MEMBER_LOOKUP &&
    c.to === parent.primaryIdAttribute
  )
    return 'toMembers';
  return undefined;
}

/**
 * True when `node` is the link from contact to its segments through `msdyncrm_segmentmemberid`
 * (or back). Dataverse's lookup allowed one segment per contact, so a link that returns nothing
 * lowers as a semi-join: a contact in several matching segments still comes back once.
 */
export function isMembershipLink(schema: Schema, parent: EntityMetadata, node: LinkEntityNode): boolean {
  const linked = schema.entity(node.name);
  if (linked === undefined || node.from === undefined || node.to === undefined) return false;
  return membershipDirection(parent, linked, { from: node.from, to: node.to }) !== undefined;
}

const memberColumn = (alias: string, column: 'segment_key' | 'contact_key'): Expr => ({
  kind: 'column',
  source: alias,
  column,
});

/**
 * A link through segment membership: contact → its segments, or segment → its member contacts.
 * The membership rows (`segmentMembers`) sit between the two entities, joined on surrogate keys.
 */
function membershipPath(
  parent: BoundEntity,
  bound: BoundEntity,
  direction: 'toSegments' | 'toMembers',
): LinkPath {
  const members = `${bound.sqlAlias}_m`;
  const membersSource: Source = { kind: 'segmentMembers', alias: members };
  const [parentSide, linkedSide] =
    direction === 'toSegments'
      ? (['contact_key', 'segment_key'] as const)
      : (['segment_key', 'contact_key'] as const);
  const ofParent = cmp('=', memberColumn(members, parentSide), keyRef(parent.sqlAlias));
  const toLinked = cmp('=', keyRef(bound.sqlAlias), memberColumn(members, linkedSide));
  const linkedSource = entitySource(bound.entity.logicalName, bound.sqlAlias);
  return {
    bound,
    joins(type, on) {
      if (type === 'inner') {
        return [
          { type, source: membersSource, on: ofParent },
          { type, source: linkedSource, on: and(toLinked, on) ?? toLinked },
        ];
      }
      // An outer link keeps the parent row once when no membership leads to a matching row, so
      // the membership rows are filtered by the link's condition before they are joined.
      const matching =
        on === undefined
          ? ofParent
          : (and(ofParent, {
              kind: 'exists',
              negated: false,
              query: select(linkedSource, [{ expr: keyRef(bound.sqlAlias), as: 'k' }], {
                where: and(toLinked, on) ?? toLinked,
              }),
            }) ?? ofParent);
      return [
        { type, source: membersSource, on: matching },
        { type, source: linkedSource, on: toLinked },
      ];
    },
    subquery(joins, condition) {
      const where = and(ofParent, condition);
      return select(linkedSource, [{ expr: keyRef(bound.sqlAlias), as: 'k' }], {
        joins: [{ type: 'inner', source: membersSource, on: toLinked }, ...joins],
        ...(where !== undefined ? { where } : {}),
      });
    },
  };
}

/**
 * The path of `node` from `parent` to the linked entity, bound to `sqlAlias` under the name
 * `name`. Checks that `from` and `to` exist and have the same type.
 */
export function linkPath(
  schema: Schema,
  parent: BoundEntity,
  node: LinkEntityNode,
  linked: EntityMetadata,
  name: string,
  sqlAlias: string,
): LinkPath {
  const c = linkColumns(schema, parent.entity, linked, node);
  const fromAttr = resolveAttribute(linked, c.from, node.loc);
  const toAttr = resolveAttribute(parent.entity, c.to, node.loc);
  const columns = { from: fromAttr.logicalName, to: toAttr.logicalName };
  const direction = membershipDirection(parent.entity, linked, columns);
  if (direction !== undefined)
    return membershipPath(parent, { sqlAlias, entity: linked, name, single: false }, direction);
  if (scalarTypeOf(fromAttr) !== scalarTypeOf(toAttr)) {
    throw fetchXmlError(
      node.loc,
      `The link-entity '${node.name}' joins '${linked.logicalName}.${columns.from}' to '${parent.entity.logicalName}.${columns.to}', which hold values of different types.`,
    );
  }
  const bound: BoundEntity = {
    sqlAlias,
    entity: linked,
    name,
    single: columns.from === linked.primaryIdAttribute,
  };
  const rel = relationshipOf(schema, parent.entity, linked, columns);
  const condition =
    rel === undefined
      ? // Text joins compare as Dataverse's collation does, case-insensitively.
        cmp(
          '=',
          attrRef(sqlAlias, columns.from),
          attrRef(parent.sqlAlias, columns.to),
          scalarTypeOf(fromAttr) === 'string',
        )
      : rel.linkedIsReferencing
        ? relationshipCondition(schema, rel.rel, sqlAlias, parent.sqlAlias)
        : relationshipCondition(schema, rel.rel, parent.sqlAlias, sqlAlias);
  const source = entitySource(linked.logicalName, sqlAlias);
  return {
    bound,
    joins: (type, on) => [{ type, source, on: and(condition, on) ?? condition }],
    subquery(joins, extra) {
      const where = and(condition, extra) ?? condition;
      return select(source, [{ expr: keyRef(sqlAlias), as: 'k' }], { joins: [...joins], where });
    },
  };
}
