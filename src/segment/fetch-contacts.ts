import { DataverseError, ErrorCodes, invalidArgument } from '../engine/errors.ts';
import { fetchWhereIn } from '../engine/fetch-in.ts';
import type { RecordService } from '../engine/records.ts';
import { and, attrRef, cmp, entitySource, keyRef, lit, select } from '../ir/build.ts';
import type { Expr, RelQuery, Row } from '../ir/nodes.ts';
import { FetchXmlError, prepareFetchXml, runFetchXml } from '../fetchxml/index.ts';
import type { FetchXmlPage } from '../fetchxml/index.ts';
import type { LoweredFetch } from '../fetchxml/lower/plan.ts';
import type { Store } from '../store/store.ts';
import { prepareSegmentQuery } from './query-runner.ts';
import { ID_COLUMN } from './lower/index.ts';
import { MemberOrderCache } from './member-order-cache.ts';
import { KEY_COLUMN_NAME, memberOrderPlan } from './member-order.ts';

/**
 * `msdyncrm_FetchContactsByQuery` without HTTP: the contacts a segment query selects, read either
 * through a FetchXML query restricted to them (its columns, filters, links, orders and paging) or,
 * without one, as the query's own page (ORDERBY/SKIP/TAKE) with the SELECT columns (or all).
 */

/** `msdyncrm_processscope`: the whole organization, or the caller's business unit only. */
export const ProcessScope = { Organization: 270100000, BusinessUnit: 270100001 } as const;

export interface FetchContactsRequest {
  readonly query: string;
  readonly fetchXml?: string;
  readonly scope?: number;
  readonly owningBusinessUnit?: string;
  /** Minutes east of UTC: the day boundaries of relative date operators. */
  readonly timeZone?: number;
}

export type FetchContactsResult =
  /** Read through the FetchXML query: shape rows with its output columns. */
  | { readonly kind: 'fetch'; readonly fetch: LoweredFetch; readonly page: FetchXmlPage }
  /** The query's page as contact records (`select`: the SELECT columns, else every column). */
  | {
      readonly kind: 'records';
      readonly rows: readonly Row[];
      readonly select?: readonly string[];
      readonly total: number;
      readonly moreRecords: boolean;
    };

/** Dataverse's largest page of records. */
const MAX_RECORDS = 5000;

/**
 * From this SKIP on, a page is cut from the ordered member list even on a store that reads pages
 * in order from an index (PostgreSQL): OFFSET walks every row before the page, ~2 × SKIP index
 * entries and member probes (550 ms for SKIP(250000)), while the first hundred pages take a few
 * milliseconds — less than reading the whole list once. DuckDB has no ordered index: every page
 * sorts all members, so any page is cut from the list.
 */
const DEEP_PAGE_SKIP = 1500;

/** The ordered member lists of each store (src/segment/member-order-cache.ts). */
const memberOrders = new WeakMap<Store, MemberOrderCache>();

function scopeCondition(request: FetchContactsRequest): ((alias: string) => Expr) | undefined {
  const { scope, owningBusinessUnit } = request;
  if (scope === undefined || scope === ProcessScope.Organization) return undefined;
  if (scope !== ProcessScope.BusinessUnit)
    throw invalidArgument(
      `'Scope' must be ${ProcessScope.Organization} (organization) or ${ProcessScope.BusinessUnit} (business unit), got ${scope}.`,
    );
  if (owningBusinessUnit === undefined)
    throw invalidArgument(`'Scope' ${ProcessScope.BusinessUnit} (business unit) needs 'OwningBusinessUnit'.`);
  return (alias) => cmp('=', attrRef(alias, 'owningbusinessunit'), lit(owningBusinessUnit, 'guid'));
}

export async function fetchContactsByQuery(
  records: RecordService,
  request: FetchContactsRequest,
): Promise<FetchContactsResult> {
  const inScope = scopeCondition(request);
  const prepared = await prepareSegmentQuery(records, request.query, {
    requireContact: true,
    ...(inScope !== undefined ? { restrict: (alias: string) => inScope(alias) } : {}),
  });
  if ('errors' in prepared) {
    const list = prepared.errors.map((e) => `${e.reason}: ${e.message}`).join('; ');
    throw invalidArgument(`'Query' is not a valid segment query: ${list}`);
  }
  const contact = records.schema.requireEntity('contact');

  if (request.fetchXml !== undefined) {
    const defaults = await records.ensureDefaults();
    const fetch = prepareFetchXml(records.schema, request.fetchXml, {
      entity: contact,
      caller: { userId: defaults.userId, businessUnitId: defaults.businessUnitId },
      ...(request.timeZone !== undefined ? { utcOffsetMinutes: request.timeZone } : {}),
    });
    if (fetch instanceof FetchXmlError) throw fetch;
    if (fetch.aggregate)
      throw new DataverseError(
        'BadRequest',
        ErrorCodes.InvalidFetchXml,
        "'FetchXml' of msdyncrm_FetchContactsByQuery reads contacts; aggregate queries are not allowed.",
      );
    const cut = await pageFromMemberOrder(records, prepared.query);
    const restricted: LoweredFetch = {
      ...fetch,
      where: and(
        fetch.where,
        cut !== undefined
          ? keyIn(fetch.from.alias, cut.keys)
          : memberOf(prepared.query, attrRef(fetch.from.alias, contact.primaryIdAttribute)),
      ),
    };
    const page = await runFetchXml(records, restricted, { count: true });
    return { kind: 'fetch', fetch: restricted, page };
  }

  const ast = prepared.ast;
  const take = ast.take === undefined ? undefined : Number(ast.take.count.text);
  if (take !== undefined && take > MAX_RECORDS)
    throw invalidArgument(`TAKE(${take}) is more than the ${MAX_RECORDS} contacts one call returns.`);
  const skip = ast.skip === undefined ? 0 : Number(ast.skip.count.text);
  const columns = ast.select?.properties.map((p) => p.name.value.toLowerCase()) ?? [];
  const cut = await pageFromMemberOrder(records, prepared.query);
  // The page in the query's order (a plain set: by id); at most MAX_RECORDS without TAKE.
  const ordered =
    prepared.query.kind === 'select' && (prepared.query.orderBy?.length ?? 0) > 0
      ? prepared.query
      : select(
          { kind: 'subquery', query: prepared.members, alias: 'sd_p' },
          [{ expr: { kind: 'column', source: 'sd_p', column: ID_COLUMN }, as: ID_COLUMN }],
          { orderBy: [{ expr: { kind: 'column', source: 'sd_p', column: ID_COLUMN }, direction: 'asc' }] },
        );
  const page: RelQuery =
    ordered.kind === 'select' && ordered.limit === undefined ? { ...ordered, limit: MAX_RECORDS } : ordered;
  const ids =
    cut !== undefined
      ? await idsOfKeys(records, contact.primaryIdAttribute, cut.keys)
      : (await records.select(page)).map((r) => String(r[ID_COLUMN]));
  const found = await fetchWhereIn(
    records,
    'contact',
    contact.primaryIdAttribute,
    ids,
    columns.length > 0 ? { select: [...columns, contact.primaryIdAttribute] } : {},
  );
  const byId = new Map(found.map((r) => [String(r[contact.primaryIdAttribute]), r]));
  const rows = ids.map((id) => byId.get(id)).filter((r): r is Row => r !== undefined);
  // The list holds every member (same rows as `members`, in order): its length is the total.
  const total =
    cut !== undefined
      ? cut.total
      : Number(
          (
            await records.select(
              select({ kind: 'subquery', query: prepared.members, alias: 'sd_t' }, [
                { expr: { kind: 'aggregate', fn: 'count' }, as: 'n' },
              ]),
            )
          )[0]?.n ?? 0,
        );
  return {
    kind: 'records',
    rows,
    ...(columns.length > 0 ? { select: columns } : {}),
    total,
    moreRecords: skip + rows.length < total,
  };
}

/**
 * The page of an ordered query (ORDERBY …SKIP(k).TAKE(n)) as contact keys in its order, cut from
 * the store's ordered member list; undefined when the page is to be read by the query itself:
 * inside a transaction (its own writes are not in any kept list), without TAKE (up to every
 * member), for queries without a kept order (see memberOrderPlan), and for shallow pages of a
 * store with ordered indexes whose list is not kept at the current versions.
 */
async function pageFromMemberOrder(
  records: RecordService,
  query: RelQuery,
): Promise<{ keys: number[]; total: number } | undefined> {
  const store = storeOf(records);
  if (store === undefined || query.kind !== 'select') return undefined;
  const take = query.limit;
  const skip = query.offset ?? 0;
  if (take === undefined || take > MAX_RECORDS) return undefined;
  const plan = memberOrderPlan(query);
  if (plan === undefined) return undefined;
  let cache = memberOrders.get(store);
  if (cache === undefined) {
    cache = new MemberOrderCache();
    memberOrders.set(store, cache);
  }
  // Read before the list: a write committed after this raises them (see change-versions.ts).
  const versions = await store.changeVersions(plan.tables);
  const readList = () => records.session.selectIntegers(plan.keysQuery);
  const list =
    store.name === 'duckdb' || skip >= DEEP_PAGE_SKIP
      ? cache.get(plan.text, versions, readList)
      : cache.peek(plan.text, versions);
  if (list === undefined) return undefined;
  const keys = await list;
  return { keys: Array.from(keys.subarray(skip, skip + take)), total: keys.length };
}

/** The store itself when `records` reads outside any transaction. */
function storeOf(records: RecordService): Store | undefined {
  const session = records.session;
  return 'transaction' in session ? (session as Store) : undefined;
}

/** The row bound to `alias` is one of `keys`. */
function keyIn(alias: string, keys: readonly number[]): Expr {
  if (keys.length === 0) return lit(false, 'boolean');
  return { kind: 'in', operand: keyRef(alias), values: keys.map((k) => lit(k, 'integer')), negated: false };
}

/** The primary ids of the contacts with `keys`, in that order (a contact deleted since is left out). */
async function idsOfKeys(
  records: RecordService,
  idAttribute: string,
  keys: readonly number[],
): Promise<string[]> {
  if (keys.length === 0) return [];
  const rows = await records.select(
    select(
      entitySource('contact', 'sd_c'),
      [
        { expr: keyRef('sd_c'), as: KEY_COLUMN_NAME },
        { expr: attrRef('sd_c', idAttribute), as: ID_COLUMN },
      ],
      { where: keyIn('sd_c', keys) },
    ),
  );
  const byKey = new Map(rows.map((r) => [Number(r[KEY_COLUMN_NAME]), String(r[ID_COLUMN])]));
  return keys.map((k) => byKey.get(k)).filter((id): id is string => id !== undefined);
}

/** EXISTS (a row of `ids` whose `id` is `id`). */
function memberOf(ids: RelQuery, id: Expr): Expr {
  return {
    kind: 'exists',
    negated: false,
    query: select({ kind: 'subquery', query: ids, alias: 'sd_m' }, [], {
      where: cmp('=', { kind: 'column', source: 'sd_m', column: ID_COLUMN }, id),
    }),
  };
}
