import type { Loc } from './errors.ts';

/**
 * The FetchXML syntax tree: one node kind per element, attribute values parsed and checked
 * against the FetchXML schema (booleans, numbers, enumerations), names still as written. Every
 * node carries the position of its element so later stages can point at it.
 */

/** How a link-entity joins: the two joins, the two semi-joins, and the four filter links. */
export type LinkType = 'inner' | 'outer' | 'exists' | 'in' | 'any' | 'not any' | 'all' | 'not all';

/** The link types that only filter (allowed inside `<filter>`, never returning columns). */
export const FILTER_LINK_TYPES: readonly LinkType[] = ['any', 'not any', 'all', 'not all'];

export type AggregateFunction = 'count' | 'countcolumn' | 'sum' | 'avg' | 'min' | 'max';

export type DateGrouping = 'day' | 'week' | 'month' | 'quarter' | 'year' | 'fiscal-period' | 'fiscal-year';

export interface FetchNode {
  readonly kind: 'fetch';
  readonly loc: Loc;
  readonly entity: EntityNode;
  readonly top?: number;
  /** Page size. */
  readonly count?: number;
  readonly page?: number;
  /** The decoded `paging-cookie` attribute (itself a small XML document). */
  readonly pagingCookie?: string;
  readonly distinct: boolean;
  readonly aggregate: boolean;
  readonly aggregateLimit?: number;
  readonly returnTotalRecordCount: boolean;
  /** Legacy SQL hint, accepted and without effect. */
  readonly noLock: boolean;
  readonly mapping?: 'internal' | 'logical';
  readonly outputFormat?: string;
  readonly version?: string;
  /** Minutes; accepted (segmentd evaluates dates in UTC). */
  readonly utcOffset?: number;
  /** `useraworderby`: order choice columns by value (segmentd always does). */
  readonly useRawOrderBy: boolean;
}

/** What `entity` and `link-entity` hold. */
export interface EntityContent {
  readonly name: string;
  readonly loc: Loc;
  readonly allAttributes: boolean;
  readonly attributes: readonly AttributeNode[];
  readonly orders: readonly OrderNode[];
  readonly links: readonly LinkEntityNode[];
  readonly filters: readonly FilterNode[];
}

export interface EntityNode extends EntityContent {
  readonly kind: 'entity';
}

export interface LinkEntityNode extends EntityContent {
  readonly kind: 'link-entity';
  /** Attribute of the linked entity. */
  readonly from?: string;
  /** Attribute of the parent entity (or link-entity). */
  readonly to?: string;
  readonly alias?: string;
  readonly linkType: LinkType;
  /** `visible`/`intersect`: UI hints, accepted. */
  readonly intersect: boolean;
}

export interface AttributeNode {
  readonly kind: 'attribute';
  readonly loc: Loc;
  readonly name: string;
  readonly alias?: string;
  readonly aggregate?: AggregateFunction;
  readonly groupBy: boolean;
  readonly dateGrouping?: DateGrouping;
  readonly distinct: boolean;
  /** `rowaggregate` (CountChildren), which segmentd refuses. */
  readonly rowAggregate?: string;
}

export interface OrderNode {
  readonly kind: 'order';
  readonly loc: Loc;
  readonly attribute?: string;
  readonly alias?: string;
  /** A link-entity alias the attribute belongs to. */
  readonly entityName?: string;
  readonly descending: boolean;
}

export interface FilterNode {
  readonly kind: 'filter';
  readonly loc: Loc;
  readonly type: 'and' | 'or';
  readonly items: readonly FilterItem[];
}

export type FilterItem = ConditionNode | FilterNode | LinkEntityNode;

export interface ValueNode {
  readonly loc: Loc;
  readonly text: string;
}

export interface ConditionNode {
  readonly kind: 'condition';
  readonly loc: Loc;
  readonly attribute: string;
  /** A link-entity alias the attribute belongs to. */
  readonly entityName?: string;
  readonly operator: string;
  /** The `value` attribute. */
  readonly value?: string;
  /** `<value>` children. */
  readonly values: readonly ValueNode[];
  /** Another column to compare with: `name` or `alias.name`. */
  readonly otherColumn?: string;
  /** `aggregate`/`alias`/`rowaggregate` on a condition (filters on aggregates), which segmentd refuses. */
  readonly aggregateFilter?: string;
}
