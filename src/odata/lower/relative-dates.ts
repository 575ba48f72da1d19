import { and, cmp, lit } from '../../ir/build.ts';
import type { DatePart, Expr } from '../../ir/nodes.ts';
import type { DateFunction } from '../language/semantic.ts';

/**
 * The date query functions as IR over the statement's `now`: each becomes a range `[from, to)` or
 * `[from, to]` on the column. Day-based functions start at midnight (`dateTrunc(day, now)`); weeks
 * start on Sunday, as in Dataverse. For date-only columns the bounds are cast to dates, so `Today`
 * on a birthday is `birthdate = today`-like.
 *
 * Days, weeks, months and years are those of a time zone `utcOffsetMinutes` east of UTC (default
 * UTC): the periods are found on the local clock (`now + offset`) and their bounds turned back into
 * UTC instants (`- offset`) for date-time columns, which keeps the comparison on the bare column.
 */

interface Range {
  from?: Expr;
  to?: Expr;
  /** `to` is included (`<=`) rather than excluded (`<`). */
  toInclusive?: boolean;
}

const trunc = (part: DatePart, e: Expr): Expr => ({ kind: 'dateTrunc', part, operand: e });
const add = (part: DatePart, amount: number, e: Expr): Expr =>
  amount === 0 ? e : { kind: 'dateAdd', part, amount: lit(amount, 'integer'), operand: e };

/** `[trunc(now, part) + offset, trunc(now, part) + offset + 1)` in units of `part`. */
function period(now: Expr, part: 'week' | 'month' | 'year', offset: number): Range {
  const start = trunc(part, now);
  return { from: add(part, offset, start), to: add(part, offset + 1, start) };
}

function dayOf(date: string): Date {
  return new Date(`${date}T00:00:00Z`);
}

function nextDay(date: string): string {
  const d = dayOf(date);
  d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString().slice(0, 10);
}

/** The range on the local clock whose `now` is `now`. */
function relativeRange(fn: DateFunction, n: number, now: Expr): Range {
  const today = trunc('day', now);
  switch (fn) {
    case 'Today':
      return { from: today, to: add('day', 1, today) };
    case 'Yesterday':
      return { from: add('day', -1, today), to: today };
    case 'Tomorrow':
      return { from: add('day', 1, today), to: add('day', 2, today) };
    case 'Last7Days':
      return relativeRange('LastXDays', 7, now);
    case 'Next7Days':
      return relativeRange('NextXDays', 7, now);
    case 'LastWeek':
      return period(now, 'week', -1);
    case 'ThisWeek':
      return period(now, 'week', 0);
    case 'NextWeek':
      return period(now, 'week', 1);
    case 'LastMonth':
      return period(now, 'month', -1);
    case 'ThisMonth':
      return period(now, 'month', 0);
    case 'NextMonth':
      return period(now, 'month', 1);
    case 'LastYear':
      return period(now, 'year', -1);
    case 'ThisYear':
      return period(now, 'year', 0);
    case 'NextYear':
      return period(now, 'year', 1);
    case 'LastXHours':
      return { from: add('hour', -n, now), to: now, toInclusive: true };
    case 'NextXHours':
      return { from: now, to: add('hour', n, now), toInclusive: true };
    case 'LastXDays':
      return { from: add('day', -n, today), to: now, toInclusive: true };
    case 'NextXDays':
      return { from: now, to: add('day', n + 1, today) };
    case 'LastXWeeks':
      return { from: add('day', -7 * n, today), to: now, toInclusive: true };
    case 'NextXWeeks':
      return { from: now, to: add('day', 7 * n + 1, today) };
    case 'LastXMonths':
      return { from: add('month', -n, today), to: now, toInclusive: true };
    case 'NextXMonths':
      return { from: now, to: add('day', 1, add('month', n, today)) };
    case 'LastXYears':
      return { from: add('year', -n, today), to: now, toInclusive: true };
    case 'NextXYears':
      return { from: now, to: add('day', 1, add('year', n, today)) };
    case 'OlderThanXMinutes':
      return { to: add('minute', -n, now) };
    case 'OlderThanXHours':
      return { to: add('hour', -n, now) };
    case 'OlderThanXDays':
      return { to: add('day', -n, today) };
    case 'OlderThanXWeeks':
      return { to: add('day', -7 * n, today) };
    case 'OlderThanXMonths':
      return { to: add('month', -n, today) };
    case 'OlderThanXYears':
      return { to: add('year', -n, today) };
    case 'On':
    case 'OnOrAfter':
    case 'OnOrBefore':
      return {};
  }
}

/** Local calendar days; `toUtc` turns a local instant into the UTC one. */
function absoluteRange(
  fn: 'On' | 'OnOrAfter' | 'OnOrBefore',
  date: string,
  column: 'date' | 'datetime',
  toUtc: (e: Expr) => Expr,
): Range {
  if (column === 'date') {
    const d = lit(date, 'date');
    if (fn === 'On') return { from: d, to: d, toInclusive: true };
    return fn === 'OnOrAfter' ? { from: d } : { to: d, toInclusive: true };
  }
  const start = toUtc(lit(`${date}T00:00:00Z`, 'datetime'));
  const end = toUtc(lit(`${nextDay(date)}T00:00:00Z`, 'datetime'));
  if (fn === 'On') return { from: start, to: end };
  return fn === 'OnOrAfter' ? { from: start } : { to: end };
}

/**
 * The condition of a date query function on `operand` (a column of type `column`). `amount` is
 * the X of the …X… functions; `date` (`YYYY-MM-DD`) the value of On/OnOrAfter/OnOrBefore;
 * `utcOffsetMinutes` the time zone whose days count.
 */
export function lowerDateFunction(
  fn: DateFunction,
  operand: Expr,
  column: 'date' | 'datetime',
  amount = 0,
  date = '',
  utcOffsetMinutes = 0,
): Expr {
  const absolute = fn === 'On' || fn === 'OnOrAfter' || fn === 'OnOrBefore';
  const toUtc = (e: Expr): Expr => add('minute', -utcOffsetMinutes, e);
  const localNow = add('minute', utcOffsetMinutes, { kind: 'now' });
  const range = absolute ? absoluteRange(fn, date, column, toUtc) : relativeRange(fn, amount, localNow);
  // Relative bounds are local date-times: a date-only column compares with their calendar date,
  // a date-time column with the UTC instant.
  const bound = (e: Expr): Expr =>
    absolute ? e : column === 'date' ? { kind: 'cast', operand: e, type: 'date' } : toUtc(e);
  if (absolute && fn === 'On' && column === 'date' && range.from !== undefined)
    return cmp('=', operand, range.from);
  const parts: Expr[] = [];
  if (range.from !== undefined) parts.push(cmp('>=', operand, bound(range.from)));
  if (range.to !== undefined)
    parts.push(cmp(range.toInclusive === true ? '<=' : '<', operand, bound(range.to)));
  return and(...parts) ?? lit(true, 'boolean');
}
