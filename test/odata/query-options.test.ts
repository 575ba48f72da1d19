import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { and, attrRef, cmp, entitySource, keyRef, lit, select } from '../../src/ir/build.ts';
import { schemaFromDocument } from '../../src/metadata/schema-file.ts';
import {
  expandColumns,
  expandLink,
  expandParentKeys,
  groupExpandedRows,
  lowerExpand,
  planExpand,
} from '../../src/odata/lower/expand.ts';
import type { QueryOptions } from '../../src/odata/query-options.ts';
import { ODataQueryError, parseQueryOptions } from '../../src/odata/query-options.ts';

const schema = schemaFromDocument(undefined);

function ok(entity: string, params: URLSearchParams | Record<string, string>): QueryOptions {
  const r = parseQueryOptions(schema, entity, params);
  if (r instanceof ODataQueryError) throw r;
  return r;
}

function fails(entity: string, params: URLSearchParams | Record<string, string>): ODataQueryError {
  const r = parseQueryOptions(schema, entity, params);
  assert.ok(r instanceof ODataQueryError, 'expected an error');
  return r;
}

describe('parseQueryOptions', () => {
  it('no options: defaults', () => {
    const o = ok('contact', {});
    assert.equal(o.entity.logicalName, 'contact');
    assert.equal(o.filter, undefined);
    assert.equal(o.select, undefined);
    assert.deepEqual(
      [o.orderBy, o.expand, o.count, o.top, o.skipToken],
      [[], [], false, undefined, undefined],
    );
  });

  it('reads URLSearchParams (decoded) and keeps other parameters as custom options', () => {
    const o = ok(
      'contact',
      new URLSearchParams(
        "$top=5&$count=false&$skiptoken=%3Ccookie%2F%3E&fetchXml=x&$filter=lastname%20eq%20'O''Brien'",
      ),
    );
    assert.equal(o.top, 5);
    assert.equal(o.count, false);
    assert.equal(o.skipToken, '<cookie/>');
    assert.deepEqual([...o.custom], [['fetchXml', 'x']]);
    assert.equal(o.filter?.predicate.kind, 'compare');
  });

  it('rejects an option given twice', () => {
    const e = fails('contact', new URLSearchParams('$top=1&$top=2'));
    assert.equal(
      e.message,
      "Query option '$top' was specified more than once, but it must be specified at most once.",
    );
    assert.equal(fails('contact', new URLSearchParams('@p=1&@p=2')).option, '@p');
  });

  it('option names are case-sensitive', () => {
    assert.equal(
      fails('contact', { $TOP: '1' }).message,
      "The query parameter $TOP is not supported. Did you mean '$top'?",
    );
  });

  it('aliases: defined after use, chained, in function parameters; cycles are refused', () => {
    const o = ok('contact', {
      $filter: 'Microsoft.Dynamics.CRM.In(PropertyName=@p1,PropertyValues=@p2)',
      '@p1': "'lastname'",
      '@p2': '["OBrian","O\'Brian"]',
    });
    const p = o.filter?.predicate;
    assert.ok(p?.kind === 'in');
    assert.deepEqual(
      p.values.map((v) => v.value),
      ['OBrian', "O'Brian"],
    );
    const cycle = fails('contact', { $filter: 'lastname eq @a', '@a': '@b', '@b': '@a' });
    assert.equal(cycle.message, "The parameter alias '@a' refers to itself. (at position 0 in @b '@a')");
    const list = fails('contact', { $filter: 'lastname eq @a', '@a': "['x']" });
    assert.match(list.message, /holds a list/);
    const inAlias = ok('contact', { $filter: 'lastname in @a', '@a': "['x','y']" });
    assert.equal(inAlias.filter?.predicate.kind, 'in');
  });

  it('aliases in $orderby', () => {
    const o = ok('contact', { $orderby: '@o desc', '@o': 'lastname' });
    assert.deepEqual(
      o.orderBy.map((x) => [x.property.attribute.logicalName, x.direction]),
      [['lastname', 'desc']],
    );
  });

  it('$expand binds navigation, nested options and the target entity', () => {
    const o = ok('account', {
      $expand:
        'primarycontactid($select=fullname;$expand=parentcustomerid_account($select=name)),contact_customer_accounts($filter=statecode eq 0;$orderby=lastname desc;$top=3;$select=lastname)',
    });
    const [pc, cca] = o.expand;
    assert.ok(pc !== undefined && cca !== undefined);
    assert.deepEqual(
      [pc.property, pc.navigation.kind, pc.target.logicalName, pc.select?.properties.map((p) => p.attribute)],
      ['primarycontactid', 'single', 'contact', ['fullname']],
    );
    assert.deepEqual(
      pc.expand.map((e) => [e.property, e.target.logicalName]),
      [['parentcustomerid_account', 'account']],
    );
    assert.deepEqual(
      [cca.navigation.kind, cca.top, cca.orderBy.length, cca.filter?.root.entity],
      ['collection', 3, 1, 'contact'],
    );
  });

  it('at most 15 navigation properties in $expand', () => {
    const sixteen = Array.from({ length: 16 }, () => 'primarycontactid').join(',');
    assert.match(fails('account', { $expand: sixteen }).message, /at most 15 navigation properties/);
    assert.equal(
      ok('account', { $expand: Array.from({ length: 15 }, () => 'primarycontactid').join(',') }).expand
        .length,
      15,
    );
  });

  it('$expand with $ref on a lookup', () => {
    assert.equal(ok('account', { $expand: 'primarycontactid/$ref' }).expand[0]?.ref, true);
  });

  it('custom schema entities and attributes are resolved like built-ins', () => {
    const custom = schemaFromDocument({
      entities: [
        {
          logicalName: 'new_project',
          entitySetName: 'new_projects',
          displayName: 'Project',
          attributes: [
            { logicalName: 'new_name', type: 'String', displayName: 'Name' },
            { logicalName: 'new_budget', type: 'Money', displayName: 'Budget' },
            { logicalName: 'new_contactid', type: 'Lookup', displayName: 'Contact', targets: ['contact'] },
          ],
        },
      ],
    });
    const r = parseQueryOptions(custom, 'new_project', {
      $filter: "new_budget gt 10 and new_contactid/lastname eq 'x'",
      $orderby: 'new_name',
    });
    if (r instanceof ODataQueryError) throw r;
    assert.equal(r.filter?.predicate.kind, 'and');
  });
});

describe('limits: huge or deeply nested input gives an error, never a stack overflow', () => {
  const cases: Record<string, string> = {
    parentheses: '('.repeat(3000) + 'statecode eq 0' + ')'.repeat(3000),
    'not chain': 'not '.repeat(5000) + 'donotemail',
    'minus chain': 'numberofchildren eq ' + '-'.repeat(5000) + '1',
    'add chain': 'numberofchildren eq ' + Array.from({ length: 4000 }, () => '1').join(' add '),
    'eq chain': Array.from({ length: 4000 }, () => 'donotemail').join(' eq '),
  };
  for (const [label, filter] of Object.entries(cases)) {
    it(label, () => {
      const e = fails('contact', { $filter: filter });
      assert.match(
        e.message,
        /^Syntax error at position \d+ in \$filter '.*': the expression is nested more than (100|200) levels deep\.$/s,
      );
      assert.ok(e.position >= 0 && e.position <= filter.length);
    });
  }

  it('a 3000-term or-chain is not nesting: it parses and lowers to one flat or', () => {
    const filter = Array.from({ length: 3000 }, (_, i) => `numberofchildren eq ${i}`).join(' or ');
    const o = ok('contact', { $filter: filter });
    assert.ok(o.filter?.predicate.kind === 'or');
    assert.equal(o.filter.predicate.operands.length, 3000);
  });
});

describe('planExpand', () => {
  const ids = ['00000000-0000-0000-0000-00000000000a', '00000000-0000-0000-0000-00000000000b'];

  it('single-valued polymorphic: parents keyed by lookup and type; one query by target id', () => {
    const o = ok('contact', { $expand: 'parentcustomerid_account($select=name)' });
    const clause = o.expand[0]!;
    const link = expandLink(schema, clause);
    assert.deepEqual(link, {
      parentAttribute: 'parentcustomerid',
      parentType: { attribute: 'parentcustomeridtype', value: 'account' },
      childColumn: 'accountid',
    });
    const parents = [
      { parentcustomerid: ids[0]!, parentcustomeridtype: 'account' },
      { parentcustomerid: ids[1]!, parentcustomeridtype: 'contact' },
      { parentcustomerid: null, parentcustomeridtype: null },
      { parentcustomerid: ids[0]!, parentcustomeridtype: 'account' },
    ];
    const keys = expandParentKeys(link, parents);
    assert.deepEqual(keys, [ids[0]]);
    assert.deepEqual(planExpand(schema, clause, keys), [
      select(
        entitySource('account', 'e'),
        [
          { expr: attrRef('e', 'name'), as: 'name' },
          { expr: attrRef('e', 'accountid'), as: 'accountid' },
        ],
        {
          joins: [],
          where: {
            kind: 'in',
            operand: attrRef('e', 'accountid'),
            values: [lit(ids[0]!, 'guid')],
            negated: false,
          },
          orderBy: [{ expr: keyRef('e'), direction: 'asc' }],
        },
      ),
    ]);
    assert.deepEqual(planExpand(schema, clause, []), []);
  });

  it('collection-valued: children by their lookup, with the type test, filter and order; batched', () => {
    const o = ok('account', {
      $expand: 'contact_customer_accounts($select=lastname;$filter=statecode eq 0;$orderby=lastname)',
    });
    const clause = o.expand[0]!;
    const link = expandLink(schema, clause);
    assert.deepEqual(link, { parentAttribute: 'accountid', childColumn: 'parentcustomerid' });
    assert.deepEqual(expandColumns(schema, clause), ['lastname', 'contactid', 'parentcustomerid']);
    const queries = planExpand(schema, clause, ids, { alias: 'c', batchSize: 1 });
    assert.equal(queries.length, 2);
    assert.deepEqual(
      queries[1],
      select(
        entitySource('contact', 'c'),
        ['lastname', 'contactid', 'parentcustomerid'].map((x) => ({ expr: attrRef('c', x), as: x })),
        {
          joins: [],
          where: and(
            {
              kind: 'in',
              operand: attrRef('c', 'parentcustomerid'),
              values: [lit(ids[1]!, 'guid')],
              negated: false,
            },
            cmp('=', attrRef('c', 'parentcustomeridtype'), lit('account', 'string')),
            cmp('=', attrRef('c', 'statecode'), lit(0, 'integer')),
          )!,
          orderBy: [
            { expr: attrRef('c', 'lastname'), direction: 'asc' },
            { expr: keyRef('c'), direction: 'asc' },
          ],
        },
      ),
    );
    const rows = [
      { contactid: '1', parentcustomerid: ids[0]! },
      { contactid: '2', parentcustomerid: ids[1]! },
      { contactid: '3', parentcustomerid: ids[0]! },
    ];
    assert.deepEqual(
      [...groupExpandedRows(link, rows)].map(([key, rs]) => [key, rs.map((r) => r.contactid)]),
      [
        [ids[0], ['1', '3']],
        [ids[1], ['2']],
      ],
    );
  });

  it('collection-valued with $top: one limited query per parent', () => {
    const o = ok('account', { $expand: 'contact_customer_accounts($top=2)' });
    const queries = planExpand(schema, o.expand[0]!, ids);
    assert.equal(queries.length, 2);
    assert.deepEqual(
      queries.map((q) => (q.kind === 'select' ? [q.limit, q.where] : [])),
      ids.map((id) => [
        2,
        and(
          cmp('=', attrRef('e', 'parentcustomerid'), lit(id, 'guid')),
          cmp('=', attrRef('e', 'parentcustomeridtype'), lit('account', 'string')),
        ),
      ]),
    );
  });

  it('lowerExpand gives the IR parts of each level', () => {
    const o = ok('account', {
      $expand:
        'contact_customer_accounts($select=lastname;$filter=statecode eq 0;$orderby=parentcustomerid_account/name;$top=2;$expand=owninguser($select=fullname))',
    });
    const [l] = lowerExpand(schema, o.expand, 't');
    assert.ok(l !== undefined);
    assert.deepEqual(
      [l.property, l.ref, l.top, l.attributes],
      ['contact_customer_accounts', false, 2, ['lastname', 'contactid', 'owninguser', 'parentcustomerid']],
    );
    assert.deepEqual(l.link, { parentAttribute: 'accountid', childColumn: 'parentcustomerid' });
    assert.deepEqual(l.where, cmp('=', attrRef('t', 'statecode'), lit(0, 'integer')));
    assert.deepEqual(
      l.joins.map((j) => [j.type, j.source]),
      [['left', entitySource('account', 't_o1')]],
    );
    assert.deepEqual(l.orderBy, [{ expr: attrRef('t_o1', 'name'), direction: 'asc' }]);
    assert.deepEqual(
      l.expand.map((e) => [e.property, e.attributes, e.link.parentAttribute]),
      [['owninguser', ['fullname', 'systemuserid'], 'owninguser']],
    );
  });

  it('nested expansions: the child query reads what the next level needs', () => {
    const o = ok('account', {
      $expand: 'contact_customer_accounts($select=lastname;$expand=owninguser($select=fullname))',
    });
    assert.deepEqual(expandColumns(schema, o.expand[0]!), [
      'lastname',
      'contactid',
      'owninguser',
      'parentcustomerid',
    ]);
  });
});
