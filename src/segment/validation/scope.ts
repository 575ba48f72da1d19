import type { AttributeMetadata, EntityMetadata, RelationshipMetadata } from '../../metadata/model.ts';
import type { Schema } from '../../metadata/schema.ts';
import { findLink, INTERACTION_ENTITY, interactionView } from '../../metadata/interactions.ts';
import type {
  ChainNode,
  FilterNode,
  HavingNode,
  NameNode,
  PropertyNode,
  QueryNode,
  SetExpressionNode,
  SetOperationNode,
  TraverseNode,
} from '../language/ast.ts';
import type { SegmentValidationOptions } from './context.ts';
import { findAttribute } from './names.ts';

/**
 * The scope/binding pass: which entity each step of a chain is on and which aliases it can see.
 * `undefined` as an entity means "not known" (an unknown name upstream, an interaction without a
 * schema): rules check nothing against it, so one unknown name gives one error and no cascade.
 */

/** What a FILTER's properties resolve against. */
export interface Scope {
  readonly entity: EntityMetadata | undefined;
  /** Lower-cased alias → the alias as first written and the entity of the step it is bound to. */
  readonly aliases: ReadonlyMap<string, AliasBinding>;
  /**
   * Set when an earlier step's default alias could not be told (a SEGMENT or TRAVERSE of unknown
   * entity): an alias not found may be that one, so it is not reported.
   */
  readonly incomplete?: boolean;
  /** Lower-cased aliases bound to an earlier step than the scope's own (a chain's final scope). */
  readonly earlier?: ReadonlySet<string>;
}

/** One alias binding of a chain, in order; `node` is set when the alias was written. */
export interface AliasBinding {
  readonly name: string;
  readonly node?: NameNode;
  readonly entity: EntityMetadata | undefined;
}

export interface QueryBindings {
  /** The scope of every FILTER (standalone or inside TRAVERSE). */
  readonly filterScopes: ReadonlyMap<FilterNode, Scope>;
  /** What each HAVING of an INTERACTION chain aggregates: the interaction type's view. */
  readonly havingOn: ReadonlyMap<HavingNode, EntityMetadata | undefined>;
  /** The entity each TRAVERSE starts from. */
  readonly traverseFrom: ReadonlyMap<TraverseNode, EntityMetadata | undefined>;
  /** The entity of the rows each set expression yields. */
  readonly results: ReadonlyMap<SetExpressionNode, EntityMetadata | undefined>;
  /** Every alias binding of each chain, in source order (duplicates included). */
  readonly aliases: ReadonlyMap<ChainNode, readonly AliasBinding[]>;
  /** The scope after the last step of the query's body when it is a chain (for ORDERBY/SELECT). */
  readonly finalScope: Scope;
}

export type Traversal =
  | { readonly kind: 'ok'; readonly target: EntityMetadata }
  /** The name is no relationship of the schema. */
  | { readonly kind: 'unknown' }
  /** Relationships of that name exist but none touches the entity the chain is on. */
  | { readonly kind: 'elsewhere'; readonly relationships: readonly RelationshipMetadata[] }
  /** The chain's entity is not known, so the target cannot be told either. */
  | { readonly kind: 'unresolved' };

/**
 * Where `TRAVERSE(name)` goes from a row of `from`: to the referenced row when `from` holds the
 * lookup (also on a self-referencing lookup), else to the rows that reference `from`.
 */
export function resolveTraversal(schema: Schema, from: EntityMetadata | undefined, name: string): Traversal {
  const named = schema.relationshipsNamed(name);
  if (named.length === 0) return { kind: 'unknown' };
  if (from === undefined) return { kind: 'unresolved' };
  const outgoing = named.find((r) => r.referencingEntity === from.logicalName);
  const target =
    outgoing?.referencedEntity ??
    named.find((r) => r.referencedEntity === from.logicalName)?.referencingEntity;
  const entity = target === undefined ? undefined : schema.entity(target);
  return entity === undefined ? { kind: 'elsewhere', relationships: named } : { kind: 'ok', target: entity };
}

export type PropertyResolution =
  | { readonly kind: 'ok'; readonly attribute: AttributeMetadata; readonly entity: EntityMetadata }
  /** The entity it would belong to is not known: nothing to check. */
  | { readonly kind: 'unresolved' }
  | { readonly kind: 'unknownAlias' }
  | { readonly kind: 'unknownAttribute'; readonly entity: EntityMetadata };

/** An unqualified property belongs to the scope's entity, `alias.name` to that alias's entity. */
export function resolveProperty(prop: PropertyNode, scope: Scope): PropertyResolution {
  let entity = scope.entity;
  if (prop.alias !== undefined) {
    const key = prop.alias.value.toLowerCase();
    const binding = scope.aliases.get(key);
    if (binding === undefined) return { kind: scope.incomplete === true ? 'unresolved' : 'unknownAlias' };
    entity = binding.entity;
  }
  if (entity === undefined) return { kind: 'unresolved' };
  const attribute = findAttribute(entity, prop.name.value);
  return attribute === undefined ? { kind: 'unknownAttribute', entity } : { kind: 'ok', attribute, entity };
}

class Binder {
  readonly filterScopes = new Map<FilterNode, Scope>();
  readonly havingOn = new Map<HavingNode, EntityMetadata | undefined>();
  readonly traverseFrom = new Map<TraverseNode, EntityMetadata | undefined>();
  readonly results = new Map<SetExpressionNode, EntityMetadata | undefined>();
  readonly aliases = new Map<ChainNode, AliasBinding[]>();

  constructor(private readonly options: SegmentValidationOptions) {}

  /** Binds a set expression without recursion on the left spine (long `A UNION B UNION …` lists). */
  setExpression(root: SetExpressionNode): Scope {
    const spine: SetOperationNode[] = [];
    let node = root;
    while (node.kind === 'SetOperation') {
      spine.push(node);
      node = node.left;
    }
    let scope = this.chain(node);
    for (let i = spine.length - 1; i >= 0; i--) {
      const op = spine[i]!;
      const left = this.results.get(op.left);
      this.setExpression(op.right);
      const right = this.results.get(op.right);
      // Operands of different entities are SetOperandsSameEntityRule's error; the result is then
      // unknown so that the operators after it do not report the same mismatch again.
      const entity =
        left === undefined || right === undefined || left.logicalName === right.logicalName
          ? (left ?? right)
          : undefined;
      this.results.set(op, entity);
      scope = { entity, aliases: new Map() };
    }
    return scope;
  }

  private chain(chain: ChainNode): Scope {
    const { schema } = this.options;
    const bindings: AliasBinding[] = [];
    const aliases = new Map<string, AliasBinding>();
    const stepOf = new Map<string, number>();
    let stepIndex = 0;
    const bind = (name: string, entity: EntityMetadata | undefined, node?: NameNode): void => {
      const binding = node === undefined ? { name, entity } : { name, node, entity };
      bindings.push(binding);
      const key = name.toLowerCase();
      if (!aliases.has(key)) {
        aliases.set(key, binding);
        stepOf.set(key, stepIndex);
      }
    };
    let current: EntityMetadata | undefined;
    let incomplete = false;
    const scopeHere = (entity: EntityMetadata | undefined): Scope =>
      incomplete ? { entity, aliases: new Map(aliases), incomplete } : { entity, aliases: new Map(aliases) };
    // An INTERACTION chain yields profiles, but its FILTERs (before or after HAVING) test the
    // interactions: the type's properties and the timestamp, until a TRAVERSE.
    let interactions: EntityMetadata | undefined;
    let onInteractions = false;
    const source = chain.source;
    if (source.kind === 'Profile') {
      current = schema.entity(source.entity.value);
      bind(source.alias?.value ?? current?.logicalName ?? source.entity.value, current, source.alias);
    } else if (source.kind === 'Segment') {
      const resolved = this.options.resolveSegment?.(source.name.value);
      current = resolved === undefined ? undefined : schema.entity(resolved.entity);
      if (current !== undefined) bind(current.logicalName, current);
      else incomplete = true;
    } else {
      const type = schema.interactionType(source.interactionType.value);
      const link = type === undefined ? undefined : findLink(type, source.link.value);
      current = link === undefined ? undefined : schema.entity(link.entity);
      const table = schema.entity(INTERACTION_ENTITY);
      if (type !== undefined && table !== undefined) interactions = interactionView(table, type);
      onInteractions = true;
    }
    for (const step of chain.steps) {
      if (step.kind === 'Filter') {
        this.filterScopes.set(
          step,
          onInteractions ? { entity: interactions, aliases: new Map() } : scopeHere(current),
        );
      } else if (step.kind === 'Having') {
        if (onInteractions) this.havingOn.set(step, interactions);
      } else if (step.kind === 'Traverse') {
        stepIndex++;
        onInteractions = false;
        this.traverseFrom.set(step, current);
        const t = resolveTraversal(schema, current, step.relationship.value);
        current = t.kind === 'ok' ? t.target : undefined;
        if (step.alias !== undefined) bind(step.alias.value, current, step.alias);
        else if (current !== undefined) bind(current.logicalName, current);
        else incomplete = true;
        if (step.filter !== undefined) this.filterScopes.set(step.filter, scopeHere(current));
      }
    }
    this.results.set(chain, current);
    this.aliases.set(chain, bindings);
    const earlier = new Set([...stepOf].filter(([, i]) => i < stepIndex).map(([k]) => k));
    return { ...scopeHere(current), earlier };
  }
}

export function bindQuery(ast: QueryNode, options: SegmentValidationOptions): QueryBindings {
  const binder = new Binder(options);
  const finalScope = binder.setExpression(ast.body);
  return {
    filterScopes: binder.filterScopes,
    havingOn: binder.havingOn,
    traverseFrom: binder.traverseFrom,
    results: binder.results,
    aliases: binder.aliases,
    finalScope,
  };
}

/**
 * The scope of the FILTER being visited, for rules that resolve the properties inside it: use
 * `enter`/`leave` as (or inside) the rule's `Filter` visitor and read `current`.
 */
export function filterScopeTracker(bindings: QueryBindings): {
  enter(node: FilterNode): void;
  leave(): void;
  readonly current: Scope | undefined;
} {
  let scope: Scope | undefined;
  return {
    enter(node) {
      scope = bindings.filterScopes.get(node);
    },
    leave() {
      scope = undefined;
    },
    get current() {
      return scope;
    },
  };
}
