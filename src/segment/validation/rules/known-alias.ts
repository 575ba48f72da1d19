import type { Scope } from '../scope.ts';
import { resolveProperty } from '../scope.ts';
import { suggestion } from '../names.ts';
import type { ValidationRule } from './rule.ts';

/** `alias.name` in a FILTER uses an alias bound earlier in the same chain. */
export const KnownAliasRule: ValidationRule = (context) => {
  let scope: Scope | undefined;
  return {
    Filter: {
      enter(node) {
        scope = context.bindings.filterScopes.get(node);
      },
      leave() {
        scope = undefined;
      },
    },
    Property(node) {
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
