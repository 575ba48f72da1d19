import { attrRef, entitySource } from '../../ir/build.ts';
import type { Join, OrderItem } from '../../ir/nodes.ts';
import type { Schema } from '../../metadata/schema.ts';
import type { OrderByClause } from '../language/semantic.ts';
import { AliasAllocator, relationshipCondition } from './relationships.ts';

/**
 * `$orderby` → IR order items over the caller's alias. Ordering by a property of a related row
 * (`parentcustomerid_account/name`) LEFT JOINs that row: the join is on the target's primary key,
 * so it never adds rows, and rows without a related row sort as nulls (first ascending, last
 * descending, as the IR orders nulls). Joined sources use aliases `<alias>_o1`, `<alias>_o2`, …
 * and must be added to the query's `joins`.
 */
export interface LoweredOrderBy {
  readonly joins: readonly Join[];
  readonly orderBy: readonly OrderItem[];
}

export function lowerOrderBy(
  schema: Schema,
  orderBy: readonly OrderByClause[],
  alias: string,
): LoweredOrderBy {
  const aliases = new AliasAllocator(`${alias}_o`);
  const joins: Join[] = [];
  const joined = new Map<string, string>();
  const items = orderBy.map(({ property, direction }): OrderItem => {
    let current = alias;
    let key = '';
    for (const nav of property.navigation) {
      key += `/${nav.name}`;
      let next = joined.get(key);
      if (next === undefined) {
        next = aliases.next();
        joined.set(key, next);
        joins.push({
          type: 'left',
          source: entitySource(nav.targetEntity, next),
          on: relationshipCondition(schema, nav.relationship, current, next),
        });
      }
      current = next;
    }
    return { expr: attrRef(current, property.attribute.logicalName), direction };
  });
  return { joins, orderBy: items };
}
