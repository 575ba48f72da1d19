import type { RelationshipMetadata } from '../../../metadata/model.ts';
import { suggestion } from '../names.ts';
import { findLink } from '../../../metadata/interactions.ts';
import { resolveTraversal } from '../scope.ts';
import type { ValidationRule } from './rule.ts';

const namesOf = (rels: readonly RelationshipMetadata[]): string[] =>
  rels.flatMap((r) => [r.segmentName, r.schemaName]);

/**
 * `TRAVERSE(r)` names a relationship that starts or ends at the chain's current entity, and
 * `INTERACTION(t, l)` a link of a known interaction type.
 */
export const KnownRelationshipRule: ValidationRule = (context) => ({
  Traverse(node) {
    const from = context.bindings.traverseFrom.get(node);
    const name = node.relationship.value;
    const t = resolveTraversal(context.schema, from, name);
    if (t.kind === 'unknown') {
      const candidates = context.schema.relationships.filter(
        (r) =>
          from === undefined ||
          r.referencingEntity === from.logicalName ||
          r.referencedEntity === from.logicalName,
      );
      const hint = suggestion(name, namesOf(candidates));
      context.report('UnknownRelationship', node.relationship, `unknown relationship '${name}'${hint}`);
    } else if (t.kind === 'elsewhere' && from !== undefined) {
      const r = t.relationships[0]!;
      context.report(
        'UnknownRelationship',
        node.relationship,
        `relationship '${name}' links ${r.referencingEntity} to ${r.referencedEntity}, not ${from.logicalName}`,
      );
    }
  },
  Interaction(node) {
    const type = context.schema.interactionType(node.interactionType.value);
    if (type === undefined || findLink(type, node.link.value) !== undefined) return;
    const hint = suggestion(
      node.link.value,
      type.links.map((l) => l.name),
    );
    context.report(
      'UnknownRelationship',
      node.link,
      `unknown link '${node.link.value}' of interaction type '${type.name}'${hint}`,
    );
  },
});
