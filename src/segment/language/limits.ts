import type { SegmentQueryNode } from './ast.ts';
import { queryError, type SegmentQueryError } from './errors.ts';
import type { Token } from './lexer.ts';
import type { QuerySource } from './source.ts';
import { childrenOf } from './visitor.ts';

/** At most 64 KiB of query text, counted in UTF-8 bytes as it arrives over HTTP. */
export const MAX_QUERY_BYTES = 64 * 1024;
/** Parentheses open at once, and unary minus signs in a row. */
export const MAX_NESTING = 64;
/**
 * Depth of the syntax tree. Nesting is bounded by `MAX_NESTING`, but a long run of arithmetic or
 * set operators builds a left-leaning tree one level per operator; this bound keeps every later
 * stage's recursion shallow. `&&`/`||` runs are flat and do not count.
 */
export const MAX_TREE_DEPTH = 256;

export function checkLength(src: QuerySource): SegmentQueryError | undefined {
  const bytes = Buffer.byteLength(src.text, 'utf8');
  if (bytes <= MAX_QUERY_BYTES) return undefined;
  return queryError(
    src,
    'QueryTooLong',
    0,
    src.text.length,
    `the query is ${bytes} bytes long; at most ${MAX_QUERY_BYTES} bytes (64 KiB) are allowed`,
  );
}

/** Checked on the tokens before parsing, since the parser recurses once per parenthesis. */
export function checkNesting(src: QuerySource, tokens: readonly Token[]): SegmentQueryError | undefined {
  let depth = 0;
  let minuses = 0;
  for (const t of tokens) {
    if (t.kind === '(') depth++;
    else if (t.kind === ')') depth = Math.max(0, depth - 1);
    minuses = t.kind === '-' ? minuses + 1 : 0;
    if (depth > MAX_NESTING) {
      return queryError(
        src,
        'QueryTooDeep',
        t.start,
        1,
        `the query nests parentheses more than ${MAX_NESTING} levels deep`,
      );
    }
    if (minuses > MAX_NESTING) {
      return queryError(src, 'QueryTooDeep', t.start, 1, `more than ${MAX_NESTING} minus signs in a row`);
    }
  }
  return undefined;
}

/** Checked on the tree after parsing, iteratively so the check itself cannot overflow. */
export function checkTreeDepth(src: QuerySource, root: SegmentQueryNode): SegmentQueryError | undefined {
  const stack: [SegmentQueryNode, number][] = [[root, 1]];
  while (stack.length > 0) {
    const [node, depth] = stack.pop()!;
    if (depth > MAX_TREE_DEPTH) {
      return queryError(
        src,
        'QueryTooDeep',
        node.loc.start,
        node.loc.end - node.loc.start,
        `the query is nested too deeply (more than ${MAX_TREE_DEPTH} levels, counting one level per arithmetic or set operator in a row); split it into smaller segments`,
      );
    }
    for (const child of childrenOf(node)) stack.push([child, depth + 1]);
  }
  return undefined;
}
