import type { Value } from '../ir/nodes.ts';
import type { AttributeMetadata } from '../metadata/model.ts';
import { columnValue } from './condition-values.ts';
import { FetchXmlError } from './errors.ts';
import type { Loc } from './errors.ts';
import { fetchXmlError } from './errors.ts';
import type { KeysetItem } from './lower/plan.ts';
import type { XmlElement } from './xml-document.ts';
import { readXmlDocument } from './xml-document.ts';

/**
 * Paging cookies in Dataverse's shape: `<cookie page="1"><fullname last="…" first="…" />
 * <contactid last="{GUID}" first="{GUID}" /></cookie>`, one element per order key (named after
 * its attribute, the primary id last) with the values of the page's first and last rows. The
 * response carries it URL-encoded twice inside
 * `<cookie pagenumber="2" pagingcookie="…" istracking="False" />`.
 *
 * Values are written so the cookie needs no XML escaping: the characters XML or URL handling
 * would change (`%`, `&`, `<`, `>`, quotes, line breaks) are written as `%XX`. Clients that
 * XML-escape only `<>"'` when they put the cookie back (dynamics-web-api does) then still send it
 * back intact. A null value is written as an element without the attribute.
 */

export interface CookieKey {
  readonly name: string;
  readonly first: string | null;
  readonly last: string | null;
}

export interface PagingCookie {
  /** The page the cookie describes. */
  readonly page: number;
  readonly keys: readonly CookieKey[];
}

const ESCAPED = /[%&<>"'\t\n\r]/g;

function escapeValue(text: string): string {
  return text.replace(ESCAPED, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`);
}

function unescapeValue(text: string): string {
  return text.replace(/%([0-9A-Fa-f]{2})/g, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}

/** A key value as cookie text: GUIDs upper case in braces as Dataverse writes them. */
function cookieText(v: Value, attribute: AttributeMetadata): string | null {
  if (v === null) return null;
  const text = String(v);
  const guid =
    attribute.type === 'Uniqueidentifier' ||
    attribute.type === 'Lookup' ||
    attribute.type === 'Customer' ||
    attribute.type === 'Owner';
  return guid ? `{${text.toUpperCase()}}` : text;
}

/** The cookie of a page whose first and last rows have the given key values. */
export function encodePagingCookie(
  page: number,
  keyset: readonly KeysetItem[],
  first: readonly Value[],
  last: readonly Value[],
): string {
  const keys = keyset.map((k, i) => {
    const attrs: string[] = [];
    const l = cookieText(last[i] ?? null, k.attribute);
    const f = cookieText(first[i] ?? null, k.attribute);
    if (l !== null) attrs.push(`last="${escapeValue(l)}"`);
    if (f !== null) attrs.push(`first="${escapeValue(f)}"`);
    return `<${k.attribute.logicalName}${attrs.length > 0 ? ` ${attrs.join(' ')}` : ''} />`;
  });
  return `<cookie page="${page}">${keys.join('')}</cookie>`;
}

/** encodeURIComponent with lower-case escapes, as Dataverse's cookies show them. */
function encodeLower(text: string): string {
  return encodeURIComponent(text).replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase());
}

/** The `@Microsoft.Dynamics.CRM.fetchxmlpagingcookie` annotation value for the next page. */
export function pagingCookieAnnotation(nextPage: number, cookie: string | undefined): string {
  if (cookie === undefined) return `<cookie pagenumber="${nextPage}" istracking="False" />`;
  return `<cookie pagenumber="${nextPage}" pagingcookie="${encodeLower(encodeLower(cookie))}" istracking="False" />`;
}

function keyOf(el: XmlElement): CookieKey {
  const last = el.attributes.get('last');
  const first = el.attributes.get('first');
  return {
    name: el.name,
    last: last === undefined ? null : unescapeValue(last),
    first: first === undefined ? null : unescapeValue(first),
  };
}

/** Reads a `paging-cookie` attribute; a value that is not a cookie is a `FetchXmlError` at `loc`. */
export function decodePagingCookie(text: string, loc: Loc): PagingCookie {
  const invalid = (why: string) =>
    fetchXmlError(loc, `The paging-cookie is not a paging cookie this server returned: ${why}.`);
  let root: XmlElement;
  try {
    root = readXmlDocument(text);
  } catch (err) {
    if (err instanceof FetchXmlError)
      throw invalid(err.detail.replace(/^Malformed FetchXml: /, '').replace(/\.$/, ''));
    throw err;
  }
  const page = root.attributes.get('page') ?? '';
  if (root.name !== 'cookie' || !/^\d{1,9}$/.test(page))
    throw invalid("it needs a root 'cookie' element with a page number");
  return { page: Number(page), keys: root.children.map(keyOf) };
}

/**
 * The key values of a cookie for `keyset`, or undefined when the cookie was made for another
 * order (its keys differ): then the page is found by position instead. A value that does not fit
 * its key's type is an error.
 */
export function cookieValues(
  cookie: PagingCookie,
  keyset: readonly KeysetItem[],
  which: 'first' | 'last',
  loc: Loc,
): Value[] | undefined {
  if (cookie.keys.length !== keyset.length) return undefined;
  const values: Value[] = [];
  for (const [i, item] of keyset.entries()) {
    const key = cookie.keys[i];
    if (key?.name !== item.attribute.logicalName) return undefined;
    const text = key[which];
    if (text === null) {
      values.push(null);
      continue;
    }
    const v = columnValue(item.attribute, text);
    if (v === undefined) {
      throw fetchXmlError(
        loc,
        `The paging-cookie holds '${text}' for '${item.attribute.logicalName}', which is not a value of that attribute.`,
      );
    }
    values.push(v.value);
  }
  return values;
}
