import { ROOT } from '../../engine/record-types.ts';
import { and, attrRef, entitySource, exists } from '../../ir/build.ts';
import type { Expr, Join } from '../../ir/nodes.ts';
import type { EntityMetadata } from '../../metadata/model.ts';
import type { Schema } from '../../metadata/schema.ts';
import { propertyNameOf } from '../../odata/representation.ts';
import type { EntityContent, FetchNode, FilterNode, LinkEntityNode } from '../ast.ts';
import { FetchXmlError, fetchXmlError } from '../errors.ts';
import { FetchXmlLimits } from '../limits.ts';
import { ColumnList, aggregateColumns, plainColumns } from './columns.ts';
import { lowerFilters } from './conditions.ts';
import type { FetchCaller, LoweringContext } from './context.ts';
import type { LinkPath } from './link-path.ts';
import { isMembershipLink, linkPath } from './link-path.ts';
import { resolveEntity } from './names.ts';
import type { LoweredFetch } from './plan.ts';
import { checkTop, continuation, keysetOf } from './paging.ts';
import { queryOrders, totalOrder } from './orders.ts';
import { AliasScope } from './scope.ts';
import type { BoundEntity, JoinedLink } from './scope.ts';

/**
 * A checked FetchXML tree → `LoweredFetch`. Link-entities become joins (inner, outer) or
 * correlated subqueries (exists, in, and the filter links any/not any/all/not all); filters
 * become the WHERE clause, except those of outer links, which restrict the join itself (its ON
 * clause), as in Dataverse.
 */

export interface LowerFetchOptions {
  readonly caller?: FetchCaller;
  /** The entity the query must be on (the entity set it was sent to). */
  readonly entity?: EntityMetadata;
  /**
   * The caller's time zone in minutes east of UTC, for the days of relative date operators;
   * overrides the fetch's `utc-offset` (default UTC).
   */
  readonly utcOffsetMinutes?: number;
}

/** Where the links of one query level put what they produce. */
interface Level {
  readonly scope: AliasScope;
  readonly joins: Join[];
  /** Conditions of the level's WHERE clause. */
  readonly where: (Expr | undefined)[];
  /** Filters of inner links, lowered once every alias of the level is bound. */
  readonly deferred: (() => void)[];
  /** The main query (columns and orders allowed), not an exists/any/all subquery. */
  readonly main: boolean;
}

/** Every link-entity alias a condition or order of `content` (or of its links) names. */
function referencedAliases(content: EntityContent, out = new Set<string>()): Set<string> {
  const visitFilter = (f: FilterNode) => {
    for (const item of f.items) {
      if (item.kind === 'filter') visitFilter(item);
      else if (item.kind === 'link-entity') referencedAliases(item, out);
      else {
        if (item.entityName !== undefined) out.add(item.entityName);
        const dot = item.otherColumn?.indexOf('.') ?? -1;
        if (item.otherColumn !== undefined && dot > 0) out.add(item.otherColumn.slice(0, dot));
      }
    }
  };
  for (const f of content.filters) visitFilter(f);
  for (const o of content.orders) if (o.entityName !== undefined) out.add(o.entityName);
  for (const l of content.links) referencedAliases(l, out);
  return out;
}

class FetchLowering implements LoweringContext {
  readonly caller: FetchCaller;
  readonly utcOffsetMinutes: number;
  private readonly counters = new Map<string, number>();
  private readonly names = new Set<string>();
  private linkCount = 0;
  /** Link-entity aliases that conditions or orders name (`entityname`, `valueof="alias.x"`). */
  private readonly referenced: ReadonlySet<string>;
  /** Links joined into the main query, in document order (their columns and orders come from them). */
  private readonly joined: JoinedLink[] = [];

  constructor(
    readonly schema: Schema,
    private readonly fetch: FetchNode,
    private readonly options: LowerFetchOptions,
  ) {
    this.caller = options.caller ?? {};
    this.utcOffsetMinutes = options.utcOffsetMinutes ?? fetch.utcOffset ?? 0;
    this.referenced = referencedAliases(fetch.entity);
  }

  alias(prefix: string): string {
    const n = (this.counters.get(prefix) ?? 0) + 1;
    this.counters.set(prefix, n);
    return `${prefix}${n}`;
  }

  /** The link's alias as written, or Dataverse's default `<entity><n>`; aliases are unique per query. */
  private linkName(node: LinkEntityNode, entity: EntityMetadata): string {
    if (node.alias !== undefined) {
      if (this.names.has(node.alias))
        throw fetchXmlError(node.loc, `The alias '${node.alias}' is used by more than one link-entity.`);
      this.names.add(node.alias);
      return node.alias;
    }
    let n = 1;
    while (this.names.has(`${entity.logicalName}${n}`)) n++;
    const name = `${entity.logicalName}${n}`;
    this.names.add(name);
    return name;
  }

  private path(node: LinkEntityNode, parent: BoundEntity): LinkPath {
    this.linkCount++;
    if (this.linkCount > FetchXmlLimits.maxLinkEntities)
      throw fetchXmlError(
        node.loc,
        `A query can have at most ${FetchXmlLimits.maxLinkEntities} link-entity elements.`,
      );
    const entity = resolveEntity(this.schema, node.name, node.loc);
    return linkPath(this.schema, parent, node, entity, this.linkName(node, entity), this.alias('l'));
  }

  // ---- links ---------------------------------------------------------------------------------

  /** The link-entity children of `parent` in one query level; semi-join children add to `placement`. */
  private links(
    links: readonly LinkEntityNode[],
    parent: BoundEntity,
    level: Level,
    placement: (Expr | undefined)[],
  ): void {
    for (const node of links) {
      if (this.onlyFilters(node, parent)) {
        placement.push(exists(this.linkedRows(node, parent, level.scope).matching));
        continue;
      }
      if (node.linkType === 'outer' && this.membershipFilter(node, parent) && node.links.length === 0) {
        // It returns nothing and cannot remove rows: joining it would only repeat them.
        continue;
      }
      const path = this.path(node, parent);
      const bound = path.bound;
      if (level.main) this.joined.push({ node, bound });
      else this.noColumns(node);
      level.scope.bind(bound);
      if (node.linkType === 'inner') {
        level.joins.push(...path.joins('inner', undefined));
        this.links(node.links, bound, level, level.where);
        level.deferred.push(() => level.where.push(lowerFilters(this, node.filters, bound, level.scope)));
        continue;
      }
      // An outer link's filters and semi-joins decide which linked rows join, so they go into ON,
      // where only the entities joined so far are visible.
      const visible = level.scope.snapshot();
      const on: (Expr | undefined)[] = [lowerFilters(this, node.filters, bound, visible)];
      const semi = node.links.filter((l) => this.onlyFilters(l, bound));
      for (const l of semi) on.push(exists(this.linkedRows(l, bound, visible).matching));
      level.joins.push(...path.joins('left', and(...on)));
      this.links(
        node.links.filter((l) => !semi.includes(l)),
        bound,
        level,
        level.where,
      );
    }
  }

  /** Links that only keep or drop their parent row: exists, in, and filtering membership links. */
  private onlyFilters(node: LinkEntityNode, parent: BoundEntity): boolean {
    if (node.linkType === 'exists' || node.linkType === 'in') return true;
    return node.linkType === 'inner' && this.membershipFilter(node, parent);
  }

  /** A membership link that returns nothing and is named nowhere else only filters (see `isMembershipLink`). */
  private membershipFilter(node: LinkEntityNode, parent: BoundEntity): boolean {
    if (!isMembershipLink(this.schema, parent.entity, node)) return false;
    if (node.alias !== undefined && this.referenced.has(node.alias)) return false;
    const quiet = (n: LinkEntityNode): boolean =>
      n.attributes.length === 0 && !n.allAttributes && n.orders.length === 0 && n.links.every(quiet);
    return quiet(node);
  }

  private noColumns(node: LinkEntityNode): void {
    if (node.attributes.length > 0 || node.allAttributes || node.orders.length > 0) {
      throw fetchXmlError(
        node.loc,
        `The link-entity '${node.name}' is inside an exists, in or filter link, which returns no columns: it cannot have attribute or order elements.`,
      );
    }
  }

  /**
   * The rows a semi-join or filter link reaches from the parent row, as a correlated subquery
   * kept where `condition(linkCondition)` holds (`condition` defaults to the link's own filters).
   */
  /** The linked rows, and the linked rows that satisfy the link's own filters and links. */
  private linkedRows(node: LinkEntityNode, parent: BoundEntity, scope: AliasScope) {
    this.noColumns(node);
    const path = this.path(node, parent);
    const level: Level = { scope: new AliasScope(scope), joins: [], where: [], deferred: [], main: false };
    level.scope.bind(path.bound);
    this.links(node.links, path.bound, level, level.where);
    for (const d of level.deferred) d();
    const own = and(lowerFilters(this, node.filters, path.bound, level.scope), ...level.where);
    return {
      every: path.subquery(level.joins, undefined),
      matching: path.subquery(level.joins, own),
    };
  }

  /**
   * The filter links, as Dataverse documents them: `any` / `not any` — parents with / without a
   * linked row satisfying the link's filters; `all` — parents that have linked rows, none of which
   * satisfies the filters (Dataverse's wording: invert the filters to ask "every linked row
   * satisfies"); `not all` — the same as `any`, despite the name.
   */
  filterLink(node: LinkEntityNode, parent: BoundEntity, scope: AliasScope): Expr {
    switch (node.linkType) {
      case 'any':
      case 'not all':
        return exists(this.linkedRows(node, parent, scope).matching);
      case 'not any':
        return exists(this.linkedRows(node, parent, scope).matching, true);
      case 'all': {
        const rows = this.linkedRows(node, parent, scope);
        return and(exists(rows.every), exists(rows.matching, true))!;
      }
      default:
        throw fetchXmlError(node.loc, `The link-type '${node.linkType}' cannot be used inside a filter.`);
    }
  }

  // ---- the query -----------------------------------------------------------------------------

  lower(): LoweredFetch {
    const f = this.fetch;
    const entity = resolveEntity(this.schema, f.entity.name, f.entity.loc);
    const expected = this.options.entity;
    if (expected !== undefined && expected.logicalName !== entity.logicalName) {
      throw fetchXmlError(
        f.entity.loc,
        `The FetchXml queries '${entity.logicalName}' but was sent to the entity set '${expected.entitySetName}' of '${expected.logicalName}'; send it to '${entity.entitySetName}'.`,
      );
    }
    const root: BoundEntity = { sqlAlias: ROOT, entity, name: '', single: true };
    const main: Level = { scope: new AliasScope(), joins: [], where: [], deferred: [], main: true };
    main.scope.bind(root);
    this.links(f.entity.links, root, main, main.where);
    for (const d of main.deferred) d();
    main.where.push(lowerFilters(this, f.entity.filters, root, main.scope));

    const list = new ColumnList();
    const columnsOf = f.aggregate ? aggregateColumns : plainColumns;
    columnsOf(list, f.entity, root, true);
    for (const j of this.joined) columnsOf(list, j.node, j.bound, false);
    if (list.columns.length === 0)
      throw fetchXmlError(
        f.entity.loc,
        'An aggregate query needs at least one aggregate or group attribute.',
      );
    const plain = !f.aggregate && !f.distinct;
    const pk = entity.attributes.get(entity.primaryIdAttribute);
    if (
      plain &&
      pk !== undefined &&
      !list.columns.some((c) => c.key === propertyNameOf(pk) && c.entity === entity)
    ) {
      list.add(
        { key: propertyNameOf(pk), expr: attrRef(ROOT, pk.logicalName), attribute: pk, entity },
        f.entity.loc,
      );
    }
    const versionColumn =
      plain && entity.attributes.has('versionnumber')
        ? list.addHidden(attrRef(ROOT, 'versionnumber'))
        : undefined;

    const orders = queryOrders(f, root, this.joined, list.columns, main.scope);
    const orderBy = totalOrder(f, orders, list, entity, this.joined);
    const keyset = keysetOf(f, orders, list, entity, this.joined);
    checkTop(f);
    const where = and(...main.where);
    return {
      entity,
      from: entitySource(entity.logicalName, ROOT),
      joins: main.joins,
      ...(where !== undefined ? { where } : {}),
      columns: list.columns,
      hidden: list.hidden,
      orderBy,
      ...(f.aggregate ? { groupBy: list.groupBy } : {}),
      distinct: f.distinct && !f.aggregate,
      aggregate: f.aggregate,
      ...(keyset !== undefined ? { keyset } : {}),
      ...(f.top !== undefined ? { top: f.top } : {}),
      pageSize: f.count ?? FetchXmlLimits.maxPageSize,
      page: f.page ?? 1,
      ...continuation(f, keyset),
      returnTotalRecordCount: f.returnTotalRecordCount,
      ...(f.aggregateLimit !== undefined ? { aggregateLimit: f.aggregateLimit } : {}),
      ...(versionColumn !== undefined ? { versionColumn } : {}),
      // Like Dataverse, the context lists the columns the query chose (none when it returns them all).
      projection:
        f.entity.allAttributes || (f.entity.attributes.length === 0 && !f.aggregate)
          ? []
          : list.columns.filter((c) => c.entity === entity && !c.key.includes('.')).map((c) => c.key),
    };
  }
}

/**
 * Lowers a parsed FetchXML query against the schema. Errors are values: a `FetchXmlError` with the
 * position of the element at fault (unknown entity, attribute or operator, wrong value count or
 * type, unsupported construct), never an exception.
 */
export function lowerFetchXml(
  schema: Schema,
  fetch: FetchNode,
  options: LowerFetchOptions = {},
): LoweredFetch | FetchXmlError {
  try {
    return new FetchLowering(schema, fetch, options).lower();
  } catch (err) {
    if (err instanceof FetchXmlError) return err;
    throw err;
  }
}
