import { notFound } from '../../engine/errors.ts';
import { parseEntityBody } from '../../engine/payload.ts';
import type { EntityMetadata } from '../../metadata/model.ts';
import { etagListMatches, etagOf } from '../../odata/etag.ts';
import { applied, preferenceApplied } from '../../odata/prefer.ts';
import { contextUrl, entityToJson } from '../../odata/representation.ts';
import { columnsToRead } from '../expansion.ts';
import type { WebResponse } from '../web-request.ts';
import { jsonResponse, noContent } from '../web-request.ts';
import { recordUrl, representationOf } from './collection.ts';
import type { HandlerContext } from './context.ts';
import { annotationsApplied, shapeRows } from './context.ts';

function conditions(h: HandlerContext): { ifMatch?: string; ifNoneMatch?: string } {
  const ifMatch = h.req.headers['if-match'];
  const ifNoneMatch = h.req.headers['if-none-match'];
  return {
    ...(ifMatch !== undefined ? { ifMatch } : {}),
    ...(ifNoneMatch !== undefined ? { ifNoneMatch } : {}),
  };
}

/**
 * `GET /{set}(<id>)` with `$select`/`$expand`. `If-None-Match` with the current ETag answers 304,
 * except with `$expand` or annotations (whose content the ETag does not cover), as in Dataverse.
 */
export async function getRecord(h: HandlerContext, entity: EntityMetadata, id: string): Promise<WebResponse> {
  const plan = h.plan(entity, 'entity');
  const row = await h.records.retrieve(
    entity.logicalName,
    id,
    columnsToRead(entity, plan.select, plan.expand),
  );
  if (row === undefined) throw notFound(entity.logicalName, id);
  const etag = etagOf(row.versionnumber ?? null);
  if (
    plan.expand.length === 0 &&
    h.prefs.annotations === undefined &&
    etagListMatches(h.req.headers['if-none-match'], etag)
  ) {
    return { status: 304, headers: { 'OData-Version': '4.0', ETag: etag } };
  }
  const [shaped = {}] = await shapeRows(h, entity, [row], plan.select, plan.expand);
  const headers: Record<string, string> = { ETag: etag };
  const pref = preferenceApplied(annotationsApplied(h.prefs));
  if (pref !== undefined) headers['Preference-Applied'] = pref;
  return jsonResponse(
    200,
    entityToJson(contextUrl.entity(h.req.serviceRoot, entity, plan.projection), shaped),
    headers,
  );
}

/**
 * `PATCH /{set}(<id>)`: update, or create when the record does not exist (upsert) unless
 * `If-Match` is sent; `If-None-Match: *` refuses to update an existing record.
 */
export async function patchRecord(
  h: HandlerContext,
  entity: EntityMetadata,
  id: string,
): Promise<WebResponse> {
  if (h.prefs.returnRepresentation) h.plan(entity, 'entity');
  const values = parseEntityBody(h.schema, entity.logicalName, h.req.body, 'update');
  const result = await h.records.update(entity.logicalName, id, values, { upsert: true, ...conditions(h) });
  const url = recordUrl(h, entity, id);
  if (h.prefs.returnRepresentation) {
    // Dataverse ignores $expand on PATCH with representation.
    const body = await representationOf(h, entity, id, false);
    if (body !== undefined) {
      return jsonResponse(result.created ? 201 : 200, body, {
        'Preference-Applied': [applied.returnRepresentation, ...annotationsApplied(h.prefs)].join(','),
        ...(result.created ? { Location: url } : {}),
      });
    }
  }
  return noContent({ 'OData-EntityId': url });
}

/** `DELETE /{set}(<id>)`, conditional on `If-Match`. */
export async function deleteRecord(
  h: HandlerContext,
  entity: EntityMetadata,
  id: string,
): Promise<WebResponse> {
  const ifMatch = h.req.headers['if-match'];
  await h.records.delete(entity.logicalName, id, ifMatch !== undefined ? { ifMatch } : {});
  return noContent();
}
