import { randomUUID } from 'node:crypto';
import type { HttpResponseMessage } from './http-message.ts';
import { parseHttpResponse, writeHttpResponse } from './http-message.ts';
import type { OutgoingPart } from './multipart.ts';
import { BatchFormatError, boundaryOf, parseMultipart, writeMultipart } from './multipart.ts';

/**
 * A `$batch` response body: one `application/http` part per top-level request, one nested
 * `changesetresponse_<guid>` part per successful change set, with Dataverse's boundary names.
 */

export interface BatchResponseItem extends HttpResponseMessage {
  contentId?: string;
}

export type BatchResponseEntry =
  { kind: 'response'; response: BatchResponseItem } | { kind: 'changeset'; responses: BatchResponseItem[] };

function responsePart(r: BatchResponseItem): OutgoingPart {
  const headers: Record<string, string> = {
    'Content-Type': 'application/http',
    'Content-Transfer-Encoding': 'binary',
  };
  if (r.contentId !== undefined) headers['Content-ID'] = r.contentId;
  return { headers, body: writeHttpResponse(r) };
}

/** Writes the response body; returns it with the Content-Type that carries its boundary. */
export function writeBatchResponse(
  entries: readonly BatchResponseEntry[],
  boundary = `batchresponse_${randomUUID()}`,
): { contentType: string; body: string } {
  const parts = entries.map((e): OutgoingPart => {
    if (e.kind === 'response') return responsePart(e.response);
    const inner = `changesetresponse_${randomUUID()}`;
    return {
      headers: { 'Content-Type': `multipart/mixed; boundary=${inner}` },
      body: writeMultipart(e.responses.map(responsePart), inner),
    };
  });
  return { contentType: `multipart/mixed; boundary=${boundary}`, body: writeMultipart(parts, boundary) };
}

/** Reads a `$batch` response (for clients and tests). */
export function parseBatchResponse(body: string, contentType: string | undefined): BatchResponseEntry[] {
  const boundary = boundaryOf(contentType);
  if (boundary === undefined)
    throw new BatchFormatError(`'${contentType ?? '(none)'}' is not a multipart/mixed content type.`);
  return parseMultipart(body, boundary, 'batch response').map((part, i): BatchResponseEntry => {
    const inner = boundaryOf(part.headers['content-type']);
    const read = (p: typeof part, where: string): BatchResponseItem => {
      const r = parseHttpResponse(p.body, where);
      const id = p.headers['content-id'];
      return id !== undefined ? { ...r, contentId: id } : r;
    };
    if (inner === undefined) return { kind: 'response', response: read(part, `response part ${i + 1}`) };
    return {
      kind: 'changeset',
      responses: parseMultipart(part.body, inner, `change set response ${i + 1}`).map((p, j) =>
        read(p, `change set response ${i + 1} part ${j + 1}`),
      ),
    };
  });
}
