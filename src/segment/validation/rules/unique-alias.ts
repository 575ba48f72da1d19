import type { ValidationRule } from './rule.ts';

/**
 * An alias written in a chain is not already bound in it (explicitly, or by default to the entity
 * name of a PROFILE or TRAVERSE), since `alias.name` could then mean either step.
 */
export const UniqueAliasRule: ValidationRule = (context) => ({
  Chain(node) {
    const seen = new Set<string>();
    for (const b of context.bindings.aliases.get(node) ?? []) {
      const key = b.name.toLowerCase();
      if (seen.has(key) && b.node !== undefined)
        context.report('DuplicateAlias', b.node, `alias '${b.name}' is already bound in this chain`);
      seen.add(key);
    }
  },
});
