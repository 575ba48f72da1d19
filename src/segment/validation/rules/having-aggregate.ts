import { suggestion } from '../names.ts';
import { resolveProperty } from '../scope.ts';
import { typeOfAttribute } from '../types.ts';
import type { ValidationRule } from './rule.ts';

/**
 * `SUM/AVG/MIN/MAX(p)` in HAVING name a numeric property of the interaction type, compared with a
 * number. Unknown types and links are other rules' errors.
 */
export const HavingAggregateRule: ValidationRule = (context) => ({
  Having(node) {
    const property = node.aggregate.property;
    const on = context.bindings.havingOn.get(node);
    if (property === undefined || on === undefined) return;
    if (property.alias !== undefined) {
      context.report(
        'UnknownAlias',
        property.alias,
        `HAVING aggregates the interactions themselves: write '${property.name.value}' without an alias`,
      );
      return;
    }
    const r = resolveProperty(property, { entity: on, aliases: new Map() });
    if (r.kind === 'unknownAttribute') {
      const hint = suggestion(property.name.value, on.attributes.keys());
      context.report(
        'UnknownAttribute',
        property.name,
        `unknown property '${property.name.value}' of ${on.displayName}s${hint}`,
      );
      return;
    }
    if (r.kind !== 'ok') return;
    const t = typeOfAttribute(r.attribute);
    if (t.type !== 'number')
      context.report(
        'TypeMismatch',
        property,
        `${node.aggregate.function}(${property.name.value}) needs a number property, but '${r.attribute.logicalName}' is ${t.type}`,
      );
  },
});
