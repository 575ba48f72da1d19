/**
 * The Web API lives under `/api/data/v9.x/`; every 9.x version is served the same.
 */

const SERVICE_PATH = /^\/api\/data\/(v9\.\d+)(?:\/(.*))?$/;

export interface ServicePath {
  /** `v9.0`, `v9.2`, … */
  version: string;
  /** The resource path after the version segment, still percent-encoded ('' for the root). */
  resourcePath: string;
}

/** Splits a URL path (without query) into version and resource path, or undefined outside the API. */
export function parseServicePath(pathname: string): ServicePath | undefined {
  const m = SERVICE_PATH.exec(pathname);
  if (m === null) return undefined;
  return { version: m[1] ?? 'v9.0', resourcePath: m[2] ?? '' };
}

/** `http://host:port/api/data/v9.0`. */
export function serviceRootOf(protocol: string, host: string, version: string): string {
  return `${protocol}://${host}/api/data/${version}`;
}

/** Splits `path?query` at the first `?`. */
export function splitQuery(url: string): { pathname: string; query: string } {
  const q = url.indexOf('?');
  return q < 0 ? { pathname: url, query: '' } : { pathname: url.slice(0, q), query: url.slice(q + 1) };
}
