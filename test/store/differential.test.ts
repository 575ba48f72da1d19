import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  and,
  attrRef,
  cmp,
  entitySource,
  exists,
  isNull,
  keyRef,
  lit,
  not,
  or,
  select,
} from '../../src/ir/build.ts';
import type { DatePart, Expr, OrderItem, RelQuery, Row, SelectItem } from '../../src/ir/nodes.ts';
import type { Store } from '../../src/store/store.ts';
import { openTestStore, storeTargets } from '../support/stores.ts';
import { ACCOUNT, schema, seed } from './dataset.ts';

/**
 * The same IR queries on every store (DuckDB always, PostgreSQL when configured) over the same
 * data set: each result must equal the expected rows, and so the stores agree with each other.
 */

const stores: { name: string; store: Store }[] = [];

before(async () => {
  for (const target of storeTargets()) {
    const { store } = await openTestStore(target, schema);
    await seed(store);
    stores.push({ name: target.name, store });
  }
});

after(async () => {
  for (const s of stores.splice(0)) await s.store.close();
});

async function results(query: RelQuery): Promise<Row[]> {
  let first: Row[] | undefined;
  for (const { name, store } of stores) {
    const rows = await store.select(query);
    if (first === undefined) first = rows;
    else assert.deepEqual(rows, first, `${name} differs from ${stores[0]?.name}`);
  }
  return first ?? [];
}

const c = (attribute: string): Expr => attrRef('c', attribute);
const k: Expr = keyRef('c');
const str = (v: string): Expr => lit(v, 'string');
const int = (v: number): Expr => lit(v, 'integer');
const byKey: OrderItem[] = [{ expr: k, direction: 'asc' }];

/** Keys of the contacts matching `where`, in `orderBy` order (default: by key). */
async function keys(
  where: Expr | undefined,
  orderBy: OrderItem[] = byKey,
  rest: { limit?: number; offset?: number } = {},
) {
  const q = select(entitySource('contact', 'c'), [{ expr: k, as: 'k' }], {
    ...(where ? { where } : {}),
    orderBy,
    ...rest,
  });
  return (await results(q)).map((r) => r.k);
}

const text = (
  op: 'contains' | 'startsWith' | 'endsWith' | 'like',
  attribute: string,
  pattern: string,
  negated = false,
): Expr => ({
  kind: 'text',
  op,
  operand: c(attribute),
  pattern: str(pattern),
  negated,
});

const inList = (attribute: string, values: Expr[], negated = false, ci = false): Expr => ({
  kind: 'in',
  operand: c(attribute),
  values,
  negated,
  ...(ci ? { ci } : {}),
});

describe('null semantics', () => {
  test('comparisons with null are unknown, and so are their negations', async () => {
    assert.deepEqual(await keys(cmp('>', c('numberofchildren'), int(0))), [1, 4, 5]);
    assert.deepEqual(await keys(not(cmp('>', c('numberofchildren'), int(0)))), [2]);
    assert.deepEqual(await keys(cmp('<>', c('numberofchildren'), int(2))), [2, 4, 5]);
    assert.deepEqual(
      await keys(or(cmp('>', c('numberofchildren'), int(1)), not(cmp('>', c('numberofchildren'), int(1))))),
      [1, 2, 4, 5],
    );
    assert.deepEqual(await keys(cmp('=', c('numberofchildren'), { kind: 'null' })), []);
  });

  test('is null / is not null', async () => {
    assert.deepEqual(await keys(isNull(c('numberofchildren'))), [3, 6]);
    assert.deepEqual(await keys(isNull(c('emailaddress1'), true)), [1, 2, 4, 5, 6]);
  });

  test('in with a null in the list', async () => {
    assert.deepEqual(await keys(inList('numberofchildren', [int(1), { kind: 'null' }])), [5]);
    assert.deepEqual(await keys(inList('numberofchildren', [int(1), { kind: 'null' }], true)), []);
  });
});

describe('string comparison', () => {
  test('case-insensitive equality compares lower() of both sides', async () => {
    assert.deepEqual(await keys(cmp('=', c('lastname'), str('SMITH'), true)), [1, 5]);
    assert.deepEqual(await keys(cmp('=', c('lastname'), str('SMITH'))), []);
  });

  test('ordering comparisons are byte-wise', async () => {
    assert.deepEqual(await keys(cmp('<', c('lastname'), str('b'), true)), [4]);
    assert.deepEqual(await keys(cmp('<', c('lastname'), str('b'))), [1, 3, 4, 6]);
  });

  test('in, case-sensitive and not', async () => {
    assert.deepEqual(
      await keys(inList('address1_city', [str('PARIS'), str('rome')], false, true)),
      [1, 2, 3],
    );
    assert.deepEqual(await keys(inList('address1_city', [str('Paris'), str('Rome')])), [1, 3]);
    assert.deepEqual(await keys(inList('address1_city', [str('Paris')], true)), [2, 3, 5, 6]);
    assert.deepEqual(await keys(inList('address1_city', [])), []);
    assert.deepEqual(await keys(inList('address1_city', [], true)), [1, 2, 3, 4, 5, 6]);
  });
});

describe('text operators', () => {
  test('contains / startsWith / endsWith take the pattern literally', async () => {
    assert.deepEqual(await keys(text('contains', 'emailaddress1', 'CONTOSO')), [1, 4]);
    assert.deepEqual(await keys(text('contains', 'emailaddress1', '50%')), [2]);
    assert.deepEqual(await keys(text('contains', 'emailaddress1', '_')), [2, 6]);
    assert.deepEqual(await keys(text('startsWith', 'firstname', 'CA')), [5]);
    assert.deepEqual(await keys(text('endsWith', 'emailaddress1', '.ORG')), [5]);
    assert.deepEqual(await keys(text('contains', 'emailaddress1', 'contoso', true)), [2, 5, 6]);
  });

  test('a pattern taken from another column is escaped too', async () => {
    const columnPattern = (op: 'contains' | 'startsWith', operand: string, pattern: string): Expr => ({
      kind: 'text',
      op,
      operand: c(operand),
      pattern: c(pattern),
      negated: false,
    });
    assert.deepEqual(await keys(columnPattern('startsWith', 'emailaddress1', 'firstname')), [1, 2, 4, 5]);
    // Addresses holding `_` and `%` still match only themselves.
    assert.deepEqual(
      await keys(columnPattern('contains', 'emailaddress1', 'emailaddress1')),
      [1, 2, 4, 5, 6],
    );
    assert.deepEqual(await keys(columnPattern('contains', 'lastname', 'emailaddress1')), []);
    // A computed pattern goes through the SQL-side escaping: `_` and `%` are literal.
    const computed = (op: 'contains' | 'startsWith', pattern: string): Expr => ({
      kind: 'text',
      op,
      operand: c('emailaddress1'),
      pattern: { kind: 'lower', operand: str(pattern) },
      negated: false,
    });
    assert.deepEqual(await keys(computed('startsWith', 'B_B')), []);
    assert.deepEqual(await keys(computed('startsWith', 'BOB_')), [2]);
    assert.deepEqual(await keys(computed('contains', '%')), [2]);
  });

  test('like with wildcards and character classes', async () => {
    assert.deepEqual(await keys(text('like', 'firstname', '[a-c]%')), [1, 2, 5]);
    assert.deepEqual(await keys(text('like', 'firstname', '[^a-c]%')), [3, 4]);
    assert.deepEqual(await keys(text('like', 'firstname', '[a-c]__')), [1, 2]);
    assert.deepEqual(await keys(text('like', 'firstname', '_o%')), [2, 4]);
    assert.deepEqual(await keys(text('like', 'emailaddress1', '%[%]%')), [2]);
    assert.deepEqual(await keys(text('like', 'emailaddress1', '%[_]%')), [2, 6]);
    assert.deepEqual(await keys(text('like', 'emailaddress1', 'ANN@%.com')), [1]);
    assert.deepEqual(await keys(text('like', 'lastname', "o'brien")), [6]);
    assert.deepEqual(await keys(text('like', 'emailaddress1', '%.c_m', true)), [5]);
  });
});

describe('subqueries', () => {
  const contactsOf = (where?: Expr): RelQuery =>
    select(entitySource('contact', 'c'), [], {
      where: and(cmp('=', c('parentcustomerid'), attrRef('a', 'accountid')), where),
    });
  const accounts = async (where: Expr) =>
    (
      await results(
        select(entitySource('account', 'a'), [{ expr: attrRef('a', 'name'), as: 'name' }], {
          where,
          orderBy: [{ expr: attrRef('a', 'name'), direction: 'asc' }],
        }),
      )
    ).map((r) => r.name);

  test('exists and not exists are correlated', async () => {
    assert.deepEqual(await accounts(exists(contactsOf())), ['Contoso', 'Fabrikam']);
    assert.deepEqual(await accounts(exists(contactsOf(), true)), ['Northwind']);
    assert.deepEqual(await accounts(exists(contactsOf(cmp('=', c('statecode'), int(1))))), ['Fabrikam']);
  });

  test('a subquery as a source', async () => {
    const inner = select(
      entitySource('contact', 'c'),
      [
        { expr: k, as: 'key' },
        { expr: c('numberofchildren'), as: 'children' },
      ],
      { where: isNull(c('numberofchildren'), true) },
    );
    const col = (column: string): Expr => ({ kind: 'column', source: 's', column });
    const rows = await results(
      select({ kind: 'subquery', alias: 's', query: inner }, [{ expr: col('key'), as: 'k' }], {
        where: cmp('>=', col('children'), int(1)),
        orderBy: [{ expr: col('children'), direction: 'desc' }],
      }),
    );
    assert.deepEqual(rows, [{ k: 4 }, { k: 1 }, { k: 5 }]);
  });
});

describe('set operations', () => {
  const part = (where: Expr): RelQuery =>
    select(entitySource('contact', 'c'), [{ expr: k, as: 'k' }], { where });
  const paris = part(cmp('=', c('address1_city'), str('paris'), true));
  const ordered = async (query: RelQuery) =>
    (
      await results(
        select(
          { kind: 'subquery', alias: 's', query },
          [{ expr: { kind: 'column', source: 's', column: 'k' }, as: 'k' }],
          {
            orderBy: [{ expr: { kind: 'column', source: 's', column: 'k' }, direction: 'asc' }],
          },
        ),
      )
    ).map((r) => r.k);

  test('union, intersect, except (distinct)', async () => {
    assert.deepEqual(
      await ordered({
        kind: 'setop',
        op: 'union',
        left: paris,
        right: part(cmp('>', c('numberofchildren'), int(1))),
      }),
      [1, 2, 4],
    );
    assert.deepEqual(await ordered({ kind: 'setop', op: 'union', left: paris, right: paris }), [1, 2]);
    assert.deepEqual(
      await ordered({
        kind: 'setop',
        op: 'intersect',
        left: paris,
        right: part(cmp('>=', c('numberofchildren'), int(1))),
      }),
      [1],
    );
    assert.deepEqual(
      await ordered({
        kind: 'setop',
        op: 'except',
        left: part(cmp('=', c('parentcustomerid'), lit(ACCOUNT.contoso, 'guid'))),
        right: part(cmp('>', c('numberofchildren'), int(0))),
      }),
      [2, 6],
    );
  });

  test('nested set operations and limited operands', async () => {
    const top2 = select(entitySource('contact', 'c'), [{ expr: k, as: 'k' }], {
      orderBy: [{ expr: k, direction: 'desc' }],
      limit: 2,
    });
    const union = { kind: 'setop', op: 'union', left: paris, right: top2 } as const;
    assert.deepEqual(await ordered(union), [1, 2, 5, 6]);
    assert.deepEqual(
      await ordered({
        kind: 'setop',
        op: 'except',
        left: union,
        right: part(cmp('=', c('firstname'), str('bob'))),
      }),
      [1, 5, 6],
    );
  });
});

describe('ordering and paging', () => {
  const asc = (expr: Expr): OrderItem => ({ expr, direction: 'asc' });
  const desc = (expr: Expr): OrderItem => ({ expr, direction: 'desc' });

  test('strings order case-insensitively and byte-wise, nulls first ascending and last descending', async () => {
    assert.deepEqual(await keys(undefined, [asc(c('firstname'))]), [6, 1, 2, 5, 4, 3]);
    assert.deepEqual(await keys(undefined, [desc(c('firstname'))]), [3, 4, 5, 2, 1, 6]);
    assert.deepEqual(await keys(undefined, [asc(c('address1_city')), asc(k)]), [4, 6, 5, 1, 2, 3]);
    assert.deepEqual(await keys(undefined, [desc(c('address1_city')), asc(k)]), [3, 1, 2, 5, 6, 4]);
  });

  test('numbers follow the same null rule', async () => {
    assert.deepEqual(await keys(undefined, [desc(c('numberofchildren')), asc(k)]), [4, 1, 5, 2, 3, 6]);
    assert.deepEqual(await keys(undefined, [asc(c('numberofchildren')), asc(k)]), [3, 6, 2, 5, 1, 4]);
  });

  test('limit and offset', async () => {
    assert.deepEqual(await keys(undefined, byKey, { limit: 2, offset: 1 }), [2, 3]);
    assert.deepEqual(await keys(undefined, byKey, { offset: 4 }), [5, 6]);
    assert.deepEqual(await keys(undefined, byKey, { limit: 0 }), []);
  });

  test('distinct rows ordered by a selected expression', async () => {
    const city: Expr = { kind: 'lower', operand: c('address1_city') };
    const rows = await results(
      select(entitySource('contact', 'c'), [{ expr: city, as: 'city' }], {
        distinct: true,
        orderBy: [asc(city)],
      }),
    );
    assert.deepEqual(
      rows.map((r) => r.city),
      [null, 'berlin', 'london', 'paris', 'rome'],
    );
  });
});

describe('dates', () => {
  const dateQuery = (columns: SelectItem[]) =>
    results(select(entitySource('contact', 'c'), [{ expr: k, as: 'k' }, ...columns], { orderBy: byKey }));
  const column = (rows: Row[], name: string) => rows.map((r) => r[name]);

  test('dateDiff counts the boundaries crossed', async () => {
    const parts: DatePart[] = ['year', 'quarter', 'month', 'week', 'day', 'hour', 'minute', 'second'];
    const rows = await dateQuery(
      parts.map((part) => ({
        expr: { kind: 'dateDiff', part, start: c('createdon'), end: c('modifiedon') },
        as: part,
      })),
    );
    assert.deepEqual(column(rows, 'year'), [1, 0, 0, 0, 1, 0]);
    assert.deepEqual(column(rows, 'quarter'), [1, 0, 0, 0, 4, -1]);
    assert.deepEqual(column(rows, 'month'), [1, 0, 0, 0, 12, -1]);
    assert.deepEqual(column(rows, 'week'), [0, 4, 1, 0, 53, 0]);
    assert.deepEqual(column(rows, 'day'), [1, 30, 1, 6, 365, -1]);
    assert.deepEqual(column(rows, 'hour'), [2, 732, 23, 167, 8760, -24]);
    assert.deepEqual(column(rows, 'minute'), [120, 43950, 1439, 10079, 525600, -1440]);
    assert.deepEqual(column(rows, 'second'), [7200, 2637000, 86399, 604799, 31536000, -86400]);
  });

  test('dateDiff of dates and against now()', async () => {
    const rows = await dateQuery([
      {
        expr: { kind: 'dateDiff', part: 'year', start: c('birthdate'), end: lit('2020-01-01', 'date') },
        as: 'age',
      },
      {
        expr: cmp(
          '>',
          { kind: 'dateDiff', part: 'day', start: c('createdon'), end: { kind: 'now' } },
          int(0),
        ),
        as: 'past',
      },
    ]);
    assert.deepEqual(column(rows, 'age'), [30, null, 20, 35, 45, null]);
    assert.deepEqual(column(rows, 'past'), [true, true, true, true, true, true]);
  });

  test('dateAdd clamps to the end of the month and keeps dates dates', async () => {
    const add = (part: DatePart, amount: number, attribute: string): Expr => ({
      kind: 'dateAdd',
      part,
      amount: int(amount),
      operand: c(attribute),
    });
    const rows = await dateQuery([
      { expr: add('month', 2, 'createdon'), as: 'm' },
      { expr: add('quarter', -1, 'createdon'), as: 'q' },
      { expr: add('year', 1, 'createdon'), as: 'y' },
      { expr: add('minute', 90, 'createdon'), as: 'min' },
      { expr: add('year', 1, 'birthdate'), as: 'by' },
      { expr: add('week', 1, 'birthdate'), as: 'bw' },
    ]);
    assert.deepEqual(column(rows, 'm'), [
      '2021-02-28T23:00:00Z',
      '2021-05-01T00:00:00Z',
      '2019-08-15T12:00:00Z',
      '2022-03-02T00:00:00Z',
      '2020-04-29T10:00:00Z',
      '2023-09-01T00:00:00Z',
    ]);
    assert.deepEqual(column(rows, 'q'), [
      '2020-09-30T23:00:00Z',
      '2020-12-01T00:00:00Z',
      '2019-03-15T12:00:00Z',
      '2021-10-02T00:00:00Z',
      '2019-11-29T10:00:00Z',
      '2023-04-01T00:00:00Z',
    ]);
    assert.deepEqual(column(rows, 'y'), [
      '2021-12-31T23:00:00Z',
      '2022-03-01T00:00:00Z',
      '2020-06-15T12:00:00Z',
      '2023-01-02T00:00:00Z',
      '2021-02-28T10:00:00Z',
      '2024-07-01T00:00:00Z',
    ]);
    assert.deepEqual(column(rows, 'min'), [
      '2021-01-01T00:30:00Z',
      '2021-03-01T01:30:00Z',
      '2019-06-15T13:30:00Z',
      '2022-01-02T01:30:00Z',
      '2020-02-29T11:30:00Z',
      '2023-07-01T01:30:00Z',
    ]);
    assert.deepEqual(column(rows, 'by'), [
      '1991-02-28',
      null,
      '2001-01-01',
      '1986-12-31',
      '1976-06-15',
      null,
    ]);
    assert.deepEqual(column(rows, 'bw'), [
      '1990-03-07',
      null,
      '2000-01-08',
      '1986-01-07',
      '1975-06-22',
      null,
    ]);
  });

  test('datePart, with Sunday-based weeks counted from January 1st', async () => {
    const part = (p: DatePart, attribute = 'createdon'): SelectItem => ({
      expr: { kind: 'datePart', part: p, operand: c(attribute) },
      as: p,
    });
    const rows = await dateQuery([
      part('week'),
      part('quarter'),
      part('month'),
      part('day'),
      part('hour'),
      { ...part('year', 'birthdate'), as: 'byear' },
    ]);
    assert.deepEqual(column(rows, 'week'), [53, 10, 24, 2, 9, 26]);
    assert.deepEqual(column(rows, 'quarter'), [4, 1, 2, 1, 1, 3]);
    assert.deepEqual(column(rows, 'month'), [12, 3, 6, 1, 2, 7]);
    assert.deepEqual(column(rows, 'day'), [31, 1, 15, 2, 29, 1]);
    assert.deepEqual(column(rows, 'hour'), [23, 0, 12, 0, 10, 0]);
    assert.deepEqual(column(rows, 'byear'), [1990, null, 2000, 1985, 1975, null]);
  });

  test('dateTrunc, weeks starting on Sunday', async () => {
    const trunc = (part: DatePart, attribute: string): Expr => ({
      kind: 'dateTrunc',
      part,
      operand: c(attribute),
    });
    const rows = await dateQuery([
      { expr: trunc('week', 'modifiedon'), as: 'w' },
      { expr: trunc('month', 'createdon'), as: 'm' },
      { expr: trunc('quarter', 'birthdate'), as: 'q' },
    ]);
    assert.deepEqual(column(rows, 'w'), [
      '2020-12-27T00:00:00Z',
      '2021-03-28T00:00:00Z',
      '2019-06-16T00:00:00Z',
      '2022-01-02T00:00:00Z',
      '2021-02-28T00:00:00Z',
      '2023-06-25T00:00:00Z',
    ]);
    assert.deepEqual(column(rows, 'm'), [
      '2020-12-01T00:00:00Z',
      '2021-03-01T00:00:00Z',
      '2019-06-01T00:00:00Z',
      '2022-01-01T00:00:00Z',
      '2020-02-01T00:00:00Z',
      '2023-07-01T00:00:00Z',
    ]);
    assert.deepEqual(column(rows, 'q'), ['1990-01-01', null, '2000-01-01', '1985-10-01', '1975-04-01', null]);
  });
});

describe('arithmetic', () => {
  test('integer division truncates, division by zero is null, decimals stay exact', async () => {
    const arith = (op: '+' | '-' | '*' | '/' | '%', left: Expr, right: Expr): Expr => ({
      kind: 'arith',
      op,
      left,
      right,
    });
    const rows = await results(
      select(
        entitySource('contact', 'c'),
        [
          { expr: arith('/', c('numberofchildren'), int(2)), as: 'half' },
          { expr: arith('%', c('numberofchildren'), int(2)), as: 'odd' },
          { expr: arith('/', c('numberofchildren'), int(0)), as: 'zero' },
          { expr: arith('/', c('annualincome'), int(4)), as: 'quarter' },
          { expr: arith('*', c('annualincome'), int(2)), as: 'double' },
          { expr: { kind: 'negate', operand: c('numberofchildren') }, as: 'neg' },
          { expr: { kind: 'coalesce', operands: [c('numberofchildren'), int(-1)] }, as: 'coalesced' },
        ],
        { orderBy: byKey },
      ),
    );
    assert.deepEqual(rows, [
      { half: 1, odd: 0, zero: null, quarter: 250.125, double: 2001, neg: -2, coalesced: 2 },
      { half: 0, odd: 0, zero: null, quarter: null, double: null, neg: 0, coalesced: 0 },
      { half: null, odd: null, zero: null, quarter: 62.5, double: 500, neg: null, coalesced: -1 },
      { half: 2, odd: 1, zero: null, quarter: 24999.999975, double: 199999.9998, neg: -5, coalesced: 5 },
      { half: 0, odd: 1, zero: null, quarter: 0, double: 0, neg: -1, coalesced: 1 },
      { half: null, odd: null, zero: null, quarter: null, double: null, neg: null, coalesced: -1 },
    ]);
  });
});

describe('grouping', () => {
  const name = attrRef('a', 'name');
  const join = (type: 'inner' | 'left') => ({
    type,
    source: entitySource('contact', 'c'),
    on: cmp('=', c('parentcustomerid'), attrRef('a', 'accountid')),
  });
  const agg = (fn: 'count' | 'countDistinct' | 'sum' | 'avg' | 'min' | 'max', operand?: Expr): Expr =>
    operand === undefined ? { kind: 'aggregate', fn } : { kind: 'aggregate', fn, operand };

  test('group by with aggregates and having', async () => {
    const q = (having?: Expr) =>
      select(
        entitySource('account', 'a'),
        [
          { expr: name, as: 'name' },
          { expr: agg('count'), as: 'n' },
          { expr: agg('sum', c('numberofchildren')), as: 'children' },
          { expr: agg('avg', c('annualincome')), as: 'income' },
          { expr: agg('min', c('lastname')), as: 'first' },
          { expr: agg('max', c('createdon')), as: 'latest' },
          { expr: agg('countDistinct', { kind: 'lower', operand: c('address1_city') }), as: 'cities' },
        ],
        {
          joins: [join('inner')],
          groupBy: [name],
          ...(having ? { having } : {}),
          orderBy: [{ expr: name, direction: 'asc' }],
        },
      );
    const contoso = {
      name: 'Contoso',
      n: 3,
      children: 2,
      income: 1000.5,
      first: "O'Brien",
      latest: '2023-07-01T00:00:00Z',
      cities: 2,
    };
    const fabrikam = {
      name: 'Fabrikam',
      n: 2,
      children: 1,
      income: 125,
      first: 'Zola',
      latest: '2020-02-29T10:00:00Z',
      cities: 2,
    };
    assert.deepEqual(await results(q()), [contoso, fabrikam]);
    assert.deepEqual(await results(q(cmp('>', agg('count'), int(2)))), [contoso]);
  });

  test('left join keeps accounts without contacts', async () => {
    const rows = await results(
      select(
        entitySource('account', 'a'),
        [
          { expr: name, as: 'name' },
          { expr: agg('count', c('contactid')), as: 'n' },
        ],
        {
          joins: [join('left')],
          groupBy: [name],
          orderBy: [{ expr: agg('count', c('contactid')), direction: 'desc' }],
        },
      ),
    );
    assert.deepEqual(rows, [
      { name: 'Contoso', n: 3 },
      { name: 'Fabrikam', n: 2 },
      { name: 'Northwind', n: 0 },
    ]);
  });
});
