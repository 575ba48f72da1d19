import type { Loc } from './source.ts';

/**
 * The syntax trees of the OData query options, exactly as written (no schema knowledge yet).
 * Every node has a `loc` into the option text it came from.
 */

export interface NameNode {
  readonly kind: 'Name';
  readonly value: string;
  readonly loc: Loc;
}

export type LiteralType =
  'null' | 'boolean' | 'integer' | 'decimal' | 'double' | 'string' | 'guid' | 'date' | 'datetime';

/**
 * A literal. `value` is normalised: strings unescaped, GUIDs lower-case, dates `YYYY-MM-DD`,
 * date-times `YYYY-MM-DDTHH:MM:SSZ` (UTC). `raw` is the text as written (for messages and printing).
 * Numbers: `integer` has no point or exponent; `decimal` has a point; `double` has an exponent.
 */
export interface LiteralNode {
  readonly kind: 'Literal';
  readonly type: LiteralType;
  readonly value: string | number | boolean | null;
  readonly raw: string;
  readonly loc: Loc;
}

/** `@p1`: a parameter alias whose value is another query parameter. */
export interface AliasNode {
  readonly kind: 'Alias';
  readonly name: string;
  readonly loc: Loc;
}

/** `name`, `_parentcustomerid_value`, `parentcustomerid_account/name`, `c/firstname`, `$it/name`. */
export interface PathNode {
  readonly kind: 'Path';
  readonly segments: readonly NameNode[];
  readonly loc: Loc;
}

/** `contact_customer_accounts/any(c:c/firstname eq 'a')`; `variable`/`predicate` absent for `any()`. */
export interface LambdaNode {
  readonly kind: 'Lambda';
  readonly operator: 'any' | 'all';
  readonly collection: PathNode;
  readonly variable?: NameNode;
  readonly predicate?: ExprNode;
  readonly loc: Loc;
}

export type BinaryOperator =
  'eq' | 'ne' | 'gt' | 'ge' | 'lt' | 'le' | 'and' | 'or' | 'add' | 'sub' | 'mul' | 'div' | 'mod';

export interface BinaryNode {
  readonly kind: 'Binary';
  readonly operator: BinaryOperator;
  readonly left: ExprNode;
  readonly right: ExprNode;
  /** Where the operator keyword is (type errors point at it). */
  readonly operatorLoc: Loc;
  readonly loc: Loc;
}

export interface UnaryNode {
  readonly kind: 'Unary';
  readonly operator: 'not' | 'negate';
  readonly operand: ExprNode;
  readonly loc: Loc;
}

/** `prop in ('a','b')`, `prop in ['a','b']` or `prop in @list`. */
export interface InNode {
  readonly kind: 'In';
  readonly operand: ExprNode;
  readonly list: ListNode | AliasNode;
  readonly loc: Loc;
}

/** A parenthesised or bracketed list of expressions. */
export interface ListNode {
  readonly kind: 'List';
  readonly bracket: 'paren' | 'square';
  readonly items: readonly ExprNode[];
  readonly loc: Loc;
}

/** `contains(name,'x')` and any other unqualified function call. */
export interface CallNode {
  readonly kind: 'Call';
  readonly name: NameNode;
  readonly args: readonly ExprNode[];
  readonly loc: Loc;
}

export interface FunctionParameterNode {
  readonly name: NameNode;
  readonly value: ExprNode | ListNode;
  readonly loc: Loc;
}

/**
 * `Microsoft.Dynamics.CRM.LastXDays(PropertyName='createdon',PropertyValue=7)`, optionally bound
 * to a range variable: `o/Microsoft.Dynamics.CRM.EqualUserId(PropertyName='ownerid')`.
 */
export interface QueryFunctionNode {
  readonly kind: 'QueryFunction';
  /** The path before the function (`o` above), when written. */
  readonly binding?: PathNode;
  /** As written, e.g. `Microsoft.Dynamics.CRM.LastXDays`. */
  readonly qualifiedName: string;
  readonly nameLoc: Loc;
  readonly parameters: readonly FunctionParameterNode[];
  readonly loc: Loc;
}

export type ExprNode =
  | LiteralNode
  | AliasNode
  | PathNode
  | LambdaNode
  | BinaryNode
  | UnaryNode
  | InNode
  | CallNode
  | QueryFunctionNode;

/** The value of a parameter alias: an expression or a list (`['a','b']`). */
export type AliasValueNode = ExprNode | ListNode;

export interface OrderByItemNode {
  readonly kind: 'OrderByItem';
  readonly expression: PathNode | AliasNode;
  readonly direction: 'asc' | 'desc';
  /** False when no `asc`/`desc` was written (the printer then omits it). */
  readonly explicit: boolean;
  readonly loc: Loc;
}

export interface SelectItemNode {
  readonly kind: 'SelectItem';
  readonly name: NameNode;
  readonly loc: Loc;
}

export type ExpandOptionNode =
  | { readonly kind: 'select'; readonly items: readonly SelectItemNode[]; readonly loc: Loc }
  | { readonly kind: 'filter'; readonly expression: ExprNode; readonly loc: Loc }
  | { readonly kind: 'orderby'; readonly items: readonly OrderByItemNode[]; readonly loc: Loc }
  | { readonly kind: 'top'; readonly value: LiteralNode; readonly loc: Loc }
  | { readonly kind: 'expand'; readonly items: readonly ExpandItemNode[]; readonly loc: Loc };

/** `primarycontactid($select=fullname;$expand=createdby($select=fullname))` or `primarycontactid/$ref`. */
export interface ExpandItemNode {
  readonly kind: 'ExpandItem';
  readonly property: NameNode;
  readonly ref: boolean;
  readonly options: readonly ExpandOptionNode[];
  readonly loc: Loc;
}
