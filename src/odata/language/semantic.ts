import type { CompareOp, ScalarType, Value } from '../../ir/nodes.ts';
import type { AttributeMetadata, EntityMetadata, NavigationProperty } from '../../metadata/model.ts';
import type { Loc } from './source.ts';

/**
 * The checked ("bound") form of the query options: every name resolved against the schema, every
 * literal converted to the type it is compared with. Lowering to IR works from these trees only,
 * so it never meets an unknown property or a badly typed literal.
 */

/** What a property path starts from: the filtered row (`$it`) or a lambda's range variable. */
export interface RangeVariable {
  /** `$it` for the root. */
  readonly name: string;
  readonly entity: string;
  /** Unique within one query option tree; 0 is the root. */
  readonly id: number;
}

/** `name`, `_parentcustomerid_value`, `parentcustomerid_account/name`, `c/firstname`. */
export interface BoundProperty {
  readonly kind: 'property';
  readonly variable: RangeVariable;
  /** Single-valued navigation properties walked from the variable's entity, in order (often none). */
  readonly navigation: readonly NavigationProperty[];
  /** The entity that holds `attribute` (the last navigation's target, or the variable's entity). */
  readonly entity: string;
  readonly attribute: AttributeMetadata;
  readonly type: ScalarType;
  readonly loc: Loc;
}

export interface BoundLiteral {
  readonly kind: 'literal';
  readonly value: Exclude<Value, null>;
  readonly type: ScalarType;
  readonly loc: Loc;
}

export interface BoundNull {
  readonly kind: 'null';
  readonly loc: Loc;
}

export interface BoundArithmetic {
  readonly kind: 'arith';
  readonly op: '+' | '-' | '*' | '/' | '%';
  readonly left: BoundValue;
  readonly right: BoundValue;
  readonly type: ScalarType;
  readonly loc: Loc;
}

export interface BoundNegate {
  readonly kind: 'negate';
  readonly operand: BoundValue;
  readonly type: ScalarType;
  readonly loc: Loc;
}

export type BoundValue = BoundProperty | BoundLiteral | BoundNull | BoundArithmetic | BoundNegate;

/** Relative and absolute date conditions of the Dataverse query functions. */
export type DateFunction =
  | 'On'
  | 'OnOrAfter'
  | 'OnOrBefore'
  | 'Today'
  | 'Yesterday'
  | 'Tomorrow'
  | 'Last7Days'
  | 'Next7Days'
  | 'LastWeek'
  | 'ThisWeek'
  | 'NextWeek'
  | 'LastMonth'
  | 'ThisMonth'
  | 'NextMonth'
  | 'LastYear'
  | 'ThisYear'
  | 'NextYear'
  | 'LastXHours'
  | 'NextXHours'
  | 'LastXDays'
  | 'NextXDays'
  | 'LastXWeeks'
  | 'NextXWeeks'
  | 'LastXMonths'
  | 'NextXMonths'
  | 'LastXYears'
  | 'NextXYears'
  | 'OlderThanXMinutes'
  | 'OlderThanXHours'
  | 'OlderThanXDays'
  | 'OlderThanXWeeks'
  | 'OlderThanXMonths'
  | 'OlderThanXYears';

export type BoundPredicate =
  | { readonly kind: 'constant'; readonly value: boolean }
  /** `ci`: string comparison, case-insensitive as in Dataverse. */
  | {
      readonly kind: 'compare';
      readonly op: CompareOp;
      readonly left: BoundValue;
      readonly right: BoundValue;
      readonly ci: boolean;
    }
  | { readonly kind: 'isNull'; readonly operand: BoundValue; readonly negated: boolean }
  | { readonly kind: 'and' | 'or'; readonly operands: readonly BoundPredicate[] }
  | { readonly kind: 'not'; readonly operand: BoundPredicate }
  /**
   * contains/startswith/endswith. `text` is matched as Dataverse does: inside a literal `%`, `_`
   * and `[...]` are wildcards.
   */
  | {
      readonly kind: 'text';
      readonly op: 'contains' | 'startsWith' | 'endsWith';
      readonly operand: BoundValue;
      readonly text: BoundValue;
    }
  /** `matchesNull`: the list held `null`, so rows where the operand is null match too. */
  | {
      readonly kind: 'in';
      readonly operand: BoundValue;
      readonly values: readonly BoundLiteral[];
      readonly negated: boolean;
      readonly matchesNull: boolean;
      readonly ci: boolean;
    }
  | {
      readonly kind: 'between';
      readonly operand: BoundValue;
      readonly low: BoundLiteral;
      readonly high: BoundLiteral;
      readonly negated: boolean;
    }
  /** `amount` for the …X… functions; `date` (`YYYY-MM-DD`) for On/OnOrAfter/OnOrBefore. */
  | {
      readonly kind: 'date';
      readonly fn: DateFunction;
      readonly operand: BoundProperty;
      readonly amount?: number;
      readonly date?: string;
    }
  /**
   * `nav eq null` / `nav ne null` on single-valued navigation: whether the row at the end of the
   * path exists. `negated`: it does not (the `eq null` form).
   */
  | {
      readonly kind: 'related';
      readonly variable: RangeVariable;
      readonly navigation: readonly NavigationProperty[];
      readonly negated: boolean;
    }
  /**
   * `prefix/collection/any(v: predicate)` and `all(...)`. `navigation` holds the single-valued
   * steps before the collection-valued `collection`; `rangeVariable` names its rows.
   */
  | {
      readonly kind: 'lambda';
      readonly operator: 'any' | 'all';
      readonly variable: RangeVariable;
      readonly navigation: readonly NavigationProperty[];
      readonly collection: NavigationProperty;
      readonly rangeVariable: RangeVariable;
      readonly predicate?: BoundPredicate;
    };

/** A checked `$filter` over `root` (the entity being filtered). */
export interface FilterClause {
  readonly root: RangeVariable;
  readonly predicate: BoundPredicate;
}

export interface OrderByClause {
  /** Over the root variable; single-valued navigation only. */
  readonly property: BoundProperty;
  readonly direction: 'asc' | 'desc';
}

export interface SelectedProperty {
  /** As the client wrote it: `fullname`, `_parentcustomerid_value`. */
  readonly name: string;
  /** The attribute's logical name: `fullname`, `parentcustomerid`. */
  readonly attribute: string;
}

export interface SelectClause {
  readonly properties: readonly SelectedProperty[];
}

export interface ExpandClause {
  /** The navigation property as written (`primarycontactid`, `contact_customer_accounts`). */
  readonly property: string;
  readonly navigation: NavigationProperty;
  /** The entity whose rows are expanded. */
  readonly target: EntityMetadata;
  /** `nav/$ref`: return references (`@odata.id`) instead of records. */
  readonly ref: boolean;
  readonly select?: SelectClause;
  readonly filter?: FilterClause;
  readonly orderBy: readonly OrderByClause[];
  readonly top?: number;
  readonly expand: readonly ExpandClause[];
}
