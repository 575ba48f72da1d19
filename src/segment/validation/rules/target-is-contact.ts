import type { ValidationRule } from './rule.ts';

/** A dynamic or compound segment's query (and `msdyncrm_query`) ends at contact, when asked. */
export const TargetIsContactRule: ValidationRule = (context) => ({
  Query(node) {
    if (context.options.requireContact !== true) return;
    const entity = context.bindings.results.get(node.body);
    if (entity === undefined || entity.logicalName === 'contact') return;
    context.report(
      'TargetNotContact',
      node.body,
      `the query must end at contact but ends at ${entity.logicalName}`,
    );
  },
});
