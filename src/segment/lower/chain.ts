import { and, entitySource, exists, select } from '../../ir/build.ts';
import type { Expr, Join } from '../../ir/nodes.ts';
import type { EntityMetadata } from '../../metadata/model.ts';
import type { Schema } from '../../metadata/schema.ts';
import { relationshipCondition, type AliasAllocator } from '../../odata/lower/relationships.ts';
import type { ChainNode, ExpressionNode, PropertyNode, SegmentNode, StepNode } from '../language/ast.ts';
import { findAttribute } from '../validation/names.ts';
import { resolveTraversal } from '../validation/scope.ts';
import { invalid } from './errors.ts';
import { ExpressionLowering } from './expression.ts';
import { lowerInteraction } from './interaction.ts';

/**
 * A chain → the rows of its last step, as a condition over that step's SQL alias.
 *
 * The chain's result is the distinct set of last-step rows lying on at least one path on which
 * every filter holds. Each earlier step becomes an existential quantifier nested from the last step
 * back to the source: `last WHERE f_n AND EXISTS (step n-1 WHERE link AND f_n-1 AND EXISTS (…))`.
 * A filter that reaches an earlier step through `alias.prop` is placed at the level of the earliest
 * step it mentions, where every step it mentions is in scope (the later ones as outer references),
 * so semi-joins never multiply rows and no DISTINCT over wide rows is needed.
 */

/** Rows of `entity` bound to `alias`, kept where `where` holds. */
export interface ChainRows {
  readonly entity: EntityMetadata;
  readonly alias: string;
  readonly where?: Expr;
  /** Steps joined to the last one (each at most one row per row of it, so no duplicates). */
  readonly joins?: readonly Join[];
  /** Lower-cased user aliases bound to the last step (for ORDERBY/SELECT `alias.prop`). */
  readonly lastAliases: ReadonlySet<string>;
}

interface Step {
  readonly entity: EntityMetadata;
  readonly sqlAlias: string;
  /** Conditions evaluated at this step's level. */
  readonly conditions: Expr[];
  /** Join condition to the next step (evaluated at this level). */
  link?: Expr;
  /** The next step holds the lookup to this one: from there this step is one row at most. */
  toOne?: boolean;
}

export interface ChainLoweringOptions {
  readonly schema: Schema;
  readonly aliases: AliasAllocator;
  readonly now: Expr;
  /** The members of `SEGMENT(x)` as a condition on the row bound to `alias`. */
  readonly segment?: (
    node: SegmentNode,
    alias: string,
  ) => { entity: EntityMetadata; condition: Expr } | undefined;
}

export function lowerChain(chain: ChainNode, options: ChainLoweringOptions): ChainRows {
  const { schema } = options;
  const source = chain.source;

  // An INTERACTION chain starts on the profiles its HAVING selects; its steps up to the first
  // TRAVERSE are about the interactions and are lowered with the source.
  let rest: readonly StepNode[] = chain.steps;
  let first: EntityMetadata;
  let firstConditions: Expr[] = [];
  const firstAlias = options.aliases.next();
  if (source.kind === 'Segment') {
    const members = options.segment?.(source, firstAlias);
    if (members === undefined) throw invalid(`unknown segment '${source.name.value}'`, source.name.loc);
    first = members.entity;
    firstConditions = [members.condition];
  } else if (source.kind === 'Interaction') {
    const cut = chain.steps.findIndex((s) => s.kind === 'Traverse');
    const own = cut < 0 ? chain.steps : chain.steps.slice(0, cut);
    rest = cut < 0 ? [] : chain.steps.slice(cut);
    const lowered = lowerInteraction(source, own, options);
    first = lowered.profile;
    firstConditions = [lowered.condition(firstAlias)];
  } else {
    const found = schema.entity(source.entity.value);
    if (found === undefined) throw invalid(`unknown entity '${source.entity.value}'`, source.entity.loc);
    first = found;
  }

  const steps: Step[] = [{ entity: first, sqlAlias: firstAlias, conditions: firstConditions }];
  // First binding of a name wins, as in the checker's binding pass.
  const userAliases = new Map<string, number>();
  const bind = (name: string, step: number) => {
    const key = name.toLowerCase();
    if (!userAliases.has(key)) userAliases.set(key, step);
  };
  if (source.kind === 'Profile') bind(source.alias?.value ?? first.logicalName, 0);

  const addFilter = (condition: ExpressionNode) => {
    const current = steps.length - 1;
    let earliest = current;
    const lowering = new ExpressionLowering({
      now: options.now,
      resolve: (prop: PropertyNode) => {
        let index = current;
        if (prop.alias !== undefined) {
          const found = userAliases.get(prop.alias.value.toLowerCase());
          if (found === undefined) throw invalid(`unknown alias '${prop.alias.value}'`, prop.alias.loc);
          index = found;
        }
        const step = steps[index]!;
        const attribute = findAttribute(step.entity, prop.name.value);
        if (attribute === undefined)
          throw invalid(`'${step.entity.logicalName}' has no attribute '${prop.name.value}'`, prop.name.loc);
        earliest = Math.min(earliest, index);
        return { source: step.sqlAlias, attribute };
      },
    });
    const expr = lowering.condition(condition);
    steps[earliest]!.conditions.push(expr);
  };

  for (const step of rest) {
    switch (step.kind) {
      case 'Filter':
        addFilter(step.condition);
        break;
      case 'Distinct':
        // A chain's rows are a set already.
        break;
      case 'Having':
        throw invalid('HAVING can only follow INTERACTION(…), before any TRAVERSE', step.loc);
      case 'Traverse': {
        const from = steps[steps.length - 1]!;
        const t = resolveTraversal(schema, from.entity, step.relationship.value);
        if (t.kind !== 'ok')
          throw invalid(
            `relationship '${step.relationship.value}' does not lead anywhere from '${from.entity.logicalName}'`,
            step.relationship.loc,
          );
        const named = schema.relationshipsNamed(step.relationship.value);
        const outgoing = named.find((r) => r.referencingEntity === from.entity.logicalName);
        const to: Step = { entity: t.target, sqlAlias: options.aliases.next(), conditions: [] };
        if (outgoing !== undefined) {
          from.link = relationshipCondition(schema, outgoing, from.sqlAlias, to.sqlAlias);
        } else {
          const incoming = named.find((r) => r.referencedEntity === from.entity.logicalName)!;
          from.link = relationshipCondition(schema, incoming, to.sqlAlias, from.sqlAlias);
          from.toOne = true;
        }
        steps.push(to);
        bind(step.alias?.value ?? t.target.logicalName, steps.length - 1);
        if (step.filter !== undefined) addFilter(step.filter.condition);
        break;
      }
    }
  }

  // The steps that are at most one row each for a row of the last step (it, or a step it reaches
  // through lookups it holds, and so on back) join the last step's query without multiplying its
  // rows; the steps before them nest as EXISTS, innermost first, inside the first joined step.
  const lastIndex = steps.length - 1;
  let firstJoined = lastIndex;
  while (firstJoined > 0 && steps[firstJoined - 1]!.toOne === true) firstJoined--;
  let inner: Expr | undefined;
  for (let i = 0; i < firstJoined; i++) {
    const s = steps[i]!;
    const where = and(s.link, ...s.conditions, inner);
    inner = exists(
      select(entitySource(s.entity.logicalName, s.sqlAlias), [], where === undefined ? {} : { where }),
    );
  }
  const joins: Join[] = [];
  const conditions: Expr[] = [];
  for (let i = firstJoined; i < lastIndex; i++) {
    const s = steps[i]!;
    joins.push({ type: 'inner', source: entitySource(s.entity.logicalName, s.sqlAlias), on: s.link! });
    conditions.push(...s.conditions);
  }
  const last = steps[lastIndex]!;
  const where = and(...conditions, ...last.conditions, inner);
  const lastAliases = new Set([...userAliases].filter(([, i]) => i === lastIndex).map(([k]) => k));
  return {
    entity: last.entity,
    alias: last.sqlAlias,
    ...(where === undefined ? {} : { where }),
    ...(joins.length === 0 ? {} : { joins }),
    lastAliases,
  };
}
