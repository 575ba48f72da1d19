import { attrRef, lit, scalarTypeOf } from '../../ir/build.ts';
import type { Expr, ScalarType, SelectItem } from '../../ir/nodes.ts';
import type { AttributeMetadata, EntityMetadata } from '../../metadata/model.ts';
import { isPolymorphicLookup } from '../../metadata/model.ts';
import { propertyNameOf, webApiProperties } from '../../odata/representation.ts';
import type { AttributeNode, EntityContent } from '../ast.ts';
import { expectedType } from '../condition-values.ts';
import type { Loc } from '../errors.ts';
import { fetchXmlError } from '../errors.ts';
import { resolveAttribute } from './names.ts';
import type { OutputColumn } from './plan.ts';
import type { BoundEntity } from './scope.ts';

/**
 * The columns a FetchXML query returns. Root attributes are named as the Web API names them
 * (`_x_value` for lookups), link-entity attributes `<alias>.<attribute>`, and an attribute with
 * an `alias` by its alias. Aggregate queries return only aliased aggregates and group keys.
 */

const NUMERIC: readonly ScalarType[] = ['integer', 'bigint', 'decimal', 'double'];

export class ColumnList {
  readonly columns: OutputColumn[] = [];
  readonly hidden: SelectItem[] = [];
  readonly groupBy: Expr[] = [];
  private hiddenCount = 0;

  /** Adds a shown column; the same key twice is fine for the same value, an error otherwise. */
  add(column: Omit<OutputColumn, 'column' | 'lookupTypeColumn'>, loc: Loc, lookupType?: Expr): OutputColumn {
    const existing = this.columns.find((c) => c.key === column.key);
    if (existing !== undefined) {
      if (
        JSON.stringify(existing.expr) === JSON.stringify(column.expr) &&
        existing.aggregate === column.aggregate
      )
        return existing;
      throw fetchXmlError(
        loc,
        `The name '${column.key}' is given to two different columns; give one of them another alias.`,
      );
    }
    const out: OutputColumn = {
      ...column,
      column: `c${this.columns.length}`,
      ...(lookupType !== undefined ? { lookupTypeColumn: this.addHidden(lookupType) } : {}),
    };
    this.columns.push(out);
    return out;
  }

  /** A column the result needs but does not show; returns its output name. */
  addHidden(expr: Expr): string {
    const name = `sd_h${this.hiddenCount++}`;
    this.hidden.push({ expr, as: name });
    return name;
  }
}

/** The `<lookup>type` column of a polymorphic lookup, which says which entity its id points into. */
function lookupTypeOf(bound: BoundEntity, a: AttributeMetadata): Expr | undefined {
  if (!isPolymorphicLookup(a)) return undefined;
  const companion = `${a.logicalName}type`;
  return bound.entity.attributes.has(companion) ? attrRef(bound.sqlAlias, companion) : undefined;
}

function keyOf(bound: BoundEntity, a: AttributeMetadata, alias: string | undefined, root: boolean): string {
  if (alias !== undefined) return alias;
  return root ? propertyNameOf(a) : `${bound.name}.${a.logicalName}`;
}

/** Every attribute of an entity the Web API shows (lookup type companions are not). */
function allAttributes(entity: EntityMetadata): AttributeMetadata[] {
  return webApiProperties(entity).map((p) => p.attribute);
}

/** The columns of an entity or link-entity in a query that does not aggregate. */
export function plainColumns(
  list: ColumnList,
  content: EntityContent,
  bound: BoundEntity,
  root: boolean,
): void {
  const add = (a: AttributeMetadata, alias: string | undefined, loc: Loc) =>
    list.add(
      {
        key: keyOf(bound, a, alias, root),
        expr: attrRef(bound.sqlAlias, a.logicalName),
        attribute: a,
        entity: bound.entity,
      },
      loc,
      lookupTypeOf(bound, a),
    );
  const everything = content.allAttributes || (root && content.attributes.length === 0);
  if (everything) for (const a of allAttributes(bound.entity)) add(a, undefined, content.loc);
  for (const node of content.attributes) {
    if (node.aggregate !== undefined || node.groupBy || node.dateGrouping !== undefined) {
      throw fetchXmlError(
        node.loc,
        `The attribute '${node.name}' aggregates or groups, which needs aggregate='true' on the fetch element.`,
      );
    }
    if (node.rowAggregate !== undefined)
      throw fetchXmlError(
        node.loc,
        "Row aggregates (the 'rowaggregate' attribute) are not supported by segmentd.",
      );
    add(resolveAttribute(bound.entity, node.name, node.loc), node.alias, node.loc);
  }
}

function aggregateExpr(node: AttributeNode, bound: BoundEntity, a: AttributeMetadata): Expr {
  const column = attrRef(bound.sqlAlias, a.logicalName);
  const type = scalarTypeOf(a);
  const needs = (ok: boolean, what: string) => {
    if (!ok) {
      throw fetchXmlError(
        node.loc,
        `The aggregate '${node.aggregate ?? ''}' needs ${what}, but '${bound.entity.logicalName}.${a.logicalName}' is ${expectedType(a)}.`,
      );
    }
  };
  switch (node.aggregate) {
    case 'count':
      return { kind: 'aggregate', fn: 'count' };
    case 'countcolumn':
      return { kind: 'aggregate', fn: node.distinct ? 'countDistinct' : 'count', operand: column };
    case 'sum': {
      needs(NUMERIC.includes(type), 'a number column');
      // Dataverse sums a group without values to 0.
      const zero = lit(0, type === 'integer' ? 'bigint' : type);
      return { kind: 'coalesce', operands: [{ kind: 'aggregate', fn: 'sum', operand: column }, zero] };
    }
    case 'avg':
      needs(NUMERIC.includes(type), 'a number column');
      return { kind: 'aggregate', fn: 'avg', operand: column };
    case 'min':
    case 'max':
      needs(NUMERIC.includes(type) || type === 'date' || type === 'datetime', 'a number or date column');
      return { kind: 'aggregate', fn: node.aggregate, operand: column };
    case undefined:
      throw new Error('not an aggregate attribute');
  }
}

function groupExpr(node: AttributeNode, bound: BoundEntity, a: AttributeMetadata): Expr {
  const column = attrRef(bound.sqlAlias, a.logicalName);
  if (node.dateGrouping === undefined) return column;
  if (node.dateGrouping === 'fiscal-period' || node.dateGrouping === 'fiscal-year') {
    throw fetchXmlError(
      node.loc,
      `The date grouping '${node.dateGrouping}' depends on the organization's fiscal calendar, which segmentd does not model.`,
    );
  }
  const type = scalarTypeOf(a);
  if (type !== 'date' && type !== 'datetime') {
    throw fetchXmlError(
      node.loc,
      `The date grouping '${node.dateGrouping}' needs a date column, but '${bound.entity.logicalName}.${a.logicalName}' is ${expectedType(a)}.`,
    );
  }
  return { kind: 'datePart', part: node.dateGrouping, operand: column };
}

/** The columns of an entity or link-entity in an aggregate query: aggregates and group keys. */
export function aggregateColumns(
  list: ColumnList,
  content: EntityContent,
  bound: BoundEntity,
  root: boolean,
): void {
  if (content.allAttributes)
    throw fetchXmlError(
      content.loc,
      'An aggregate query cannot return all attributes; list aggregates and group keys.',
    );
  for (const node of content.attributes) {
    const a = resolveAttribute(bound.entity, node.name, node.loc);
    if (node.aggregate !== undefined) {
      if (node.groupBy)
        throw fetchXmlError(node.loc, `The attribute '${node.name}' cannot both aggregate and group.`);
      if (node.alias === undefined)
        throw fetchXmlError(node.loc, `The aggregate attribute '${node.name}' needs an alias.`);
      list.add(
        {
          key: node.alias,
          expr: aggregateExpr(node, bound, a),
          attribute: a,
          entity: bound.entity,
          aggregate: node.aggregate,
        },
        node.loc,
      );
      continue;
    }
    if (!node.groupBy) {
      throw fetchXmlError(
        node.loc,
        `In an aggregate query every attribute aggregates or groups; '${node.name}' needs an 'aggregate' or groupby='true'.`,
      );
    }
    const expr = groupExpr(node, bound, a);
    const key = node.alias ?? keyOf(bound, a, undefined, root);
    list.add(
      {
        key,
        expr,
        attribute: a,
        entity: bound.entity,
        ...(node.dateGrouping !== undefined ? { dateGrouping: node.dateGrouping } : {}),
      },
      node.loc,
      node.dateGrouping === undefined ? lookupTypeOf(bound, a) : undefined,
    );
    list.groupBy.push(expr);
    const typeExpr = node.dateGrouping === undefined ? lookupTypeOf(bound, a) : undefined;
    if (typeExpr !== undefined) list.groupBy.push(typeExpr);
  }
}
