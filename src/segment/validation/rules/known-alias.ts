import { filterScopeTracker, resolveProperty } from '../scope.ts';
import { suggestion } from '../names.ts';
import type { ValidationRule } from './rule.ts';

/** `alias.name` in a FILTER uses an alias bound earlier in the same chain. */
export const KnownAliasRule: ValidationRule = (context) => {
  const filter = filterScopeTracker(context.bindings);
  return {
    Filter: filter,
    Property(node) {
      const scope = filter.current;
      if (scope === undefined || node.alias === undefined) return;
      if (resolveProperty(node, scope).kind !== 'unknownAlias') return;
      const name = node.alias.value;
      const hint = suggestion(
        name,
        [...scope.aliases.values()].map((b) => b.name),
      );
      context.report('UnknownAlias', node.alias, `unknown alias '${name}'${hint}`);
    },
  };
};
