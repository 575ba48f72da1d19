import { DataverseError, ErrorCodes, badPayload } from '../engine/errors.ts';
import type { RecordService } from '../engine/records.ts';
import type { BatchEntry, BatchRequestItem } from '../odata/batch/batch-request.ts';
import { countBatchRequests, parseBatchRequest } from '../odata/batch/batch-request.ts';
import type { BatchResponseEntry, BatchResponseItem } from '../odata/batch/batch-response.ts';
import { writeBatchResponse } from '../odata/batch/batch-response.ts';
import { applied, parsePrefer } from '../odata/prefer.ts';
import type { WebApi } from './dispatcher.ts';
import { parseJsonBody } from './json-body.ts';
import { HttpError, knownErrorResponse, unexpectedErrorResponse } from './errors.ts';
import { parseServicePath, splitQuery } from './service-root.ts';
import type { WebRequest, WebResponse } from './web-request.ts';
import { ODATA_JSON, textResponse } from './web-request.ts';

/** Dataverse accepts at most this many requests in one `$batch`. */
export const MAX_BATCH_REQUESTS = 1000;

/** Aborts a change set's transaction after one of its requests failed. */
class ChangeSetFailed extends Error {
  constructor(readonly response: BatchResponseItem) {
    super('change set failed');
  }
}

/** Replaces `$<Content-ID>` at the start of a reference with the URL of that request's record. */
function resolveReference(value: string, refs: ReadonlyMap<string, string>): string {
  const m = /^\$([^/?]+)(.*)$/s.exec(value);
  if (m === null) return value;
  const url = refs.get(m[1] ?? '');
  if (url === undefined) {
    throw badPayload(
      `'${value}' refers to Content-ID '${m[1] ?? ''}', which no earlier request of this change set created.`,
    );
  }
  return `${url}${m[2] ?? ''}`;
}

/** `@odata.bind` / `@odata.id` values may name records created earlier in the change set (`$1`). */
function resolveBodyReferences(body: unknown, refs: ReadonlyMap<string, string>): unknown {
  if (typeof body !== 'object' || body === null) return body;
  if (Array.isArray(body)) return body.map((b) => resolveBodyReferences(b, refs));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(body as Record<string, unknown>)) {
    if ((k.endsWith('@odata.bind') || k === '@odata.id') && typeof v === 'string')
      out[k] = resolveReference(v, refs);
    else out[k] = resolveBodyReferences(v, refs);
  }
  return out;
}

function isJson(contentType: string | undefined): boolean {
  const type = (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  return type === '' || type === 'application/json';
}

/** A sub-request as a WebRequest addressed to the same service root as the batch. */
function subRequest(
  item: BatchRequestItem,
  outer: WebRequest,
  refs: ReadonlyMap<string, string>,
): WebRequest {
  // Clients sometimes leave spaces of $filter unencoded in the request line.
  const url = resolveReference(item.url, refs).replaceAll(' ', '%20');
  let pathAndQuery: string;
  if (/^https?:\/\//i.test(url)) {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw new DataverseError(
        'BadRequest',
        ErrorCodes.InvalidArgument,
        `The request URL '${url}' is not a valid URL.`,
      );
    }
    pathAndQuery = `${parsed.pathname}${parsed.search}`;
  } else if (url.startsWith('/')) {
    pathAndQuery = url;
  } else {
    // Relative to the service root.
    pathAndQuery = `${new URL(outer.serviceRoot).pathname}/${url}`;
  }
  const { pathname, query } = splitQuery(pathAndQuery);
  const service = parseServicePath(pathname);
  if (service === undefined) {
    throw new DataverseError(
      'NotFound',
      ErrorCodes.ResourceNotFound,
      `Resource not found for the segment '${pathname}'.`,
    );
  }
  let body: unknown;
  if (item.body.trim() !== '') {
    if (isJson(item.headers['content-type'])) {
      body = parseJsonBody(item.body);
    } else {
      body = item.body;
    }
  }
  return {
    method: item.method,
    path: service.resourcePath,
    query,
    headers: item.headers,
    body: resolveBodyReferences(body, refs),
    serviceRoot: outer.serviceRoot,
  };
}

function toItem(res: WebResponse, contentId: string | undefined): BatchResponseItem {
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(res.headers)) {
    // JSON inside a batch is sent as a stream of one value, as Dataverse labels it.
    headers[k] =
      k.toLowerCase() === 'content-type' && v === ODATA_JSON ? `${ODATA_JSON}; odata.streaming=true` : v;
  }
  const body =
    res.body === undefined ? '' : typeof res.body === 'string' ? res.body : JSON.stringify(res.body);
  return { status: res.status, headers, body, ...(contentId !== undefined ? { contentId } : {}) };
}

async function runOne(
  api: WebApi,
  item: BatchRequestItem,
  outer: WebRequest,
  records: RecordService,
  refs: ReadonlyMap<string, string>,
): Promise<WebResponse> {
  let sub: WebRequest | undefined;
  try {
    sub = subRequest(item, outer, refs);
    if (sub.path === '$batch' || sub.path.startsWith('$batch?')) {
      throw new HttpError(
        400,
        ErrorCodes.InvalidArgument,
        'A $batch request cannot contain another $batch request.',
      );
    }
    return await api.handle(sub, records, true);
  } catch (err) {
    const known = knownErrorResponse(err);
    if (known !== undefined) return known;
    api.reportUnexpected(err, sub ?? outer);
    return unexpectedErrorResponse();
  }
}

function entityUrlOf(res: WebResponse): string | undefined {
  return res.headers['OData-EntityId'] ?? res.headers.Location;
}

async function runChangeSet(
  api: WebApi,
  requests: readonly BatchRequestItem[],
  outer: WebRequest,
): Promise<BatchResponseEntry> {
  try {
    const responses = await api.records.transaction(async (tx) => {
      const refs = new Map<string, string>();
      const out: BatchResponseItem[] = [];
      for (const r of requests) {
        const res = await runOne(api, r, outer, tx, refs);
        const item = toItem(res, r.contentId);
        if (res.status >= 400) throw new ChangeSetFailed(item);
        const url = entityUrlOf(res);
        if (r.contentId !== undefined && url !== undefined) refs.set(r.contentId, url);
        out.push(item);
      }
      return out;
    });
    return { kind: 'changeset', responses };
  } catch (err) {
    // The failing request's response stands for the whole change set; nothing of it was written.
    if (err instanceof ChangeSetFailed) return { kind: 'response', response: err.response };
    const known = knownErrorResponse(err);
    if (known !== undefined) return { kind: 'response', response: toItem(known, undefined) };
    api.reportUnexpected(err, outer);
    return { kind: 'response', response: toItem(unexpectedErrorResponse(), undefined) };
  }
}

function failed(e: BatchResponseEntry): boolean {
  return e.kind === 'response' && e.response.status >= 400;
}

/**
 * `POST $batch`: runs the requests in order; each change set atomically through
 * `RecordService.transaction`. Processing stops after the first failure unless the client sent
 * `Prefer: odata.continue-on-error`. The response is `200` with one part per request or change set.
 */
export async function executeBatch(api: WebApi, req: WebRequest, inBatch: boolean): Promise<WebResponse> {
  if (inBatch)
    throw new HttpError(
      400,
      ErrorCodes.InvalidArgument,
      'A $batch request cannot contain another $batch request.',
    );
  if (typeof req.body !== 'string') {
    throw new HttpError(
      415,
      ErrorCodes.InvalidArgument,
      "A $batch request must have 'Content-Type: multipart/mixed; boundary=…'.",
    );
  }
  const entries: BatchEntry[] = parseBatchRequest(req.body, req.headers['content-type']);
  const n = countBatchRequests(entries);
  if (n > MAX_BATCH_REQUESTS) {
    throw new HttpError(
      400,
      ErrorCodes.InvalidArgument,
      `The batch holds ${n} requests; at most ${MAX_BATCH_REQUESTS} are allowed in one $batch.`,
    );
  }
  const prefs = parsePrefer(req.headers.prefer);
  const out: BatchResponseEntry[] = [];
  for (const entry of entries) {
    const result =
      entry.kind === 'request'
        ? {
            kind: 'response' as const,
            response: toItem(
              await runOne(api, entry.request, req, api.records, new Map()),
              entry.request.contentId,
            ),
          }
        : await runChangeSet(api, entry.requests, req);
    out.push(result);
    if (failed(result) && !prefs.continueOnError) break;
  }
  const { contentType, body } = writeBatchResponse(out);
  return textResponse(
    200,
    contentType,
    body,
    prefs.continueOnError ? { 'Preference-Applied': applied.continueOnError } : {},
  );
}
