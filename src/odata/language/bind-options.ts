import type { ExpandItemNode, ExpandOptionNode, OrderByItemNode, SelectItemNode } from './ast.ts';
import type { BindContext } from './bind-filter.ts';
import { FilterBinder } from './bind-filter.ts';
import { resolvePath } from './bind-path.ts';
import { semanticError } from './errors.ts';
import { unknownPropertyMessage, webProperty } from './properties.ts';
import type {
  ExpandClause,
  FilterClause,
  OrderByClause,
  SelectClause,
  SelectedProperty,
} from './semantic.ts';

/** Checks `$orderby`, `$select` and `$expand` syntax trees against the schema. */

/** Dataverse accepts at most this many navigation properties in one `$expand`. */
export const MAX_EXPANDS = 15;

export function bindOrderBy(
  ctx: BindContext,
  entity: string,
  items: readonly OrderByItemNode[],
): OrderByClause[] {
  const root = { name: '$it', entity, id: 0 };
  return items.map((item) => {
    let path = item.expression;
    if (path.kind === 'Alias') {
      const v = ctx.aliases.resolve(path);
      if (v.kind !== 'Path')
        throw semanticError(
          path.loc,
          `The parameter alias '${path.name}' is used in $orderby, so it must hold a property name.`,
        );
      path = v;
    }
    const p = resolvePath(
      ctx.schema,
      { root, variables: new Map(), current: root },
      path.segments,
      path.loc,
      {
        suggestLambda: false,
      },
    );
    if (p.kind === 'property') return { property: p, direction: item.direction };
    if (p.kind === 'collection') {
      throw semanticError(
        path.loc,
        `Cannot order by the collection-valued navigation property '${p.collection.name}'; order by a property.`,
      );
    }
    if (p.kind === 'navigation') {
      const nav = p.navigation[p.navigation.length - 1]?.name ?? '';
      throw semanticError(
        path.loc,
        `Cannot order by the navigation property '${nav}'; order by one of its properties, such as '${nav}/<property>'.`,
      );
    }
    throw semanticError(path.loc, 'Cannot order by a whole row; order by a property.');
  });
}

export function bindSelect(ctx: BindContext, entity: string, items: readonly SelectItemNode[]): SelectClause {
  const e = ctx.schema.requireEntity(entity);
  const properties: SelectedProperty[] = [];
  const seen = new Set<string>();
  for (const item of items) {
    const name = item.name.value;
    const p = webProperty(ctx.schema, e.logicalName, name);
    if (p === undefined)
      throw semanticError(item.loc, unknownPropertyMessage(ctx.schema, e, name, 'attribute'));
    if (p.kind === 'navigation') {
      const lookup =
        p.navigation.kind === 'single'
          ? ` or its lookup value '_${p.navigation.relationship.referencingAttribute}_value'`
          : '';
      throw semanticError(
        item.loc,
        `'${name}' is a navigation property; use $expand=${name} to read the related record${lookup}.`,
      );
    }
    if (seen.has(name)) continue;
    seen.add(name);
    properties.push({ name, attribute: p.attribute.logicalName });
  }
  return { properties };
}

/** Binds `$expand` items over `entity`; `budget` counts navigation properties across all levels. */
export function bindExpand(
  ctx: BindContext,
  entity: string,
  items: readonly ExpandItemNode[],
  budget = { left: MAX_EXPANDS },
): ExpandClause[] {
  const e = ctx.schema.requireEntity(entity);
  return items.map((item) => {
    if (budget.left-- <= 0)
      throw semanticError(
        item.loc,
        `The $expand option can include at most ${MAX_EXPANDS} navigation properties.`,
      );
    const name = item.property.value;
    const p = webProperty(ctx.schema, e.logicalName, name);
    if (p === undefined)
      throw semanticError(item.property.loc, unknownPropertyMessage(ctx.schema, e, name, 'navigation'));
    if (p.kind === 'attribute')
      throw semanticError(
        item.property.loc,
        `'${name}' is not a navigation property, so it cannot be expanded.`,
      );
    const navigation = p.navigation;
    const target = ctx.schema.requireEntity(navigation.targetEntity);
    if (item.ref && navigation.kind !== 'single') {
      throw semanticError(item.loc, 'Expand with $ref is only supported on lookup type navigation property.');
    }
    if (item.ref && item.options.length > 0)
      throw semanticError(item.options[0]!.loc, 'An expand with $ref takes no options.');
    const seen = new Map<ExpandOptionNode['kind'], ExpandOptionNode>();
    for (const o of item.options) {
      if (seen.has(o.kind))
        throw semanticError(o.loc, `The option $${o.kind} is given twice in the expansion of '${name}'.`);
      seen.set(o.kind, o);
      if (navigation.kind === 'single' && (o.kind === 'filter' || o.kind === 'orderby' || o.kind === 'top')) {
        throw semanticError(
          o.loc,
          `The option $${o.kind} can only be used when expanding a collection-valued navigation property; '${name}' is single-valued.`,
        );
      }
    }
    const opt = <K extends ExpandOptionNode['kind']>(k: K) =>
      seen.get(k) as Extract<ExpandOptionNode, { kind: K }> | undefined;
    const select = opt('select');
    const filter = opt('filter');
    const orderBy = opt('orderby');
    const top = opt('top');
    const expand = opt('expand');
    let topValue: number | undefined;
    if (top !== undefined) {
      if (top.value.type !== 'integer' || !Number.isSafeInteger(top.value.value)) {
        throw semanticError(top.value.loc, `$top must be a non-negative whole number, not ${top.value.raw}.`);
      }
      topValue = top.value.value as number;
    }
    const filterClause: FilterClause | undefined =
      filter === undefined
        ? undefined
        : new FilterBinder(ctx).bindFilter(target.logicalName, filter.expression);
    return {
      property: name,
      navigation,
      target,
      ref: item.ref,
      ...(select !== undefined ? { select: bindSelect(ctx, target.logicalName, select.items) } : {}),
      ...(filterClause !== undefined ? { filter: filterClause } : {}),
      orderBy: orderBy === undefined ? [] : bindOrderBy(ctx, target.logicalName, orderBy.items),
      ...(topValue !== undefined ? { top: topValue } : {}),
      expand: expand === undefined ? [] : bindExpand(ctx, target.logicalName, expand.items, budget),
    };
  });
}
