import { ErrorCodes, badPayload } from '../../engine/errors.ts';
import type { ResourcePath } from '../../odata/resource-path.ts';
import { NAMESPACE, resourceNotFound } from '../../odata/resource-path.ts';
import { contextUrl } from '../../odata/representation.ts';
import type { BindingKind } from '../actions.ts';
import { returnTypeName } from '../actions.ts';
import { HttpError, methodNotAllowed } from '../errors.ts';
import type { WebResponse } from '../web-request.ts';
import { jsonResponse, noContent } from '../web-request.ts';
import type { HandlerContext } from './context.ts';

type OperationPath = Extract<ResourcePath, { kind: 'operation' }>;

/** Runs a registered action: `POST /{Action}`, `POST /{set}/Microsoft.Dynamics.CRM.{Action}`, `POST /{set}(<id>)/…`. */
export async function invokeOperation(h: HandlerContext, path: OperationPath): Promise<WebResponse> {
  const kind: BindingKind =
    path.binding === undefined ? 'none' : path.binding.id === undefined ? 'collection' : 'entity';
  const action = h.actions.find(path.name, kind, path.binding?.entity.logicalName);
  if (action === undefined) throw resourceNotFound(path.segment);
  if (kind !== 'none' && !path.qualified) {
    throw new HttpError(
      400,
      ErrorCodes.InvalidArgument,
      `Request message has unresolved parameters: call the bound action with its namespace, '${NAMESPACE}.${path.name}'.`,
    );
  }
  if (h.req.method !== 'POST') throw methodNotAllowed(h.req.method, ['POST']);
  if (path.parameters !== undefined) {
    throw badPayload(
      `'${path.name}' is an action: send its parameters in the JSON body, not in parentheses.`,
    );
  }
  const body = h.req.body ?? {};
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw badPayload(`The parameters of '${path.name}' must be a JSON object.`);
  }
  const outcome = await action.handler({
    records: h.records,
    schema: h.schema,
    parameters: body as Record<string, unknown>,
    ...(path.binding !== undefined ? { binding: path.binding } : {}),
    preferences: h.prefs,
    request: h.req,
  });
  if (outcome.kind === 'none') return noContent(outcome.headers ?? {});
  const typeName = returnTypeName(action) ?? `${action.name}Response`;
  return jsonResponse(
    200,
    { '@odata.context': contextUrl.complexType(h.req.serviceRoot, typeName), ...outcome.value },
    outcome.headers ?? {},
  );
}
