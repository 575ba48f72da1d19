import type { QueryNode } from '../language/ast.ts';
import type { SegmentQueryError } from '../language/errors.ts';
import { visit } from '../language/visitor.ts';
import { ValidationContext, type SegmentValidationOptions } from './context.ts';
import type { ValidationRule } from './rules/rule.ts';
import { specifiedRules } from './specified-rules.ts';

/**
 * Checks a parsed query against the schema and the segments it refers to. Returns every error
 * (empty when the query is valid), in source order; never throws for a bad query.
 */
export function validateSegmentQuery(
  ast: QueryNode,
  options: SegmentValidationOptions,
  rules: readonly ValidationRule[] = specifiedRules,
): SegmentQueryError[] {
  const context = new ValidationContext(ast, options);
  for (const rule of rules) visit(ast, rule(context));
  // Stable sort: at one position, errors keep the order of the rules that found them.
  return [...context.errors].sort((a, b) => a.offset - b.offset);
}
