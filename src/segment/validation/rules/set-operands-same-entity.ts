import type { ValidationRule } from './rule.ts';

/** The operands of UNION, INTERSECT and EXCEPT are sets of rows of the same entity. */
export const SetOperandsSameEntityRule: ValidationRule = (context) => ({
  SetOperation(node) {
    const left = context.bindings.results.get(node.left);
    const right = context.bindings.results.get(node.right);
    if (left === undefined || right === undefined || left.logicalName === right.logicalName) return;
    context.report(
      'ProfileTypeMismatch',
      node.right,
      `${node.operator} combines rows of ${left.logicalName} with rows of ${right.logicalName}`,
    );
  },
});
