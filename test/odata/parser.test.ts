import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ExprNode } from '../../src/odata/language/ast.ts';
import {
  parseAliasValueText,
  parseExpandText,
  parseFilterText,
  parseOrderByText,
  parseSelectText,
} from '../../src/odata/language/parser.ts';
import { printExpand, printExpression, printOrderBy, printSelect } from '../../src/odata/language/printer.ts';
import { source } from '../../src/odata/language/source.ts';

/** The tree without positions, for comparing shapes. */
function shape(x: unknown): unknown {
  if (Array.isArray(x)) return x.map(shape);
  if (typeof x !== 'object' || x === null) return x;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(x))
    if (k !== 'loc' && k !== 'operatorLoc' && k !== 'nameLoc') out[k] = shape(v);
  return out;
}

const filter = (text: string): ExprNode => parseFilterText(source('$filter', text));
const name = (value: string) => ({ kind: 'Name', value });
const path = (...segments: string[]) => ({ kind: 'Path', segments: segments.map(name) });
const lit = (type: string, value: unknown, raw: string) => ({ kind: 'Literal', type, value, raw });
const bin = (operator: string, left: unknown, right: unknown) => ({ kind: 'Binary', operator, left, right });

/** Printing a parsed filter and parsing the print gives the same tree and the same text. */
function roundTrips(text: string): void {
  const first = filter(text);
  const printed = printExpression(first);
  const again = filter(printed);
  assert.deepEqual(shape(again), shape(first), `round trip of ${text} via ${printed}`);
  assert.equal(printExpression(again), printed);
}

describe('$filter parser: literals', () => {
  const cases: [string, unknown][] = [
    ['x eq null', lit('null', null, 'null')],
    ['x eq true', lit('boolean', true, 'true')],
    ['x eq false', lit('boolean', false, 'false')],
    ['x eq 42', lit('integer', 42, '42')],
    ['x eq 3.25', lit('decimal', 3.25, '3.25')],
    ['x eq 2e6', lit('double', 2e6, '2e6')],
    ['x eq 1.5E-3', lit('double', 1.5e-3, '1.5E-3')],
    ['x eq 12.5M', lit('decimal', 12.5, '12.5M')],
    ['x eq -7', lit('integer', -7, '-7')],
    ["x eq 'O''Brien'", lit('string', "O'Brien", "'O''Brien'")],
    ["x eq ''", lit('string', '', "''")],
    [
      'x eq 7D2C5A4E-0E1B-4C3A-9F00-AB12CD34EF56',
      lit('guid', '7d2c5a4e-0e1b-4c3a-9f00-ab12cd34ef56', '7D2C5A4E-0E1B-4C3A-9F00-AB12CD34EF56'),
    ],
    ['x eq 2020-02-29', lit('date', '2020-02-29', '2020-02-29')],
    ['x eq 2020-01-01T10:00:00Z', lit('datetime', '2020-01-01T10:00:00Z', '2020-01-01T10:00:00Z')],
    ['x eq 2020-01-01T10:00:00+02:00', lit('datetime', '2020-01-01T08:00:00Z', '2020-01-01T10:00:00+02:00')],
    [
      'x eq 2020-01-01T10:00:00.1234567-05:30',
      lit('datetime', '2020-01-01T15:30:00Z', '2020-01-01T10:00:00.1234567-05:30'),
    ],
    ['x eq 2020-01-01T10:00', lit('datetime', '2020-01-01T10:00:00Z', '2020-01-01T10:00')],
  ];
  for (const [text, expected] of cases) {
    it(text, () => {
      assert.deepEqual(shape(filter(text)), bin('eq', path('x'), expected));
      roundTrips(text);
    });
  }
});

describe('$filter parser: operators and precedence', () => {
  it('and binds tighter than or; comparisons tighter than and', () => {
    assert.deepEqual(
      shape(filter('a eq 1 or b eq 2 and c eq 3')),
      bin(
        'or',
        bin('eq', path('a'), lit('integer', 1, '1')),
        bin(
          'and',
          bin('eq', path('b'), lit('integer', 2, '2')),
          bin('eq', path('c'), lit('integer', 3, '3')),
        ),
      ),
    );
  });

  it('parentheses group', () => {
    assert.deepEqual(
      shape(filter('(a eq 1 or b eq 2) and c eq 3')),
      bin(
        'and',
        bin('or', bin('eq', path('a'), lit('integer', 1, '1')), bin('eq', path('b'), lit('integer', 2, '2'))),
        bin('eq', path('c'), lit('integer', 3, '3')),
      ),
    );
  });

  it('every comparison operator', () => {
    for (const op of ['eq', 'ne', 'gt', 'ge', 'lt', 'le']) {
      assert.deepEqual(shape(filter(`a ${op} b`)), bin(op, path('a'), path('b')));
    }
  });

  it('arithmetic: mul/div/mod before add/sub, left-associative', () => {
    assert.deepEqual(
      shape(filter('a add b mul c sub d div 2 mod 3 gt 0')),
      bin(
        'gt',
        bin(
          'sub',
          bin('add', path('a'), bin('mul', path('b'), path('c'))),
          bin('mod', bin('div', path('d'), lit('integer', 2, '2')), lit('integer', 3, '3')),
        ),
        lit('integer', 0, '0'),
      ),
    );
  });

  it('unary minus on a path and on a parenthesised expression', () => {
    assert.deepEqual(
      shape(filter('-a lt -(b add 1)')),
      bin(
        'lt',
        { kind: 'Unary', operator: 'negate', operand: path('a') },
        {
          kind: 'Unary',
          operator: 'negate',
          operand: bin('add', path('b'), lit('integer', 1, '1')),
        },
      ),
    );
  });

  it('not binds tighter than comparison (OData precedence)', () => {
    assert.deepEqual(
      shape(filter('not a eq b')),
      bin('eq', { kind: 'Unary', operator: 'not', operand: path('a') }, path('b')),
    );
    assert.deepEqual(shape(filter('not (a eq b)')), {
      kind: 'Unary',
      operator: 'not',
      operand: bin('eq', path('a'), path('b')),
    });
  });

  it('column-to-column comparison', () => {
    assert.deepEqual(shape(filter('firstname eq lastname')), bin('eq', path('firstname'), path('lastname')));
  });

  it('keywords inside names are names (notes, index, android)', () => {
    assert.deepEqual(
      shape(filter('notes eq index or android eq 1')),
      bin('or', bin('eq', path('notes'), path('index')), bin('eq', path('android'), lit('integer', 1, '1'))),
    );
  });
});

describe('$filter parser: paths, lambdas and functions', () => {
  it('lookup property and navigation paths (multi-level)', () => {
    assert.deepEqual(
      shape(filter('_parentcustomerid_value eq null')),
      bin('eq', path('_parentcustomerid_value'), lit('null', null, 'null')),
    );
    assert.deepEqual(
      shape(filter("parentcustomerid_account/name eq 'a'")),
      bin('eq', path('parentcustomerid_account', 'name'), lit('string', 'a', "'a'")),
    );
    assert.deepEqual(
      shape(filter("primarycontactid/createdby/fullname eq 'x'")),
      bin('eq', path('primarycontactid', 'createdby', 'fullname'), lit('string', 'x', "'x'")),
    );
  });

  it('any/all lambdas, nested, and any()', () => {
    assert.deepEqual(shape(filter("contact_customer_accounts/any(c:c/firstname eq 'a')")), {
      kind: 'Lambda',
      operator: 'any',
      collection: path('contact_customer_accounts'),
      variable: name('c'),
      predicate: bin('eq', path('c', 'firstname'), lit('string', 'a', "'a'")),
    });
    assert.deepEqual(shape(filter('contact_customer_accounts/any()')), {
      kind: 'Lambda',
      operator: 'any',
      collection: path('contact_customer_accounts'),
    });
    const nested = shape(filter('a/all(x: x/b/any(y: y/c eq x/d))')) as Record<string, unknown>;
    assert.equal(nested.operator, 'all');
    assert.deepEqual((nested.predicate as Record<string, unknown>).kind, 'Lambda');
    roundTrips('a/all(x: x/b/any(y: y/c eq x/d)) and not a/any()');
  });

  it('in with parentheses, brackets and an alias', () => {
    assert.deepEqual(shape(filter("city in ('a','b')")), {
      kind: 'In',
      operand: path('city'),
      list: { kind: 'List', bracket: 'paren', items: [lit('string', 'a', "'a'"), lit('string', 'b', "'b'")] },
    });
    assert.deepEqual(shape(filter('code in [1,2]')), {
      kind: 'In',
      operand: path('code'),
      list: { kind: 'List', bracket: 'square', items: [lit('integer', 1, '1'), lit('integer', 2, '2')] },
    });
    assert.deepEqual(shape(filter('code in @list')), {
      kind: 'In',
      operand: path('code'),
      list: { kind: 'Alias', name: '@list' },
    });
  });

  it('string functions', () => {
    for (const fn of ['contains', 'startswith', 'endswith']) {
      assert.deepEqual(shape(filter(`${fn}(name,'x')`)), {
        kind: 'Call',
        name: name(fn),
        args: [path('name'), lit('string', 'x', "'x'")],
      });
    }
  });

  it('Dataverse query functions with values, value lists (JSON strings too) and aliases', () => {
    assert.deepEqual(
      shape(
        filter(
          "Microsoft.Dynamics.CRM.In(PropertyName='address1_city',PropertyValues=['Seattle',\"Red'mond\"])",
        ),
      ),
      {
        kind: 'QueryFunction',
        qualifiedName: 'Microsoft.Dynamics.CRM.In',
        parameters: [
          { name: name('PropertyName'), value: lit('string', 'address1_city', "'address1_city'") },
          {
            name: name('PropertyValues'),
            value: {
              kind: 'List',
              bracket: 'square',
              items: [lit('string', 'Seattle', "'Seattle'"), lit('string', "Red'mond", '"Red\'mond"')],
            },
          },
        ],
      },
    );
    assert.deepEqual(shape(filter('Microsoft.Dynamics.CRM.LastXDays(PropertyName=@p1,PropertyValue=7)')), {
      kind: 'QueryFunction',
      qualifiedName: 'Microsoft.Dynamics.CRM.LastXDays',
      parameters: [
        { name: name('PropertyName'), value: { kind: 'Alias', name: '@p1' } },
        { name: name('PropertyValue'), value: lit('integer', 7, '7') },
      ],
    });
    assert.deepEqual(shape(filter("Microsoft.Dynamics.CRM.Today(PropertyName='createdon')")), {
      kind: 'QueryFunction',
      qualifiedName: 'Microsoft.Dynamics.CRM.Today',
      parameters: [{ name: name('PropertyName'), value: lit('string', 'createdon', "'createdon'") }],
    });
  });

  it('a query function bound to a range variable', () => {
    const n = shape(filter("a/any(o:o/Microsoft.Dynamics.CRM.EqualUserId(PropertyName='ownerid'))")) as {
      predicate: Record<string, unknown>;
    };
    assert.equal(n.predicate.kind, 'QueryFunction');
    assert.deepEqual(n.predicate.binding, path('o'));
  });

  it('$it and aliases as operands', () => {
    assert.deepEqual(
      shape(filter('$it/name eq @p1')),
      bin('eq', path('$it', 'name'), { kind: 'Alias', name: '@p1' }),
    );
  });

  it('positions point into the text', () => {
    const n = filter("statecode eq 0 and contains(fullname,'ab')");
    assert.equal(n.kind, 'Binary');
    if (n.kind !== 'Binary') return;
    assert.deepEqual([n.loc.start, n.loc.end], [0, 42]);
    assert.deepEqual([n.operatorLoc.start, n.operatorLoc.end], [15, 18]);
    assert.deepEqual([n.right.loc.start, n.right.loc.end], [19, 42]);
  });

  it('a kitchen-sink filter round-trips through the printer', () => {
    roundTrips(
      "(statecode eq 0 or statecode eq 1) and not contains(fullname,'x''y') and revenue mul 2 add -1 le 2e6 and " +
        'parentcustomerid_account/name ne null and contact_customer_accounts/all(c:c/birthdate lt 2000-01-01) and ' +
        "Microsoft.Dynamics.CRM.Between(PropertyName='numberofemployees',PropertyValues=['5','2000']) and " +
        "_ownerid_value eq 00000000-0000-0000-0000-000000000001 and city in ('a','b') and createdon ge 2020-01-01T00:00:00Z and a sub (b sub c) eq 1",
    );
  });
});

describe('$orderby, $select, $expand and alias values', () => {
  it('$orderby items with and without directions', () => {
    const items = parseOrderByText(
      source('$orderby', 'name desc,parentcustomerid_account/name,createdon asc'),
    );
    assert.deepEqual(shape(items), [
      { kind: 'OrderByItem', expression: path('name'), direction: 'desc', explicit: true },
      {
        kind: 'OrderByItem',
        expression: path('parentcustomerid_account', 'name'),
        direction: 'asc',
        explicit: false,
      },
      { kind: 'OrderByItem', expression: path('createdon'), direction: 'asc', explicit: true },
    ]);
    assert.equal(printOrderBy(items), 'name desc,parentcustomerid_account/name,createdon asc');
  });

  it('$select names (lookup values too)', () => {
    const items = parseSelectText(source('$select', 'fullname, _parentcustomerid_value,emailaddress1'));
    assert.equal(printSelect(items), 'fullname,_parentcustomerid_value,emailaddress1');
  });

  it('$expand with nested options and $ref', () => {
    const text =
      "primarycontactid($select=fullname;$expand=createdby($select=fullname)),contact_customer_accounts($select=fullname;$filter=firstname eq 'a';$orderby=lastname desc;$top=5),parentaccountid/$ref";
    const items = parseExpandText(source('$expand', text));
    assert.equal(items.length, 3);
    assert.deepEqual(
      items.map((i) => [i.property.value, i.ref, i.options.map((o) => o.kind)]),
      [
        ['primarycontactid', false, ['select', 'expand']],
        ['contact_customer_accounts', false, ['select', 'filter', 'orderby', 'top']],
        ['parentaccountid', true, []],
      ],
    );
    assert.equal(printExpand(items), text);
  });

  it('alias values: expressions and JSON-style lists', () => {
    assert.deepEqual(
      shape(parseAliasValueText(source('@p1', "'lastname'"))),
      lit('string', 'lastname', "'lastname'"),
    );
    assert.deepEqual(shape(parseAliasValueText(source('@p2', '["OBrian","O\'Brian"]'))), {
      kind: 'List',
      bracket: 'square',
      items: [lit('string', 'OBrian', '"OBrian"'), lit('string', "O'Brian", '"O\'Brian"')],
    });
  });
});
