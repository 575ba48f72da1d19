/**
 * The segment query language: `parseSegmentQuery` (text → syntax tree or errors),
 * `printSegmentQuery` (tree → canonical text) and `visit` (a generic walk over the tree).
 */
export type * from './ast.ts';
export { SegmentQueryError, type SegmentQueryReason } from './errors.ts';
export { MAX_NESTING, MAX_QUERY_BYTES, MAX_TREE_DEPTH } from './limits.ts';
export { parseSegmentQuery, type ParseResult } from './parser.ts';
export { printExpression, printSegmentQuery } from './printer.ts';
export { segmentReferences } from './references.ts';
export { BREAK, childrenOf, visit, type SegmentQueryVisitor, type VisitResult } from './visitor.ts';
