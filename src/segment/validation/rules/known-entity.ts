import type { ValidationRule } from './rule.ts';
import { suggestion } from '../names.ts';

/** `PROFILE(e)` names an entity of the schema, `INTERACTION(t, …)` a known interaction type. */
export const KnownEntityRule: ValidationRule = (context) => ({
  Profile(node) {
    const name = node.entity.value;
    if (context.schema.entity(name) !== undefined) return;
    const hint = suggestion(name, context.schema.entities.keys());
    context.report('UnknownEntity', node.entity, `unknown entity '${name}'${hint}`);
  },
  Interaction(node) {
    const name = node.interactionType.value;
    if (context.schema.interactionType(name) !== undefined) return;
    const hint = suggestion(
      name,
      [...context.schema.interactionTypes.values()].map((t) => t.name),
    );
    context.report('UnknownEntity', node.interactionType, `unknown interaction type '${name}'${hint}`);
  },
});
