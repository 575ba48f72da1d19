import { ROOT } from '../../engine/record-types.ts';
import { attrRef } from '../../ir/build.ts';
import type { OrderItem } from '../../ir/nodes.ts';
import type { EntityMetadata } from '../../metadata/model.ts';
import type { FetchNode } from '../ast.ts';
import { fetchXmlError } from '../errors.ts';
import { cookieValues, decodePagingCookie } from '../paging-cookie.ts';
import type { ColumnList } from './columns.ts';
import type { KeysetItem, LoweredFetch } from './plan.ts';
import type { JoinedLink } from './scope.ts';

/** How a query may be paged: by position, by paging cookie, or not at all (`top`). */

/**
 * Paging cookies continue after the last row's order values, which identify a row only when
 * every order key is a root attribute and no link repeats root rows (then the primary id ends
 * the order). Other queries page by position, as Dataverse does when it sends no cookie.
 */
export function keysetOf(
  fetch: FetchNode,
  orders: readonly OrderItem[],
  list: ColumnList,
  entity: EntityMetadata,
  joined: readonly JoinedLink[],
): KeysetItem[] | undefined {
  if (fetch.aggregate || fetch.distinct || joined.some((j) => !j.bound.single)) return undefined;
  const keys = [...orders, { expr: attrRef(ROOT, entity.primaryIdAttribute), direction: 'asc' as const }];
  const items: KeysetItem[] = [];
  for (const o of keys) {
    if (o.expr.kind !== 'attr' || o.expr.source !== ROOT) return undefined;
    const attribute = entity.attributes.get(o.expr.attribute);
    if (attribute === undefined) return undefined;
    items.push({ expr: o.expr, direction: o.direction, attribute, column: list.addHidden(o.expr) });
  }
  return items;
}

/**
 * The row to continue from when the request brings the cookie of the page before the one it asks
 * for (or after it, to go back). Cookies of other pages or of another order are ignored, as
 * Dataverse ignores them: the page is then found by position.
 */
export function continuation(
  fetch: FetchNode,
  keyset: readonly KeysetItem[] | undefined,
): Pick<LoweredFetch, 'continueFrom'> {
  if (keyset === undefined || fetch.pagingCookie === undefined) return {};
  const cookie = decodePagingCookie(fetch.pagingCookie, fetch.loc);
  const page = fetch.page ?? 1;
  const backwards = cookie.page === page + 1;
  if (cookie.page !== page - 1 && !backwards) return {};
  const values = cookieValues(cookie, keyset, backwards ? 'first' : 'last', fetch.loc);
  return values === undefined ? {} : { continueFrom: { values, backwards } };
}

/** `top` limits the whole result: Dataverse refuses it together with paging or a total count. */
export function checkTop(fetch: FetchNode): void {
  if (fetch.top === undefined) return;
  const conflicting = [
    fetch.count !== undefined ? 'count' : undefined,
    fetch.page !== undefined ? 'page' : undefined,
    fetch.pagingCookie !== undefined ? 'paging-cookie' : undefined,
    fetch.returnTotalRecordCount ? 'returntotalrecordcount' : undefined,
  ].filter((x): x is string => x !== undefined);
  if (conflicting.length > 0) {
    throw fetchXmlError(
      fetch.loc,
      `The fetch attribute 'top' cannot be combined with ${conflicting.map((w) => `'${w}'`).join(' or ')}; use count and page to page results.`,
    );
  }
}
