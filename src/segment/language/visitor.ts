import type { SegmentQueryNode, SegmentQueryNodeKind } from './ast.ts';

/**
 * One generic walker over the syntax tree, in the manner of graphql-js's `visit`: a visitor names
 * the node kinds it cares about (`{ Property(node) {…}, Filter: { enter, leave } }`) and/or gives
 * `enter`/`leave` for every node. Children are visited in source order. `enter` may return `false`
 * to skip a node's children (and its `leave`), or `BREAK` (from `enter` or `leave`) to stop the walk. The walk uses
 * an explicit stack, so it cannot overflow whatever the tree's depth.
 */

/** The fields of each node kind that hold child nodes, in source order. */
export const CHILD_KEYS: { readonly [K in SegmentQueryNodeKind]: readonly string[] } = {
  Query: ['body', 'orderBy', 'skip', 'take', 'select'],
  SetOperation: ['left', 'right'],
  Chain: ['source', 'steps'],
  Profile: ['entity', 'alias'],
  Segment: ['name'],
  Interaction: ['interactionType', 'link'],
  Filter: ['condition'],
  Traverse: ['relationship', 'alias', 'filter'],
  Having: ['aggregate', 'value', 'window'],
  Aggregate: ['property'],
  Window: ['count'],
  Distinct: [],
  OrderBy: ['items'],
  OrderItem: ['property'],
  Skip: ['count'],
  Take: ['count'],
  Select: ['properties'],
  DatePart: [],
  Name: [],
  Logical: ['operands'],
  Comparison: ['left', 'right'],
  StringTest: ['left', 'right'],
  Arithmetic: ['left', 'right'],
  Negate: ['operand'],
  Not: ['condition'],
  NullTest: ['property'],
  Date: ['parts'],
  DateAdd: ['part', 'amount', 'value'],
  DateDiff: ['part', 'start', 'end'],
  Now: [],
  Property: ['alias', 'name'],
  String: [],
  Number: [],
  Boolean: [],
};

/** The direct children of a node, in source order. */
export function childrenOf(node: SegmentQueryNode): SegmentQueryNode[] {
  const out: SegmentQueryNode[] = [];
  const fields = node as unknown as Record<string, unknown>;
  for (const key of CHILD_KEYS[node.kind]) {
    const v = fields[key];
    if (Array.isArray(v)) out.push(...(v as SegmentQueryNode[]));
    else if (v !== undefined) out.push(v as SegmentQueryNode);
  }
  return out;
}

export const BREAK: unique symbol = Symbol('BREAK');

/** `false` skips the children and the `leave` (from `enter` only); `BREAK` stops the walk. */
export type VisitResult = void | false | typeof BREAK;

type NodeOfKind<K extends SegmentQueryNodeKind> = Extract<SegmentQueryNode, { kind: K }>;
type VisitFn<N> = (node: N, parent: SegmentQueryNode | undefined) => VisitResult;

export type SegmentQueryVisitor = {
  readonly enter?: VisitFn<SegmentQueryNode>;
  readonly leave?: VisitFn<SegmentQueryNode>;
} & {
  readonly [K in SegmentQueryNodeKind]?:
    | VisitFn<NodeOfKind<K>>
    | { readonly enter?: VisitFn<NodeOfKind<K>>; readonly leave?: VisitFn<NodeOfKind<K>> };
};

interface Frame {
  readonly node: SegmentQueryNode;
  readonly parent: SegmentQueryNode | undefined;
  /** Set once the node has been entered and its children pushed. */
  entered: boolean;
}

function handlers(visitor: SegmentQueryVisitor, kind: SegmentQueryNodeKind) {
  const specific = visitor[kind] as
    | VisitFn<SegmentQueryNode>
    | { enter?: VisitFn<SegmentQueryNode>; leave?: VisitFn<SegmentQueryNode> }
    | undefined;
  if (typeof specific === 'function') return { enter: specific, leave: undefined };
  return { enter: specific?.enter, leave: specific?.leave };
}

/** Walks `root` depth-first, calling the visitor's functions on entering and leaving each node. */
export function visit(root: SegmentQueryNode, visitor: SegmentQueryVisitor): void {
  const stack: Frame[] = [{ node: root, parent: undefined, entered: false }];
  while (stack.length > 0) {
    const frame = stack[stack.length - 1]!;
    const { node, parent } = frame;
    const own = handlers(visitor, node.kind);
    if (!frame.entered) {
      frame.entered = true;
      const general = visitor.enter?.(node, parent);
      if (general === BREAK) return;
      const specific = general === false ? false : own.enter?.(node, parent);
      if (specific === BREAK) return;
      if (general === false || specific === false) {
        stack.pop();
        continue;
      }
      const children = childrenOf(node);
      for (let i = children.length - 1; i >= 0; i--) {
        stack.push({ node: children[i]!, parent: node, entered: false });
      }
      continue;
    }
    stack.pop();
    if (own.leave?.(node, parent) === BREAK) return;
    if (visitor.leave?.(node, parent) === BREAK) return;
  }
}
