import type { Expr, Join, OrderItem, Row, Value } from '../ir/nodes.ts';

/** Attribute values of one record, by logical name, already converted to IR values. */
export type AttributeValues = Record<string, Value>;

/** The alias every record query binds its root entity to; front ends lower filters over it. */
export const ROOT = 'r';

export interface ConditionalOptions {
  /** `If-Match`: an ETag (`W/"123"`) or `*`. */
  ifMatch?: string;
  /** `If-None-Match`: an ETag or `*`. */
  ifNoneMatch?: string;
}

export interface UpdateOptions extends ConditionalOptions {
  /** PATCH semantics: create the record when it does not exist (unless `If-Match` is sent). */
  upsert: boolean;
}

export interface RecordQuery {
  entity: string;
  /** Over alias `ROOT`. */
  where?: Expr;
  /** Left joins the order keys need (ordering by a navigation path); they never add rows. */
  joins?: Join[];
  /** Over alias `ROOT` (and the joins); the surrogate key is appended to make the order total. */
  orderBy?: OrderItem[];
  /** Attributes to return (the primary id is always returned); undefined = all. */
  select?: string[];
  /** `$top`: at most this many rows in total (no continuation). */
  top?: number;
  /** Page size for continuation (`odata.maxpagesize`, default and max 5000). */
  pageSize: number;
  /** The opaque continuation token from a previous page (`$skiptoken`). */
  skipToken?: string;
  /** Also count every matching row (`$count=true`). */
  count?: boolean;
}

export interface RecordPage {
  rows: Row[];
  /** Present when more rows follow: pass it back as `skipToken`. */
  skipToken?: string;
  /** Total matching rows, when `count` was asked. */
  count?: number;
}

export interface WriteResult {
  id: string;
  created: boolean;
}
