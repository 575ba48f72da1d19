/**
 * Conversions of literal text to normalised IR values (see `Value` in src/ir/nodes.ts): GUIDs
 * lower-case, dates `YYYY-MM-DD`, date-times `YYYY-MM-DDTHH:MM:SSZ` in UTC. Each returns
 * `undefined` for text that has the right shape but is not a real value (Feb 30, hour 25).
 */

export const GUID_PATTERN = /^[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}$/;

export function parseGuid(text: string): string | undefined {
  return GUID_PATTERN.test(text) ? text.toLowerCase() : undefined;
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATETIME =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,12}))?)?(Z|[+-]\d{2}:\d{2})?$/;

function daysInMonth(year: number, month: number): number {
  return (
    [
      31,
      year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28,
      31,
      30,
      31,
      30,
      31,
      31,
      30,
      31,
      30,
      31,
    ][month - 1] ?? 0
  );
}

function validDate(y: number, m: number, d: number): boolean {
  return y >= 1 && m >= 1 && m <= 12 && d >= 1 && d <= daysInMonth(y, m);
}

/** `2020-02-29` → `2020-02-29`; `2021-02-29` → undefined. */
export function parseDate(text: string): string | undefined {
  const m = DATE.exec(text);
  if (m === null) return undefined;
  return validDate(Number(m[1]), Number(m[2]), Number(m[3])) ? text : undefined;
}

/**
 * `2020-01-01T10:00:00+02:00` → `2020-01-01T08:00:00Z`. Fractional seconds are dropped (stores
 * keep second precision); a missing zone means UTC.
 */
export function parseDateTime(text: string): string | undefined {
  const m = DATETIME.exec(text);
  if (m === null) return undefined;
  const [y, mo, d, h, mi] = [1, 2, 3, 4, 5].map((i) => Number(m[i])) as [
    number,
    number,
    number,
    number,
    number,
  ];
  const s = m[6] === undefined ? 0 : Number(m[6]);
  if (!validDate(y, mo, d) || h > 23 || mi > 59 || s > 59) return undefined;
  let offsetMinutes = 0;
  const zone = m[8];
  if (zone !== undefined && zone !== 'Z') {
    const oh = Number(zone.slice(1, 3));
    const om = Number(zone.slice(4, 6));
    if (oh > 14 || om > 59) return undefined;
    offsetMinutes = (zone.startsWith('-') ? -1 : 1) * (oh * 60 + om);
  }
  const date = new Date(0);
  // setUTCFullYear, unlike Date.UTC, does not map years 0–99 to 1900–1999.
  date.setUTCFullYear(y, mo - 1, d);
  date.setUTCHours(h, mi - offsetMinutes, s, 0);
  const year = date.getUTCFullYear();
  if (year < 1 || year > 9999) return undefined;
  return formatDateTime(date);
}

/** Formats an instant as the IR's datetime text (UTC, second precision). */
export function formatDateTime(date: Date): string {
  const pad = (n: number, w = 2) => String(n).padStart(w, '0');
  return (
    `${pad(date.getUTCFullYear(), 4)}-${pad(date.getUTCMonth() + 1)}-${pad(date.getUTCDate())}` +
    `T${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())}Z`
  );
}

/** The calendar date (UTC) of a normalised datetime. */
export const datePartOf = (datetime: string): string => datetime.slice(0, 10);
