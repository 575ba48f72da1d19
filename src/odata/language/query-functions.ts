import type { DateFunction } from './semantic.ts';

/**
 * The Dataverse Web API query functions (`Microsoft.Dynamics.CRM.<Name>(PropertyName=…, …)`),
 * as listed in the Web API Query Function Reference. Each says which parameters it takes and how
 * segmentd evaluates it; the few that need data segmentd does not model (fiscal calendars,
 * hierarchies, teams) say why they are refused.
 */

export type QueryFunctionParameters = 'none' | 'value' | 'values';

export type QueryFunctionSpec =
  | { readonly kind: 'in' | 'notIn'; readonly parameters: 'values' }
  | { readonly kind: 'between' | 'notBetween'; readonly parameters: 'values' }
  /** On/OnOrAfter/OnOrBefore take a date; the …X… functions a count; the rest nothing. */
  | {
      readonly kind: 'date';
      readonly fn: DateFunction;
      readonly parameters: QueryFunctionParameters;
      readonly unit?: DateUnit;
    }
  /** Dataverse's full-text Contains; segmentd matches it like OData `contains`. */
  | { readonly kind: 'contains'; readonly parameters: 'value' }
  | {
      readonly kind: 'caller';
      readonly of: 'user' | 'businessUnit';
      readonly negated: boolean;
      readonly parameters: 'none';
    }
  /** ContainValues/DoesNotContainValues need a multi-select choice column, which the model has none of. */
  | { readonly kind: 'multiSelect'; readonly parameters: 'values' }
  | { readonly kind: 'unsupported'; readonly reason: string; readonly parameters: QueryFunctionParameters };

export type DateUnit = 'minute' | 'hour' | 'day' | 'week' | 'month' | 'year';

const date = (fn: DateFunction, unit?: DateUnit): QueryFunctionSpec =>
  unit === undefined
    ? { kind: 'date', fn, parameters: 'none' }
    : { kind: 'date', fn, parameters: 'value', unit };

const FISCAL = "fiscal periods depend on the organisation's fiscal calendar, which segmentd does not model";
const HIERARCHY = 'hierarchical relationships are not modelled by segmentd';
const TEAMS = 'teams are not modelled by segmentd';

export const QUERY_FUNCTIONS: ReadonlyMap<string, QueryFunctionSpec> = new Map<string, QueryFunctionSpec>([
  ['In', { kind: 'in', parameters: 'values' }],
  ['NotIn', { kind: 'notIn', parameters: 'values' }],
  ['Between', { kind: 'between', parameters: 'values' }],
  ['NotBetween', { kind: 'notBetween', parameters: 'values' }],
  ['On', { kind: 'date', fn: 'On', parameters: 'value' }],
  ['OnOrAfter', { kind: 'date', fn: 'OnOrAfter', parameters: 'value' }],
  ['OnOrBefore', { kind: 'date', fn: 'OnOrBefore', parameters: 'value' }],
  ['Today', date('Today')],
  ['Yesterday', date('Yesterday')],
  ['Tomorrow', date('Tomorrow')],
  ['Last7Days', date('Last7Days')],
  ['Next7Days', date('Next7Days')],
  ['LastWeek', date('LastWeek')],
  ['ThisWeek', date('ThisWeek')],
  ['NextWeek', date('NextWeek')],
  ['LastMonth', date('LastMonth')],
  ['ThisMonth', date('ThisMonth')],
  ['NextMonth', date('NextMonth')],
  ['LastYear', date('LastYear')],
  ['ThisYear', date('ThisYear')],
  ['NextYear', date('NextYear')],
  ['LastXHours', date('LastXHours', 'hour')],
  ['NextXHours', date('NextXHours', 'hour')],
  ['LastXDays', date('LastXDays', 'day')],
  ['NextXDays', date('NextXDays', 'day')],
  ['LastXWeeks', date('LastXWeeks', 'week')],
  ['NextXWeeks', date('NextXWeeks', 'week')],
  ['LastXMonths', date('LastXMonths', 'month')],
  ['NextXMonths', date('NextXMonths', 'month')],
  ['LastXYears', date('LastXYears', 'year')],
  ['NextXYears', date('NextXYears', 'year')],
  ['OlderThanXMinutes', date('OlderThanXMinutes', 'minute')],
  ['OlderThanXHours', date('OlderThanXHours', 'hour')],
  ['OlderThanXDays', date('OlderThanXDays', 'day')],
  ['OlderThanXWeeks', date('OlderThanXWeeks', 'week')],
  ['OlderThanXMonths', date('OlderThanXMonths', 'month')],
  ['OlderThanXYears', date('OlderThanXYears', 'year')],
  ['Contains', { kind: 'contains', parameters: 'value' }],
  ['EqualUserId', { kind: 'caller', of: 'user', negated: false, parameters: 'none' }],
  ['NotEqualUserId', { kind: 'caller', of: 'user', negated: true, parameters: 'none' }],
  ['EqualBusinessId', { kind: 'caller', of: 'businessUnit', negated: false, parameters: 'none' }],
  ['NotEqualBusinessId', { kind: 'caller', of: 'businessUnit', negated: true, parameters: 'none' }],
  ['ContainValues', { kind: 'multiSelect', parameters: 'values' }],
  ['DoesNotContainValues', { kind: 'multiSelect', parameters: 'values' }],
  ['InFiscalYear', { kind: 'unsupported', reason: FISCAL, parameters: 'value' }],
  ['InFiscalPeriod', { kind: 'unsupported', reason: FISCAL, parameters: 'value' }],
  ['InFiscalPeriodAndYear', { kind: 'unsupported', reason: FISCAL, parameters: 'value' }],
  ['InOrBeforeFiscalPeriodAndYear', { kind: 'unsupported', reason: FISCAL, parameters: 'value' }],
  ['InOrAfterFiscalPeriodAndYear', { kind: 'unsupported', reason: FISCAL, parameters: 'value' }],
  ['ThisFiscalYear', { kind: 'unsupported', reason: FISCAL, parameters: 'none' }],
  ['ThisFiscalPeriod', { kind: 'unsupported', reason: FISCAL, parameters: 'none' }],
  ['NextFiscalYear', { kind: 'unsupported', reason: FISCAL, parameters: 'none' }],
  ['NextFiscalPeriod', { kind: 'unsupported', reason: FISCAL, parameters: 'none' }],
  ['LastFiscalYear', { kind: 'unsupported', reason: FISCAL, parameters: 'none' }],
  ['LastFiscalPeriod', { kind: 'unsupported', reason: FISCAL, parameters: 'none' }],
  ['LastXFiscalYears', { kind: 'unsupported', reason: FISCAL, parameters: 'value' }],
  ['LastXFiscalPeriods', { kind: 'unsupported', reason: FISCAL, parameters: 'value' }],
  ['NextXFiscalYears', { kind: 'unsupported', reason: FISCAL, parameters: 'value' }],
  ['NextXFiscalPeriods', { kind: 'unsupported', reason: FISCAL, parameters: 'value' }],
  ['Above', { kind: 'unsupported', reason: HIERARCHY, parameters: 'value' }],
  ['AboveOrEqual', { kind: 'unsupported', reason: HIERARCHY, parameters: 'value' }],
  ['Under', { kind: 'unsupported', reason: HIERARCHY, parameters: 'value' }],
  ['UnderOrEqual', { kind: 'unsupported', reason: HIERARCHY, parameters: 'value' }],
  ['NotUnder', { kind: 'unsupported', reason: HIERARCHY, parameters: 'value' }],
  ['EqualUserOrUserHierarchy', { kind: 'unsupported', reason: HIERARCHY, parameters: 'none' }],
  ['EqualUserOrUserHierarchyAndTeams', { kind: 'unsupported', reason: HIERARCHY, parameters: 'none' }],
  ['EqualUserOrUserTeams', { kind: 'unsupported', reason: TEAMS, parameters: 'none' }],
  ['EqualUserTeams', { kind: 'unsupported', reason: TEAMS, parameters: 'none' }],
  [
    'EqualUserLanguage',
    {
      kind: 'unsupported',
      reason: 'user language settings are not modelled by segmentd',
      parameters: 'none',
    },
  ],
  [
    'EqualRoleBusinessId',
    { kind: 'unsupported', reason: 'security roles are not modelled by segmentd', parameters: 'none' },
  ],
]);

/**
 * FetchXML operators and SDK condition names that clients try as Web API functions, though
 * Dataverse has no such function; the hint names what to write instead.
 */
export const NOT_A_QUERY_FUNCTION: ReadonlyMap<string, string> = new Map([
  [
    'Like',
    "use contains(), startswith() or endswith(); their text may hold the wildcards '%', '_' and '[...]'",
  ],
  ['NotLike', 'use not contains(...), not startswith(...) or not endswith(...)'],
  ['BeginsWith', "use startswith(property,'text')"],
  ['DoesNotBeginWith', "use not startswith(property,'text')"],
  ['EndsWith', "use endswith(property,'text')"],
  ['DoesNotEndWith', "use not endswith(property,'text')"],
  ['DoesNotContain', "use not contains(property,'text')"],
  ['Equal', "use the 'eq' operator"],
  ['NotEqual', "use the 'ne' operator"],
  ['Null', "use 'property eq null'"],
  ['NotNull', "use 'property ne null'"],
  ['GreaterThan', "use the 'gt' operator"],
  ['LessThan', "use the 'lt' operator"],
]);

/** The namespaces a query function may be qualified with. */
export const QUERY_FUNCTION_NAMESPACES: readonly string[] = ['Microsoft.Dynamics.CRM', 'mscrm'];

/** Largest `PropertyValue` per unit: keeps every computed date within years 1–9999. */
export const MAX_AMOUNT: Readonly<Record<DateUnit, number>> = {
  minute: 2147483647,
  hour: 87_600_000,
  day: 3_650_000,
  week: 521_000,
  month: 119_988,
  year: 9999,
};
