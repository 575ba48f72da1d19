import { randomUUID } from 'node:crypto';
import type { HttpRequestMessage } from './http-message.ts';
import { parseHttpRequest, writeHttpRequest } from './http-message.ts';
import type { MimePart, OutgoingPart } from './multipart.ts';
import { BatchFormatError, boundaryOf, parseMultipart, writeMultipart } from './multipart.ts';

/**
 * A `$batch` request body (OData 4.0 §11.7, multipart format): top-level requests and change
 * sets (nested `multipart/mixed` parts whose requests succeed or fail together).
 */

export interface BatchRequestItem extends HttpRequestMessage {
  /** `Content-ID` of the part: later requests of the change set refer to its result as `$<id>`. */
  contentId?: string;
}

export type BatchEntry =
  { kind: 'request'; request: BatchRequestItem } | { kind: 'changeset'; requests: BatchRequestItem[] };

function mediaType(contentType: string | undefined): string {
  return (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
}

function requestOf(part: MimePart, where: string): BatchRequestItem {
  const type = mediaType(part.headers['content-type']);
  if (type !== 'application/http') {
    throw new BatchFormatError(
      `${where}: each part must have 'Content-Type: application/http' (or be a change set), got '${part.headers['content-type'] ?? '(none)'}'.`,
    );
  }
  const encoding = part.headers['content-transfer-encoding'];
  if (encoding !== undefined && encoding.toLowerCase() !== 'binary') {
    throw new BatchFormatError(
      `${where}: 'Content-Transfer-Encoding: ${encoding}' is not supported; use 'binary'.`,
    );
  }
  const message = parseHttpRequest(part.body, where);
  // OData puts Content-ID in the part headers; some clients put it in the inner request instead.
  const contentId = part.headers['content-id'] ?? message.headers['content-id'];
  return contentId !== undefined ? { ...message, contentId } : message;
}

/** Reads a `$batch` body; `contentType` is the request's Content-Type (it carries the boundary). */
export function parseBatchRequest(body: string, contentType: string | undefined): BatchEntry[] {
  const boundary = boundaryOf(contentType);
  if (boundary === undefined) {
    throw new BatchFormatError(
      `The $batch request must have 'Content-Type: multipart/mixed; boundary=<boundary>', got '${contentType ?? '(none)'}'.`,
    );
  }
  const entries: BatchEntry[] = [];
  parseMultipart(body, boundary).forEach((part, i) => {
    const where = `batch part ${i + 1}`;
    const inner = boundaryOf(part.headers['content-type']);
    if (inner === undefined) {
      if (mediaType(part.headers['content-type']) === 'multipart/mixed') {
        throw new BatchFormatError(`${where}: the change set has no boundary parameter.`);
      }
      entries.push({ kind: 'request', request: requestOf(part, where) });
      return;
    }
    const requests = parseMultipart(part.body, inner, `change set ${i + 1}`).map((p, j) => {
      const w = `change set ${i + 1} part ${j + 1}`;
      if (boundaryOf(p.headers['content-type']) !== undefined) {
        throw new BatchFormatError(`${w}: change sets cannot be nested.`);
      }
      const request = requestOf(p, w);
      if (request.method === 'GET') {
        throw new BatchFormatError(
          `${w}: GET requests are not allowed in a change set; send them outside it.`,
        );
      }
      return request;
    });
    const ids = new Set<string>();
    for (const r of requests) {
      if (r.contentId === undefined) continue;
      if (ids.has(r.contentId))
        throw new BatchFormatError(`change set ${i + 1}: Content-ID '${r.contentId}' is used twice.`);
      ids.add(r.contentId);
    }
    entries.push({ kind: 'changeset', requests });
  });
  return entries;
}

/** The number of requests in a batch (change set members counted one by one). */
export function countBatchRequests(entries: readonly BatchEntry[]): number {
  return entries.reduce((n, e) => n + (e.kind === 'request' ? 1 : e.requests.length), 0);
}

export interface OutgoingBatchRequest {
  contentId?: string;
  method: string;
  url: string;
  headers?: Readonly<Record<string, string>>;
  body?: string;
}

function requestPart(r: OutgoingBatchRequest): OutgoingPart {
  const headers: Record<string, string> = {
    'Content-Type': 'application/http',
    'Content-Transfer-Encoding': 'binary',
  };
  if (r.contentId !== undefined) headers['Content-ID'] = r.contentId;
  return { headers, body: writeHttpRequest(r) };
}

/** Writes a `$batch` body (what a client sends); returns the Content-Type to send with it. */
export function writeBatchRequest(
  entries: readonly (
    | { kind: 'request'; request: OutgoingBatchRequest }
    | { kind: 'changeset'; requests: readonly OutgoingBatchRequest[] }
  )[],
  boundary = `batch_${randomUUID()}`,
): { contentType: string; body: string } {
  const parts = entries.map((e): OutgoingPart => {
    if (e.kind === 'request') return requestPart(e.request);
    const inner = `changeset_${randomUUID()}`;
    return {
      headers: { 'Content-Type': `multipart/mixed; boundary=${inner}` },
      body: writeMultipart(e.requests.map(requestPart), inner),
    };
  });
  return { contentType: `multipart/mixed; boundary=${boundary}`, body: writeMultipart(parts, boundary) };
}
