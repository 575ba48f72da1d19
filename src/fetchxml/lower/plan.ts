import type { Expr, Join, OrderItem, SelectItem, Source, Value } from '../../ir/nodes.ts';
import type { AttributeMetadata, EntityMetadata } from '../../metadata/model.ts';
import type { AggregateFunction, DateGrouping } from '../ast.ts';

/**
 * A FetchXML query lowered to IR pieces: where the rows come from, which columns they carry and
 * under which JSON names, in which order, and how it may be paged. `execute.ts` turns it into the
 * query of one page; `result-shape.ts` turns the rows into Web API records.
 */

/** A value the result shows. */
export interface OutputColumn {
  /** The JSON property name: `fullname`, `_parentcustomerid_value`, `account1.name`, an alias. */
  readonly key: string;
  /** The IR output column that holds it. */
  readonly column: string;
  readonly expr: Expr;
  /** The attribute the value comes from (formatted values, lookup annotations). */
  readonly attribute: AttributeMetadata;
  /** The entity of `attribute`. */
  readonly entity: EntityMetadata;
  /** The output column holding the target entity of a polymorphic lookup. */
  readonly lookupTypeColumn?: string;
  readonly aggregate?: AggregateFunction;
  readonly dateGrouping?: DateGrouping;
}

/** One key of the order that paging cookies continue from (root attributes, then the primary id). */
export interface KeysetItem {
  readonly expr: Expr;
  readonly direction: 'asc' | 'desc';
  readonly attribute: AttributeMetadata;
  /** The hidden output column holding the key's value. */
  readonly column: string;
}

export interface LoweredFetch {
  readonly entity: EntityMetadata;
  readonly from: Source;
  readonly joins: readonly Join[];
  readonly where?: Expr;
  readonly columns: readonly OutputColumn[];
  /** Columns the result needs but does not show (version, lookup targets, paging keys). */
  readonly hidden: readonly SelectItem[];
  /** The complete order: the query's orders, then keys that make it total. */
  readonly orderBy: readonly OrderItem[];
  readonly groupBy?: readonly Expr[];
  readonly distinct: boolean;
  readonly aggregate: boolean;
  /** Present when the query can be paged with paging cookies. */
  readonly keyset?: readonly KeysetItem[];
  readonly top?: number;
  readonly pageSize: number;
  readonly page: number;
  /**
   * Where the page starts when the request brings the paging cookie of the page before it (read
   * forwards from its last row) or after it (read backwards from its first row).
   */
  readonly continueFrom?: { readonly values: readonly Value[]; readonly backwards: boolean };
  readonly returnTotalRecordCount: boolean;
  readonly aggregateLimit?: number;
  /** The hidden column holding the root row's version number (for `@odata.etag`). */
  readonly versionColumn?: string;
  /** Root properties for `@odata.context` (`#contacts(fullname,contactid)`). */
  readonly projection: readonly string[];
}
