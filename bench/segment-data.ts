/**
 * Bulk data for the segment-query benchmarks, generated inside the database with one
 * `INSERT … SELECT` per table: tens of millions of rows in seconds instead of the hours the record
 * engine would take, and the same rows on every store because the "randomness" is integer
 * arithmetic both stores compute alike (a multiplicative hash of the row number and a salt).
 *
 * Accounts: contacts / 10, a tenth of them under a parent account, skewed employee counts (20 %
 * null). Contacts: skewed cities (30 % Seattle in several spellings … 12 % null), children (30 %
 * null), birthdates 1950–2004 (15 % null), a parent account for 80 %. Interactions: appended in
 * time order over the two years before `BENCH_NOW` (as an append-only log is), skewed types and
 * skewed contacts (a tenth of the contacts get half of them).
 */

export const BENCH_NOW = new Date('2026-11-01T00:00:00Z');

export interface BenchSize {
  contacts: number;
  interactions: number;
}

type Store = 'duckdb' | 'postgres';

/** A uniform number in [0, 1) from the row number `i` and a salt, identical on both stores. */
const u = (i: string, salt: number) =>
  `((((${i}) + ${salt * 1000003}) * 2654435761) % 4294967296) / 4294967296.0`;

/**
 * A version-4-looking id: 32 hashed bits first (real ids are random, and sequential ones would let
 * DuckDB bit-pack the column, which real data never allows), then the entity and the row number.
 */
function uuid(store: Store, prefix: number, i: string): string {
  const hashed = `((((${i}) + ${prefix * 7919}) * 2654435761) % 4294967296)`;
  return store === 'duckdb'
    ? `CAST(printf('%08x-%04x-4000-8000-%012x', ${hashed}, ${prefix}, ${i}) AS UUID)`
    : `CAST(lpad(to_hex(${hashed}), 8, '0') || '-' || lpad(to_hex(${prefix}), 4, '0') || '-4000-8000-' || lpad(to_hex(${i}), 12, '0') AS uuid)`;
}

const series = (store: Store, n: number) =>
  store === 'duckdb' ? `range(1, ${n + 1}) AS g(i)` : `generate_series(CAST(1 AS bigint), ${n}) AS g(i)`;

/** `CASE WHEN x < b1 THEN v1 WHEN x < b2 THEN v2 … ELSE last END` over cumulative bounds. */
function pickBy(x: string, choices: readonly [number, string][], otherwise: string): string {
  let bound = 0;
  const whens = choices.map(([p, v]) => {
    bound += p;
    return `WHEN ${x} < ${bound.toFixed(4)} THEN ${v}`;
  });
  return `CASE ${whens.join(' ')} ELSE ${otherwise} END`;
}

const seconds = (store: Store, n: string) =>
  store === 'duckdb' ? `to_seconds(CAST(${n} AS BIGINT))` : `make_interval(secs => ${n})`;
const days = (store: Store, n: string) =>
  store === 'duckdb' ? `CAST(${n} AS INTEGER)` : `CAST(${n} AS integer)`;

export function generationSql(store: Store, size: BenchSize): string[] {
  const accounts = Math.max(1, Math.floor(size.contacts / 10));
  const ts = store === 'duckdb' ? 'TIMESTAMP' : 'timestamp';
  const start = `${ts} '2024-11-01 00:00:00'`;
  const span = 2 * 365 * 86400;
  const statements: string[] = [];
  statements.push(
    `INSERT INTO "account" ("sd_key", "accountid", "name", "address1_city", "numberofemployees", "parentaccountid", "statecode", "statuscode", "createdon")
     SELECT i, ${uuid(store, 1, 'i')}, 'Account ' || CAST(i AS VARCHAR),
       ${pickBy(
         u('i', 1),
         [
           [0.3, "'Seattle'"],
           [0.15, "'Paris'"],
           [0.1, "'London'"],
           [0.1, "'Berlin'"],
           [0.15, 'NULL'],
         ],
         "'Lyon'",
       )},
       ${pickBy(
         u('i', 2),
         [
           [0.2, 'NULL'],
           [0.3, '5'],
           [0.2, '10'],
           [0.15, '50'],
           [0.1, '200'],
         ],
         '5000',
       )},
       CASE WHEN i > ${Math.ceil(accounts / 10)} AND ${u('i', 3)} < 0.1 THEN ${uuid(store, 1, `1 + (i % ${Math.ceil(accounts / 10)})`)} END,
       0, 1, ${start}
     FROM ${series(store, accounts)}`.replace(/VARCHAR/g, store === 'duckdb' ? 'VARCHAR' : 'text'),
  );
  statements.push(
    `INSERT INTO "contact" ("sd_key", "contactid", "firstname", "lastname", "fullname", "address1_city", "birthdate", "numberofchildren", "donotemail", "parentcustomerid", "parentcustomeridtype", "statecode", "statuscode", "createdon")
     SELECT i, ${uuid(store, 2, 'i')},
       ${pickBy(
         u('i', 4),
         [
           [0.2, "'Ann'"],
           [0.2, "'Bob'"],
           [0.2, "'Carl'"],
           [0.1, 'NULL'],
         ],
         "'Dana'",
       )},
       'Contact' || CAST(i AS VARCHAR), 'Contact ' || CAST(i AS VARCHAR),
       ${pickBy(
         u('i', 5),
         [
           [0.15, "'Seattle'"],
           [0.1, "'seattle'"],
           [0.05, "'SEATTLE'"],
           [0.15, "'Paris'"],
           [0.1, "'London'"],
           [0.12, 'NULL'],
         ],
         "'Berlin'",
       )},
       CASE WHEN ${u('i', 6)} < 0.15 THEN NULL ELSE DATE '1950-01-01' + ${days(store, `floor(${u('i', 7)} * 20000)`)} END,
       CASE WHEN ${u('i', 8)} < 0.3 THEN NULL ELSE CAST(floor(${u('i', 9)} * ${u('i', 9)} * 6) AS INTEGER) END,
       ${u('i', 10)} < 0.2,
       CASE WHEN ${u('i', 11)} < 0.8 THEN ${uuid(store, 1, `1 + CAST(floor(${u('i', 12)} * ${accounts}) AS BIGINT)`)} END,
       CASE WHEN ${u('i', 11)} < 0.8 THEN 'account' END,
       0, 1, ${start}
     FROM ${series(store, size.contacts)}`.replace(/VARCHAR/g, store === 'duckdb' ? 'VARCHAR' : 'text'),
  );
  // Half the interactions go to the first tenth of the contacts.
  const hot = Math.max(1, Math.floor(size.contacts / 10));
  const contactOf = `CASE WHEN ${u('i', 13)} < 0.5 THEN 1 + CAST(floor(${u('i', 14)} * ${hot}) AS BIGINT) ELSE 1 + CAST(floor(${u('i', 15)} * ${size.contacts}) AS BIGINT) END`;
  statements.push(
    `INSERT INTO "interaction" ("sd_key", "interactionid", "interactiontype", "timestamp", "contactid", "emailid", "value", "createdon")
     SELECT i, ${uuid(store, 3, 'i')},
       ${pickBy(
         u('i', 16),
         [
           [0.3, "'EmailSent'"],
           [0.28, "'EmailDelivered'"],
           [0.2, "'EmailOpened'"],
           [0.1, "'EmailClicked'"],
           [0.07, "'FormSubmitted'"],
         ],
         "'EventRegistered'",
       )},
       ${start} + ${seconds(store, `floor((i - 1) * ${span} / ${size.interactions}.0 + ${u('i', 17)} * 60)`)},
       ${uuid(store, 2, contactOf)},
       CASE WHEN ${u('i', 16)} < 0.88 THEN 'E' || CAST(1 + CAST(floor(${u('i', 18)} * 50) AS INTEGER) AS VARCHAR) END,
       NULL,
       ${start}
     FROM ${series(store, size.interactions)}`.replace(/VARCHAR/g, store === 'duckdb' ? 'VARCHAR' : 'text'),
  );
  return statements;
}
