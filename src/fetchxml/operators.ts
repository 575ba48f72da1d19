import type { CompareOp } from '../ir/nodes.ts';
import type { DateUnit } from '../odata/language/query-functions.ts';
import type { DateFunction } from '../odata/language/semantic.ts';

/**
 * Every condition operator of FetchXML (the Fetch.xsd enumeration), with how many values it takes,
 * of which type, and how it lowers to the IR. Operators that need data segmentd does not model
 * (fiscal calendars, teams, user hierarchies, languages, multi-select choices) say why they are
 * refused, and the refusal names the operator.
 */

/** How many values a condition with the operator carries (`value` attribute or `<value>` elements). */
export type ValueCount =
  | { readonly exactly: number }
  /** `in`/`not-in`: one or more. */
  | { readonly atLeast: number };

/**
 * The type of the values: `column` = the condition column's own type; `text` = a string for text
 * matching; `whole` = a whole number (the X of the …-x-… operators); `date` = a calendar date or
 * date-time (on, on-or-before, on-or-after); `id` = a GUID (hierarchy operators).
 */
export type ValueType = 'column' | 'text' | 'whole' | 'date' | 'id';

export type HierarchyRelation = 'under' | 'eq-or-under' | 'not-under' | 'above' | 'eq-or-above';

export type OperatorLowering =
  | { readonly kind: 'compare'; readonly op: CompareOp }
  /** Dataverse LIKE patterns (`%`, `_`, `[…]`, `[^…]`). */
  | { readonly kind: 'like'; readonly negated: boolean }
  /** The value as a pattern prefix or suffix (its wildcards keep working, as in Dataverse). */
  | { readonly kind: 'affix'; readonly position: 'begins' | 'ends'; readonly negated: boolean }
  | { readonly kind: 'in'; readonly negated: boolean }
  | { readonly kind: 'between'; readonly negated: boolean }
  | { readonly kind: 'null'; readonly negated: boolean }
  /** `unit`: what the value counts, for the …-x-… operators. */
  | { readonly kind: 'date'; readonly fn: DateFunction; readonly unit?: DateUnit }
  /** The calling user or their business unit: segmentd's SYSTEM user and root business unit. */
  | { readonly kind: 'caller'; readonly of: 'user' | 'businessUnit'; readonly negated: boolean }
  | { readonly kind: 'hierarchy'; readonly relation: HierarchyRelation }
  | { readonly kind: 'multiSelect'; readonly negated: boolean }
  | { readonly kind: 'unsupported'; readonly reason: string };

export interface OperatorSpec {
  readonly name: string;
  readonly values: ValueCount;
  readonly valueType: ValueType;
  readonly lowering: OperatorLowering;
  /** `valueof` (column-to-column comparison) is allowed. */
  readonly columnComparison?: boolean;
}

const none: ValueCount = { exactly: 0 };
const one: ValueCount = { exactly: 1 };

const compare = (name: string, op: CompareOp): OperatorSpec => ({
  name,
  values: one,
  valueType: 'column',
  lowering: { kind: 'compare', op },
  columnComparison: true,
});

const relative = (name: string, fn: DateFunction): OperatorSpec => ({
  name,
  values: none,
  valueType: 'column',
  lowering: { kind: 'date', fn },
});

const relativeX = (name: string, fn: DateFunction, unit: DateUnit): OperatorSpec => ({
  name,
  values: one,
  valueType: 'whole',
  lowering: { kind: 'date', fn, unit },
});

const FISCAL = "fiscal periods depend on the organization's fiscal calendar, which segmentd does not model";
const TEAMS = 'teams are not modelled by segmentd';
const USER_HIERARCHY = 'the user hierarchy (managers and their reports) is not modelled by segmentd';

const unsupported = (name: string, reason: string, values: ValueCount = none): OperatorSpec => ({
  name,
  values,
  valueType: 'column',
  lowering: { kind: 'unsupported', reason },
});

const SPECS: readonly OperatorSpec[] = [
  compare('eq', '='),
  compare('ne', '<>'),
  compare('neq', '<>'),
  compare('gt', '>'),
  compare('ge', '>='),
  compare('lt', '<'),
  compare('le', '<='),
  { name: 'like', values: one, valueType: 'text', lowering: { kind: 'like', negated: false } },
  { name: 'not-like', values: one, valueType: 'text', lowering: { kind: 'like', negated: true } },
  {
    name: 'begins-with',
    values: one,
    valueType: 'text',
    lowering: { kind: 'affix', position: 'begins', negated: false },
  },
  {
    name: 'not-begin-with',
    values: one,
    valueType: 'text',
    lowering: { kind: 'affix', position: 'begins', negated: true },
  },
  {
    name: 'ends-with',
    values: one,
    valueType: 'text',
    lowering: { kind: 'affix', position: 'ends', negated: false },
  },
  {
    name: 'not-end-with',
    values: one,
    valueType: 'text',
    lowering: { kind: 'affix', position: 'ends', negated: true },
  },
  { name: 'in', values: { atLeast: 1 }, valueType: 'column', lowering: { kind: 'in', negated: false } },
  { name: 'not-in', values: { atLeast: 1 }, valueType: 'column', lowering: { kind: 'in', negated: true } },
  {
    name: 'between',
    values: { exactly: 2 },
    valueType: 'column',
    lowering: { kind: 'between', negated: false },
  },
  {
    name: 'not-between',
    values: { exactly: 2 },
    valueType: 'column',
    lowering: { kind: 'between', negated: true },
  },
  { name: 'null', values: none, valueType: 'column', lowering: { kind: 'null', negated: false } },
  { name: 'not-null', values: none, valueType: 'column', lowering: { kind: 'null', negated: true } },
  relative('yesterday', 'Yesterday'),
  relative('today', 'Today'),
  relative('tomorrow', 'Tomorrow'),
  relative('last-seven-days', 'Last7Days'),
  relative('next-seven-days', 'Next7Days'),
  relative('last-week', 'LastWeek'),
  relative('this-week', 'ThisWeek'),
  relative('next-week', 'NextWeek'),
  relative('last-month', 'LastMonth'),
  relative('this-month', 'ThisMonth'),
  relative('next-month', 'NextMonth'),
  relative('last-year', 'LastYear'),
  relative('this-year', 'ThisYear'),
  relative('next-year', 'NextYear'),
  { name: 'on', values: one, valueType: 'date', lowering: { kind: 'date', fn: 'On' } },
  {
    name: 'on-or-before',
    values: one,
    valueType: 'date',
    lowering: { kind: 'date', fn: 'OnOrBefore' },
  },
  {
    name: 'on-or-after',
    values: one,
    valueType: 'date',
    lowering: { kind: 'date', fn: 'OnOrAfter' },
  },
  relativeX('last-x-hours', 'LastXHours', 'hour'),
  relativeX('next-x-hours', 'NextXHours', 'hour'),
  relativeX('last-x-days', 'LastXDays', 'day'),
  relativeX('next-x-days', 'NextXDays', 'day'),
  relativeX('last-x-weeks', 'LastXWeeks', 'week'),
  relativeX('next-x-weeks', 'NextXWeeks', 'week'),
  relativeX('last-x-months', 'LastXMonths', 'month'),
  relativeX('next-x-months', 'NextXMonths', 'month'),
  relativeX('last-x-years', 'LastXYears', 'year'),
  relativeX('next-x-years', 'NextXYears', 'year'),
  relativeX('olderthan-x-minutes', 'OlderThanXMinutes', 'minute'),
  relativeX('olderthan-x-hours', 'OlderThanXHours', 'hour'),
  relativeX('olderthan-x-days', 'OlderThanXDays', 'day'),
  relativeX('olderthan-x-weeks', 'OlderThanXWeeks', 'week'),
  relativeX('olderthan-x-months', 'OlderThanXMonths', 'month'),
  relativeX('olderthan-x-years', 'OlderThanXYears', 'year'),
  {
    name: 'eq-userid',
    values: none,
    valueType: 'column',
    lowering: { kind: 'caller', of: 'user', negated: false },
  },
  {
    name: 'ne-userid',
    values: none,
    valueType: 'column',
    lowering: { kind: 'caller', of: 'user', negated: true },
  },
  {
    name: 'eq-businessid',
    values: none,
    valueType: 'column',
    lowering: { kind: 'caller', of: 'businessUnit', negated: false },
  },
  {
    name: 'ne-businessid',
    values: none,
    valueType: 'column',
    lowering: { kind: 'caller', of: 'businessUnit', negated: true },
  },
  unsupported('eq-userteams', TEAMS),
  unsupported('eq-useroruserteams', TEAMS),
  unsupported('eq-useroruserhierarchy', USER_HIERARCHY),
  unsupported('eq-useroruserhierarchyandteams', USER_HIERARCHY),
  unsupported('eq-userlanguage', 'user language settings are not modelled by segmentd'),
  unsupported('this-fiscal-year', FISCAL),
  unsupported('this-fiscal-period', FISCAL),
  unsupported('next-fiscal-year', FISCAL),
  unsupported('next-fiscal-period', FISCAL),
  unsupported('last-fiscal-year', FISCAL),
  unsupported('last-fiscal-period', FISCAL),
  unsupported('last-x-fiscal-years', FISCAL, one),
  unsupported('last-x-fiscal-periods', FISCAL, one),
  unsupported('next-x-fiscal-years', FISCAL, one),
  unsupported('next-x-fiscal-periods', FISCAL, one),
  unsupported('in-fiscal-year', FISCAL, one),
  unsupported('in-fiscal-period', FISCAL, one),
  unsupported('in-fiscal-period-and-year', FISCAL, { exactly: 2 }),
  unsupported('in-or-before-fiscal-period-and-year', FISCAL, { exactly: 2 }),
  unsupported('in-or-after-fiscal-period-and-year', FISCAL, { exactly: 2 }),
  { name: 'under', values: one, valueType: 'id', lowering: { kind: 'hierarchy', relation: 'under' } },
  {
    name: 'eq-or-under',
    values: one,
    valueType: 'id',
    lowering: { kind: 'hierarchy', relation: 'eq-or-under' },
  },
  { name: 'not-under', values: one, valueType: 'id', lowering: { kind: 'hierarchy', relation: 'not-under' } },
  { name: 'above', values: one, valueType: 'id', lowering: { kind: 'hierarchy', relation: 'above' } },
  {
    name: 'eq-or-above',
    values: one,
    valueType: 'id',
    lowering: { kind: 'hierarchy', relation: 'eq-or-above' },
  },
  {
    name: 'contain-values',
    values: { atLeast: 1 },
    valueType: 'column',
    lowering: { kind: 'multiSelect', negated: false },
  },
  {
    name: 'not-contain-values',
    values: { atLeast: 1 },
    valueType: 'column',
    lowering: { kind: 'multiSelect', negated: true },
  },
];

/** The operators by name, lower case. */
export const OPERATORS: ReadonlyMap<string, OperatorSpec> = new Map(SPECS.map((s) => [s.name, s]));

/** The operator a condition names; FetchXML writes them in lower case, other cases are accepted. */
export function operatorNamed(name: string): OperatorSpec | undefined {
  return OPERATORS.get(name) ?? OPERATORS.get(name.toLowerCase());
}
