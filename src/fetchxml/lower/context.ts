import type { Expr } from '../../ir/nodes.ts';
import type { Schema } from '../../metadata/schema.ts';
import type { LinkEntityNode } from '../ast.ts';
import type { AliasScope, BoundEntity } from './scope.ts';

/** Who runs the query, for eq-userid/ne-userid and eq-businessid/ne-businessid. */
export interface FetchCaller {
  readonly userId?: string;
  readonly businessUnitId?: string;
}

/** What the condition lowering needs from the lowering of the whole query. */
export interface LoweringContext {
  readonly schema: Schema;
  readonly caller: FetchCaller;
  /** The time zone (minutes east of UTC) whose days the relative date operators count. */
  readonly utcOffsetMinutes: number;
  /** A fresh IR alias (`<prefix><n>`), unique in the whole query. */
  alias(prefix: string): string;
  /** A link-entity inside a filter (any, not any, all, not all) as a condition on `parent`. */
  filterLink(link: LinkEntityNode, parent: BoundEntity, scope: AliasScope): Expr;
}
