import type { EntityMetadata } from '../metadata/model.ts';
import type { Schema } from '../metadata/schema.ts';
import type { AliasNode, AliasValueNode } from './language/ast.ts';
import type { AliasResolver, BindContext, CallerIdentity } from './language/bind-filter.ts';
import { bindFilter } from './language/bind-filter.ts';
import { bindExpand, bindOrderBy, bindSelect } from './language/bind-options.ts';
import { ODataQueryError, optionError, semanticError } from './language/errors.ts';
import {
  parseAliasValueText,
  parseExpandText,
  parseFilterText,
  parseOrderByText,
  parseSelectText,
} from './language/parser.ts';
import { closestNames, didYouMean } from './language/properties.ts';
import type { ExpandClause, FilterClause, OrderByClause, SelectClause } from './language/semantic.ts';
import { source } from './language/source.ts';

/**
 * The query string of a Web API GET, parsed and checked against the schema:
 * `$filter`, `$orderby`, `$select`, `$expand`, `$top`, `$count`, `$skiptoken` and parameter
 * aliases (`@p1`). `$skip`, `$search`, `$format` (and other options Dataverse refuses) and
 * `$apply` are rejected. Lower the result to IR with the functions re-exported at the end
 * (`lowerFilter`, `lowerOrderBy`, `lowerSelect`, `planExpand`, `rootQuery`, …).
 *
 * Errors are values: `parseQueryOptions` returns an `ODataQueryError` (never throws one) for
 * any problem in the query string. It is a `DataverseError` (BadRequest, 0x80060888), so the
 * HTTP layer can answer it like any other engine error.
 */

export interface QueryOptions {
  readonly entity: EntityMetadata;
  readonly filter?: FilterClause;
  /** Empty when there is no `$orderby`. */
  readonly orderBy: readonly OrderByClause[];
  /** Absent when there is no `$select` (all properties are returned). */
  readonly select?: SelectClause;
  /** Empty when there is no `$expand`. */
  readonly expand: readonly ExpandClause[];
  readonly top?: number;
  /** `$count=true`. */
  readonly count: boolean;
  /** `$skiptoken` as received (the record engine decodes it). */
  readonly skipToken?: string;
  /** Query parameters that are neither `$` options nor `@` aliases (`fetchXml`, `savedQuery`, …), as received. */
  readonly custom: ReadonlyMap<string, string>;
}

export interface QueryOptionsSettings {
  /** The caller, for `Microsoft.Dynamics.CRM.EqualUserId` and `EqualBusinessId`. */
  readonly caller?: CallerIdentity;
}

/** Options Dataverse itself rejects; segmentd answers the same way. */
const DATAVERSE_UNSUPPORTED = new Set([
  '$skip',
  '$search',
  '$format',
  '$levels',
  '$compute',
  '$index',
  '$schemaversion',
  '$deltatoken',
  '$id',
]);
const SUPPORTED = ['$filter', '$orderby', '$select', '$expand', '$top', '$count', '$skiptoken'];
const MAX_TOP = 2147483647;

type Params = URLSearchParams | Readonly<Record<string, string>>;

function entriesOf(params: Params): [string, string][] {
  return params instanceof URLSearchParams ? [...params.entries()] : Object.entries(params);
}

/** Parses alias values on first use and follows aliases of aliases, refusing cycles. */
class QueryStringAliases implements AliasResolver {
  private readonly parsed = new Map<string, AliasValueNode>();
  private readonly resolving = new Set<string>();

  constructor(private readonly texts: ReadonlyMap<string, string>) {}

  resolve(node: AliasNode): AliasValueNode {
    const cached = this.parsed.get(node.name);
    if (cached !== undefined) return cached;
    const text = this.texts.get(node.name);
    if (text === undefined) {
      throw semanticError(
        node.loc,
        `The parameter alias '${node.name}' is not defined; give it a value in the query string, such as &${node.name}='value'.`,
      );
    }
    if (this.resolving.has(node.name))
      throw semanticError(node.loc, `The parameter alias '${node.name}' refers to itself.`);
    this.resolving.add(node.name);
    try {
      let value = parseAliasValueText(source(node.name, text));
      if (value.kind === 'Alias') value = this.resolve(value);
      this.parsed.set(node.name, value);
      return value;
    } finally {
      this.resolving.delete(node.name);
    }
  }
}

function parseTop(text: string): number {
  if (!/^\d+$/.test(text) || Number(text) > MAX_TOP) {
    throw optionError(
      '$top',
      text,
      `Invalid value '${text}' for $top query option found. The $top query option requires a non-negative integer value.`,
    );
  }
  return Number(text);
}

function parseCount(text: string): boolean {
  if (text === 'true') return true;
  if (text === 'false') return false;
  throw optionError(
    '$count',
    text,
    `Invalid value '${text}' for $count query option found. Valid values are 'true' and 'false'.`,
  );
}

function rejectOption(name: string, text: string): ODataQueryError {
  if (DATAVERSE_UNSUPPORTED.has(name))
    return optionError(name, text, `The query parameter ${name} is not supported.`);
  if (name === '$apply')
    return optionError(
      name,
      text,
      'The query parameter $apply (aggregation) is not supported by this server.',
    );
  return optionError(
    name,
    text,
    `The query parameter ${name} is not supported.${didYouMean(closestNames(name, SUPPORTED))}`,
  );
}

function parse(
  schema: Schema,
  entity: EntityMetadata,
  params: Params,
  settings: QueryOptionsSettings,
): QueryOptions {
  const system = new Map<string, string>();
  const aliasTexts = new Map<string, string>();
  const custom = new Map<string, string>();
  for (const [name, value] of entriesOf(params)) {
    if (name.startsWith('$') || name.startsWith('@')) {
      const into = name.startsWith('$') ? system : aliasTexts;
      if (into.has(name)) {
        throw optionError(
          name,
          value,
          `Query option '${name}' was specified more than once, but it must be specified at most once.`,
        );
      }
      into.set(name, value);
    } else if (!custom.has(name)) custom.set(name, value);
  }
  for (const [name, value] of system) if (!SUPPORTED.includes(name)) throw rejectOption(name, value);

  const ctx: BindContext = {
    schema,
    aliases: new QueryStringAliases(aliasTexts),
    ...(settings.caller !== undefined ? { caller: settings.caller } : {}),
  };
  const text = (name: string) => system.get(name);
  const e = entity.logicalName;
  const topText = text('$top');
  const countText = text('$count');
  const selectText = text('$select');
  const filterText = text('$filter');
  const orderByText = text('$orderby');
  const expandText = text('$expand');
  const skipToken = text('$skiptoken');

  const top = topText !== undefined ? parseTop(topText) : undefined;
  const count = countText !== undefined ? parseCount(countText) : false;
  const select =
    selectText !== undefined ? bindSelect(ctx, e, parseSelectText(source('$select', selectText))) : undefined;
  const filter =
    filterText !== undefined ? bindFilter(ctx, e, parseFilterText(source('$filter', filterText))) : undefined;
  const orderBy =
    orderByText !== undefined ? bindOrderBy(ctx, e, parseOrderByText(source('$orderby', orderByText))) : [];
  const expand =
    expandText !== undefined ? bindExpand(ctx, e, parseExpandText(source('$expand', expandText))) : [];
  return {
    entity,
    ...(filter !== undefined ? { filter } : {}),
    orderBy,
    ...(select !== undefined ? { select } : {}),
    expand,
    ...(top !== undefined ? { top } : {}),
    count,
    ...(skipToken !== undefined ? { skipToken } : {}),
    custom,
  };
}

/**
 * Parses and checks the query options of a request on `entityLogicalName` (which must exist in
 * `schema`; the caller has resolved the entity set already). Returns the checked options, or an
 * `ODataQueryError` naming the option, the position and the problem.
 */
export function parseQueryOptions(
  schema: Schema,
  entityLogicalName: string,
  params: Params,
  settings: QueryOptionsSettings = {},
): QueryOptions | ODataQueryError {
  const entity = schema.requireEntity(entityLogicalName);
  try {
    return parse(schema, entity, params, settings);
  } catch (e) {
    if (e instanceof ODataQueryError) return e;
    throw e;
  }
}

export { ODataQueryError } from './language/errors.ts';
export type { CallerIdentity } from './language/bind-filter.ts';
export type * from './language/semantic.ts';

// Lowering to IR (see ./lower/): one import point for the record engine and the HTTP layer.
export { lowerFilter } from './lower/filter.ts';
export { lowerOrderBy } from './lower/orderby.ts';
export type { LoweredOrderBy } from './lower/orderby.ts';
export { lowerSelect, selectColumns } from './lower/select.ts';
export {
  expandColumns,
  expandLink,
  expandParentKeys,
  groupExpandedRows,
  planExpand,
} from './lower/expand.ts';
export type { ExpandLink, ExpandPlanOptions } from './lower/expand.ts';
export { countQuery, lowerQueryOptions, rootQuery } from './lower/query.ts';
export type { LoweredQuery } from './lower/query.ts';
