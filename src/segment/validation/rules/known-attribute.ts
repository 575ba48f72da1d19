import { INTERACTION_ENTITY } from '../../../metadata/interactions.ts';
import { filterScopeTracker, resolveProperty } from '../scope.ts';
import { suggestion } from '../names.ts';
import type { ValidationRule } from './rule.ts';

/**
 * Every property of a FILTER is an attribute of its entity: the current step's when unqualified,
 * the alias's when written `alias.name`. Unknown aliases and entities are other rules' errors.
 */
export const KnownAttributeRule: ValidationRule = (context) => {
  const filter = filterScopeTracker(context.bindings);
  return {
    Filter: filter,
    Property(node) {
      const scope = filter.current;
      if (scope === undefined) return;
      const r = resolveProperty(node, scope);
      if (r.kind !== 'unknownAttribute') return;
      const name = node.name.value;
      const hint = suggestion(name, r.entity.attributes.keys());
      context.report(
        'UnknownAttribute',
        node.name,
        r.entity.logicalName === INTERACTION_ENTITY
          ? `unknown property '${name}' of ${r.entity.displayName}s${hint}`
          : `unknown attribute '${name}' on ${r.entity.logicalName}${hint}`,
      );
    },
  };
};
