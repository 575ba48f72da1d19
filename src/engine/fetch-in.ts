import { MAX_PAGE_SIZE, type RecordService } from './records.ts';
import { ROOT } from './record-types.ts';
import { and, attrRef, lit } from '../ir/build.ts';
import type { Expr, Join, OrderItem, Row } from '../ir/nodes.ts';

/** Ids per query: keeps the bound parameter lists of `IN (…)` well inside every store's limits. */
const CHUNK = 1000;

export interface FetchInOptions {
  select?: readonly string[];
  where?: Expr;
  orderBy?: readonly OrderItem[];
  joins?: readonly Join[];
}

/**
 * Every row of `entity` whose `attribute` (a GUID column) is one of `ids`, read page by page
 * through the record service. Used for `$expand` and lookup display names, one batch of queries
 * per response page rather than one query per row.
 */
export async function fetchWhereIn(
  records: RecordService,
  entity: string,
  attribute: string,
  ids: Iterable<string>,
  opts: FetchInOptions = {},
): Promise<Row[]> {
  const all = [...new Set(ids)];
  const out: Row[] = [];
  for (let i = 0; i < all.length; i += CHUNK) {
    const chunk = all.slice(i, i + CHUNK);
    const where = and(
      {
        kind: 'in',
        operand: attrRef(ROOT, attribute),
        values: chunk.map((id) => lit(id, 'guid')),
        negated: false,
      },
      opts.where,
    );
    for await (const row of records.queryAll({
      entity,
      ...(where !== undefined ? { where } : {}),
      ...(opts.orderBy !== undefined ? { orderBy: [...opts.orderBy] } : {}),
      ...(opts.joins !== undefined ? { joins: [...opts.joins] } : {}),
      ...(opts.select !== undefined ? { select: [...opts.select] } : {}),
      pageSize: MAX_PAGE_SIZE,
    })) {
      out.push(row);
    }
  }
  return out;
}
