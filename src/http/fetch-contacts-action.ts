import { invalidArgument } from '../engine/errors.ts';
import {
  lookupReferences as fetchLookupReferences,
  pagingCookieAnnotation,
  shapeFetchRow,
} from '../fetchxml/index.ts';
import { Annotation, lookupReferences, recordToJson } from '../odata/representation.ts';
import { fetchContactsByQuery, type FetchContactsRequest } from '../segment/fetch-contacts.ts';
import type { ActionInvocation, RegisteredAction } from './actions.ts';
import { resolveLookupNames } from './lookup-names.ts';

/**
 * `msdyncrm_FetchContactsByQuery` (unbound): the contacts a segment query selects, as
 * `Contacts` (records shaped like a FetchXML result), `TotalRecordCount`, `MoreRecords` and
 * `PagingCookie` (see /work/shared/spec/segments-api.md). Parameters are PascalCase, as the original
 * service's are.
 */

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const PARAMETERS = ['Query', 'FetchXml', 'OwningBusinessUnit', 'Scope', 'TimeZone'];

function optionalString(p: Record<string, unknown>, name: string): string | undefined {
  const v = p[name];
  if (v === undefined || v === null || v === '') return undefined;
  if (typeof v !== 'string') throw invalidArgument(`'${name}' must be a string.`);
  return v;
}

function optionalInteger(
  p: Record<string, unknown>,
  name: string,
  min: number,
  max: number,
): number | undefined {
  const v = p[name];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max)
    throw invalidArgument(
      `'${name}' must be a whole number from ${min} to ${max}, got ${JSON.stringify(v)}.`,
    );
  return v;
}

function requestOf(p: Record<string, unknown>): FetchContactsRequest {
  const unknown = Object.keys(p).filter((k) => !k.startsWith('@') && !PARAMETERS.includes(k));
  if (unknown.length > 0)
    throw invalidArgument(
      `msdyncrm_FetchContactsByQuery has no parameter ${unknown.map((u) => `'${u}'`).join(', ')} (it takes ${PARAMETERS.join(', ')}).`,
    );
  const query = optionalString(p, 'Query');
  if (query === undefined) throw invalidArgument("'Query' is required: a segment query ending at contact.");
  const fetchXml = optionalString(p, 'FetchXml');
  const owningBusinessUnit = optionalString(p, 'OwningBusinessUnit')?.replace(/^\{(.*)\}$/, '$1');
  if (owningBusinessUnit !== undefined && !GUID.test(owningBusinessUnit))
    throw invalidArgument(`'OwningBusinessUnit' must be a GUID, got '${owningBusinessUnit}'.`);
  const scope = optionalInteger(p, 'Scope', 0, 2147483647);
  const timeZone = optionalInteger(p, 'TimeZone', -840, 840);
  return {
    query,
    ...(fetchXml !== undefined ? { fetchXml } : {}),
    ...(owningBusinessUnit !== undefined ? { owningBusinessUnit: owningBusinessUnit.toLowerCase() } : {}),
    ...(scope !== undefined ? { scope } : {}),
    ...(timeZone !== undefined ? { timeZone } : {}),
  };
}

/** How records are written: the annotations the client asked for, lookup names when needed. */
function representation(inv: ActionInvocation, lookupNames: Map<string, string | null> | undefined) {
  const annotations = inv.preferences.annotations;
  return {
    schema: inv.schema,
    ...(annotations !== undefined ? { annotations } : {}),
    ...(lookupNames !== undefined ? { lookupNames } : {}),
  };
}

export const fetchContactsByQueryAction: RegisteredAction = {
  name: 'msdyncrm_FetchContactsByQuery',
  parameters: [
    { name: 'Query', type: 'Edm.String' },
    { name: 'FetchXml', type: 'Edm.String' },
    { name: 'OwningBusinessUnit', type: 'Edm.String' },
    { name: 'Scope', type: 'Edm.Int32' },
    { name: 'TimeZone', type: 'Edm.Int32' },
  ],
  returnType: 'mscrm.msdyncrm_FetchContactsByQueryResponse',
  complexTypes: [
    {
      name: 'msdyncrm_FetchContactsByQueryResponse',
      properties: [
        { name: 'Contacts', type: 'Collection(mscrm.contact)', nullable: false },
        { name: 'TotalRecordCount', type: 'Edm.Int32', nullable: false },
        { name: 'MoreRecords', type: 'Edm.Boolean', nullable: false },
        { name: 'PagingCookie', type: 'Edm.String' },
      ],
    },
  ],
  handler: async (inv) => {
    const result = await fetchContactsByQuery(inv.records, requestOf(inv.parameters));
    const annotations = inv.preferences.annotations;
    const formatted = annotations?.includes(Annotation.FormattedValue) === true;
    const contact = inv.schema.requireEntity('contact');
    if (result.kind === 'fetch') {
      const { fetch, page } = result;
      const lookupNames = formatted
        ? await resolveLookupNames(inv.records, inv.schema, fetchLookupReferences(fetch, page.rows))
        : undefined;
      const ctx = representation(inv, lookupNames);
      return {
        kind: 'value',
        value: {
          Contacts: page.rows.map((r) => shapeFetchRow(ctx, fetch, r)),
          TotalRecordCount: page.totalCount ?? page.rows.length,
          MoreRecords: page.moreRecords,
          PagingCookie: page.moreRecords ? pagingCookieAnnotation(page.page + 1, page.pagingCookie) : null,
        },
      };
    }
    let lookupNames: Map<string, string | null> | undefined;
    if (formatted) {
      const refs = new Map<string, Set<string>>();
      for (const r of result.rows) lookupReferences(contact, r, refs, result.select);
      lookupNames = await resolveLookupNames(inv.records, inv.schema, refs);
    }
    const ctx = representation(inv, lookupNames);
    return {
      kind: 'value',
      value: {
        Contacts: result.rows.map((r) =>
          recordToJson(ctx, contact, r, result.select !== undefined ? { select: result.select } : {}),
        ),
        TotalRecordCount: result.total,
        MoreRecords: result.moreRecords,
        PagingCookie: null,
      },
    };
  },
};
