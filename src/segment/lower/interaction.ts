import { and, attrRef, cmp, entitySource, isNull, lit, select } from '../../ir/build.ts';
import type { Expr } from '../../ir/nodes.ts';
import {
  findLink,
  INTERACTION_ENTITY,
  INTERACTION_TIME_ATTRIBUTE,
  INTERACTION_TYPE_ATTRIBUTE,
  interactionView,
} from '../../metadata/interactions.ts';
import type { EntityMetadata } from '../../metadata/model.ts';
import type { Schema } from '../../metadata/schema.ts';
import type { HavingNode, InteractionNode, PropertyNode, StepNode, WindowNode } from '../language/ast.ts';
import { findAttribute } from '../validation/names.ts';
import { invalid } from './errors.ts';
import { COMPARE_OPS, ExpressionLowering } from './expression.ts';

/**
 * `INTERACTION(t, l).FILTER(…).HAVING(agg op n, window)` → the profiles it selects, as a condition
 * on the profile row: a semi-join with one grouped query over the interaction table,
 *
 *   EXISTS (SELECT FROM (SELECT i.link AS pid FROM interaction i
 *                        WHERE i.type = t AND i.link IS NOT NULL AND window AND filters
 *                        GROUP BY i.link HAVING agg op n) g
 *           WHERE g.pid = profile.id)
 *
 * FILTERs before and after HAVING both narrow the interactions before they are aggregated. A
 * profile without interactions has no group (the checker refuses the tests that would need one).
 */

export interface InteractionLoweringOptions {
  readonly schema: Schema;
  readonly aliases: { next(): string };
  /** DATETIMEUTCNOW(), also the end of HAVING's window. */
  readonly now: Expr;
}

export interface LoweredInteraction {
  /** The profile entity the link points at: the chain continues on its rows. */
  readonly profile: EntityMetadata;
  /** Membership of the profile row bound to `profileAlias` in the selected set. */
  condition(profileAlias: string): Expr;
}

const WINDOW_PART = { UTCDAYS: 'day', UTCMONTHS: 'month', UTCYEARS: 'year' } as const;

/** `steps` are the chain's steps up to (not including) its first TRAVERSE. */
export function lowerInteraction(
  source: InteractionNode,
  steps: readonly StepNode[],
  options: InteractionLoweringOptions,
): LoweredInteraction {
  const { schema } = options;
  const type = schema.interactionType(source.interactionType.value);
  if (type === undefined)
    throw invalid(`unknown interaction type '${source.interactionType.value}'`, source.interactionType.loc);
  const link = findLink(type, source.link.value);
  if (link === undefined)
    throw invalid(`unknown link '${source.link.value}' of interaction type '${type.name}'`, source.link.loc);
  const profile = schema.entity(link.entity);
  const table = schema.entity(INTERACTION_ENTITY);
  if (profile === undefined || table === undefined)
    throw invalid(`interaction type '${type.name}' links to an unknown entity`, source.link.loc);
  const view = interactionView(table, type);

  const i = options.aliases.next();
  const property = (prop: PropertyNode) => {
    if (prop.alias !== undefined)
      throw invalid(`an interaction's properties are written without an alias`, prop.alias.loc);
    const attribute = findAttribute(view, prop.name.value);
    if (attribute === undefined)
      throw invalid(`${type.name} interactions have no property '${prop.name.value}'`, prop.name.loc);
    return attribute;
  };
  const lowering = new ExpressionLowering({
    now: options.now,
    resolve: (prop) => ({ source: i, attribute: property(prop) }),
  });

  const linkColumn = attrRef(i, link.attribute);
  const conditions: Expr[] = [
    cmp('=', attrRef(i, INTERACTION_TYPE_ATTRIBUTE), lit(type.name, 'string')),
    isNull(linkColumn, true),
  ];
  let having: HavingNode | undefined;
  for (const step of steps) {
    if (step.kind === 'Filter') conditions.push(lowering.condition(step.condition));
    else if (step.kind === 'Having') {
      if (having !== undefined) throw invalid('an INTERACTION chain has one HAVING', step.loc);
      having = step;
    }
  }
  if (having === undefined) throw invalid('INTERACTION(…) needs a HAVING(…)', source.loc);
  if (having.window !== undefined) conditions.push(windowStart(i, having.window, options.now));

  const value = Number(having.value.text);
  if (!Number.isFinite(value)) throw invalid(`'${having.value.text}' is not a number`, having.value.loc);
  const op = COMPARE_OPS[having.operator];
  const where = and(...conditions)!;

  // COUNT() > 0 needs no grouping: a plain semi-join says the same and lets the store use the
  // (link, type, time) index for each profile.
  if (having.aggregate.function === 'COUNT' && op === '>' && value === 0) {
    return {
      profile,
      condition: (p) => ({
        kind: 'exists',
        negated: false,
        query: select(entitySource(INTERACTION_ENTITY, i), [], {
          where: and(cmp('=', linkColumn, attrRef(p, profile.primaryIdAttribute)), where)!,
        }),
      }),
    };
  }

  const aggregate: Expr =
    having.aggregate.function === 'COUNT'
      ? { kind: 'aggregate', fn: 'count' }
      : {
          kind: 'aggregate',
          fn: having.aggregate.function.toLowerCase() as 'sum' | 'avg' | 'min' | 'max',
          operand: attrRef(i, aggregateProperty(having, property)),
        };
  const grouped = select(entitySource(INTERACTION_ENTITY, i), [{ expr: linkColumn, as: 'pid' }], {
    where,
    groupBy: [linkColumn],
    having: cmp(op, aggregate, lit(having.value.text, 'decimal')),
  });
  return {
    profile,
    condition: (p) => {
      const g = options.aliases.next();
      return {
        kind: 'exists',
        negated: false,
        query: select({ kind: 'subquery', query: grouped, alias: g }, [], {
          where: cmp(
            '=',
            { kind: 'column', source: g, column: 'pid' },
            attrRef(p, profile.primaryIdAttribute),
          ),
        }),
      };
    },
  };
}

function aggregateProperty(
  having: HavingNode,
  property: (p: PropertyNode) => { logicalName: string },
): string {
  const p = having.aggregate.property;
  if (p === undefined) throw invalid(`${having.aggregate.function}() needs a property`, having.aggregate.loc);
  return property(p).logicalName;
}

/** Only interactions at or after `now` minus the window count. */
function windowStart(i: string, window: WindowNode, now: Expr): Expr {
  const n = Number(window.count.text);
  if (!Number.isSafeInteger(n) || n < 0)
    throw invalid(`'${window.count.text}' is not a window length`, window.loc);
  return cmp('>=', attrRef(i, INTERACTION_TIME_ATTRIBUTE), {
    kind: 'dateAdd',
    part: WINDOW_PART[window.unit],
    amount: lit(-n, 'integer'),
    operand: now,
  });
}
