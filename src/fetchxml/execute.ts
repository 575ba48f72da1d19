import { DataverseError } from '../engine/errors.ts';
import { and, lit, select } from '../ir/build.ts';
import type { Expr, OrderItem, RelQuery, Row, SelectItem, SelectQuery, Value } from '../ir/nodes.ts';
import { beyond, keysetOrder } from './keyset.ts';
import type { LoweredFetch } from './lower/plan.ts';
import { encodePagingCookie } from './paging-cookie.ts';

/**
 * Runs a lowered FetchXML query one page at a time. Pages are found by position (`page`,
 * `count`), or, when the query allows paging cookies and the request brings the cookie of the
 * page before (or after) it, by continuing from that cookie's last (or first) row, which stays
 * correct while rows are inserted and never scans the pages before.
 */

/** Runs IR queries (a store session, or anything that reads through one). */
export interface FetchXmlReader {
  select(query: RelQuery): Promise<Row[]>;
}

export interface FetchXmlPage {
  /** Rows keyed by the lowered query's output columns. */
  readonly rows: readonly Row[];
  readonly page: number;
  /** More rows follow this page. */
  readonly moreRecords: boolean;
  /** The cookie of this page (first and last rows), when the query supports paging cookies. */
  readonly pagingCookie?: string;
  /** Every row of the query (not only this page), when asked for. */
  readonly totalCount?: number;
}

export interface RunFetchOptions {
  /** Count every row of the query (`returntotalrecordcount`, `$count=true`). */
  readonly count?: boolean;
}

/** Dataverse's error when an aggregate would read more rows than `aggregatelimit` allows. */
const AGGREGATE_LIMIT_CODE = '0x8004E023';

function items(q: LoweredFetch): SelectItem[] {
  return [...q.columns.map((c) => ({ expr: c.expr, as: c.column })), ...q.hidden];
}

/** The query's rows without order or paging. */
export function rowsQuery(
  q: LoweredFetch,
  extra?: Expr,
  order?: readonly OrderItem[],
  limit?: number,
  offset?: number,
): SelectQuery {
  const where = and(q.where, extra);
  return select(q.from, items(q), {
    joins: [...q.joins],
    ...(where !== undefined ? { where } : {}),
    ...(q.groupBy !== undefined && q.groupBy.length > 0 ? { groupBy: [...q.groupBy] } : {}),
    ...(q.distinct ? { distinct: true } : {}),
    ...(order !== undefined ? { orderBy: [...order] } : {}),
    ...(limit !== undefined ? { limit } : {}),
    ...(offset !== undefined && offset > 0 ? { offset } : {}),
  });
}

/** How many rows the whole query returns (groups for aggregates, distinct rows for distinct). */
export function countQuery(q: LoweredFetch): SelectQuery {
  const count: SelectItem = { expr: { kind: 'aggregate', fn: 'count' }, as: 'n' };
  if (!q.aggregate && !q.distinct) {
    return select(q.from, [count], {
      joins: [...q.joins],
      ...(q.where !== undefined ? { where: q.where } : {}),
    });
  }
  return select({ kind: 'subquery', query: rowsQuery(q), alias: 'sd_all' }, [count]);
}

async function checkAggregateLimit(reader: FetchXmlReader, q: LoweredFetch): Promise<void> {
  if (!q.aggregate || q.aggregateLimit === undefined) return;
  const base = select(q.from, [{ expr: lit(1, 'integer'), as: 'one' }], {
    joins: [...q.joins],
    ...(q.where !== undefined ? { where: q.where } : {}),
    limit: q.aggregateLimit + 1,
  });
  const rows = await reader.select(
    select({ kind: 'subquery', query: base, alias: 'sd_base' }, [
      { expr: { kind: 'aggregate', fn: 'count' }, as: 'n' },
    ]),
  );
  if (Number(rows[0]?.n ?? 0) > q.aggregateLimit) {
    throw new DataverseError(
      'BadRequest',
      AGGREGATE_LIMIT_CODE,
      `AggregateQueryRecordLimit exceeded. Cannot perform this operation. The query aggregates more than ${q.aggregateLimit} rows (its aggregatelimit).`,
    );
  }
}

interface PagePlan {
  readonly query: SelectQuery;
  /** The rows come in reverse order (read backwards from the next page's cookie). */
  readonly backwards: boolean;
}

function pagePlan(q: LoweredFetch): PagePlan {
  if (q.top !== undefined) return { query: rowsQuery(q, undefined, q.orderBy, q.top), backwards: false };
  const size = q.pageSize;
  if (q.keyset !== undefined && q.continueFrom !== undefined) {
    const { values, backwards } = q.continueFrom;
    return {
      query: rowsQuery(q, beyond(q.keyset, values, backwards), keysetOrder(q.keyset, backwards), size + 1),
      backwards,
    };
  }
  return { query: rowsQuery(q, undefined, q.orderBy, size + 1, (q.page - 1) * size), backwards: false };
}

/**
 * Every row of the query, when the page read by position shows it: the last page (no row after
 * it), not past the end, holds rows `offset + 1 …` of the very rows the count query counts. Then
 * the count query — which evaluates the whole filter again, a full second query — is not needed.
 */
function countFromPage(q: LoweredFetch, plan: PagePlan, fetched: number): number | undefined {
  if (q.top !== undefined || q.continueFrom !== undefined || plan.backwards) return undefined;
  const offset = (q.page - 1) * q.pageSize;
  if (fetched > q.pageSize || (fetched === 0 && offset > 0)) return undefined;
  return offset + fetched;
}

/** One page of a lowered FetchXML query. */
export async function runFetchXml(
  reader: FetchXmlReader,
  q: LoweredFetch,
  options: RunFetchOptions = {},
): Promise<FetchXmlPage> {
  await checkAggregateLimit(reader, q);
  const plan = pagePlan(q);
  const fetched = await reader.select(plan.query);
  const limited = q.top !== undefined;
  let rows = limited ? fetched : fetched.slice(0, q.pageSize);
  if (plan.backwards) rows = rows.reverse();
  const moreRecords = !limited && (plan.backwards || fetched.length > q.pageSize);
  const first = rows[0];
  const last = rows[rows.length - 1];
  const keyValues = (r: Row): Value[] => (q.keyset ?? []).map((k) => r[k.column] ?? null);
  const pagingCookie =
    q.keyset !== undefined && first !== undefined && last !== undefined
      ? encodePagingCookie(q.page, q.keyset, keyValues(first), keyValues(last))
      : undefined;
  const totalCount =
    options.count === true
      ? (countFromPage(q, plan, fetched.length) ?? Number((await reader.select(countQuery(q)))[0]?.n ?? 0))
      : undefined;
  return {
    rows,
    page: q.page,
    moreRecords,
    ...(pagingCookie !== undefined ? { pagingCookie } : {}),
    ...(totalCount !== undefined ? { totalCount } : {}),
  };
}
