import assert from 'node:assert/strict';
import { test } from 'node:test';
import { duckdbDialect } from '../../src/dialect/duckdb/duckdb-dialect.ts';
import { postgresDialect } from '../../src/dialect/postgres/postgres-dialect.ts';
import { and, attrRef, cmp, entitySource, exists, isNull, keyRef, lit, select } from '../../src/ir/build.ts';
import type { Expr, Mutation, RelQuery, SelectQuery } from '../../src/ir/nodes.ts';
import { builtinEntities } from '../../src/metadata/schema-file.ts';
import { Schema } from '../../src/metadata/schema.ts';
import { SqlCompiler } from '../../src/sql/compiler.ts';
import type { SqlParam } from '../../src/sql/parameter-value.ts';

/** Golden tests: the exact SQL and parameters each dialect compiles representative IR to. */

const schema = new Schema(builtinEntities());
const compilers = {
  duckdb: new SqlCompiler(schema, duckdbDialect),
  postgres: new SqlCompiler(schema, postgresDialect),
};

const c = (attribute: string): Expr => attrRef('c', attribute);
const col = (column: string): Expr => ({ kind: 'column', source: 's', column });
const ids = (where: Expr): SelectQuery =>
  select(entitySource('contact', 'c'), [{ expr: c('contactid'), as: 'id' }], { where });

type Expected = Record<keyof typeof compilers, [sql: string, params: SqlParam[]]>;

function golden(title: string, node: RelQuery | Mutation, expected: Expected): void {
  for (const [name, compiler] of Object.entries(compilers)) {
    test(`${title} (${name})`, () => {
      const [sql, params] = expected[name as keyof typeof compilers];
      assert.deepEqual(compiler.compile(node), { sql, params });
    });
  }
}

golden(
  'a filter with a case-insensitive compare and in, string ordering, limit and offset',
  select(
    entitySource('contact', 'c'),
    [
      { expr: c('contactid'), as: 'contactid' },
      { expr: c('fullname'), as: 'Full Name' },
    ],
    {
      where: and(
        cmp('=', c('lastname'), lit('Smith', 'string'), true),
        cmp('>=', c('createdon'), lit('2020-01-01T00:00:00Z', 'datetime')),
        {
          kind: 'in',
          operand: c('address1_city'),
          values: [lit('Paris', 'string'), lit('Rome', 'string')],
          negated: false,
          ci: true,
        },
      ),
      orderBy: [
        { expr: c('lastname'), direction: 'asc' },
        { expr: c('createdon'), direction: 'desc' },
      ],
      limit: 10,
      offset: 20,
    },
  ),
  {
    duckdb: [
      String.raw`SELECT "c"."contactid" AS "contactid", "c"."fullname" AS "Full Name" FROM "contact" AS "c" WHERE ((lower("c"."lastname") = lower(CAST($1 AS VARCHAR))) AND ("c"."createdon" >= CAST($2 AS TIMESTAMP)) AND (lower("c"."address1_city") IN (lower(CAST($3 AS VARCHAR)), lower(CAST($4 AS VARCHAR))))) ORDER BY lower("c"."lastname") ASC NULLS FIRST, "c"."createdon" DESC NULLS LAST LIMIT 10 OFFSET 20`,
      ['Smith', '2020-01-01 00:00:00', 'Paris', 'Rome'],
    ],
    postgres: [
      String.raw`SELECT "c"."contactid" AS "contactid", "c"."fullname" AS "Full Name" FROM "contact" AS "c" WHERE ((lower("c"."lastname") = lower(CAST($1 AS text))) AND ("c"."createdon" >= CAST($2 AS timestamp)) AND (lower("c"."address1_city") IN (lower(CAST($3 AS text)), lower(CAST($4 AS text))))) ORDER BY (lower("c"."lastname")) COLLATE "C" ASC NULLS FIRST, "c"."createdon" DESC NULLS LAST LIMIT 10 OFFSET 20`,
      ['Smith', '2020-01-01 00:00:00', 'Paris', 'Rome'],
    ],
  },
);

golden(
  'text operators: escaped literal, column pattern, LIKE and a bracket pattern as a regex',
  select(entitySource('contact', 'c'), [{ expr: keyRef('c'), as: 'k' }], {
    where: and(
      {
        kind: 'text',
        op: 'contains',
        operand: c('emailaddress1'),
        pattern: lit('50%_off\\', 'string'),
        negated: false,
      },
      { kind: 'text', op: 'startsWith', operand: c('firstname'), pattern: c('lastname'), negated: true },
      { kind: 'text', op: 'like', operand: c('lastname'), pattern: lit('Sm_th%', 'string'), negated: false },
      {
        kind: 'text',
        op: 'like',
        operand: c('lastname'),
        pattern: lit('[a-c]%[^x].', 'string'),
        negated: false,
      },
    ),
  }),
  {
    duckdb: [
      String.raw`SELECT "c"."sd_key" AS "k" FROM "contact" AS "c" WHERE ((lower("c"."emailaddress1") LIKE lower(CAST($1 AS VARCHAR)) ESCAPE '\') AND (NOT (lower("c"."firstname") LIKE lower(replace(replace(replace("c"."lastname", '\', '\\'), '%', '\%'), '_', '\_') || '%') ESCAPE '\')) AND (lower("c"."lastname") LIKE lower(CAST($2 AS VARCHAR)) ESCAPE '\') AND regexp_full_match(lower("c"."lastname"), lower(CAST($3 AS VARCHAR))))`,
      [String.raw`%50\%\_off\\%`, 'Sm_th%', String.raw`(?s)[a-c].*[^x]\.`],
    ],
    postgres: [
      String.raw`SELECT "c"."sd_key" AS "k" FROM "contact" AS "c" WHERE ((lower("c"."emailaddress1") LIKE lower(CAST($1 AS text)) ESCAPE '\') AND (NOT (lower("c"."firstname") LIKE lower(replace(replace(replace("c"."lastname", '\', '\\'), '%', '\%'), '_', '\_') || '%') ESCAPE '\')) AND (lower("c"."lastname") LIKE lower(CAST($2 AS text)) ESCAPE '\') AND (lower("c"."lastname") ~ lower(CAST($3 AS text))))`,
      [String.raw`%50\%\_off\\%`, 'Sm_th%', String.raw`^(?:[a-c].*[^x]\.)$`],
    ],
  },
);

golden(
  'correlated exists and not exists',
  select(entitySource('account', 'a'), [{ expr: attrRef('a', 'name'), as: 'name' }], {
    where: and(
      exists(
        select(entitySource('contact', 'c'), [], {
          where: cmp('=', c('parentcustomerid'), attrRef('a', 'accountid')),
        }),
      ),
      exists(
        select(entitySource('contact', 'c'), [], {
          where: and(
            cmp('=', c('parentcustomerid'), attrRef('a', 'accountid')),
            cmp('=', c('statecode'), lit(1, 'integer')),
          ),
        }),
        true,
      ),
    ),
  }),
  {
    duckdb: [
      String.raw`SELECT "a"."name" AS "name" FROM "account" AS "a" WHERE ((COALESCE("a"."accountid" IN (SELECT "c"."parentcustomerid" AS "sd_semi" FROM "contact" AS "c" WHERE (("c"."parentcustomerid" IS NOT NULL))), FALSE)) AND (NOT (COALESCE("a"."accountid" IN (SELECT "c"."parentcustomerid" AS "sd_semi" FROM "contact" AS "c" WHERE (("c"."statecode" = CAST($1 AS INTEGER)) AND ("c"."parentcustomerid" IS NOT NULL))), FALSE))))`,
      [1],
    ],
    postgres: [
      String.raw`SELECT "a"."name" AS "name" FROM "account" AS "a" WHERE ((EXISTS (SELECT 1 FROM "contact" AS "c" WHERE ("c"."parentcustomerid" = "a"."accountid"))) AND (NOT EXISTS (SELECT 1 FROM "contact" AS "c" WHERE (("c"."parentcustomerid" = "a"."accountid") AND ("c"."statecode" = CAST($1 AS integer))))))`,
      [1],
    ],
  },
);

golden(
  'nested set operations; an operand with its own order and limit is parenthesised',
  {
    kind: 'setop',
    op: 'except',
    left: {
      kind: 'setop',
      op: 'union',
      left: ids(cmp('=', c('firstname'), lit('A', 'string'))),
      right: ids(cmp('=', c('lastname'), lit('B', 'string'))),
    },
    right: {
      ...ids(isNull(c('emailaddress1'))),
      orderBy: [{ expr: c('contactid'), direction: 'asc' }],
      limit: 5,
    },
  },
  {
    duckdb: [
      String.raw`(SELECT "c"."contactid" AS "id" FROM "contact" AS "c" WHERE ("c"."firstname" = CAST($1 AS VARCHAR)) UNION SELECT "c"."contactid" AS "id" FROM "contact" AS "c" WHERE ("c"."lastname" = CAST($2 AS VARCHAR))) EXCEPT (SELECT "c"."contactid" AS "id" FROM "contact" AS "c" WHERE ("c"."emailaddress1" IS NULL) ORDER BY "c"."contactid" ASC NULLS FIRST LIMIT 5)`,
      ['A', 'B'],
    ],
    postgres: [
      String.raw`(SELECT "c"."contactid" AS "id" FROM "contact" AS "c" WHERE ("c"."firstname" = CAST($1 AS text)) UNION SELECT "c"."contactid" AS "id" FROM "contact" AS "c" WHERE ("c"."lastname" = CAST($2 AS text))) EXCEPT (SELECT "c"."contactid" AS "id" FROM "contact" AS "c" WHERE ("c"."emailaddress1" IS NULL) ORDER BY "c"."contactid" ASC NULLS FIRST LIMIT 5)`,
      ['A', 'B'],
    ],
  },
);

golden(
  'a subquery source, group by, having, aggregates',
  select(
    {
      kind: 'subquery',
      alias: 's',
      query: select(entitySource('contact', 'c'), [
        { expr: c('address1_city'), as: 'city' },
        { expr: c('annualincome'), as: 'income' },
      ]),
    },
    [
      { expr: col('city'), as: 'city' },
      { expr: { kind: 'aggregate', fn: 'count' }, as: 'n' },
      { expr: { kind: 'aggregate', fn: 'avg', operand: col('income') }, as: 'avg' },
      { expr: { kind: 'aggregate', fn: 'max', operand: col('city') }, as: 'maxcity' },
    ],
    {
      groupBy: [col('city')],
      having: cmp('>', { kind: 'aggregate', fn: 'count' }, lit(1, 'integer')),
      orderBy: [{ expr: col('city'), direction: 'desc' }],
    },
  ),
  {
    duckdb: [
      String.raw`SELECT "s"."city" AS "city", count(*) AS "n", CAST(avg("s"."income") AS DOUBLE) AS "avg", max("s"."city") AS "maxcity" FROM (SELECT "c"."address1_city" AS "city", "c"."annualincome" AS "income" FROM "contact" AS "c") AS "s" GROUP BY "s"."city" HAVING (count(*) > CAST($1 AS INTEGER)) ORDER BY lower("s"."city") DESC NULLS LAST`,
      [1],
    ],
    postgres: [
      String.raw`SELECT "s"."city" AS "city", count(*) AS "n", CAST(avg("s"."income") AS double precision) AS "avg", max(("s"."city") COLLATE "C") AS "maxcity" FROM (SELECT "c"."address1_city" AS "city", "c"."annualincome" AS "income" FROM "contact" AS "c") AS "s" GROUP BY "s"."city" HAVING (count(*) > CAST($1 AS integer)) ORDER BY (lower("s"."city")) COLLATE "C" DESC NULLS LAST`,
      [1],
    ],
  },
);

golden(
  'date arithmetic: month-end clamping intervals, boundary-counting differences, Sunday weeks',
  select(entitySource('contact', 'c'), [
    {
      expr: { kind: 'dateAdd', part: 'month', amount: lit(1, 'integer'), operand: c('createdon') },
      as: 'add_m',
    },
    {
      expr: { kind: 'dateAdd', part: 'week', amount: lit(2, 'integer'), operand: c('birthdate') },
      as: 'add_w',
    },
    { expr: { kind: 'dateDiff', part: 'year', start: c('birthdate'), end: { kind: 'now' } }, as: 'diff_y' },
    { expr: { kind: 'dateDiff', part: 'week', start: c('createdon'), end: c('modifiedon') }, as: 'diff_w' },
    { expr: { kind: 'dateDiff', part: 'hour', start: c('createdon'), end: c('modifiedon') }, as: 'diff_h' },
    { expr: { kind: 'datePart', part: 'week', operand: c('createdon') }, as: 'part_w' },
    { expr: { kind: 'dateTrunc', part: 'week', operand: c('birthdate') }, as: 'trunc_w' },
  ]),
  {
    duckdb: [
      String.raw`SELECT ("c"."createdon" + to_months(CAST(CAST($1 AS INTEGER) AS INTEGER))) AS "add_m", CAST((CAST("c"."birthdate" AS TIMESTAMP) + to_days(CAST((CAST($2 AS INTEGER) * 7) AS INTEGER))) AS DATE) AS "add_w", CAST((CAST(extract(year FROM date_trunc('second', now() AT TIME ZONE 'UTC')) AS INTEGER) - CAST(extract(year FROM CAST("c"."birthdate" AS TIMESTAMP)) AS INTEGER)) AS BIGINT) AS "diff_y", CAST((CAST((CAST((date_trunc('day', "c"."modifiedon") + to_days(CAST((- CAST(extract(dow FROM "c"."modifiedon") AS INTEGER)) AS INTEGER))) AS DATE) - CAST((date_trunc('day', "c"."createdon") + to_days(CAST((- CAST(extract(dow FROM "c"."createdon") AS INTEGER)) AS INTEGER))) AS DATE)) AS BIGINT) // 7) AS BIGINT) AS "diff_w", CAST(((epoch_ms(date_trunc('hour', "c"."modifiedon")) - epoch_ms(date_trunc('hour', "c"."createdon"))) // 3600000) AS BIGINT) AS "diff_h", (((CAST(extract(doy FROM "c"."createdon") AS INTEGER) - 1 + CAST(extract(dow FROM date_trunc('year', "c"."createdon")) AS INTEGER)) // 7) + 1) AS "part_w", CAST((date_trunc('day', CAST("c"."birthdate" AS TIMESTAMP)) + to_days(CAST((- CAST(extract(dow FROM CAST("c"."birthdate" AS TIMESTAMP)) AS INTEGER)) AS INTEGER))) AS DATE) AS "trunc_w" FROM "contact" AS "c"`,
      [1, 2],
    ],
    postgres: [
      String.raw`SELECT ("c"."createdon" + make_interval(months => CAST(CAST($1 AS integer) AS integer))) AS "add_m", CAST((CAST("c"."birthdate" AS timestamp) + make_interval(days => CAST((CAST($2 AS integer) * 7) AS integer))) AS date) AS "add_w", CAST((CAST(floor(extract(year FROM date_trunc('second', now() AT TIME ZONE 'UTC'))) AS integer) - CAST(floor(extract(year FROM CAST("c"."birthdate" AS timestamp))) AS integer)) AS bigint) AS "diff_y", CAST((CAST((CAST((date_trunc('day', "c"."modifiedon") + make_interval(days => CAST((- CAST(floor(extract(dow FROM "c"."modifiedon")) AS integer)) AS integer))) AS date) - CAST((date_trunc('day', "c"."createdon") + make_interval(days => CAST((- CAST(floor(extract(dow FROM "c"."createdon")) AS integer)) AS integer))) AS date)) AS bigint) / 7) AS bigint) AS "diff_w", CAST(((CAST(floor(extract(epoch FROM date_trunc('hour', "c"."modifiedon")) * 1000) AS bigint) - CAST(floor(extract(epoch FROM date_trunc('hour', "c"."createdon")) * 1000) AS bigint)) / 3600000) AS bigint) AS "diff_h", (((CAST(floor(extract(doy FROM "c"."createdon")) AS integer) - 1 + CAST(floor(extract(dow FROM date_trunc('year', "c"."createdon"))) AS integer)) / 7) + 1) AS "part_w", CAST((date_trunc('day', CAST("c"."birthdate" AS timestamp)) + make_interval(days => CAST((- CAST(floor(extract(dow FROM CAST("c"."birthdate" AS timestamp))) AS integer)) AS integer))) AS date) AS "trunc_w" FROM "contact" AS "c"`,
      [1, 2],
    ],
  },
);

golden(
  'distinct with an order key is ordered from outside',
  select(entitySource('contact', 'c'), [{ expr: c('address1_city'), as: 'city' }], {
    distinct: true,
    orderBy: [{ expr: c('address1_city'), direction: 'asc' }],
    limit: 3,
  }),
  {
    duckdb: [
      String.raw`SELECT * FROM (SELECT DISTINCT "c"."address1_city" AS "city" FROM "contact" AS "c") AS "sd_distinct" ORDER BY lower("sd_distinct"."city") ASC NULLS FIRST LIMIT 3`,
      [],
    ],
    postgres: [
      String.raw`SELECT * FROM (SELECT DISTINCT "c"."address1_city" AS "city" FROM "contact" AS "c") AS "sd_distinct" ORDER BY (lower("sd_distinct"."city")) COLLATE "C" ASC NULLS FIRST LIMIT 3`,
      [],
    ],
  },
);

golden(
  'insert writes the surrogate key and casts every value',
  {
    kind: 'insert',
    entity: 'contact',
    attributes: ['contactid', 'lastname', 'birthdate'],
    rows: [
      ['A0000000-0000-0000-0000-000000000001', 'Smith', null],
      ['a0000000-0000-0000-0000-000000000002', 'Jones', '1980-01-31'],
    ],
    keys: [7, 8],
  },
  {
    duckdb: [
      String.raw`INSERT INTO "contact" ("sd_key", "contactid", "lastname", "birthdate") VALUES (CAST($1 AS INTEGER), CAST($2 AS UUID), CAST($3 AS VARCHAR), NULL), (CAST($4 AS INTEGER), CAST($5 AS UUID), CAST($6 AS VARCHAR), CAST($7 AS DATE))`,
      [
        7,
        'a0000000-0000-0000-0000-000000000001',
        'Smith',
        8,
        'a0000000-0000-0000-0000-000000000002',
        'Jones',
        '1980-01-31',
      ],
    ],
    postgres: [
      String.raw`INSERT INTO "contact" ("sd_key", "contactid", "lastname", "birthdate") VALUES (CAST($1 AS integer), CAST($2 AS uuid), CAST($3 AS text), NULL), (CAST($4 AS integer), CAST($5 AS uuid), CAST($6 AS text), CAST($7 AS date))`,
      [
        7,
        'a0000000-0000-0000-0000-000000000001',
        'Smith',
        8,
        'a0000000-0000-0000-0000-000000000002',
        'Jones',
        '1980-01-31',
      ],
    ],
  },
);

golden(
  'update with an alias; integer division truncates and guards against zero',
  {
    kind: 'update',
    entity: 'contact',
    alias: 'c',
    set: [
      { attribute: 'lastname', value: lit('X', 'string') },
      {
        attribute: 'numberofchildren',
        value: { kind: 'arith', op: '/', left: c('numberofchildren'), right: lit(2, 'integer') },
      },
    ],
    where: cmp('=', c('contactid'), lit('a0000000-0000-0000-0000-000000000001', 'guid')),
  },
  {
    duckdb: [
      String.raw`UPDATE "contact" AS "c" SET "lastname" = CAST($1 AS VARCHAR), "numberofchildren" = ("c"."numberofchildren" // NULLIF(CAST($2 AS INTEGER), 0)) WHERE ("c"."contactid" = CAST($3 AS UUID))`,
      ['X', 2, 'a0000000-0000-0000-0000-000000000001'],
    ],
    postgres: [
      String.raw`UPDATE "contact" AS "c" SET "lastname" = CAST($1 AS text), "numberofchildren" = ("c"."numberofchildren" / NULLIF(CAST($2 AS integer), 0)) WHERE ("c"."contactid" = CAST($3 AS uuid))`,
      ['X', 2, 'a0000000-0000-0000-0000-000000000001'],
    ],
  },
);

golden(
  'delete with a decimal literal bound as exact text',
  { kind: 'delete', entity: 'contact', alias: 'c', where: cmp('<', c('annualincome'), lit(1.5, 'decimal')) },
  {
    duckdb: [
      String.raw`DELETE FROM "contact" AS "c" WHERE ("c"."annualincome" < CAST($1 AS DECIMAL(38,10)))`,
      ['1.5'],
    ],
    postgres: [
      String.raw`DELETE FROM "contact" AS "c" WHERE ("c"."annualincome" < CAST($1 AS numeric(38,10)))`,
      ['1.5'],
    ],
  },
);

test('IR the compiler cannot resolve is an internal error naming the problem', () => {
  const compiler = compilers.duckdb;
  const from = entitySource('contact', 'c');
  const cases: [RelQuery | Mutation, RegExp][] = [
    [select(entitySource('nosuch', 'n'), [{ expr: keyRef('n'), as: 'k' }]), /unknown entity 'nosuch'/],
    [select(from, []), /a query needs at least one column/],
    [select(from, [{ expr: c('nosuch'), as: 'x' }]), /entity 'contact' has no attribute 'nosuch'/],
    [select(from, [{ expr: attrRef('x', 'firstname'), as: 'x' }]), /unknown alias 'x'/],
    [select(from, [{ expr: col('city'), as: 'x' }]), /unknown alias 's'/],
    [
      select(from, [{ expr: { kind: 'column', source: 'c', column: 'x' }, as: 'x' }]),
      /alias 'c' is an entity/,
    ],
    [
      { ...ids(lit(true, 'boolean')), joins: [{ type: 'inner', source: from, on: lit(true, 'boolean') }] },
      /alias 'c' is bound twice/,
    ],
    [
      select(from, [
        { expr: c('firstname'), as: 'x' },
        { expr: c('lastname'), as: 'x' },
      ]),
      /output column 'x' appears twice/,
    ],
    [
      select(from, [{ expr: c('firstname'), as: 'x' }], {
        distinct: true,
        orderBy: [{ expr: c('lastname'), direction: 'asc' }],
      }),
      /every order key must be one of the selected columns/,
    ],
    [
      {
        kind: 'setop',
        op: 'union',
        left: ids(lit(true, 'boolean')),
        right: select(from, [
          { expr: c('firstname'), as: 'a' },
          { expr: c('lastname'), as: 'b' },
        ]),
      },
      /union of queries with 1 and 2 columns/,
    ],
    [select(from, [{ expr: c('firstname'), as: 'x' }], { limit: -1 }), /limit must be a whole number >= 0/],
    [
      select(from, [{ expr: keyRef('c'), as: 'k' }], {
        where: {
          kind: 'text',
          op: 'contains',
          operand: c('numberofchildren'),
          pattern: lit('1', 'string'),
          negated: false,
        },
      }),
      /text operator 'contains' needs a string operand, got integer/,
    ],
    [
      select(from, [{ expr: keyRef('c'), as: 'k' }], {
        where: { kind: 'text', op: 'like', operand: c('firstname'), pattern: c('lastname'), negated: false },
      }),
      /like needs a literal string pattern/,
    ],
    [
      select(from, [
        { expr: { kind: 'arith', op: '%', left: c('address1_latitude'), right: lit(2, 'integer') }, as: 'x' },
      ]),
      /'%' needs integer or decimal operands/,
    ],
    [
      select(from, [
        { expr: { kind: 'arith', op: '+', left: c('firstname'), right: lit(2, 'integer') }, as: 'x' },
      ]),
      /arithmetic '\+' needs numeric operands, got string and integer/,
    ],
    [
      select(from, [
        {
          expr: { kind: 'dateAdd', part: 'day', amount: lit(1, 'integer'), operand: c('firstname') },
          as: 'x',
        },
      ]),
      /dateAdd needs a date or datetime, got string/,
    ],
    [
      {
        kind: 'insert',
        entity: 'contact',
        attributes: ['contactid'],
        rows: [['a0000000-0000-0000-0000-000000000001', 'x']],
        keys: [1],
      },
      /insert row 0 has 2 values for 1 attributes/,
    ],
    [
      {
        kind: 'insert',
        entity: 'contact',
        attributes: ['contactid'],
        rows: [['a0000000-0000-0000-0000-000000000001']],
        keys: [],
      },
      /insert has 1 rows but 0 keys/,
    ],
    [
      {
        kind: 'update',
        entity: 'contact',
        alias: 'c',
        set: [{ attribute: 'nosuch', value: lit(1, 'integer') }],
        where: lit(true, 'boolean'),
      },
      /entity 'contact' has no attribute 'nosuch'/,
    ],
  ];
  for (const [node, message] of cases) assert.throws(() => compiler.compile(node), message);
});

test('literals are checked against their type before they are bound', () => {
  const where = (value: Expr) =>
    select(entitySource('contact', 'c'), [{ expr: keyRef('c'), as: 'k' }], {
      where: cmp('=', c('numberofchildren'), value),
    });
  assert.throws(
    () => compilers.postgres.compile(where(lit(1.5, 'integer'))),
    /invalid integer value 1.5: expected a whole number/,
  );
  assert.throws(
    () => compilers.postgres.compile(where(lit('{A0000000}', 'guid'))),
    /invalid guid value "\{A0000000\}"/,
  );
  assert.throws(
    () => compilers.postgres.compile(where(lit('2021-02-30', 'date'))),
    /invalid date value "2021-02-30": no such date/,
  );
});

test('parameters are numbered in textual order, whatever order the parts are compiled in', () => {
  const q = select(entitySource('contact', 'c'), [{ expr: lit('first', 'string'), as: 'x' }], {
    where: cmp('=', c('lastname'), lit('second', 'string')),
    orderBy: [{ expr: cmp('=', c('firstname'), lit('third', 'string')), direction: 'asc' }],
  });
  const { sql, params } = compilers.duckdb.compile(q);
  assert.deepEqual(params, ['first', 'second', 'third']);
  assert.deepEqual(
    [...sql.matchAll(/\$(\d+)/g)].map((m) => m[1]),
    ['1', '2', '3'],
  );
});
