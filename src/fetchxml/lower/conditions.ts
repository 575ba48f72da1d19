import { and, attrRef, cmp, isNull, lit, or, scalarTypeOf } from '../../ir/build.ts';
import type { Expr, ScalarType } from '../../ir/nodes.ts';
import type { AttributeMetadata } from '../../metadata/model.ts';
import { isOptionSetType } from '../../metadata/model.ts';
import { closestNames, didYouMean } from '../../odata/language/properties.ts';
import { MAX_AMOUNT } from '../../odata/language/query-functions.ts';
import { lowerDateFunction } from '../../odata/lower/relative-dates.ts';
import type { ConditionNode, FilterItem, FilterNode } from '../ast.ts';
import { amountValue, columnValue, dateValue, expectedType } from '../condition-values.ts';
import type { TypedValue } from '../condition-values.ts';
import type { Loc } from '../errors.ts';
import { fetchXmlError } from '../errors.ts';
import type { OperatorSpec } from '../operators.ts';
import { OPERATORS, operatorNamed } from '../operators.ts';
import type { LoweringContext } from './context.ts';
import { hierarchyCondition } from './hierarchy.ts';
import { resolveAttribute } from './names.ts';
import type { AliasScope, BoundEntity } from './scope.ts';

/**
 * `filter` and `condition` elements → IR conditions over the entity the filter belongs to.
 * Strings compare case-insensitively (Dataverse's collation); `like` and the begins/ends
 * operators read Dataverse LIKE patterns; date operators share the OData query functions'
 * lowering; a condition with `entityname` tests a column of a joined link-entity.
 */

const TRUE: Expr = lit(true, 'boolean');

/** The filters of one entity or link-entity, combined with AND (undefined when there are none). */
export function lowerFilters(
  ctx: LoweringContext,
  filters: readonly FilterNode[],
  target: BoundEntity,
  scope: AliasScope,
): Expr | undefined {
  return and(...filters.map((f) => lowerFilter(ctx, f, target, scope)));
}

function lowerFilter(
  ctx: LoweringContext,
  filter: FilterNode,
  target: BoundEntity,
  scope: AliasScope,
): Expr | undefined {
  const parts = filter.items.map((item) => lowerItem(ctx, item, target, scope));
  if (filter.type === 'and') return and(...parts);
  // An empty nested filter holds for every row, which makes the whole `or` hold.
  if (parts.length === 0) return undefined;
  return or(...parts.map((p) => p ?? TRUE));
}

function lowerItem(
  ctx: LoweringContext,
  item: FilterItem,
  target: BoundEntity,
  scope: AliasScope,
): Expr | undefined {
  switch (item.kind) {
    case 'filter':
      return lowerFilter(ctx, item, target, scope);
    case 'link-entity':
      return ctx.filterLink(item, target, scope);
    case 'condition':
      return lowerCondition(ctx, item, target, scope);
  }
}

function operatorOf(c: ConditionNode): OperatorSpec {
  const spec = operatorNamed(c.operator);
  if (spec === undefined) {
    throw fetchXmlError(
      c.loc,
      `The condition operator '${c.operator}' is not a FetchXML operator.${didYouMean(closestNames(c.operator, OPERATORS.keys()))}`,
    );
  }
  return spec;
}

/** The entity a condition's column belongs to: the filter's own, or the link-entity `entityname` names. */
function conditionEntity(c: ConditionNode, target: BoundEntity, scope: AliasScope): BoundEntity {
  if (c.entityName === undefined) return target;
  const bound = scope.lookup(c.entityName);
  if (bound === undefined) {
    const names = scope.names();
    throw fetchXmlError(
      c.loc,
      `The condition's entityname '${c.entityName}' is not the alias of a joined link-entity visible here.${
        names.length > 0 ? ` Aliases visible: ${names.map((n) => `'${n}'`).join(', ')}.` : ''
      }`,
    );
  }
  return bound;
}

/** The texts of the condition's values: the `value` attribute or the `<value>` elements. */
function valueTexts(c: ConditionNode, spec: OperatorSpec): { text: string; loc: Loc }[] {
  const texts = c.value !== undefined ? [{ text: c.value, loc: c.loc }] : [...c.values];
  const count = spec.values;
  if ('exactly' in count && count.exactly === 0) {
    // Some tools write value="" on operators that take none; that carries nothing.
    if (texts.every((t) => t.text.trim() === '')) return [];
  }
  const ok = 'exactly' in count ? texts.length === count.exactly : texts.length >= count.atLeast;
  if (!ok) {
    const wanted =
      'exactly' in count
        ? count.exactly === 0
          ? 'no value'
          : count.exactly === 1
            ? "one value (the 'value' attribute)"
            : `${count.exactly} values (<value> elements)`
        : 'one or more values (<value> elements)';
    throw fetchXmlError(
      c.loc,
      `The condition operator '${spec.name}' takes ${wanted}, but the condition on '${c.attribute}' has ${texts.length}.`,
    );
  }
  return texts;
}

function typed(
  c: ConditionNode,
  bound: BoundEntity,
  a: AttributeMetadata,
  t: { text: string; loc: Loc },
): TypedValue {
  const v = columnValue(a, t.text);
  if (v === undefined) {
    throw fetchXmlError(
      t.loc,
      `The value '${t.text}' of the condition on '${bound.entity.logicalName}.${a.logicalName}' is not a valid ${expectedType(a)}${isOptionSetType(a.type) ? ' (the choice value, a whole number)' : ''}.`,
    );
  }
  return v;
}

const literal = (v: TypedValue): Expr => lit(v.value, v.type);

function requireText(spec: OperatorSpec, a: AttributeMetadata, bound: BoundEntity, loc: Loc): void {
  if (scalarTypeOf(a) !== 'string') {
    throw fetchXmlError(
      loc,
      `The condition operator '${spec.name}' applies to text columns, but '${bound.entity.logicalName}.${a.logicalName}' is ${expectedType(a)}.`,
    );
  }
}

/** `valueof`: another column of the condition's entity, or `alias.column` of a joined link-entity. */
function columnOf(c: ConditionNode, bound: BoundEntity, scope: AliasScope, a: AttributeMetadata): Expr {
  const ref = c.otherColumn ?? '';
  const dot = ref.indexOf('.');
  const other = dot < 0 ? bound : scope.lookup(ref.slice(0, dot));
  if (other === undefined) {
    throw fetchXmlError(
      c.loc,
      `The valueof '${ref}' names the alias '${ref.slice(0, dot)}', which no joined link-entity has.`,
    );
  }
  const b = resolveAttribute(other.entity, dot < 0 ? ref : ref.slice(dot + 1), c.loc);
  const [ta, tb] = [scalarTypeOf(a), scalarTypeOf(b)];
  const numeric = (t: ScalarType) => t === 'integer' || t === 'bigint' || t === 'decimal' || t === 'double';
  if (ta !== tb && !(numeric(ta) && numeric(tb))) {
    throw fetchXmlError(
      c.loc,
      `The condition compares '${a.logicalName}' (${expectedType(a)}) with '${b.logicalName}' (${expectedType(b)}); valueof needs columns of the same type.`,
    );
  }
  return attrRef(other.sqlAlias, b.logicalName);
}

export function lowerCondition(
  ctx: LoweringContext,
  c: ConditionNode,
  target: BoundEntity,
  scope: AliasScope,
): Expr {
  if (c.aggregateFilter !== undefined) {
    throw fetchXmlError(
      c.loc,
      `Conditions on aggregates (the '${c.aggregateFilter}' attribute of a condition) are not supported by segmentd.`,
    );
  }
  const spec = operatorOf(c);
  const bound = conditionEntity(c, target, scope);
  const a = resolveAttribute(bound.entity, c.attribute, c.loc);
  const column = attrRef(bound.sqlAlias, a.logicalName);
  const ci = scalarTypeOf(a) === 'string';
  const lowering = spec.lowering;
  if (c.otherColumn !== undefined) {
    if (spec.columnComparison !== true || lowering.kind !== 'compare') {
      throw fetchXmlError(
        c.loc,
        `The condition operator '${spec.name}' cannot compare with another column (valueof); use eq, ne, gt, ge, lt or le.`,
      );
    }
    return cmp(lowering.op, column, columnOf(c, bound, scope, a), ci);
  }
  if (lowering.kind === 'unsupported')
    throw fetchXmlError(
      c.loc,
      `The condition operator '${spec.name}' is not supported by segmentd: ${lowering.reason}.`,
    );
  if (lowering.kind === 'multiSelect') {
    throw fetchXmlError(
      c.loc,
      `The condition operator '${spec.name}' applies to multi-select choice columns, and '${bound.entity.logicalName}.${a.logicalName}' is not a multi-select choice.`,
    );
  }
  const texts = valueTexts(c, spec);
  const value = (i: number) => typed(c, bound, a, texts[i] ?? { text: '', loc: c.loc });
  switch (lowering.kind) {
    case 'compare':
      return cmp(lowering.op, column, literal(value(0)), ci);
    case 'like':
    case 'affix': {
      requireText(spec, a, bound, c.loc);
      const text = texts[0]?.text ?? '';
      const pattern =
        lowering.kind === 'like' ? text : lowering.position === 'begins' ? `${text}%` : `%${text}`;
      return {
        kind: 'text',
        op: 'like',
        operand: column,
        pattern: lit(pattern, 'string'),
        negated: lowering.negated,
      };
    }
    case 'in': {
      const values = texts.map((_, i) => literal(value(i)));
      return ci
        ? { kind: 'in', operand: column, values, negated: lowering.negated, ci: true }
        : { kind: 'in', operand: column, values, negated: lowering.negated };
    }
    case 'between': {
      const [low, high] = [literal(value(0)), literal(value(1))];
      if (lowering.negated) return or(cmp('<', column, low, ci), cmp('>', column, high, ci));
      return and(cmp('>=', column, low, ci), cmp('<=', column, high, ci)) ?? TRUE;
    }
    case 'null':
      return isNull(column, lowering.negated);
    case 'date':
      return dateCondition(spec, lowering, c, bound, a, texts, column, ctx.utcOffsetMinutes);
    case 'caller':
      return callerCondition(ctx, spec, lowering, c, bound, a, column);
    case 'hierarchy': {
      const t = texts[0] ?? { text: '', loc: c.loc };
      const id = columnValue(bound.entity.attributes.get(bound.entity.primaryIdAttribute) ?? a, t.text);
      if (id === undefined || id.type !== 'guid')
        throw fetchXmlError(
          t.loc,
          `The value '${t.text}' of the '${spec.name}' condition is not a valid Edm.Guid.`,
        );
      return hierarchyCondition(ctx, bound, a, spec.name, lowering.relation, String(id.value), c.loc);
    }
  }
}

function dateCondition(
  spec: OperatorSpec,
  lowering: Extract<OperatorSpec['lowering'], { kind: 'date' }>,
  c: ConditionNode,
  bound: BoundEntity,
  a: AttributeMetadata,
  texts: readonly { text: string; loc: Loc }[],
  column: Expr,
  utcOffsetMinutes: number,
): Expr {
  const type = scalarTypeOf(a);
  if (type !== 'date' && type !== 'datetime') {
    throw fetchXmlError(
      c.loc,
      `The condition operator '${spec.name}' applies to date and time columns, but '${bound.entity.logicalName}.${a.logicalName}' is ${expectedType(a)}.`,
    );
  }
  if (type === 'date' && (lowering.unit === 'hour' || lowering.unit === 'minute')) {
    throw fetchXmlError(
      c.loc,
      `The condition operator '${spec.name}' counts hours or minutes and cannot apply to the date-only column '${bound.entity.logicalName}.${a.logicalName}'.`,
    );
  }
  const t = texts[0];
  let amount = 0;
  let date = '';
  if (t !== undefined && lowering.unit !== undefined) {
    const max = MAX_AMOUNT[lowering.unit];
    const n = amountValue(t.text, max);
    if (n === undefined) {
      throw fetchXmlError(
        t.loc,
        `The value '${t.text}' of the '${spec.name}' condition must be a whole number of ${lowering.unit}s from 0 to ${max}.`,
      );
    }
    amount = n;
  } else if (t !== undefined) {
    const d = dateValue(t.text);
    if (d === undefined)
      throw fetchXmlError(
        t.loc,
        `The value '${t.text}' of the '${spec.name}' condition is not a valid date.`,
      );
    date = d;
  }
  return lowerDateFunction(lowering.fn, column, type, amount, date, utcOffsetMinutes);
}

function callerCondition(
  ctx: LoweringContext,
  spec: OperatorSpec,
  lowering: Extract<OperatorSpec['lowering'], { kind: 'caller' }>,
  c: ConditionNode,
  bound: BoundEntity,
  a: AttributeMetadata,
  column: Expr,
): Expr {
  if (scalarTypeOf(a) !== 'guid') {
    throw fetchXmlError(
      c.loc,
      `The condition operator '${spec.name}' applies to lookup and id columns, but '${bound.entity.logicalName}.${a.logicalName}' is ${expectedType(a)}.`,
    );
  }
  const id = lowering.of === 'user' ? ctx.caller.userId : ctx.caller.businessUnitId;
  if (id === undefined) {
    throw fetchXmlError(
      c.loc,
      `The condition operator '${spec.name}' needs the calling ${lowering.of === 'user' ? 'user' : "user's business unit"}, which this request does not identify.`,
    );
  }
  // As in Dataverse's SQL, ne-userid does not hold for a lookup that is not set.
  return cmp(lowering.negated ? '<>' : '=', column, lit(id.toLowerCase(), 'guid'));
}
