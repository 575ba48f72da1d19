import { and, attrRef, cmp, entitySource, keyRef, lit, select } from '../../ir/build.ts';
import type { Expr, Join, OrderItem, Row, SelectQuery } from '../../ir/nodes.ts';
import type { NavigationProperty } from '../../metadata/model.ts';
import type { Schema } from '../../metadata/schema.ts';
import type { ExpandClause } from '../language/semantic.ts';
import { lowerFilter } from './filter.ts';
import { lowerOrderBy } from './orderby.ts';
import { lookupTypeAttribute } from './relationships.ts';
import { lowerSelect, selectColumns } from './select.ts';

/**
 * `$expand` as IR queries, one level at a time. The caller reads a page of parent rows, collects
 * their keys (`expandParentKeys`), runs the queries `planExpand` returns for those keys, and
 * matches the related rows back to parents with `groupExpandedRows`; nested `$expand` items
 * repeat this with the related rows as parents. Nothing here knows about HTTP or SQL.
 *
 * Single-valued (`primarycontactid`): the parents' lookup values are the targets' primary ids.
 * Collection-valued (`contact_customer_accounts`): the parents' primary ids are the children's
 * lookup values (plus `<lookup>type = parent entity` for polymorphic lookups).
 */

export interface ExpandLink {
  /** Attribute of a parent row identifying its related rows: the lookup, or the primary id. */
  readonly parentAttribute: string;
  /** Polymorphic lookups: only parents whose `attribute` equals `value` point into the target. */
  readonly parentType?: { readonly attribute: string; readonly value: string };
  /** Output column of the expand query holding the same value: the target's id or the child's lookup. */
  readonly childColumn: string;
}

export function expandLink(schema: Schema, clause: ExpandClause): ExpandLink {
  const rel = clause.navigation.relationship;
  if (clause.navigation.kind === 'single') {
    const typeAttribute = lookupTypeAttribute(schema, rel);
    return {
      parentAttribute: rel.referencingAttribute,
      ...(typeAttribute !== undefined
        ? { parentType: { attribute: typeAttribute, value: rel.referencedEntity } }
        : {}),
      childColumn: rel.referencedAttribute,
    };
  }
  return { parentAttribute: rel.referencedAttribute, childColumn: rel.referencingAttribute };
}

/** The distinct keys of `parents` that have related rows to look for (nulls and other targets skipped). */
export function expandParentKeys(link: ExpandLink, parents: readonly Row[]): string[] {
  const keys = new Set<string>();
  for (const row of parents) {
    const v = row[link.parentAttribute];
    if (typeof v !== 'string') continue;
    if (link.parentType !== undefined && row[link.parentType.attribute] !== link.parentType.value) continue;
    keys.add(v);
  }
  return [...keys];
}

export interface ExpandPlanOptions {
  /** Alias the target entity is bound to in the queries (default `e`). */
  readonly alias?: string;
  /** Keys per `in` list (default 1000); more keys give more queries. */
  readonly batchSize?: number;
}

/** The attributes an expand query returns: the selected ones, the link column and what nested expands need. */
export function expandColumns(schema: Schema, clause: ExpandClause): string[] {
  const link = expandLink(schema, clause);
  if (clause.ref) return [...new Set([clause.target.primaryIdAttribute, link.childColumn])];
  const names = lowerSelect(schema, clause.target, clause.select, clause.expand);
  if (!names.includes(link.childColumn)) names.push(link.childColumn);
  return names;
}

/**
 * The queries that fetch the related rows of the parents with `parentKeys`. Without a `$top`
 * inside the expansion, one query per batch of keys (`<link> in (…)`); with one, a query per
 * parent (`$top` limits each parent's related rows, not the batch). An empty key list gives none.
 */
export function planExpand(
  schema: Schema,
  clause: ExpandClause,
  parentKeys: readonly string[],
  options: ExpandPlanOptions = {},
): SelectQuery[] {
  if (parentKeys.length === 0) return [];
  const alias = options.alias ?? 'e';
  const batchSize = Math.max(1, options.batchSize ?? 1000);
  const link = expandLink(schema, clause);
  const rel = clause.navigation.relationship;
  const columns = selectColumns(expandColumns(schema, clause), alias);
  const filter = clause.filter !== undefined ? lowerFilter(schema, clause.filter, alias) : undefined;
  const order = lowerOrderBy(schema, clause.orderBy, alias);
  const childType = clause.navigation.kind === 'collection' ? lookupTypeAttribute(schema, rel) : undefined;
  const sameParentEntity =
    childType !== undefined
      ? cmp('=', attrRef(alias, childType), lit(rel.referencedEntity, 'string'))
      : undefined;
  const build = (keyTest: Expr, limit?: number): SelectQuery => {
    const where = and(keyTest, sameParentEntity, filter);
    return select(entitySource(clause.target.logicalName, alias), columns, {
      joins: order.joins,
      ...(where !== undefined ? { where } : {}),
      orderBy: [...order.orderBy, { expr: keyRef(alias), direction: 'asc' }],
      ...(limit !== undefined ? { limit } : {}),
    });
  };
  const linkColumn = attrRef(alias, link.childColumn);
  if (clause.navigation.kind === 'collection' && clause.top !== undefined) {
    const top = clause.top;
    return parentKeys.map((k) => build(cmp('=', linkColumn, lit(k, 'guid')), top));
  }
  const queries: SelectQuery[] = [];
  for (let i = 0; i < parentKeys.length; i += batchSize) {
    const keys = parentKeys.slice(i, i + batchSize);
    queries.push(
      build({ kind: 'in', operand: linkColumn, values: keys.map((k) => lit(k, 'guid')), negated: false }),
    );
  }
  return queries;
}

/** Related rows by the parent key they belong to, in query order. */
export function groupExpandedRows(link: ExpandLink, rows: readonly Row[]): Map<string, Row[]> {
  const groups = new Map<string, Row[]>();
  for (const row of rows) {
    const k = row[link.childColumn];
    if (typeof k !== 'string') continue;
    const group = groups.get(k);
    if (group === undefined) groups.set(k, [row]);
    else group.push(row);
  }
  return groups;
}

/**
 * One `$expand` item as IR parts over `alias` (the target entity), for callers that build the
 * related-row queries themselves: the attributes to read (link columns included), the filter,
 * the order (with the LEFT JOINs it needs), `$top` per parent and the nested items.
 */
export interface LoweredExpand {
  readonly property: string;
  readonly navigation: NavigationProperty;
  readonly ref: boolean;
  readonly link: ExpandLink;
  readonly attributes: readonly string[];
  readonly where?: Expr;
  readonly joins: readonly Join[];
  readonly orderBy: readonly OrderItem[];
  readonly top?: number;
  readonly expand: readonly LoweredExpand[];
}

export function lowerExpand(
  schema: Schema,
  clauses: readonly ExpandClause[],
  alias: string,
): LoweredExpand[] {
  return clauses.map((clause) => {
    const where = clause.filter !== undefined ? lowerFilter(schema, clause.filter, alias) : undefined;
    const order = lowerOrderBy(schema, clause.orderBy, alias);
    return {
      property: clause.property,
      navigation: clause.navigation,
      ref: clause.ref,
      link: expandLink(schema, clause),
      attributes: expandColumns(schema, clause),
      ...(where !== undefined ? { where } : {}),
      joins: order.joins,
      orderBy: order.orderBy,
      ...(clause.top !== undefined ? { top: clause.top } : {}),
      expand: lowerExpand(schema, clause.expand, alias),
    };
  });
}
