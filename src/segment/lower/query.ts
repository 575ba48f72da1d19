import { and, attrRef, cmp, entitySource, exists, keyRef, lit, not, or, select } from '../../ir/build.ts';
import { renameAlias } from '../../ir/rename.ts';
import type { Expr, OrderItem, RelQuery, SelectItem } from '../../ir/nodes.ts';
import type { EntityMetadata } from '../../metadata/model.ts';
import type { Schema } from '../../metadata/schema.ts';
import { AliasAllocator } from '../../odata/lower/relationships.ts';
import type {
  PropertyNode,
  QueryNode,
  SegmentNode,
  SetExpressionNode,
  SetOperationNode,
} from '../language/ast.ts';
import { parseSegmentQuery } from '../language/index.ts';
import type { ResolvedSegment } from '../validation/index.ts';
import { findAttribute } from '../validation/names.ts';
import { lowerChain, type ChainLoweringOptions, type ChainRows } from './chain.ts';
import { invalid } from './errors.ts';
import { formatInstant } from './literals.ts';

/**
 * A checked segment query → one IR query returning the primary id of each member as column `id`
 * (plus the SELECT columns, named by attribute logical name). Set operations combine operands' id
 * sets; EXCEPT is an anti-join (`NOT EXISTS … WHERE id = id`), never NOT IN. ORDERBY/SKIP/TAKE give
 * an ordered page whose ties are broken by the primary key.
 */

export interface LowerSegmentQueryOptions {
  readonly schema: Schema;
  /**
   * The stored segments `SEGMENT(x)` may name (as for validation). Static segments (no query)
   * give their stored members, dynamic and compound ones their definition evaluated now.
   */
  readonly resolveSegment?: (name: string) => ResolvedSegment | undefined;
  /** The evaluation time of DATETIMEUTCNOW() (truncated to the minute); default: the store's clock. */
  readonly now?: Date;
  /**
   * A condition every member must also meet, on the member row bound to `alias` (e.g. a business
   * unit scope); applied before ORDERBY/SKIP/TAKE, so pages are pages of the restricted set.
   */
  readonly restrict?: (alias: string, entity: EntityMetadata) => Expr;
}

export interface LoweredSegmentQuery {
  readonly query: RelQuery;
  /** The entity the members are rows of. */
  readonly entity: EntityMetadata;
}

/** The id column every lowered query returns. */
export const ID_COLUMN = 'id';

/** A set expression: either rows of one entity under a condition, or an id query. */
type Lowered =
  | ({ readonly kind: 'rows' } & ChainRows)
  | { readonly kind: 'ids'; readonly query: RelQuery; readonly entity: EntityMetadata };

class QueryLowering {
  private readonly aliases = new AliasAllocator('s');
  private readonly now: Expr;

  /** Ids of the segments being inlined, outermost first (a cycle would never end). */
  private readonly inlining: string[] = [];

  constructor(
    private readonly schema: Schema,
    now: Date | undefined,
    private readonly resolveSegment?: (name: string) => ResolvedSegment | undefined,
  ) {
    if (now === undefined) {
      this.now = { kind: 'dateTrunc', part: 'minute', operand: { kind: 'now' } };
    } else {
      const minute = new Date(now.getTime());
      minute.setUTCSeconds(0, 0);
      this.now = lit(formatInstant(minute), 'datetime');
    }
  }

  /** `restrict`: only for the query itself, never for the stored definitions it inlines. */
  query(ast: QueryNode, restrict?: (alias: string, entity: EntityMetadata) => Expr): LoweredSegmentQuery {
    let body = this.setExpression(ast.body);
    if (restrict !== undefined) {
      const rows = this.asRows(body);
      body = { ...rows, kind: 'rows', where: and(rows.where, restrict(rows.alias, rows.entity))! };
    }
    const shaped =
      ast.orderBy !== undefined ||
      ast.skip !== undefined ||
      ast.take !== undefined ||
      ast.select !== undefined;
    if (!shaped) return { query: this.idQuery(body), entity: body.entity };
    const rows = this.asRows(body);
    const { entity, alias } = rows;
    const column = (prop: PropertyNode): string => {
      if (prop.alias !== undefined && !rows.lastAliases.has(prop.alias.value.toLowerCase()))
        throw invalid(`'${prop.alias.value}' is not bound to the rows the query yields`, prop.loc);
      const a = findAttribute(entity, prop.name.value);
      if (a === undefined)
        throw invalid(`'${entity.logicalName}' has no attribute '${prop.name.value}'`, prop.loc);
      return a.logicalName;
    };
    const columns: SelectItem[] = [{ expr: attrRef(alias, entity.primaryIdAttribute), as: ID_COLUMN }];
    for (const p of ast.select?.properties ?? []) {
      const name = column(p);
      if (!columns.some((c) => c.as === name)) columns.push({ expr: attrRef(alias, name), as: name });
    }
    const orderBy: OrderItem[] = (ast.orderBy?.items ?? []).map((item) => ({
      expr: attrRef(alias, column(item.property)),
      direction: item.direction === 'DESC' ? 'desc' : 'asc',
    }));
    // Ties broken by the primary key, so that consecutive pages neither repeat nor skip rows.
    orderBy.push({ expr: attrRef(alias, entity.primaryIdAttribute), direction: 'asc' });
    const query = select(entitySource(entity.logicalName, alias), columns, {
      ...(rows.joins !== undefined ? { joins: rows.joins } : {}),
      ...(rows.where !== undefined ? { where: rows.where } : {}),
      orderBy,
      ...(ast.skip !== undefined ? { offset: count(ast.skip.count.text) } : {}),
      ...(ast.take !== undefined ? { limit: count(ast.take.count.text) } : {}),
    });
    return { query, entity };
  }

  /** Iterative on the left spine, like the binding pass, so long `A UNION B UNION …` lists stay flat. */
  private setExpression(root: SetExpressionNode): Lowered {
    const spine: SetOperationNode[] = [];
    let node = root;
    while (node.kind === 'SetOperation') {
      spine.push(node);
      node = node.left;
    }
    let result: Lowered = { kind: 'rows', ...lowerChain(node, this.chainOptions()) };
    for (let i = spine.length - 1; i >= 0; i--) {
      const op = spine[i]!;
      const right = this.setExpression(op.right);
      if (right.entity.logicalName !== result.entity.logicalName)
        throw invalid(
          `${op.operator} combines '${result.entity.logicalName}' with '${right.entity.logicalName}'`,
          op.loc,
        );
      result = this.combine(op.operator, result, right);
    }
    return result;
  }

  private combine(operator: SetOperationNode['operator'], left: Lowered, right: Lowered): Lowered {
    const entity = left.entity;
    const merged = this.merge(operator, left, right);
    if (merged !== undefined) return merged;
    if (operator === 'EXCEPT') {
      // Anti-join: the left rows for which no right member has the same id.
      const rows = this.asRows(left);
      const member = this.membership(right, attrRef(rows.alias, entity.primaryIdAttribute));
      const where = and(rows.where, { ...member, negated: true });
      return { ...rows, kind: 'rows', ...(where !== undefined ? { where } : {}) };
    }
    const query: RelQuery = {
      kind: 'setop',
      op: operator === 'UNION' ? 'union' : 'intersect',
      left: this.idQuery(left),
      right: this.idQuery(right),
    };
    return { kind: 'ids', query, entity };
  }

  /**
   * Two row sets of the same entity combined as one condition on one scan: the right operand's
   * condition, rebound to the left operand's rows, is AND-ed (INTERSECT), OR-ed (UNION) or negated
   * (EXCEPT: `NOT COALESCE(c, FALSE)`, so rows where it is unknown stay, as with NOT EXISTS).
   * Undefined when an operand joins other steps (its rows are not one entity's rows under a
   * condition), and for UNION when either side is every row.
   */
  private merge(operator: SetOperationNode['operator'], left: Lowered, right: Lowered): Lowered | undefined {
    if (left.kind !== 'rows' || right.kind !== 'rows' || right.joins !== undefined) return undefined;
    const rightWhere =
      right.where === undefined ? undefined : renameAlias(right.where, right.alias, left.alias);
    const rows = (where: Expr | undefined): Lowered => ({
      kind: 'rows',
      entity: left.entity,
      alias: left.alias,
      ...(left.joins !== undefined ? { joins: left.joins } : {}),
      ...(where !== undefined ? { where } : {}),
      lastAliases: new Set(),
    });
    switch (operator) {
      case 'INTERSECT':
        return rows(and(left.where, rightWhere));
      case 'EXCEPT':
        return rows(and(left.where, rightWhere === undefined ? lit(false, 'boolean') : notTrue(rightWhere)));
      case 'UNION': {
        if (left.joins !== undefined || left.where === undefined || rightWhere === undefined)
          return undefined;
        const stored = storedMembersOfAny(left.where, rightWhere, left.alias);
        return rows(stored ?? or(left.where, rightWhere));
      }
    }
  }

  /** `EXISTS (a member of `set` whose id is `id`)`, never `id IN (subquery)`. */
  private membership(set: Lowered, id: Expr): Extract<Expr, { kind: 'exists' }> {
    if (set.kind === 'rows' && set.joins === undefined) {
      const where = and(cmp('=', attrRef(set.alias, set.entity.primaryIdAttribute), id), set.where);
      return {
        kind: 'exists',
        query: select(
          entitySource(set.entity.logicalName, set.alias),
          [],
          where === undefined ? {} : { where },
        ),
        negated: false,
      };
    }
    const m = this.aliases.next();
    return {
      kind: 'exists',
      query: select({ kind: 'subquery', query: this.idQuery(set), alias: m }, [], {
        where: cmp('=', { kind: 'column', source: m, column: ID_COLUMN }, id),
      }),
      negated: false,
    };
  }

  /** Rows of the entity that are members of `set` (a semi-join when `set` is an id query). */
  private asRows(set: Lowered): ChainRows {
    if (set.kind === 'rows') return set;
    const alias = this.aliases.next();
    const where = this.membership(set, attrRef(alias, set.entity.primaryIdAttribute));
    return { entity: set.entity, alias, where, lastAliases: new Set() };
  }

  private idQuery(set: Lowered): RelQuery {
    if (set.kind === 'ids') return set.query;
    return select(
      entitySource(set.entity.logicalName, set.alias),
      [{ expr: attrRef(set.alias, set.entity.primaryIdAttribute), as: ID_COLUMN }],
      {
        ...(set.joins !== undefined ? { joins: set.joins } : {}),
        ...(set.where !== undefined ? { where: set.where } : {}),
      },
    );
  }

  private chainOptions(): ChainLoweringOptions {
    return {
      schema: this.schema,
      aliases: this.aliases,
      now: this.now,
      segment: (node, alias) => this.segmentMembers(node, alias),
    };
  }

  /** `SEGMENT(x)` → a condition on the contact row bound to `alias`. */
  private segmentMembers(node: SegmentNode, alias: string): { entity: EntityMetadata; condition: Expr } {
    const resolved = this.resolveSegment?.(node.name.value);
    if (resolved === undefined) throw invalid(`unknown segment '${node.name.value}'`, node.name.loc);
    const entity = this.schema.entity(resolved.entity);
    if (entity === undefined) throw invalid(`segment '${node.name.value}' has no known entity`, node.loc);
    if (resolved.query === undefined) return { entity, condition: this.storedMembers(resolved, alias) };
    if (this.inlining.includes(resolved.id))
      throw invalid(`segment '${node.name.value}' refers back to itself`, node.name.loc);
    const parsed = parseSegmentQuery(resolved.query);
    if (parsed.ast === undefined)
      throw invalid(`the query of segment '${node.name.value}' does not parse`, node.name.loc);
    this.inlining.push(resolved.id);
    try {
      const definition = this.definition(parsed.ast);
      if (definition.entity.logicalName !== entity.logicalName)
        throw invalid(`segment '${node.name.value}' is not a segment of ${entity.logicalName}`, node.loc);
      return { entity, condition: this.membership(definition, attrRef(alias, entity.primaryIdAttribute)) };
    } finally {
      this.inlining.pop();
    }
  }

  /** A stored definition as a set: shaped definitions (ORDERBY/TAKE…) keep only their page. */
  private definition(ast: QueryNode): Lowered {
    const shaped = ast.orderBy !== undefined || ast.skip !== undefined || ast.take !== undefined;
    if (!shaped) return this.setExpression(ast.body);
    const page = this.query({ ...ast, select: undefined });
    const p = this.aliases.next();
    return {
      kind: 'ids',
      entity: page.entity,
      query: select({ kind: 'subquery', query: page.query, alias: p }, [
        { expr: { kind: 'column', source: p, column: ID_COLUMN }, as: ID_COLUMN },
      ]),
    };
  }

  /**
   * A static segment's stored members: its membership rows, by the segment's key when the
   * resolver knows it — the planner then probes the membership's primary key (segment, contact)
   * and sees how many members the segment has — else joined to the segment row by its id.
   */
  private storedMembers(segment: ResolvedSegment, alias: string): Expr {
    const m = this.aliases.next();
    const memberOf = cmp('=', { kind: 'column', source: m, column: CONTACT_KEY }, keyRef(alias));
    if (segment.key !== undefined) {
      return exists(
        select({ kind: 'segmentMembers', alias: m }, [], {
          where: and(
            cmp('=', { kind: 'column', source: m, column: SEGMENT_KEY }, lit(segment.key, 'integer')),
            memberOf,
          )!,
        }),
      );
    }
    const s = this.aliases.next();
    const segmentId = segment.id;
    return exists(
      select({ kind: 'segmentMembers', alias: m }, [], {
        joins: [
          {
            type: 'inner',
            source: entitySource('msdyncrm_segment', s),
            on: cmp('=', { kind: 'column', source: m, column: 'segment_key' }, keyRef(s)),
          },
        ],
        where: and(cmp('=', attrRef(s, 'msdyncrm_segmentid'), lit(segmentId, 'guid')), memberOf)!,
      }),
    );
  }
}

const SEGMENT_KEY = 'segment_key';
const CONTACT_KEY = 'contact_key';

/**
 * The segment keys of a stored-members test as `storedMembers` writes it — `EXISTS (a membership
 * row of segment k (or of any of k1, k2, …) whose contact is the row bound to `alias`)` — else
 * undefined.
 */
function storedMemberKeys(e: Expr, alias: string): { keys: Expr[]; m: string } | undefined {
  if (e.kind !== 'exists' || e.negated || e.query.kind !== 'select') return undefined;
  const q = e.query;
  if (q.from.kind !== 'segmentMembers' || q.joins.length > 0 || q.where?.kind !== 'and') return undefined;
  if (q.groupBy !== undefined || q.having !== undefined || q.limit !== undefined || q.offset !== undefined)
    return undefined;
  const m = q.from.alias;
  const [segment, memberOf, ...rest] = q.where.operands;
  const isColumn = (x: Expr, column: string) => x.kind === 'column' && x.source === m && x.column === column;
  const isKeyLiteral = (x: Expr) =>
    x.kind === 'literal' && x.type === 'integer' && typeof x.value === 'number';
  if (rest.length > 0 || segment === undefined || memberOf === undefined) return undefined;
  if (
    memberOf.kind !== 'compare' ||
    memberOf.op !== '=' ||
    !isColumn(memberOf.left, CONTACT_KEY) ||
    memberOf.right.kind !== 'key' ||
    memberOf.right.source !== alias
  )
    return undefined;
  if (segment.kind === 'compare' && segment.op === '=' && isColumn(segment.left, SEGMENT_KEY))
    return isKeyLiteral(segment.right) ? { keys: [segment.right], m } : undefined;
  if (
    segment.kind === 'in' &&
    !segment.negated &&
    segment.ci !== true &&
    isColumn(segment.operand, SEGMENT_KEY)
  )
    return segment.values.every(isKeyLiteral) ? { keys: [...segment.values], m } : undefined;
  return undefined;
}

/**
 * `SEGMENT(a) UNION SEGMENT(b)` of stored segments as ONE test, a membership row of a or b:
 * `EXISTS (… segment_key IN (a, b) …)`. OR-ed EXISTS tests are no join to PostgreSQL's planner —
 * it probed the membership primary key once per contact and operand (2–2.6 s at 1M contacts with
 * 500,000-member operands) — where the single test is one semi-join (as INTERSECT and EXCEPT
 * are). Undefined when either side is something else.
 */
function storedMembersOfAny(left: Expr, right: Expr, alias: string): Expr | undefined {
  const a = storedMemberKeys(left, alias);
  const b = a && storedMemberKeys(right, alias);
  if (a === undefined || b === undefined) return undefined;
  const column = (c: string): Expr => ({ kind: 'column', source: a.m, column: c });
  return exists(
    select({ kind: 'segmentMembers', alias: a.m }, [], {
      where: and(
        { kind: 'in', operand: column(SEGMENT_KEY), values: [...a.keys, ...b.keys], negated: false },
        cmp('=', column(CONTACT_KEY), keyRef(alias)),
      )!,
    }),
  );
}

/** Conditions that are never unknown: their negation needs no COALESCE. */
function neverNull(e: Expr): boolean {
  switch (e.kind) {
    case 'exists':
    case 'isNull':
      return true;
    case 'literal':
      return e.value !== null;
    case 'not':
      return neverNull(e.operand);
    case 'and':
    case 'or':
      return e.operands.every(neverNull);
    default:
      return false;
  }
}

/**
 * "`e` is not true": `NOT e` where `e` is never unknown (a NOT EXISTS stays a plain anti-join the
 * planners recognise), else `NOT COALESCE(e, FALSE)`.
 */
function notTrue(e: Expr): Expr {
  if (e.kind === 'exists') return { ...e, negated: !e.negated };
  if (neverNull(e)) return not(e);
  return not({ kind: 'coalesce', operands: [e, lit(false, 'boolean')] });
}

function count(text: string): number {
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n < 0) throw invalid(`'${text}' is not a row count`);
  return n;
}

/**
 * Lowers a validated segment query. Throws `SegmentLoweringError` with reason `Invalid` for a
 * query that would not pass `validateSegmentQuery`.
 */
export function lowerSegmentQuery(ast: QueryNode, options: LowerSegmentQueryOptions): LoweredSegmentQuery {
  return new QueryLowering(options.schema, options.now, options.resolveSegment).query(ast, options.restrict);
}
