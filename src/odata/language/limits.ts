import type { IToken } from 'chevrotain';
import { syntaxError } from './errors.ts';
import * as T from './lexer.ts';
import type { Source } from './source.ts';

/**
 * Bounds that keep every stage's recursion shallow whatever the input (a 32 KB URL can hold
 * thousands of parentheses). Long `and`/`or` chains are not nesting: every stage handles them
 * iteratively, so `id eq 1 or id eq 2 or …` may have any length.
 */

/** Brackets open at once, and `not`/`-` in a row. */
export const MAX_NESTING = 100;
/** Depth of a syntax tree, counting an and/or chain as one level. */
export const MAX_DEPTH = 200;

/** Checked on the tokens, before parsing, since the parser recurses once per bracket. */
export function checkNesting(src: Source, tokens: readonly IToken[]): void {
  let depth = 0;
  let unary = 0;
  for (const t of tokens) {
    if (t.tokenType === T.LParen || t.tokenType === T.LBracket) depth++;
    else if (t.tokenType === T.RParen || t.tokenType === T.RBracket) depth--;
    unary = t.tokenType === T.Not || t.tokenType === T.Minus ? unary + 1 : 0;
    if (depth > MAX_NESTING || unary > MAX_NESTING) {
      throw syntaxError(src, t.startOffset, `the expression is nested more than ${MAX_NESTING} levels deep`);
    }
  }
}

interface Frame {
  readonly node: unknown;
  readonly depth: number;
  /** The and/or operator of the parent Binary node, if any. */
  readonly chain?: string;
}

/** Checked on the tree after parsing (iteratively, so the check itself cannot overflow). */
export function checkDepth(src: Source, root: unknown): void {
  const stack: Frame[] = [{ node: root, depth: 0 }];
  while (stack.length > 0) {
    const { node, depth, chain } = stack.pop()!;
    if (Array.isArray(node)) {
      for (const x of node) stack.push({ node: x, depth });
      continue;
    }
    if (typeof node !== 'object' || node === null || !('kind' in node)) continue;
    const n = node as { kind: string; operator?: string; loc?: { start: number } };
    const op = n.kind === 'Binary' && (n.operator === 'and' || n.operator === 'or') ? n.operator : undefined;
    const d = op !== undefined && op === chain ? depth : depth + 1;
    if (d > MAX_DEPTH)
      throw syntaxError(
        src,
        n.loc?.start ?? 0,
        `the expression is nested more than ${MAX_DEPTH} levels deep`,
      );
    for (const [k, v] of Object.entries(node)) {
      if (k === 'loc' || k === 'operatorLoc' || k === 'nameLoc' || typeof v !== 'object' || v === null)
        continue;
      stack.push(op !== undefined ? { node: v, depth: d, chain: op } : { node: v, depth: d });
    }
  }
}
