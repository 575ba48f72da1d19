/**
 * FetchXML, the third front end of the IR (besides OData and the segment language):
 *
 *   const q = prepareFetchXml(schema, text, { caller, entity });   // parse + check + lower
 *   if (q instanceof FetchXmlError) …                               // 400, 0x80040303, line/column
 *   const page = await runFetchXml(store, q, { count: true });      // one page of rows
 *   const records = page.rows.map((r) => shapeFetchRow({ schema }, q, r));
 *
 * The stages are separate modules: `xml-document.ts` (saxes, strict, no DOCTYPE), `parser.ts`
 * (→ `ast.ts`), `lower/` (→ IR), `execute.ts` (paging, counts), `paging-cookie.ts`,
 * `result-shape.ts`.
 */
import type { Schema } from '../metadata/schema.ts';
import { FetchXmlError } from './errors.ts';
import type { LowerFetchOptions } from './lower/query.ts';
import { lowerFetchXml } from './lower/query.ts';
import type { LoweredFetch } from './lower/plan.ts';
import { parseFetchXml } from './parser.ts';

export type * from './ast.ts';
export { FetchXmlError } from './errors.ts';
export type { Loc } from './errors.ts';
export { parseFetchXml } from './parser.ts';
export { lowerFetchXml } from './lower/query.ts';
export type { LowerFetchOptions } from './lower/query.ts';
export type { FetchCaller } from './lower/context.ts';
export type { KeysetItem, LoweredFetch, OutputColumn } from './lower/plan.ts';
export { countQuery, rowsQuery, runFetchXml } from './execute.ts';
export type { FetchXmlPage, FetchXmlReader, RunFetchOptions } from './execute.ts';
export { pagingCookieAnnotation } from './paging-cookie.ts';
export { lookupReferences, shapeFetchRow } from './result-shape.ts';
export type { ShapeContext } from './result-shape.ts';
export { OPERATORS } from './operators.ts';
export type { OperatorSpec } from './operators.ts';

/** Parses and lowers FetchXML text; every problem is a `FetchXmlError` value. */
export function prepareFetchXml(
  schema: Schema,
  text: string,
  options: LowerFetchOptions = {},
): LoweredFetch | FetchXmlError {
  const fetch = parseFetchXml(text);
  if (fetch instanceof FetchXmlError) return fetch;
  return lowerFetchXml(schema, fetch, options);
}
