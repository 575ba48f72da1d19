import { DataverseError, ErrorCodes } from '../../engine/errors.ts';
import { parseEntityBody } from '../../engine/payload.ts';
import type { Expr } from '../../ir/nodes.ts';
import { and } from '../../ir/build.ts';
import type { EntityMetadata } from '../../metadata/model.ts';
import { MAX_PAGE_SIZE, applied, preferenceApplied } from '../../odata/prefer.ts';
import { Annotation, collectionToJson, contextUrl, entityToJson } from '../../odata/representation.ts';
import { entityPath } from '../../odata/resource-path.ts';
import { columnsToRead } from '../expansion.ts';
import type { QueryPlan } from '../query-plan.ts';
import { RECORD_SELECTING_PARAMETERS } from '../query-parameters.ts';
import type { WebResponse } from '../web-request.ts';
import { jsonResponse, noContent, textResponse } from '../web-request.ts';
import type { HandlerContext } from './context.ts';
import { annotationsApplied, shapeRows } from './context.ts';

/** Dataverse counts up to this many rows; beyond it the count says 5000 and "limit exceeded". */
const COUNT_LIMIT = 5000;

/** The request URL with `$skiptoken` set to `token` (other options kept exactly as sent). */
export function nextLinkOf(h: HandlerContext, token: string): string {
  const kept = h.req.query
    .split('&')
    .filter((p) => p !== '')
    .filter((p) => {
      const name = p.split('=')[0] ?? '';
      let decoded = name;
      try {
        decoded = decodeURIComponent(name);
      } catch {
        // An undecodable name is kept as sent; it is not $skiptoken.
      }
      return decoded !== '$skiptoken';
    });
  kept.push(`$skiptoken=${encodeURIComponent(token)}`);
  return `${h.req.serviceRoot}/${h.req.path}?${kept.join('&')}`;
}

/** Runs the handler of a non-OData query parameter (`fetchXml`, …), or refuses one Dataverse would honour. */
async function customQuery(
  h: HandlerContext,
  entity: EntityMetadata,
  plan: QueryPlan,
  scope: Expr | undefined,
): Promise<WebResponse | undefined> {
  for (const [name, value] of plan.custom) {
    const handler = h.queryParameters.get(name);
    if (handler === undefined) {
      if (RECORD_SELECTING_PARAMETERS.includes(name)) {
        throw new DataverseError(
          'BadRequest',
          ErrorCodes.NotSupported,
          `The query parameter '${name}' is not supported by this server.`,
        );
      }
      continue;
    }
    if (scope !== undefined) {
      throw new DataverseError(
        'BadRequest',
        ErrorCodes.NotSupported,
        `The query parameter '${name}' is only supported on an entity set.`,
      );
    }
    const result = await handler({
      records: h.records,
      schema: h.schema,
      entity,
      value,
      parameters: plan.custom,
      preferences: h.prefs,
      request: h.req,
    });
    return jsonResponse(200, result.body, result.headers ?? {});
  }
  return undefined;
}

/**
 * One page of records of `entity` as an OData collection: `$filter`/`$orderby`/`$select`/`$expand`,
 * `$top` (ignored when `odata.maxpagesize` is given, as in Dataverse), paging by `$skiptoken`,
 * `$count`, and the requested annotations. `scope` narrows the rows (navigation collections).
 */
export async function readCollection(
  h: HandlerContext,
  entity: EntityMetadata,
  scope?: Expr,
): Promise<WebResponse> {
  const plan = h.plan(entity, 'collection');
  const custom = await customQuery(h, entity, plan, scope);
  if (custom !== undefined) return custom;
  const pageSize = h.prefs.maxPageSize ?? MAX_PAGE_SIZE;
  const top = h.prefs.maxPageSize === undefined ? plan.top : undefined;
  const where = and(scope, plan.where);
  const select = columnsToRead(entity, plan.select, plan.expand);
  const page = await h.records.query({
    entity: entity.logicalName,
    ...(where !== undefined ? { where } : {}),
    ...(plan.orderBy !== undefined ? { orderBy: plan.orderBy } : {}),
    ...(plan.joins !== undefined ? { joins: plan.joins } : {}),
    ...(select !== undefined ? { select } : {}),
    ...(top !== undefined ? { top } : {}),
    pageSize,
    ...(plan.skipToken !== undefined ? { skipToken: plan.skipToken } : {}),
    count: plan.count,
  });
  const value = await shapeRows(h, entity, page.rows, plan.select, plan.expand);
  const count = page.count === undefined ? undefined : Math.min(page.count, COUNT_LIMIT);
  const annotations: Record<string, unknown> = {};
  const f = h.prefs.annotations;
  if (f?.includes(Annotation.TotalRecordCount) === true)
    annotations[Annotation.TotalRecordCount] = count ?? -1;
  if (f?.includes(Annotation.TotalRecordCountLimitExceeded) === true) {
    annotations[Annotation.TotalRecordCountLimitExceeded] = (page.count ?? 0) > COUNT_LIMIT;
  }
  const headers: Record<string, string> = {};
  const pref = preferenceApplied([
    ...(h.prefs.maxPageSize !== undefined ? [applied.maxPageSize(h.prefs.maxPageSize)] : []),
    ...annotationsApplied(h.prefs),
  ]);
  if (pref !== undefined) headers['Preference-Applied'] = pref;
  return jsonResponse(
    200,
    collectionToJson({
      context: contextUrl.collection(h.req.serviceRoot, entity, plan.projection),
      ...(count !== undefined ? { count } : {}),
      annotations,
      value,
      ...(page.skipToken !== undefined ? { nextLink: nextLinkOf(h, page.skipToken) } : {}),
    }),
    headers,
  );
}

/** `GET /{set}/$count` (and `/{set}(<id>)/{collection}/$count`): the number as text/plain after a BOM. */
export async function countRecords(
  h: HandlerContext,
  entity: EntityMetadata,
  scope?: Expr,
): Promise<WebResponse> {
  const plan = h.plan(entity, 'collection');
  const n = await h.records.count(entity.logicalName, and(scope, plan.where));
  return textResponse(200, 'text/plain; charset=utf-8', `\uFEFF${Math.min(n, COUNT_LIMIT)}`);
}

/** The full URL of a record, as sent in `OData-EntityId` and `Location`. */
export function recordUrl(h: HandlerContext, entity: EntityMetadata, id: string): string {
  return `${h.req.serviceRoot}/${entityPath(entity, id)}`;
}

/** Reads a record back for `Prefer: return=representation`, honouring `$select`/`$expand` of the URL. */
export async function representationOf(
  h: HandlerContext,
  entity: EntityMetadata,
  id: string,
  withExpand: boolean,
): Promise<Record<string, unknown> | undefined> {
  const plan = h.plan(entity, 'entity');
  const expand = withExpand ? plan.expand : [];
  const row = await h.records.retrieve(entity.logicalName, id, columnsToRead(entity, plan.select, expand));
  if (row === undefined) return undefined;
  const [shaped] = await shapeRows(h, entity, [row], plan.select, expand);
  const projection = withExpand
    ? plan.projection
    : { ...(plan.projection.select !== undefined ? { select: plan.projection.select } : {}) };
  return shaped === undefined
    ? undefined
    : entityToJson(contextUrl.entity(h.req.serviceRoot, entity, projection), shaped);
}

/** `POST /{set}`: 204 + `OData-EntityId`, or 201 with the record for `Prefer: return=representation`. */
export async function createRecord(h: HandlerContext, entity: EntityMetadata): Promise<WebResponse> {
  // Validate the URL's options before writing anything.
  if (h.prefs.returnRepresentation) h.plan(entity, 'entity');
  const values = parseEntityBody(h.schema, entity.logicalName, h.req.body, 'create');
  const { id } = await h.records.create(entity.logicalName, values);
  const url = recordUrl(h, entity, id);
  if (h.prefs.returnRepresentation) {
    const body = await representationOf(h, entity, id, true);
    if (body !== undefined) {
      return jsonResponse(201, body, {
        Location: url,
        'Preference-Applied': [applied.returnRepresentation, ...annotationsApplied(h.prefs)].join(','),
      });
    }
  }
  return noContent({ 'OData-EntityId': url, Location: url });
}
