import { ErrorCodes, DataverseError } from '../engine/errors.ts';
import type { FetchXmlReader } from '../fetchxml/index.ts';
import {
  FetchXmlError,
  lookupReferences,
  pagingCookieAnnotation,
  prepareFetchXml,
  runFetchXml,
  shapeFetchRow,
} from '../fetchxml/index.ts';
import { applied, preferenceApplied } from '../odata/prefer.ts';
import { Annotation, collectionToJson } from '../odata/representation.ts';
import { resolveLookupNames } from './lookup-names.ts';
import type { CustomQueryHandler, CustomQueryInvocation, CustomQueryResult } from './query-parameters.ts';

/**
 * `GET /{set}?fetchXml=…`: runs a FetchXML query on the entity set its entity belongs to and
 * answers as Dataverse does: columns without a value left out, link-entity columns as
 * `<alias>.<attribute>`, `@odata.count` for `returntotalrecordcount` (or `$count=true`), and on
 * request the annotations `totalrecordcount`, `totalrecordcountlimitexceeded`,
 * `fetchxmlpagingcookie` and `morerecords` (the last two only while more rows follow).
 */

export const FetchXmlAnnotation = {
  PagingCookie: 'Microsoft.Dynamics.CRM.fetchxmlpagingcookie',
  MoreRecords: 'Microsoft.Dynamics.CRM.morerecords',
} as const;

/** Dataverse counts up to this many rows; beyond it the count says 5000 and "limit exceeded". */
const COUNT_LIMIT = 5000;

/** OData options that select or shape rows, which FetchXML does itself. */
const CONFLICTING = ['$filter', '$select', '$orderby', '$top', '$expand', '$skiptoken', '$apply'];

function optionsOf(query: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const [k, v] of new URLSearchParams(query)) out.set(k, v);
  return out;
}

async function answer(reader: FetchXmlReader, inv: CustomQueryInvocation): Promise<CustomQueryResult> {
  const options = optionsOf(inv.request.query);
  const conflicting = CONFLICTING.filter((o) => options.has(o));
  if (conflicting.length > 0) {
    throw new DataverseError(
      'BadRequest',
      ErrorCodes.QueryError,
      `The query option ${conflicting.join(', ')} cannot be combined with fetchXml; express it in the FetchXml.`,
    );
  }
  const defaults = await inv.records.ensureDefaults();
  const q = prepareFetchXml(inv.schema, inv.value, {
    entity: inv.entity,
    caller: { userId: defaults.userId, businessUnitId: defaults.businessUnitId },
  });
  if (q instanceof FetchXmlError) throw q;
  const counted = q.returnTotalRecordCount || options.get('$count') === 'true';
  const page = await runFetchXml(reader, q, { count: counted });

  const prefs = inv.preferences;
  const wants = (term: string) => prefs.annotations?.includes(term) === true;
  const lookupNames = wants(Annotation.FormattedValue)
    ? await resolveLookupNames(inv.records, inv.schema, lookupReferences(q, page.rows))
    : undefined;
  const ctx = {
    schema: inv.schema,
    ...(prefs.annotations !== undefined ? { annotations: prefs.annotations } : {}),
    ...(lookupNames !== undefined ? { lookupNames } : {}),
  };
  const value = page.rows.map((r) => shapeFetchRow(ctx, q, r));

  const count = page.totalCount === undefined ? undefined : Math.min(page.totalCount, COUNT_LIMIT);
  const annotations: Record<string, unknown> = {};
  if (wants(Annotation.TotalRecordCount)) annotations[Annotation.TotalRecordCount] = count ?? -1;
  if (wants(Annotation.TotalRecordCountLimitExceeded))
    annotations[Annotation.TotalRecordCountLimitExceeded] = (page.totalCount ?? 0) > COUNT_LIMIT;
  if (page.moreRecords) {
    if (wants(FetchXmlAnnotation.PagingCookie))
      annotations[FetchXmlAnnotation.PagingCookie] = pagingCookieAnnotation(page.page + 1, page.pagingCookie);
    if (wants(FetchXmlAnnotation.MoreRecords)) annotations[FetchXmlAnnotation.MoreRecords] = true;
  }
  const projection = q.projection.length > 0 ? `(${q.projection.join(',')})` : '';
  const headers: Record<string, string> = {};
  const pref = preferenceApplied(
    prefs.annotations !== undefined ? [applied.annotations(prefs.annotations)] : [],
  );
  if (pref !== undefined) headers['Preference-Applied'] = pref;
  return {
    body: collectionToJson({
      context: `${inv.request.serviceRoot}/$metadata#${inv.entity.entitySetName}${projection}`,
      ...(count !== undefined ? { count } : {}),
      annotations,
      value,
    }),
    headers,
  };
}

/** The `fetchXml` query parameter's handler, reading through `reader` (the store the records live in). */
export function fetchXmlQueryHandler(reader: FetchXmlReader): CustomQueryHandler {
  return (inv) => answer(reader, inv);
}

/** The non-OData query parameters every segmentd Web API serves, by name. */
export function defaultQueryParameters(reader: FetchXmlReader): Map<string, CustomQueryHandler> {
  return new Map([['fetchXml', fetchXmlQueryHandler(reader)]]);
}
