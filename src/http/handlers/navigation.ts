import { ErrorCodes, badPayload, notFound } from '../../engine/errors.ts';
import { parseBindReference, parseEntityBody } from '../../engine/payload.ts';
import { ROOT } from '../../engine/record-types.ts';
import { and, attrRef, cmp, lit } from '../../ir/build.ts';
import type { Expr } from '../../ir/nodes.ts';
import type { EntityMetadata, NavigationProperty } from '../../metadata/model.ts';
import { isPolymorphicLookup } from '../../metadata/model.ts';
import { MAX_PAGE_SIZE, applied, preferenceApplied } from '../../odata/prefer.ts';
import { collectionToJson, contextUrl } from '../../odata/representation.ts';
import { HttpError } from '../errors.ts';
import type { WebResponse } from '../web-request.ts';
import { jsonResponse, noContent } from '../web-request.ts';
import { countRecords, nextLinkOf, readCollection, recordUrl } from './collection.ts';
import type { HandlerContext } from './context.ts';
import { getRecord } from './record.ts';

/**
 * Navigation properties of a record: `GET /{set}(<id>)/{single}` (the related record or 204),
 * `GET /{set}(<id>)/{collection}` (a collection with every query option), `/$count`, and the
 * `/$ref` links, which can also be written: `PUT`/`DELETE {single}/$ref` set or clear the lookup,
 * `POST {collection}/$ref` points a related record at this one, `DELETE {collection}/$ref?$id=…`
 * detaches it.
 */

/** The id the single-valued navigation points at, or null. 404 when the record does not exist. */
async function singleTarget(
  h: HandlerContext,
  entity: EntityMetadata,
  id: string,
  nav: NavigationProperty,
): Promise<string | null> {
  const lookup = nav.relationship.referencingAttribute;
  const row = await h.records.retrieve(entity.logicalName, id, [lookup]);
  if (row === undefined) throw notFound(entity.logicalName, id);
  const v = row[lookup];
  if (typeof v !== 'string') return null;
  const a = entity.attributes.get(lookup);
  if (a !== undefined && isPolymorphicLookup(a) && row[`${lookup}type`] !== nav.targetEntity) return null;
  return v;
}

/** The rows of the target that point at the record, for a collection-valued navigation property. */
function collectionScope(
  h: HandlerContext,
  entity: EntityMetadata,
  id: string,
  nav: NavigationProperty,
): Expr {
  const target = h.schema.requireEntity(nav.targetEntity);
  const lookup = nav.relationship.referencingAttribute;
  const a = target.attributes.get(lookup);
  const typed = a !== undefined && isPolymorphicLookup(a);
  return and(
    cmp('=', attrRef(ROOT, lookup), lit(id, 'guid')),
    typed ? cmp('=', attrRef(ROOT, `${lookup}type`), lit(entity.logicalName, 'string')) : undefined,
  ) as Expr;
}

async function requireRecord(h: HandlerContext, entity: EntityMetadata, id: string): Promise<void> {
  const row = await h.records.retrieve(entity.logicalName, id, [entity.primaryIdAttribute]);
  if (row === undefined) throw notFound(entity.logicalName, id);
}

export async function getNavigation(
  h: HandlerContext,
  entity: EntityMetadata,
  id: string,
  nav: NavigationProperty,
  count: boolean,
  ref: boolean,
): Promise<WebResponse> {
  const target = h.schema.requireEntity(nav.targetEntity);
  if (nav.kind === 'single') {
    const targetId = await singleTarget(h, entity, id, nav);
    if (targetId === null) return noContent();
    if (ref) {
      return jsonResponse(200, {
        '@odata.context': contextUrl.ref(h.req.serviceRoot),
        '@odata.id': recordUrl(h, target, targetId),
      });
    }
    return getRecord(h, target, targetId);
  }
  await requireRecord(h, entity, id);
  const scope = collectionScope(h, entity, id, nav);
  if (count) return countRecords(h, target, scope);
  if (!ref) return readCollection(h, target, scope);
  const plan = h.plan(target, 'collection');
  const page = await h.records.query({
    entity: target.logicalName,
    where: and(scope, plan.where),
    ...(plan.orderBy !== undefined ? { orderBy: plan.orderBy } : {}),
    ...(plan.joins !== undefined ? { joins: plan.joins } : {}),
    select: [target.primaryIdAttribute],
    pageSize: h.prefs.maxPageSize ?? MAX_PAGE_SIZE,
    ...(h.prefs.maxPageSize === undefined && plan.top !== undefined ? { top: plan.top } : {}),
    ...(plan.skipToken !== undefined ? { skipToken: plan.skipToken } : {}),
  });
  const pref = preferenceApplied(
    h.prefs.maxPageSize !== undefined ? [applied.maxPageSize(h.prefs.maxPageSize)] : [],
  );
  return jsonResponse(
    200,
    collectionToJson({
      context: contextUrl.refCollection(h.req.serviceRoot),
      value: page.rows.map((r) => ({
        '@odata.id': recordUrl(h, target, String(r[target.primaryIdAttribute])),
      })),
      ...(page.skipToken !== undefined ? { nextLink: nextLinkOf(h, page.skipToken) } : {}),
    }),
    pref !== undefined ? { 'Preference-Applied': pref } : {},
  );
}

/** The record a `$ref` body (`{"@odata.id": "…/contacts(<id>)"}`) or `$id` option names. */
function referencedRecord(h: HandlerContext, raw: unknown, expected: EntityMetadata): string {
  const ref = parseBindReference(h.schema, raw);
  if (ref === undefined) {
    throw badPayload(
      `Expected a record URL such as "${expected.entitySetName}(<guid>)" in '@odata.id', got ${JSON.stringify(raw)}.`,
    );
  }
  if (ref.entity.logicalName !== expected.logicalName) {
    throw badPayload(
      `The reference must name a '${expected.logicalName}' record, but it names a '${ref.entity.logicalName}'.`,
    );
  }
  return ref.id;
}

function odataIdOfBody(h: HandlerContext): unknown {
  const body = h.req.body;
  if (typeof body !== 'object' || body === null || !('@odata.id' in body)) {
    throw badPayload('The request body must be {"@odata.id": "<record URL>"}.');
  }
  return (body as Record<string, unknown>)['@odata.id'];
}

async function setLookup(
  h: HandlerContext,
  entity: EntityMetadata,
  id: string,
  navName: string,
  url: string | null,
): Promise<void> {
  const values = parseEntityBody(h.schema, entity.logicalName, { [`${navName}@odata.bind`]: url }, 'update');
  await h.records.update(entity.logicalName, id, values, { upsert: false });
}

export async function writeNavigationRef(
  h: HandlerContext,
  entity: EntityMetadata,
  id: string,
  nav: NavigationProperty,
  method: 'PUT' | 'POST' | 'DELETE',
): Promise<WebResponse> {
  const target = h.schema.requireEntity(nav.targetEntity);
  if (nav.kind === 'single') {
    if (method === 'POST')
      throw new HttpError(
        405,
        ErrorCodes.QueryError,
        `Use PUT to set the single-valued navigation property '${nav.name}'.`,
        { Allow: 'GET, PUT, DELETE' },
      );
    const url =
      method === 'PUT' ? `/${target.entitySetName}(${referencedRecord(h, odataIdOfBody(h), target)})` : null;
    await setLookup(h, entity, id, nav.name, url);
    return noContent();
  }
  if (method === 'PUT')
    throw new HttpError(
      405,
      ErrorCodes.QueryError,
      `Use POST to add to the collection-valued navigation property '${nav.name}'.`,
      { Allow: 'GET, POST, DELETE' },
    );
  await requireRecord(h, entity, id);
  const partner = nav.relationship.referencingNavigationProperty;
  if (method === 'POST') {
    const childId = referencedRecord(h, odataIdOfBody(h), target);
    await setLookup(h, target, childId, partner, `/${entity.entitySetName}(${id})`);
    return noContent();
  }
  const idOption = new URLSearchParams(h.req.query).get('$id');
  if (idOption === null) {
    throw badPayload(
      `Name the record to detach with the $id query option: DELETE …/${nav.name}/$ref?$id=${target.entitySetName}(<guid>).`,
    );
  }
  const childId = referencedRecord(h, idOption, target);
  const linked = await h.records.query({
    entity: target.logicalName,
    where: and(
      collectionScope(h, entity, id, nav),
      cmp('=', attrRef(ROOT, target.primaryIdAttribute), lit(childId, 'guid')),
    ),
    select: [target.primaryIdAttribute],
    pageSize: 1,
  });
  if (linked.rows.length === 0) throw notFound(target.logicalName, childId);
  await setLookup(h, target, childId, partner, null);
  return noContent();
}
