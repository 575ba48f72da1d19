import type {
  AggregateFunction,
  DatePart,
  NullTestOperator,
  SetOperator,
  StringTestOperator,
  WindowUnit,
} from './keywords.ts';

/**
 * The syntax tree of a segment query. Every node is a plain object with a `kind` and a `loc`.
 * Aliases are resolved by the parser (`MINUS` is `EXCEPT`, `DateTimeNowUtc()` is `Now`, a bare
 * name is a `Segment` source, `AND`/`OR` are `&&`/`||`), parentheses leave no node, and names keep
 * the spelling they were written with (matching them to the schema is case-insensitive, later).
 */

/** Where a node is: `[start, end)` offsets into the query text, and the start's line and column. */
export interface Loc {
  readonly start: number;
  readonly end: number;
  /** 1-based. */
  readonly line: number;
  /** 1-based, in UTF-16 code units like the offsets. */
  readonly column: number;
}

/** A name as written: entity, alias, attribute, relationship, segment, interaction type or link. */
export interface NameNode {
  readonly kind: 'Name';
  readonly value: string;
  /** Written as a string (`TRAVERSE('rel')`, `SEGMENT('My segment')`). */
  readonly quoted: boolean;
  readonly loc: Loc;
}

// ---- set expressions -------------------------------------------------------------------------

/** The whole query: a set expression and the optional shaping calls, in their fixed order. */
export interface QueryNode {
  readonly kind: 'Query';
  readonly body: SetExpressionNode;
  readonly orderBy?: OrderByNode;
  readonly skip?: SkipNode;
  readonly take?: TakeNode;
  readonly select?: SelectNode;
  readonly loc: Loc;
}

export type SetExpressionNode = SetOperationNode | ChainNode;

/** `left UNION right`, also written `left.UNION(right)`; set operators associate to the left. */
export interface SetOperationNode {
  readonly kind: 'SetOperation';
  readonly operator: SetOperator;
  readonly left: SetExpressionNode;
  readonly right: SetExpressionNode;
  readonly loc: Loc;
}

/** A source followed by steps joined with `.`: `PROFILE(contact).FILTER(…).TRAVERSE(…)`. */
export interface ChainNode {
  readonly kind: 'Chain';
  readonly source: SourceNode;
  readonly steps: readonly StepNode[];
  readonly loc: Loc;
}

export type SourceNode = ProfileNode | SegmentNode | InteractionNode;

export interface ProfileNode {
  readonly kind: 'Profile';
  readonly entity: NameNode;
  readonly alias?: NameNode;
  readonly loc: Loc;
}

/** `SEGMENT(name)`, or a bare segment name used as a set operand. */
export interface SegmentNode {
  readonly kind: 'Segment';
  readonly name: NameNode;
  readonly loc: Loc;
}

export interface InteractionNode {
  readonly kind: 'Interaction';
  readonly interactionType: NameNode;
  readonly link: NameNode;
  readonly loc: Loc;
}

export type StepNode = FilterNode | TraverseNode | HavingNode | DistinctNode;

export interface FilterNode {
  readonly kind: 'Filter';
  readonly condition: ExpressionNode;
  readonly loc: Loc;
}

export interface TraverseNode {
  readonly kind: 'Traverse';
  readonly relationship: NameNode;
  readonly alias?: NameNode;
  readonly filter?: FilterNode;
  readonly loc: Loc;
}

/** `HAVING(COUNT() > 0, UTCDAYS(7))`. */
export interface HavingNode {
  readonly kind: 'Having';
  readonly aggregate: AggregateNode;
  readonly operator: ComparisonOperator;
  readonly value: NumberNode;
  readonly window?: WindowNode;
  readonly loc: Loc;
}

/** `COUNT()` has no property; the others have one. */
export interface AggregateNode {
  readonly kind: 'Aggregate';
  readonly function: AggregateFunction;
  readonly property?: PropertyNode;
  readonly loc: Loc;
}

export interface WindowNode {
  readonly kind: 'Window';
  readonly unit: WindowUnit;
  readonly count: NumberNode;
  readonly loc: Loc;
}

export interface DistinctNode {
  readonly kind: 'Distinct';
  readonly loc: Loc;
}

// ---- shaping ---------------------------------------------------------------------------------

export interface OrderByNode {
  readonly kind: 'OrderBy';
  readonly items: readonly OrderItemNode[];
  readonly loc: Loc;
}

/** A sort key; the direction is `ASC` when none is written. */
export interface OrderItemNode {
  readonly kind: 'OrderItem';
  readonly property: PropertyNode;
  readonly direction: 'ASC' | 'DESC';
  readonly loc: Loc;
}

export interface SkipNode {
  readonly kind: 'Skip';
  readonly count: NumberNode;
  readonly loc: Loc;
}

export interface TakeNode {
  readonly kind: 'Take';
  readonly count: NumberNode;
  readonly loc: Loc;
}

export interface SelectNode {
  readonly kind: 'Select';
  readonly properties: readonly PropertyNode[];
  readonly loc: Loc;
}

// ---- conditions and values -------------------------------------------------------------------

export type ComparisonOperator = '==' | '!=' | '>' | '>=' | '<' | '<=';
export type ArithmeticOperator = '+' | '-' | '*' | '/';
export type LogicalOperator = '&&' | '||';

/** Conditions and values share one grammar; whether an expression is a condition is checked later. */
export type ExpressionNode =
  | LogicalNode
  | ComparisonNode
  | StringTestNode
  | ArithmeticNode
  | NegateNode
  | NotNode
  | NullTestNode
  | DateNode
  | DateAddNode
  | DateDiffNode
  | NowNode
  | PropertyNode
  | StringNode
  | NumberNode
  | BooleanNode;

/**
 * A run of the same logical operator, flattened: `a && b && c` is one node with three operands,
 * so long `||` lists stay shallow. `(a && b) && c` keeps its explicit grouping as a nested node.
 */
export interface LogicalNode {
  readonly kind: 'Logical';
  readonly operator: LogicalOperator;
  readonly operands: readonly ExpressionNode[];
  readonly loc: Loc;
}

/** Comparisons do not chain: `a == b == c` is a syntax error. */
export interface ComparisonNode {
  readonly kind: 'Comparison';
  readonly operator: ComparisonOperator;
  readonly left: ExpressionNode;
  readonly right: ExpressionNode;
  readonly loc: Loc;
}

/** `name CONTAINS 'run'`. */
export interface StringTestNode {
  readonly kind: 'StringTest';
  readonly operator: StringTestOperator;
  readonly left: ExpressionNode;
  readonly right: ExpressionNode;
  readonly loc: Loc;
}

export interface ArithmeticNode {
  readonly kind: 'Arithmetic';
  readonly operator: ArithmeticOperator;
  readonly left: ExpressionNode;
  readonly right: ExpressionNode;
  readonly loc: Loc;
}

/** Unary minus on anything but a number literal (`-5` is a `Number` with text `-5`). */
export interface NegateNode {
  readonly kind: 'Negate';
  readonly operand: ExpressionNode;
  readonly loc: Loc;
}

export interface NotNode {
  readonly kind: 'Not';
  readonly condition: ExpressionNode;
  readonly loc: Loc;
}

export interface NullTestNode {
  readonly kind: 'NullTest';
  readonly operator: NullTestOperator;
  readonly property: PropertyNode;
  readonly loc: Loc;
}

/** `DATE(y, m, d[, h[, mi[, s[, ms]]]])`: 3 to 7 numbers. */
export interface DateNode {
  readonly kind: 'Date';
  readonly parts: readonly NumberNode[];
  readonly loc: Loc;
}

export interface DatePartNode {
  readonly kind: 'DatePart';
  readonly part: DatePart;
  readonly loc: Loc;
}

export interface DateAddNode {
  readonly kind: 'DateAdd';
  readonly part: DatePartNode;
  readonly amount: NumberNode;
  readonly value: ExpressionNode;
  readonly loc: Loc;
}

export interface DateDiffNode {
  readonly kind: 'DateDiff';
  readonly part: DatePartNode;
  readonly start: ExpressionNode;
  readonly end: ExpressionNode;
  readonly loc: Loc;
}

/** `DATETIMEUTCNOW()` or `DateTimeNowUtc()`. */
export interface NowNode {
  readonly kind: 'Now';
  readonly loc: Loc;
}

/** `name` (of the current step) or `alias.name`. */
export interface PropertyNode {
  readonly kind: 'Property';
  readonly alias?: NameNode;
  readonly name: NameNode;
  readonly loc: Loc;
}

export interface StringNode {
  readonly kind: 'String';
  /** The decoded text (escapes removed). */
  readonly value: string;
  readonly loc: Loc;
}

/**
 * A number kept as its exact text (`10000000000`, `3.50`, `-7`) so no precision is lost before a
 * later stage converts it to the type it meets.
 */
export interface NumberNode {
  readonly kind: 'Number';
  readonly text: string;
  readonly loc: Loc;
}

export interface BooleanNode {
  readonly kind: 'Boolean';
  readonly value: boolean;
  readonly loc: Loc;
}

export type SegmentQueryNode =
  | QueryNode
  | SetOperationNode
  | ChainNode
  | ProfileNode
  | SegmentNode
  | InteractionNode
  | FilterNode
  | TraverseNode
  | HavingNode
  | AggregateNode
  | WindowNode
  | DistinctNode
  | OrderByNode
  | OrderItemNode
  | SkipNode
  | TakeNode
  | SelectNode
  | DatePartNode
  | NameNode
  | ExpressionNode;

export type SegmentQueryNodeKind = SegmentQueryNode['kind'];
