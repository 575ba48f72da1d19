import type { ValidationRule } from './rule.ts';

/**
 * The shape of an interaction chain: `INTERACTION(t, l)` needs exactly one `HAVING`, which says
 * which profiles it yields, and FILTERs on the interactions stand before a TRAVERSE (after one the
 * chain is on profiles). HAVING anywhere else has no interactions to aggregate.
 */
export const InteractionStepsRule: ValidationRule = (context) => ({
  Chain(chain) {
    const onInteractions = chain.source.kind === 'Interaction';
    let having = 0;
    let traversed = false;
    for (const step of chain.steps) {
      if (step.kind === 'Traverse') {
        if (onInteractions && having === 0)
          context.report(
            'HavingNotAllowed',
            step,
            'TRAVERSE cannot follow INTERACTION(…) before its HAVING(…): HAVING says which profiles the interactions select',
          );
        traversed = true;
      } else if (step.kind === 'Having') {
        having++;
        if (!onInteractions)
          context.report(
            'HavingNotAllowed',
            step,
            `HAVING aggregates interactions and can only follow INTERACTION(…), not ${chain.source.kind === 'Profile' ? 'PROFILE' : 'SEGMENT'}(…)`,
          );
        else if (traversed)
          context.report(
            'HavingNotAllowed',
            step,
            'HAVING must come before the first TRAVERSE of an INTERACTION chain',
          );
        else if (having > 1)
          context.report(
            'HavingNotAllowed',
            step,
            'an INTERACTION chain has one HAVING (combine conditions in FILTER)',
          );
      }
    }
    if (onInteractions && having === 0)
      context.report(
        'HavingNotAllowed',
        chain.source,
        'INTERACTION(…) needs a HAVING(…) that says which profiles it selects, e.g. .HAVING(COUNT() > 0)',
      );
  },
});
