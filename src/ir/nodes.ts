/**
 * The relational IR: "rows of an entity". Every front end (OData, the segment query language,
 * FetchXML) lowers into these nodes; `src/sql/compiler.ts` turns them into parameterised SQL for
 * one dialect. Nodes speak in entities and attributes of the metadata model, never in table or
 * column names, and hold user values only as `literal` nodes (always bound as parameters).
 *
 * Nodes are plain immutable objects (`readonly` everywhere), in the manner of Kysely's operation
 * nodes; build them with the helpers in `./build.ts`.
 */

/** The value types the IR knows. Each store maps them to its own column types. */
export type ScalarType =
  | 'string'
  | 'integer' // 32-bit
  | 'bigint' // 64-bit
  | 'decimal'
  | 'double'
  | 'boolean'
  | 'datetime' // UTC instant, second precision
  | 'date' // calendar date (DateOnly)
  | 'guid';

/**
 * Values as they cross the store boundary, identical for every store:
 * guid → lower-case hyphenated string; datetime → `YYYY-MM-DDTHH:MM:SSZ`; date → `YYYY-MM-DD`;
 * decimal/integer/double → number (bigint → number when safe, else decimal string); boolean → boolean.
 */
export type Value = string | number | boolean | null;

export type Row = Record<string, Value>;

export type DatePart =
  'year' | 'quarter' | 'month' | 'week' | 'day' | 'hour' | 'minute' | 'second' | 'millisecond';

export type CompareOp = '=' | '<>' | '<' | '<=' | '>' | '>=';

export type Expr =
  /** An attribute of the row bound to `source` (an alias of `from` or a join). */
  | { readonly kind: 'attr'; readonly source: string; readonly attribute: string }
  /** The dense integer surrogate key of the row bound to `source`. */
  | { readonly kind: 'key'; readonly source: string }
  /** A named output column of a subquery source. */
  | { readonly kind: 'column'; readonly source: string; readonly column: string }
  /** A user value, always bound as a parameter, converted to `type`. */
  | { readonly kind: 'literal'; readonly value: Value; readonly type: ScalarType }
  | { readonly kind: 'null' }
  /** `ci`: compare strings case-insensitively (Dataverse semantics for text). */
  | {
      readonly kind: 'compare';
      readonly op: CompareOp;
      readonly left: Expr;
      readonly right: Expr;
      readonly ci?: boolean;
    }
  | { readonly kind: 'and'; readonly operands: readonly Expr[] }
  | { readonly kind: 'or'; readonly operands: readonly Expr[] }
  | { readonly kind: 'not'; readonly operand: Expr }
  | { readonly kind: 'isNull'; readonly operand: Expr; readonly negated: boolean }
  /**
   * Case-insensitive text tests. contains/startsWith/endsWith take literal text (no wildcards);
   * `like` takes a Dataverse LIKE pattern (`%`, `_`, `[abc]`, `[^abc]`).
   */
  | {
      readonly kind: 'text';
      readonly op: 'contains' | 'startsWith' | 'endsWith' | 'like';
      readonly operand: Expr;
      readonly pattern: Expr;
      readonly negated: boolean;
    }
  | {
      readonly kind: 'in';
      readonly operand: Expr;
      readonly values: readonly Expr[];
      readonly negated: boolean;
      readonly ci?: boolean;
    }
  | {
      readonly kind: 'arith';
      readonly op: '+' | '-' | '*' | '/' | '%';
      readonly left: Expr;
      readonly right: Expr;
    }
  | { readonly kind: 'negate'; readonly operand: Expr }
  /** A correlated subquery: EXISTS / NOT EXISTS (semi-join / anti-join). */
  | { readonly kind: 'exists'; readonly query: RelQuery; readonly negated: boolean }
  /** The evaluation time of the statement (one value for the whole statement). */
  | { readonly kind: 'now' }
  | { readonly kind: 'dateAdd'; readonly part: DatePart; readonly amount: Expr; readonly operand: Expr }
  /** Number of `part` boundaries crossed from `start` to `end` (negative when `end` is earlier). */
  | { readonly kind: 'dateDiff'; readonly part: DatePart; readonly start: Expr; readonly end: Expr }
  | { readonly kind: 'datePart'; readonly part: DatePart; readonly operand: Expr }
  /** Truncates a datetime to the start of its `part` (weeks start on Sunday, as in Dataverse). */
  | { readonly kind: 'dateTrunc'; readonly part: DatePart; readonly operand: Expr }
  | { readonly kind: 'cast'; readonly operand: Expr; readonly type: ScalarType }
  | { readonly kind: 'lower'; readonly operand: Expr }
  | { readonly kind: 'coalesce'; readonly operands: readonly Expr[] }
  | {
      readonly kind: 'aggregate';
      readonly fn: 'count' | 'countDistinct' | 'sum' | 'avg' | 'min' | 'max';
      /** Absent for COUNT(*). */
      readonly operand?: Expr;
    };

/** Where rows come from. */
export type Source =
  | { readonly kind: 'entity'; readonly entity: string; readonly alias: string }
  | { readonly kind: 'subquery'; readonly query: RelQuery; readonly alias: string }
  /**
   * Rows of segment membership: one per (segment, member). Columns (read with `column` nodes):
   * `segment_key` (the msdyncrm_segment row's surrogate key), `contact_key` (the member contact's
   * surrogate key) and `entered_on` (when the contact became a member).
   */
  | { readonly kind: 'segmentMembers'; readonly alias: string }
  /**
   * The rows of `entity` reachable from the rows where `start` holds (a condition over `alias`)
   * by following the self-referencing lookup `parentAttribute` up (to parents) or down (to
   * children), the start rows included. One output column, `id` (the primary id). A cycle in the
   * data ends the walk. Compiles to a recursive common table expression (FetchXML's under/above).
   */
  | {
      readonly kind: 'hierarchy';
      readonly entity: string;
      readonly parentAttribute: string;
      readonly direction: 'up' | 'down';
      readonly start: Expr;
      readonly alias: string;
    };

export interface Join {
  readonly type: 'inner' | 'left';
  readonly source: Source;
  readonly on: Expr;
}

export interface SelectItem {
  readonly expr: Expr;
  /** The output column name. */
  readonly as: string;
}

export interface OrderItem {
  readonly expr: Expr;
  readonly direction: 'asc' | 'desc';
}

export interface SelectQuery {
  readonly kind: 'select';
  readonly from: Source;
  readonly joins: readonly Join[];
  readonly where?: Expr;
  readonly groupBy?: readonly Expr[];
  readonly having?: Expr;
  readonly columns: readonly SelectItem[];
  readonly distinct?: boolean;
  /**
   * Order keys. Strings order case-insensitively and byte-wise on every store; nulls come first
   * ascending and last descending (as in Dataverse).
   */
  readonly orderBy?: readonly OrderItem[];
  readonly limit?: number;
  readonly offset?: number;
}

export interface SetOperation {
  readonly kind: 'setop';
  readonly op: 'union' | 'intersect' | 'except';
  readonly left: RelQuery;
  readonly right: RelQuery;
}

export type RelQuery = SelectQuery | SetOperation;

/** Writes. Values are literals (or expressions over the row being updated). */
export interface InsertRows {
  readonly kind: 'insert';
  readonly entity: string;
  /** Attribute logical names; the surrogate key is written through `keys`. */
  readonly attributes: readonly string[];
  readonly rows: readonly (readonly Value[])[];
  /** One surrogate key per row, allocated by the store. */
  readonly keys: readonly number[];
}

export interface UpdateRows {
  readonly kind: 'update';
  readonly entity: string;
  readonly alias: string;
  readonly set: readonly { readonly attribute: string; readonly value: Expr }[];
  readonly where: Expr;
}

export interface DeleteRows {
  readonly kind: 'delete';
  readonly entity: string;
  readonly alias: string;
  readonly where: Expr;
}

export type Mutation = InsertRows | UpdateRows | DeleteRows;
