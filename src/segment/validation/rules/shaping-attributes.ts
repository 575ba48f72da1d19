import type { PropertyNode } from '../../language/ast.ts';
import { suggestion } from '../names.ts';
import { resolveProperty } from '../scope.ts';
import type { ValidationRule } from './rule.ts';

/** ORDERBY and SELECT name attributes of the entity the query's rows are of. */
export const ShapingAttributesRule: ValidationRule = (context) => {
  const check = (prop: PropertyNode, what: string): void => {
    const scope = context.bindings.finalScope;
    if (prop.alias !== undefined && scope.earlier?.has(prop.alias.value.toLowerCase())) {
      // A member may lie on several paths, each with its own row at an earlier step: no one value.
      context.report(
        'UnknownAlias',
        prop.alias,
        `${what} takes properties of the rows the query yields${scope.entity === undefined ? '' : ` (${scope.entity.logicalName})`}; '${prop.alias.value}' is bound to an earlier step`,
      );
      return;
    }
    const r = resolveProperty(prop, scope);
    if (r.kind === 'unknownAlias' && prop.alias !== undefined) {
      context.report('UnknownAlias', prop.alias, `unknown alias '${prop.alias.value}' in ${what}`);
    } else if (r.kind === 'unknownAttribute') {
      const hint = suggestion(prop.name.value, r.entity.attributes.keys());
      context.report(
        'UnknownAttribute',
        prop.name,
        `unknown attribute '${prop.name.value}' on ${r.entity.logicalName} in ${what}${hint}`,
      );
    }
  };
  return {
    OrderItem(node) {
      check(node.property, 'ORDERBY');
    },
    Select(node) {
      for (const p of node.properties) check(p, 'SELECT');
    },
  };
};
