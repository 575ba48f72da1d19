import type { HavingNode } from '../../language/ast.ts';
import type { ValidationRule } from './rule.ts';

/**
 * Why `COUNT() op n` is refused, or undefined. The restrictions are the product's: profiles
 * without interactions have no group, so tests that would need to see them (`== 0`, `!= n`) are
 * refused rather than answered wrong, and `>=` is written as `>` on the number below.
 */
function countProblem(node: HavingNode): string | undefined {
  const text = node.value.text;
  const n = Number(text);
  if (!/^-?\d+$/.test(text)) return `COUNT() cannot be compared with ${text}: it is a whole number`;
  if (n < 0) return `COUNT() cannot be compared with ${text}: it is never negative`;
  if (n === 0 && node.operator === '==')
    return 'COUNT() == 0 is not allowed: a profile without interactions has no group; use EXCEPT';
  if (n > 0 && node.operator === '>=') return `COUNT() >= ${text} is not allowed; write COUNT() > ${n - 1}`;
  if (n > 0 && node.operator === '!=')
    return `COUNT() != ${text} is not allowed: a profile without interactions has no group`;
  return undefined;
}

/** The restrictions of `HAVING(COUNT() op n)` (query-language.md, "Meaning"). */
export const HavingCountRule: ValidationRule = (context) => ({
  Having(node) {
    if (node.aggregate.function !== 'COUNT') return;
    const problem = countProblem(node);
    if (problem === undefined) return;
    const start = node.aggregate.loc;
    const loc = { ...start, end: node.value.loc.end };
    context.report('HavingNotAllowed', { loc }, problem);
  },
});
