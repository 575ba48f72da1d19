/**
 * A Web API request and response independent of Fastify, so the same handlers serve HTTP
 * requests and the sub-requests of a `$batch`.
 */

export interface WebRequest {
  /** Upper case. */
  method: string;
  /** The resource path after the service root, still percent-encoded (`contacts(…)/firstname`). */
  path: string;
  /** The query string without `?` (still percent-encoded), '' when none. */
  query: string;
  /** Header names in lower case. */
  headers: Readonly<Record<string, string | undefined>>;
  /** The parsed JSON body, the raw text for `$batch`, or undefined. */
  body: unknown;
  /** `http://host/api/data/v9.0`, as the client addressed the service. */
  serviceRoot: string;
}

export interface WebResponse {
  status: number;
  headers: Record<string, string>;
  /** Objects are sent as JSON; strings as they are; undefined sends no body. */
  body?: string | Record<string, unknown>;
}

export const ODATA_JSON = 'application/json; odata.metadata=minimal';

/** A JSON response with the OData headers. */
export function jsonResponse(
  status: number,
  body: Record<string, unknown>,
  headers: Record<string, string> = {},
): WebResponse {
  return { status, headers: { 'OData-Version': '4.0', 'Content-Type': ODATA_JSON, ...headers }, body };
}

export function noContent(headers: Record<string, string> = {}): WebResponse {
  return { status: 204, headers: { 'OData-Version': '4.0', ...headers } };
}

export function textResponse(
  status: number,
  contentType: string,
  body: string,
  headers: Record<string, string> = {},
): WebResponse {
  return { status, headers: { 'OData-Version': '4.0', 'Content-Type': contentType, ...headers }, body };
}

/** The full URL of the request: service root, path and query (used for `@odata.nextLink`). */
export function requestUrl(req: WebRequest): string {
  return `${req.serviceRoot}/${req.path}${req.query === '' ? '' : `?${req.query}`}`;
}

export function header(req: WebRequest, name: string): string | undefined {
  return req.headers[name.toLowerCase()];
}
