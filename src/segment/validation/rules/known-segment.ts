import type { ValidationRule } from './rule.ts';

/** `SEGMENT(x)` names an existing segment (by query name, id or unique name). */
export const KnownSegmentRule: ValidationRule = (context) => ({
  Segment(node) {
    const name = node.name.value;
    if (context.options.resolveSegment?.(name) !== undefined) return;
    context.report('UnknownSegment', node.name, `unknown segment '${name}'`);
  },
});
