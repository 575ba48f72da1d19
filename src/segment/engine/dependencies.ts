import { INTERACTION_ENTITY, findLink } from '../../metadata/interactions.ts';
import type { Schema } from '../../metadata/schema.ts';
import type { QueryNode } from '../language/ast.ts';
import { parseSegmentQuery, visit } from '../language/index.ts';
import type { ResolvedSegment } from '../validation/index.ts';
import { bindQuery, resolveTraversal } from '../validation/scope.ts';

/**
 * What the members of a segment query depend on: the data whose change can change them. An
 * evaluation reads the rows of the entities its chains start from and traverse to, the
 * interaction table for INTERACTION(…), the stored members of the static segments `SEGMENT(x)`
 * names, and — because the definitions of dynamic and compound segments it names are evaluated
 * inline — everything those depend on, transitively.
 */
export interface SegmentDependencies {
  /** Logical names of the entities whose rows the evaluation reads. */
  readonly entities: ReadonlySet<string>;
  /** Ids of the (static) segments whose stored members it reads. */
  readonly members: ReadonlySet<string>;
  /** Ids of the (dynamic, compound) segments whose definitions it evaluates inline. */
  readonly definitions: ReadonlySet<string>;
}

export interface DependencyOptions {
  readonly schema: Schema;
  /** The stored segments `SEGMENT(x)` may name, as the evaluation resolves them. */
  readonly resolveSegment: (name: string) => ResolvedSegment | undefined;
  /** Parses a query text (a cache may stand in for `parseSegmentQuery`); undefined when it does not parse. */
  readonly parse?: (query: string) => QueryNode | undefined;
}

/** The syntax tree of a query, or undefined when it does not parse. */
export function parsedQuery(query: string): QueryNode | undefined {
  return parseSegmentQuery(query).ast;
}

/**
 * The dependencies of a segment query. Names that resolve to nothing (an unknown entity, a
 * relationship leading nowhere, a segment that does not exist) add nothing: such a query fails
 * to evaluate whatever changes. A query that names itself through others is followed once.
 */
export function segmentDependencies(query: string, options: DependencyOptions): SegmentDependencies {
  const { schema, resolveSegment } = options;
  const parse = options.parse ?? parsedQuery;
  const entities = new Set<string>();
  const members = new Set<string>();
  const definitions = new Set<string>();
  const pending: string[] = [query];
  for (let text = pending.pop(); text !== undefined; text = pending.pop()) {
    const ast = parse(text);
    if (ast === undefined) continue;
    const bindings = bindQuery(ast, { schema, resolveSegment });
    visit(ast, {
      Profile(node) {
        const entity = schema.entity(node.entity.value);
        if (entity !== undefined) entities.add(entity.logicalName);
      },
      Interaction(node) {
        entities.add(INTERACTION_ENTITY);
        const type = schema.interactionType(node.interactionType.value);
        const link = type === undefined ? undefined : findLink(type, node.link.value);
        if (link !== undefined) entities.add(link.entity);
      },
      Traverse(node) {
        const traversal = resolveTraversal(schema, bindings.traverseFrom.get(node), node.relationship.value);
        if (traversal.kind === 'ok') entities.add(traversal.target.logicalName);
      },
      Segment(node) {
        const segment = resolveSegment(node.name.value);
        if (segment === undefined) return;
        // The members are rows of its entity: a deleted row leaves the segment.
        entities.add(segment.entity);
        if (segment.query === undefined) members.add(segment.id);
        else if (!definitions.has(segment.id)) {
          definitions.add(segment.id);
          pending.push(segment.query);
        }
      },
    });
  }
  return { entities, members, definitions };
}
