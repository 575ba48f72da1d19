import { appendOnlyError } from '../../engine/interaction-rules.ts';
import { ErrorCodes, badPayload, notFound } from '../../engine/errors.ts';
import { parseEntityBody } from '../../engine/payload.ts';
import type { Value } from '../../ir/nodes.ts';
import type { AttributeMetadata, EntityMetadata } from '../../metadata/model.ts';
import { contextUrl } from '../../odata/representation.ts';
import { HttpError } from '../errors.ts';
import type { WebResponse } from '../web-request.ts';
import { jsonResponse, noContent, textResponse } from '../web-request.ts';
import type { HandlerContext } from './context.ts';

/**
 * Single-property access: `GET /{set}(<id>)/{property}` → `{"@odata.context", "value"}`,
 * `…/{property}/$value` → the raw value as text, `PUT` with `{"value": …}` and `DELETE` (clears it).
 * A null value answers 204 No Content, as OData prescribes.
 */

async function readValue(
  h: HandlerContext,
  entity: EntityMetadata,
  id: string,
  a: AttributeMetadata,
): Promise<Value> {
  const row = await h.records.retrieve(entity.logicalName, id, [a.logicalName]);
  if (row === undefined) throw notFound(entity.logicalName, id);
  return row[a.logicalName] ?? null;
}

export async function getProperty(
  h: HandlerContext,
  entity: EntityMetadata,
  id: string,
  a: AttributeMetadata,
  propertyName: string,
  raw: boolean,
): Promise<WebResponse> {
  const v = await readValue(h, entity, id, a);
  if (v === null) return noContent();
  if (raw) return textResponse(200, 'text/plain; charset=utf-8', String(v));
  return jsonResponse(200, {
    '@odata.context': contextUrl.property(h.req.serviceRoot, entity, id, propertyName),
    value: v,
  });
}

function checkWritable(entity: EntityMetadata, a: AttributeMetadata, propertyName: string): void {
  if (entity.appendOnly === true) throw appendOnlyError(entity, 'updated');
  if (a.computed !== undefined || a.isPrimaryId === true || !a.validForUpdate) {
    throw badPayload(`The property '${propertyName}' of '${entity.logicalName}' cannot be changed.`);
  }
  if (propertyName !== a.logicalName) {
    // `_x_value` is read-only: lookups are set through their navigation property.
    throw badPayload(
      `The property '${propertyName}' is read-only; set the lookup with PUT {navigation}/$ref or '<navigation>@odata.bind'.`,
    );
  }
}

async function writeValue(
  h: HandlerContext,
  entity: EntityMetadata,
  id: string,
  a: AttributeMetadata,
  raw: unknown,
): Promise<void> {
  const values = parseEntityBody(h.schema, entity.logicalName, { [a.logicalName]: raw }, 'update');
  const ifMatch = h.req.headers['if-match'];
  await h.records.update(entity.logicalName, id, values, {
    upsert: false,
    ...(ifMatch !== undefined ? { ifMatch } : {}),
  });
}

/** `PUT /{set}(<id>)/{property}` with `{"value": …}` (or the raw text for `/$value`). */
export async function putProperty(
  h: HandlerContext,
  entity: EntityMetadata,
  id: string,
  a: AttributeMetadata,
  propertyName: string,
  raw: boolean,
): Promise<WebResponse> {
  checkWritable(entity, a, propertyName);
  const body = h.req.body;
  let value: unknown;
  if (raw) {
    if (typeof body !== 'string') {
      throw new HttpError(
        415,
        ErrorCodes.PayloadError,
        `PUT …/${propertyName}/$value takes the value as text/plain.`,
      );
    }
    value = body;
  } else {
    if (typeof body !== 'object' || body === null || Array.isArray(body) || !('value' in body)) {
      throw badPayload(
        `The request body must be a JSON object {"value": …} holding the new value of '${propertyName}'.`,
      );
    }
    const extra = Object.keys(body).filter((k) => k !== 'value' && !k.startsWith('@'));
    if (extra.length > 0)
      throw badPayload(`Unexpected property '${extra[0] ?? ''}' in the body; send only {"value": …}.`);
    value = body.value;
  }
  await writeValue(h, entity, id, a, value);
  return noContent();
}

/** `DELETE /{set}(<id>)/{property}`: sets the property to null. */
export async function deleteProperty(
  h: HandlerContext,
  entity: EntityMetadata,
  id: string,
  a: AttributeMetadata,
  propertyName: string,
): Promise<WebResponse> {
  checkWritable(entity, a, propertyName);
  await writeValue(h, entity, id, a, null);
  return noContent();
}
