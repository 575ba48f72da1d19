import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
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
import type { DatePart, Expr } from '../../src/ir/nodes.ts';
import { schemaFromDocument } from '../../src/metadata/schema-file.ts';
import { lowerFilter } from '../../src/odata/lower/filter.ts';
import { lowerOrderBy } from '../../src/odata/lower/orderby.ts';
import { countQuery, lowerQueryOptions, rootQuery } from '../../src/odata/lower/query.ts';
import { lowerSelect } from '../../src/odata/lower/select.ts';
import type { QueryOptions, QueryOptionsSettings } from '../../src/odata/query-options.ts';
import { ODataQueryError, parseQueryOptions } from '../../src/odata/query-options.ts';

const schema = schemaFromDocument(undefined);

function options(
  entity: string,
  params: Record<string, string>,
  settings: QueryOptionsSettings = {},
): QueryOptions {
  const r = parseQueryOptions(schema, entity, params, settings);
  if (r instanceof ODataQueryError) throw r;
  return r;
}

function where(
  entity: string,
  filter: string,
  extra: Record<string, string> = {},
  settings: QueryOptionsSettings = {},
): Expr {
  const o = options(entity, { $filter: filter, ...extra }, settings);
  assert.ok(o.filter);
  return lowerFilter(schema, o.filter, 'r');
}

const a = (attribute: string, source = 'r') => attrRef(source, attribute);
const s = (v: string) => lit(v, 'string');
const now: Expr = { kind: 'now' };
const trunc = (part: DatePart, e: Expr = now): Expr => ({ kind: 'dateTrunc', part, operand: e });
const addTo = (part: DatePart, n: number, e: Expr): Expr => ({
  kind: 'dateAdd',
  part,
  amount: lit(n, 'integer'),
  operand: e,
});
const today = trunc('day');
const k = (alias: string) => [{ expr: keyRef(alias), as: 'k' }];

describe('lowering $filter: comparisons and logic', () => {
  it('string comparisons are case-insensitive, numbers are not', () => {
    assert.deepEqual(
      where('contact', "lastname eq 'Smith' and numberofchildren gt 2"),
      and(cmp('=', a('lastname'), s('Smith'), true), cmp('>', a('numberofchildren'), lit(2, 'integer'))),
    );
  });

  it('or, not and parentheses', () => {
    assert.deepEqual(
      where('contact', 'not (statecode eq 1) or (gendercode eq 1 and familystatuscode ne 2)'),
      or(
        not(cmp('=', a('statecode'), lit(1, 'integer'))),
        and(
          cmp('=', a('gendercode'), lit(1, 'integer')),
          cmp('<>', a('familystatuscode'), lit(2, 'integer')),
        )!,
      ),
    );
  });

  it('null tests', () => {
    assert.deepEqual(
      where('contact', 'emailaddress1 eq null and null ne mobilephone'),
      and(isNull(a('emailaddress1')), isNull(a('mobilephone'), true)),
    );
  });

  it('a Boolean column as a condition, and compared with a literal', () => {
    assert.deepEqual(where('contact', 'donotemail'), cmp('=', a('donotemail'), lit(true, 'boolean')));
    assert.deepEqual(
      where('contact', 'not donotemail'),
      not(cmp('=', a('donotemail'), lit(true, 'boolean'))),
    );
    assert.deepEqual(
      where('contact', 'donotemail eq false'),
      cmp('=', a('donotemail'), lit(false, 'boolean')),
    );
  });

  it('a condition compared with true or false', () => {
    const text: Expr = {
      kind: 'text',
      op: 'contains',
      operand: a('fullname'),
      pattern: s('x'),
      negated: false,
    };
    assert.deepEqual(where('contact', "contains(fullname,'x') eq false"), not(text));
    assert.deepEqual(where('contact', "contains(fullname,'x') ne false"), text);
  });

  it('literals take the column type: guid, date, datetime, decimal, bigint', () => {
    assert.deepEqual(
      where(
        'contact',
        "_parentcustomerid_value eq 'AAAAAAAA-0000-0000-0000-000000000001' and birthdate ge 1990-05-01 and createdon lt 2020-01-01T10:00:00+02:00 and createdon ge 2019-01-01",
      ),
      and(
        cmp('=', a('parentcustomerid'), lit('aaaaaaaa-0000-0000-0000-000000000001', 'guid')),
        cmp('>=', a('birthdate'), lit('1990-05-01', 'date')),
        cmp('<', a('createdon'), lit('2020-01-01T08:00:00Z', 'datetime')),
        cmp('>=', a('createdon'), lit('2019-01-01T00:00:00Z', 'datetime')),
      ),
    );
    assert.deepEqual(where('account', 'revenue le 2e6'), cmp('<=', a('revenue'), lit(2e6, 'decimal')));
    assert.deepEqual(
      where('account', 'numberofemployees gt 5.5'),
      cmp('>', a('numberofemployees'), lit(5.5, 'decimal')),
    );
    assert.deepEqual(
      where('account', 'versionnumber gt 9007199254740991'),
      cmp('>', a('versionnumber'), lit(9007199254740991, 'bigint')),
    );
  });

  it('column-to-column and arithmetic', () => {
    assert.deepEqual(
      where('contact', 'firstname eq lastname'),
      cmp('=', a('firstname'), a('lastname'), true),
    );
    assert.deepEqual(
      where('account', 'revenue mul 2 sub -creditlimit gt numberofemployees mod 7'),
      cmp(
        '>',
        {
          kind: 'arith',
          op: '-',
          left: { kind: 'arith', op: '*', left: a('revenue'), right: lit(2, 'integer') },
          right: { kind: 'negate', operand: a('creditlimit') },
        },
        { kind: 'arith', op: '%', left: a('numberofemployees'), right: lit(7, 'integer') },
      ),
    );
  });

  it('parameter aliases stand for their values', () => {
    assert.deepEqual(
      where('contact', 'lastname eq @p1 and statecode eq @p2', {
        '@p1': "'Smith'",
        '@p2': '@p3',
        '@p3': '0',
      }),
      and(cmp('=', a('lastname'), s('Smith'), true), cmp('=', a('statecode'), lit(0, 'integer'))),
    );
  });

  it('constants', () => {
    assert.deepEqual(where('contact', 'true'), lit(true, 'boolean'));
    assert.deepEqual(where('contact', 'null eq null'), lit(true, 'boolean'));
  });
});

describe('lowering $filter: text, in, between', () => {
  it('contains/startswith/endswith; wildcards make a LIKE pattern as in Dataverse', () => {
    assert.deepEqual(
      where('contact', "startswith(fullname,'ab') or endswith(fullname,'cd')"),
      or(
        { kind: 'text', op: 'startsWith', operand: a('fullname'), pattern: s('ab'), negated: false },
        { kind: 'text', op: 'endsWith', operand: a('fullname'), pattern: s('cd'), negated: false },
      ),
    );
    assert.deepEqual(where('contact', "contains(fullname,'a%b')"), {
      kind: 'text',
      op: 'like',
      operand: a('fullname'),
      pattern: s('%a%b%'),
      negated: false,
    });
    assert.deepEqual(where('contact', "startswith(emailaddress1,'j_n')"), {
      kind: 'text',
      op: 'like',
      operand: a('emailaddress1'),
      pattern: s('j_n%'),
      negated: false,
    });
    assert.deepEqual(where('contact', 'contains(fullname,lastname)'), {
      kind: 'text',
      op: 'contains',
      operand: a('fullname'),
      pattern: a('lastname'),
      negated: false,
    });
  });

  it("'in' lists, with null", () => {
    assert.deepEqual(where('contact', "address1_city in ('Seattle','Redmond')"), {
      kind: 'in',
      operand: a('address1_city'),
      values: [s('Seattle'), s('Redmond')],
      negated: false,
      ci: true,
    });
    assert.deepEqual(
      where('contact', 'statecode in (0,null)'),
      or(
        { kind: 'in', operand: a('statecode'), values: [lit(0, 'integer')], negated: false },
        isNull(a('statecode')),
      ),
    );
    assert.deepEqual(where('contact', 'statecode in [1]'), {
      kind: 'in',
      operand: a('statecode'),
      values: [lit(1, 'integer')],
      negated: false,
    });
  });

  it('In / NotIn / Between / NotBetween query functions', () => {
    assert.deepEqual(
      where(
        'contact',
        "Microsoft.Dynamics.CRM.In(PropertyName='address1_city',PropertyValues=['Seattle',\"Redmond\"])",
      ),
      {
        kind: 'in',
        operand: a('address1_city'),
        values: [s('Seattle'), s('Redmond')],
        negated: false,
        ci: true,
      },
    );
    assert.deepEqual(
      where('contact', 'Microsoft.Dynamics.CRM.NotIn(PropertyName=@p1,PropertyValues=@p2)', {
        '@p1': "'statecode'",
        '@p2': "['0',null]",
      }),
      and(
        { kind: 'in', operand: a('statecode'), values: [lit(0, 'integer')], negated: true },
        isNull(a('statecode'), true),
      ),
    );
    assert.deepEqual(
      where(
        'account',
        'Microsoft.Dynamics.CRM.Between(PropertyName=\'numberofemployees\',PropertyValues=["5","2000"])',
      ),
      and(
        cmp('>=', a('numberofemployees'), lit(5, 'integer')),
        cmp('<=', a('numberofemployees'), lit(2000, 'integer')),
      ),
    );
    assert.deepEqual(
      where('contact', "mscrm.NotBetween(PropertyName='lastname',PropertyValues=['a','m'])"),
      or(cmp('<', a('lastname'), s('a'), true), cmp('>', a('lastname'), s('m'), true)),
    );
    assert.deepEqual(
      where('contact', "Microsoft.Dynamics.CRM.Contains(PropertyName='fullname',PropertyValue='ab')"),
      { kind: 'text', op: 'contains', operand: a('fullname'), pattern: s('ab'), negated: false },
    );
  });

  it('EqualUserId / NotEqualBusinessId compare with the caller', () => {
    const caller = {
      userId: 'AAAAAAAA-0000-0000-0000-000000000001',
      businessUnitId: 'bbbbbbbb-0000-0000-0000-000000000002',
    };
    assert.deepEqual(
      where('contact', "Microsoft.Dynamics.CRM.EqualUserId(PropertyName='ownerid')", {}, { caller }),
      cmp('=', a('ownerid'), lit('aaaaaaaa-0000-0000-0000-000000000001', 'guid')),
    );
    assert.deepEqual(
      where(
        'contact',
        "Microsoft.Dynamics.CRM.NotEqualBusinessId(PropertyName='_owningbusinessunit_value')",
        {},
        { caller },
      ),
      cmp('<>', a('owningbusinessunit'), lit('bbbbbbbb-0000-0000-0000-000000000002', 'guid')),
    );
  });
});

describe('lowering $filter: date query functions', () => {
  const created = a('createdon');
  it('Today, Yesterday, Tomorrow', () => {
    assert.deepEqual(
      where('contact', "Microsoft.Dynamics.CRM.Today(PropertyName='createdon')"),
      and(cmp('>=', created, today), cmp('<', created, addTo('day', 1, today))),
    );
    assert.deepEqual(
      where('contact', "Microsoft.Dynamics.CRM.Yesterday(PropertyName='createdon')"),
      and(cmp('>=', created, addTo('day', -1, today)), cmp('<', created, today)),
    );
    assert.deepEqual(
      where('contact', "Microsoft.Dynamics.CRM.Tomorrow(PropertyName='createdon')"),
      and(cmp('>=', created, addTo('day', 1, today)), cmp('<', created, addTo('day', 2, today))),
    );
  });

  it('LastXDays(n) is [today - n days, now]; Last7Days is LastXDays(7)', () => {
    const expected = and(cmp('>=', created, addTo('day', -7, today)), cmp('<=', created, now));
    assert.deepEqual(
      where('contact', "Microsoft.Dynamics.CRM.LastXDays(PropertyName='createdon',PropertyValue=7)"),
      expected,
    );
    assert.deepEqual(
      where('contact', "Microsoft.Dynamics.CRM.LastXDays(PropertyName='createdon',PropertyValue='7')"),
      expected,
    );
    assert.deepEqual(
      where('contact', "Microsoft.Dynamics.CRM.Last7Days(PropertyName='createdon')"),
      expected,
    );
  });

  it('NextXDays, LastXHours, NextXMonths, LastXYears', () => {
    assert.deepEqual(
      where('contact', "Microsoft.Dynamics.CRM.NextXDays(PropertyName='createdon',PropertyValue=3)"),
      and(cmp('>=', created, now), cmp('<', created, addTo('day', 4, today))),
    );
    assert.deepEqual(
      where('contact', "Microsoft.Dynamics.CRM.LastXHours(PropertyName='createdon',PropertyValue=12)"),
      and(cmp('>=', created, addTo('hour', -12, now)), cmp('<=', created, now)),
    );
    assert.deepEqual(
      where('contact', "Microsoft.Dynamics.CRM.NextXMonths(PropertyName='createdon',PropertyValue=2)"),
      and(cmp('>=', created, now), cmp('<', created, addTo('day', 1, addTo('month', 2, today)))),
    );
    assert.deepEqual(
      where('contact', "Microsoft.Dynamics.CRM.LastXYears(PropertyName='createdon',PropertyValue=1)"),
      and(cmp('>=', created, addTo('year', -1, today)), cmp('<=', created, now)),
    );
  });

  it('OlderThanX…', () => {
    assert.deepEqual(
      where('contact', "Microsoft.Dynamics.CRM.OlderThanXDays(PropertyName='createdon',PropertyValue=30)"),
      cmp('<', created, addTo('day', -30, today)),
    );
    assert.deepEqual(
      where('contact', "Microsoft.Dynamics.CRM.OlderThanXMonths(PropertyName='createdon',PropertyValue=6)"),
      cmp('<', created, addTo('month', -6, today)),
    );
    assert.deepEqual(
      where('contact', "Microsoft.Dynamics.CRM.OlderThanXMinutes(PropertyName='createdon',PropertyValue=5)"),
      cmp('<', created, addTo('minute', -5, now)),
    );
  });

  it('This/Last/Next week, month and year', () => {
    assert.deepEqual(
      where('contact', "Microsoft.Dynamics.CRM.ThisMonth(PropertyName='createdon')"),
      and(cmp('>=', created, trunc('month')), cmp('<', created, addTo('month', 1, trunc('month')))),
    );
    assert.deepEqual(
      where('contact', "Microsoft.Dynamics.CRM.LastWeek(PropertyName='createdon')"),
      and(cmp('>=', created, addTo('week', -1, trunc('week'))), cmp('<', created, trunc('week'))),
    );
    assert.deepEqual(
      where('contact', "Microsoft.Dynamics.CRM.NextYear(PropertyName='createdon')"),
      and(
        cmp('>=', created, addTo('year', 1, trunc('year'))),
        cmp('<', created, addTo('year', 2, trunc('year'))),
      ),
    );
  });

  it('On / OnOrAfter / OnOrBefore on date-times and on date-only columns', () => {
    assert.deepEqual(
      where('contact', "Microsoft.Dynamics.CRM.On(PropertyName='createdon',PropertyValue='2020-02-28')"),
      and(
        cmp('>=', created, lit('2020-02-28T00:00:00Z', 'datetime')),
        cmp('<', created, lit('2020-02-29T00:00:00Z', 'datetime')),
      ),
    );
    assert.deepEqual(
      where(
        'contact',
        "Microsoft.Dynamics.CRM.OnOrBefore(PropertyName='createdon',PropertyValue=2020-12-31)",
      ),
      cmp('<', created, lit('2021-01-01T00:00:00Z', 'datetime')),
    );
    assert.deepEqual(
      where('contact', "Microsoft.Dynamics.CRM.On(PropertyName='birthdate',PropertyValue='1990-05-01')"),
      cmp('=', a('birthdate'), lit('1990-05-01', 'date')),
    );
    assert.deepEqual(
      where(
        'contact',
        "Microsoft.Dynamics.CRM.OnOrAfter(PropertyName='birthdate',PropertyValue='1990-05-01')",
      ),
      cmp('>=', a('birthdate'), lit('1990-05-01', 'date')),
    );
  });

  it('relative bounds on a date-only column compare with calendar dates', () => {
    const asDate = (e: Expr): Expr => ({ kind: 'cast', operand: e, type: 'date' });
    assert.deepEqual(
      where('contact', "Microsoft.Dynamics.CRM.LastXDays(PropertyName='birthdate',PropertyValue=10)"),
      and(
        cmp('>=', a('birthdate'), asDate(addTo('day', -10, today))),
        cmp('<=', a('birthdate'), asDate(now)),
      ),
    );
  });
});

describe('lowering $filter: navigation and lambdas', () => {
  const accountOfContact = (alias: string, from = 'r') =>
    and(
      cmp('=', a('accountid', alias), a('parentcustomerid', from)),
      cmp('=', a('parentcustomeridtype', from), s('account')),
    )!;

  it('a single-valued polymorphic path becomes EXISTS over the account the lookup points at', () => {
    assert.deepEqual(
      where('contact', "parentcustomerid_account/name eq 'Contoso'"),
      exists(
        select(entitySource('account', 'r_f1'), k('r_f1'), {
          joins: [],
          where: and(accountOfContact('r_f1'), cmp('=', a('name', 'r_f1'), s('Contoso'), true))!,
        }),
      ),
    );
  });

  it('a non-polymorphic path has no type test; several conditions on the same path lift separately', () => {
    const contactOf = (alias: string) => cmp('=', a('contactid', alias), a('primarycontactid'));
    assert.deepEqual(
      where('account', "primarycontactid/firstname eq 'a' and primarycontactid/lastname eq 'b'"),
      and(
        exists(
          select(entitySource('contact', 'r_f1'), k('r_f1'), {
            joins: [],
            where: and(contactOf('r_f1'), cmp('=', a('firstname', 'r_f1'), s('a'), true))!,
          }),
        ),
        exists(
          select(entitySource('contact', 'r_f2'), k('r_f2'), {
            joins: [],
            where: and(contactOf('r_f2'), cmp('=', a('lastname', 'r_f2'), s('b'), true))!,
          }),
        ),
      ),
    );
  });

  it('a multi-level path joins the hops inside one subquery', () => {
    assert.deepEqual(
      where('account', "primarycontactid/parentcustomerid_account/name eq 'x'"),
      exists(
        select(entitySource('contact', 'r_f1'), k('r_f1'), {
          joins: [
            { type: 'inner', source: entitySource('account', 'r_f2'), on: accountOfContact('r_f2', 'r_f1') },
          ],
          where: and(
            cmp('=', a('contactid', 'r_f1'), a('primarycontactid')),
            cmp('=', a('name', 'r_f2'), s('x'), true),
          )!,
        }),
      ),
    );
  });

  it("'path eq null' holds when there is no related row or its value is null", () => {
    assert.deepEqual(
      where('contact', 'parentcustomerid_account/name eq null'),
      exists(
        select(entitySource('account', 'r_f1'), k('r_f1'), {
          joins: [],
          where: and(accountOfContact('r_f1'), isNull(a('name', 'r_f1'), true))!,
        }),
        true,
      ),
    );
  });

  it('navigation property compared with null tests the lookup', () => {
    assert.deepEqual(
      where('contact', 'parentcustomerid_account eq null'),
      not(and(isNull(a('parentcustomerid'), true), cmp('=', a('parentcustomeridtype'), s('account')))!),
    );
    assert.deepEqual(where('account', 'primarycontactid ne null'), isNull(a('primarycontactid'), true));
  });

  it('any: EXISTS over the related rows; unprefixed names inside refer to the root', () => {
    const child = and(
      cmp('=', a('accountid'), a('parentcustomerid', 'r_f1')),
      cmp('=', a('parentcustomeridtype', 'r_f1'), s('account')),
    )!;
    assert.deepEqual(
      where('account', 'contact_customer_accounts/any(c:c/firstname eq name)'),
      exists(
        select(entitySource('contact', 'r_f1'), k('r_f1'), {
          where: and(child, cmp('=', a('firstname', 'r_f1'), a('name'), true))!,
        }),
      ),
    );
    assert.deepEqual(
      where('account', 'contact_customer_accounts/any()'),
      exists(select(entitySource('contact', 'r_f1'), k('r_f1'), { where: child })),
    );
  });

  it('all: NOT EXISTS over related rows where the condition is not true (null counts as not true)', () => {
    const child = and(
      cmp('=', a('accountid'), a('parentcustomerid', 'r_f1')),
      cmp('=', a('parentcustomeridtype', 'r_f1'), s('account')),
    )!;
    assert.deepEqual(
      where('account', 'contact_customer_accounts/all(c:c/statecode eq 0)'),
      exists(
        select(entitySource('contact', 'r_f1'), k('r_f1'), {
          where: and(
            child,
            not({
              kind: 'coalesce',
              operands: [cmp('=', a('statecode', 'r_f1'), lit(0, 'integer')), lit(false, 'boolean')],
            }),
          )!,
        }),
        true,
      ),
    );
  });

  it('nested lambdas see the outer range variable', () => {
    const e = where(
      'account',
      'contact_customer_accounts/any(c:c/contact_customer_contacts/any(d:d/lastname eq c/lastname))',
    );
    const outerChild = and(
      cmp('=', a('accountid'), a('parentcustomerid', 'r_f1')),
      cmp('=', a('parentcustomeridtype', 'r_f1'), s('account')),
    )!;
    const innerChild = and(
      cmp('=', a('contactid', 'r_f1'), a('parentcustomerid', 'r_f2')),
      cmp('=', a('parentcustomeridtype', 'r_f2'), s('contact')),
    )!;
    assert.deepEqual(
      e,
      exists(
        select(entitySource('contact', 'r_f1'), k('r_f1'), {
          where: and(
            outerChild,
            exists(
              select(entitySource('contact', 'r_f2'), k('r_f2'), {
                where: and(innerChild, cmp('=', a('lastname', 'r_f2'), a('lastname', 'r_f1'), true))!,
              }),
            ),
          )!,
        }),
      ),
    );
  });

  it('a lambda after a single-valued path, and a query function bound to the range variable', () => {
    const e = where(
      'contact',
      "parentcustomerid_account/contact_customer_accounts/any(c:c/Microsoft.Dynamics.CRM.Today(PropertyName='createdon'))",
    );
    assert.equal(e.kind, 'exists');
    if (e.kind !== 'exists' || e.query.kind !== 'select') return;
    assert.deepEqual(e.query.from, entitySource('account', 'r_f1'));
    assert.deepEqual(
      e.query.joins.map((j) => [j.type, j.source]),
      [['inner', entitySource('contact', 'r_f2')]],
    );
    const created = a('createdon', 'r_f2');
    assert.deepEqual(
      e.query.where,
      and(
        accountOfContact('r_f1'),
        and(cmp('>=', created, today), cmp('<', created, addTo('day', 1, today))),
      ),
    );
  });
});

describe('lowering $orderby, $select and the whole query', () => {
  it('$orderby on a navigation path LEFT JOINs the related row once', () => {
    const o = options('contact', {
      $orderby: 'parentcustomerid_account/name desc,lastname,parentcustomerid_account/accountnumber',
    });
    const join = {
      type: 'left' as const,
      source: entitySource('account', 'r_o1'),
      on: and(
        cmp('=', a('accountid', 'r_o1'), a('parentcustomerid')),
        cmp('=', a('parentcustomeridtype'), s('account')),
      )!,
    };
    assert.deepEqual(lowerOrderBy(schema, o.orderBy, 'r'), {
      joins: [join],
      orderBy: [
        { expr: a('name', 'r_o1'), direction: 'desc' },
        { expr: a('lastname'), direction: 'asc' },
        { expr: a('accountnumber', 'r_o1'), direction: 'asc' },
      ],
    });
  });

  it('$select reads the selected attributes, the primary id and polymorphic type columns', () => {
    const o = options('contact', { $select: 'fullname,_parentcustomerid_value,fullname' });
    assert.deepEqual(o.select?.properties, [
      { name: 'fullname', attribute: 'fullname' },
      { name: '_parentcustomerid_value', attribute: 'parentcustomerid' },
    ]);
    assert.deepEqual(lowerSelect(schema, o.entity, o.select, o.expand), [
      'fullname',
      'parentcustomerid',
      'parentcustomeridtype',
      'contactid',
    ]);
  });

  it('$select also reads the lookups behind single-valued expansions; no $select reads everything', () => {
    const o = options('account', {
      $select: 'name',
      $expand: 'primarycontactid($select=fullname),contact_customer_accounts',
    });
    assert.deepEqual(lowerSelect(schema, o.entity, o.select, o.expand), [
      'name',
      'accountid',
      'primarycontactid',
    ]);
    const all = options('account', {});
    assert.equal(lowerSelect(schema, all.entity, all.select).length, all.entity.attributes.size);
  });

  it('rootQuery and countQuery', () => {
    const o = options('contact', {
      $select: 'lastname',
      $filter: 'statecode eq 0',
      $orderby: 'lastname desc',
      $top: '10',
      $count: 'true',
    });
    assert.equal(o.count, true);
    assert.deepEqual(
      rootQuery(schema, o, 'r', 5000),
      select(
        entitySource('contact', 'r'),
        [
          { expr: a('lastname'), as: 'lastname' },
          { expr: a('contactid'), as: 'contactid' },
        ],
        {
          joins: [],
          where: cmp('=', a('statecode'), lit(0, 'integer')),
          orderBy: [
            { expr: a('lastname'), direction: 'desc' },
            { expr: keyRef('r'), direction: 'asc' },
          ],
          limit: 10,
        },
      ),
    );
    assert.deepEqual(
      countQuery(schema, o, 'r'),
      select(entitySource('contact', 'r'), [{ expr: { kind: 'aggregate', fn: 'count' }, as: 'count' }], {
        where: cmp('=', a('statecode'), lit(0, 'integer')),
      }),
    );
    assert.deepEqual(lowerQueryOptions(schema, o, 'r').top, 10);
  });
});
