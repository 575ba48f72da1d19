import type { Scope } from '../scope.ts';
import { resolveProperty } from '../scope.ts';
import { suggestion } from '../names.ts';
import type { ValidationRule } from './rule.ts';

/**
 * Every property of a FILTER is an attribute of its entity: the current step's when unqualified,
 * the alias's when written `alias.name`. Unknown aliases and entities are other rules' errors.
 */
export const KnownAttributeRule: ValidationRule = (context) => {
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
      if (scope === undefined) return;
      const r = resolveProperty(node, scope);
      if (r.kind !== 'unknownAttribute') return;
      const name = node.name.value;
      const hint = suggestion(name, r.entity.attributes.keys());
      context.report(
        'UnknownAttribute',
        node.name,
        `unknown attribute '${name}' on ${r.entity.logicalName}${hint}`,
      );
    },
  };
};
