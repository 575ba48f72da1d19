import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { attrRef } from '../../src/ir/build.ts';
import type { KeysetItem } from '../../src/fetchxml/index.ts';
import { FetchXmlError } from '../../src/fetchxml/index.ts';
import {
  cookieValues,
  decodePagingCookie,
  encodePagingCookie,
  pagingCookieAnnotation,
} from '../../src/fetchxml/paging-cookie.ts';
import { schemaFromDocument } from '../../src/metadata/schema-file.ts';

/** Paging cookies: Dataverse's shape, values that survive XML and URL handling, strict reading. */

const contact = schemaFromDocument(undefined).requireEntity('contact');
const item = (name: string, direction: 'asc' | 'desc' = 'asc'): KeysetItem => {
  const attribute = contact.attributes.get(name);
  assert.ok(attribute);
  return { expr: attrRef('r', name), direction, attribute, column: `k_${name}` };
};
const KEYSET = [item('lastname', 'desc'), item('birthdate'), item('numberofchildren'), item('contactid')];
const LOC = { line: 1, column: 1 };
const ID1 = '49b0be2e-d01c-ed11-b83e-000d3a572421';
const ID2 = '70bf4d48-34cb-ed11-b596-0022481d68cd';

/** What dynamics-web-api does with the annotation before it sends the next page (see its sources). */
function clientRoundTrip(annotation: string): string {
  const decoded = decodeURIComponent(decodeURIComponent(annotation));
  const m = /pagingcookie="(<cookie page="(\d+)".+<\/cookie>)/.exec(decoded);
  assert.ok(m, decoded);
  const sanitized = (m[1] ?? '').replace(
    /[<>"']/g,
    (c) => ({ '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );
  // The fetch's XML parser turns the entities back into characters.
  return sanitized.replace(
    /&lt;|&gt;|&quot;|&#39;|&amp;/g,
    (e) => ({ '&lt;': '<', '&gt;': '>', '&quot;': '"', '&#39;': "'", '&amp;': '&' })[e] ?? e,
  );
}

describe('paging cookies', () => {
  it('are written in Dataverse shape, GUIDs upper case in braces, nulls without the attribute', () => {
    const cookie = encodePagingCookie(
      1,
      KEYSET,
      ['Stubberod', '1970-01-02', null, ID1],
      ['McKay', null, 3, ID2],
    );
    assert.equal(
      cookie,
      `<cookie page="1"><lastname last="McKay" first="Stubberod" /><birthdate first="1970-01-02" /><numberofchildren last="3" /><contactid last="{${ID2.toUpperCase()}}" first="{${ID1.toUpperCase()}}" /></cookie>`,
    );
  });

  it('travel URL-encoded twice in the annotation, with lower-case escapes as Dataverse sends them', () => {
    const annotation = pagingCookieAnnotation(2, '<cookie page="1"><a last="x y" /></cookie>');
    assert.equal(
      annotation,
      '<cookie pagenumber="2" pagingcookie="%253ccookie%2520page%253d%25221%2522%253e%253ca%2520last%253d%2522x%2520y%2522%2520%252f%253e%253c%252fcookie%253e" istracking="False" />',
    );
    assert.equal(pagingCookieAnnotation(3, undefined), '<cookie pagenumber="3" istracking="False" />');
  });

  it('keep values with XML and URL special characters intact through a client round trip', () => {
    const tricky = ['A&B', 'Say "hi"', "O'Brien", '<tag>', '50%', 'tab\there', 'line\nbreak', 'ärger', '%41'];
    for (const text of tricky) {
      const cookie = encodePagingCookie(4, KEYSET, [text, null, 1, ID1], [text, '2000-02-29', 0, ID2]);
      const back = decodePagingCookie(clientRoundTrip(pagingCookieAnnotation(5, cookie)), LOC);
      assert.equal(back.page, 4);
      assert.deepEqual(cookieValues(back, KEYSET, 'last', LOC), [text, '2000-02-29', 0, ID2], text);
      assert.deepEqual(cookieValues(back, KEYSET, 'first', LOC), [text, null, 1, ID1], text);
    }
  });

  it('belong to one order: a cookie of other keys is not used', () => {
    const cookie = decodePagingCookie(
      encodePagingCookie(1, KEYSET, ['a', null, 1, ID1], ['b', null, 2, ID2]),
      LOC,
    );
    assert.equal(cookieValues(cookie, KEYSET.slice(1), 'last', LOC), undefined);
    assert.equal(cookieValues(cookie, [item('firstname'), ...KEYSET.slice(1)], 'last', LOC), undefined);
  });

  it('refuse what no server wrote: malformed XML, no page, values of the wrong type', () => {
    for (const text of [
      '<cookie',
      '<cookie/>',
      '<cookies page="1"/>',
      '<cookie page="x"/>',
      '<!DOCTYPE c><cookie page="1"/>',
    ]) {
      assert.throws(() => decodePagingCookie(text, LOC), FetchXmlError, text);
    }
    const cookie = decodePagingCookie(
      `<cookie page="1"><lastname last="x" /><birthdate last="not a date" /><numberofchildren /><contactid last="{${ID1}}" /></cookie>`,
      LOC,
    );
    assert.throws(() => cookieValues(cookie, KEYSET, 'last', LOC), /holds 'not a date' for 'birthdate'/);
  });
});
