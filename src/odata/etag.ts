import type { Value } from '../ir/nodes.ts';

/**
 * Weak ETags built from a record's `versionnumber`, as Dataverse sends them (`W/"536530"`).
 * Clients treat them as opaque; the server compares only the version inside.
 */

export function etagOf(versionnumber: Value): string {
  return `W/"${String(versionnumber)}"`;
}

/** The version inside an ETag: `W/"12"`, `"12"` and `12` all name version 12. */
function versionIn(tag: string): string {
  return tag.trim().replace(/^W\//i, '').replace(/^"|"$/g, '');
}

/**
 * True when an `If-None-Match` (or `If-Match`) header names the given ETag: `*` matches any
 * record, a comma-separated list matches when one entry does. Dataverse clients send
 * `If-None-Match: null` to defeat caches; that literal matches nothing.
 */
export function etagListMatches(header: string | undefined, etag: string): boolean {
  if (header === undefined) return false;
  const entries = header
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '' && s !== 'null');
  if (entries.includes('*')) return true;
  const version = versionIn(etag);
  return entries.some((e) => versionIn(e) === version);
}
