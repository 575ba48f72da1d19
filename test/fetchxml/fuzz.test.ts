/**
 * No FetchXML gives a 500: seeded random queries built from FetchXML's own vocabulary (elements,
 * attributes, every operator, link types, aggregates, paging) and random mutations of them run
 * against a real app on a real store. At the library level nothing but a FetchXmlError (or, when
 * running, a DataverseError) comes out; over HTTP every answer is a 200 or a Dataverse client error.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DataverseError } from '../../src/engine/errors.ts';
import { FetchXmlError, OPERATORS, prepareFetchXml, runFetchXml } from '../../src/fetchxml/index.ts';
import { scalarTypeOf } from '../../src/ir/build.ts';
import type { ScalarType } from '../../src/ir/nodes.ts';
import { defaultQueryParameters } from '../../src/http/fetchxml-query.ts';
import type { TestApi } from '../http/harness.ts';
import { json, openTestApi } from '../http/harness.ts';
import { prng } from '../support/prng.ts';
import { storeTargets } from '../support/stores.ts';
import { loadDataset } from './fixture.ts';

const ENTITIES = [
  'contact',
  'contact',
  'account',
  'account',
  'msdyncrm_segment',
  'businessunit',
  'systemuser',
  'nope',
];
const VALUES = [
  '1',
  '0',
  '-1',
  '2147483648',
  '99999999999999999999999999999',
  '1e400',
  '3.5',
  'true',
  'abc',
  '',
  ' ',
  '%a_[b-c]%',
  '[',
  '[^]',
  '2024-02-29',
  '2024-02-30',
  '9999-12-31',
  '0001-01-01',
  '9999-12-31T23:00:00-05:00',
  '2020-01-01T10:00:00Z',
  '{00000000-0000-0000-0000-000000000001}',
  '00000000-0000-0000-0000-00000000000g',
  '3650000',
  '3650001',
  '&amp;&lt;&#x1F600;',
  'SEGMENT',
];
const LINK_TYPES = ['inner', 'outer', 'exists', 'in', 'any', 'not any', 'all', 'not all', 'bogus'];
const AGGREGATES = ['count', 'countcolumn', 'sum', 'avg', 'min', 'max', 'median'];
const GROUPINGS = ['day', 'week', 'month', 'quarter', 'year', 'fiscal-year', 'hour'];
const EXTRA_ATTRIBUTES = [
  'nope',
  'fullname',
  'name',
  'contactid',
  'accountid',
  'parentcustomerid',
  'createdon',
];
/** Operators and values that fit each column type. */
const TYPED: Record<ScalarType, [readonly string[], readonly string[]]> = {
  string: [
    [
      'eq',
      'ne',
      'like',
      'not-like',
      'begins-with',
      'not-end-with',
      'in',
      'not-in',
      'null',
      'not-null',
      'gt',
      'between',
    ],
    ['a', 'Smith', '%a%', '_b', '[a-m]%', '[^z]%', "O'B", '', 'ärger', '%'],
  ],
  integer: [
    ['eq', 'ne', 'gt', 'ge', 'lt', 'le', 'between', 'not-between', 'in', 'null'],
    ['0', '1', '2', '-5', '100'],
  ],
  bigint: [
    ['eq', 'gt', 'null', 'in'],
    ['0', '1', '9007199254740991'],
  ],
  decimal: [
    ['eq', 'gt', 'le', 'between', 'null'],
    ['0', '1.5', '-2', '100000.25'],
  ],
  double: [
    ['eq', 'gt', 'le', 'null'],
    ['0', '1.5', '-2'],
  ],
  boolean: [
    ['eq', 'ne', 'null', 'not-null'],
    ['1', '0', 'true', 'false'],
  ],
  datetime: [
    [
      'on',
      'on-or-before',
      'on-or-after',
      'today',
      'this-week',
      'last-month',
      'next-year',
      'last-x-days',
      'next-x-hours',
      'olderthan-x-minutes',
      'olderthan-x-years',
      'between',
      'gt',
      'null',
    ],
    ['2020-01-01', '2024-02-29T12:00:00Z', '1999-12-31T23:59:59+02:00'],
  ],
  date: [
    ['on', 'on-or-after', 'today', 'last-x-weeks', 'next-x-days', 'this-year', 'between', 'lt', 'null'],
    ['2000-01-01', '1970-12-31'],
  ],
  guid: [
    [
      'eq',
      'ne',
      'null',
      'not-null',
      'in',
      'eq-userid',
      'ne-userid',
      'eq-businessid',
      'under',
      'eq-or-above',
      'not-under',
    ],
    ['{00000000-0000-0000-0000-000000000001}', '00000000-0000-0000-0000-000000000002'],
  ],
};

const CHARS = ['<', '>', '/', '"', "'", '=', '&', ';', ' ', 'a', '!', '?', '[', '-', '\n'];

function generator(seed: number, api: TestApi) {
  const rnd = prng(seed);
  const int = (n: number) => Math.floor(rnd() * n);
  const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)] as T;
  const chance = (p: number) => rnd() < p;
  const operators = [...OPERATORS.keys(), 'equals', 'EQ'];
  let aliases = 0;

  const attributesOf = (entity: string): string[] => {
    const e = api.schema.entity(entity);
    const own = e === undefined ? [] : [...e.attributes.keys()];
    return chance(0.97) && own.length > 0 ? own : EXTRA_ATTRIBUTES;
  };

  /** A condition that fits the column's type (most of the time) or anything at all. */
  function condition(entity: string): string {
    const e = api.schema.entity(entity);
    const attributes = e === undefined ? [] : [...e.attributes.values()];
    const a = attributes.length > 0 && chance(0.9) ? pick(attributes) : undefined;
    if (a === undefined) return randomCondition(entity);
    const type = scalarTypeOf(a);
    const [ops, vals] = TYPED[type];
    const op = pick(ops);
    const spec = OPERATORS.get(op);
    const count = spec === undefined ? 1 : 'exactly' in spec.values ? spec.values.exactly : 1 + int(3);
    const value = () => (spec?.valueType === 'whole' ? String(int(40)) : pick(vals));
    if (count === 1 && chance(0.8))
      return `<condition attribute="${a.logicalName}" operator="${op}" value="${value()}"/>`;
    const values = Array.from({ length: count }, () => `<value>${value()}</value>`).join('');
    return `<condition attribute="${a.logicalName}" operator="${op}">${values}</condition>`;
  }

  function randomCondition(entity: string): string {
    const op = pick(operators);
    const attr = pick(attributesOf(entity));
    const extra = chance(0.2)
      ? ` entityname="${pick(['a1', 'a2', 'nope'])}"`
      : chance(0.15)
        ? ` valueof="${pick(attributesOf(entity))}"`
        : '';
    if (chance(0.3)) {
      const values = Array.from({ length: int(4) }, () => `<value>${pick(VALUES)}</value>`).join('');
      return `<condition attribute="${attr}" operator="${op}"${extra}>${values}</condition>`;
    }
    const value = chance(0.7) ? ` value="${pick(VALUES)}"` : '';
    return `<condition attribute="${attr}" operator="${op}"${value}${extra}/>`;
  }

  function filter(entity: string, depth: number): string {
    const items = Array.from({ length: 1 + int(3) }, () => {
      const r = rnd();
      if (r < 0.65 || depth > 2) return condition(entity);
      if (r < 0.85) return filter(entity, depth + 1);
      return link(entity, depth + 1, false, true);
    });
    return `<filter type="${chance(0.99) ? pick(['and', 'or']) : 'xor'}">${items.join('')}</filter>`;
  }

  function link(
    parent: string,
    depth: number,
    aggregate: boolean,
    inFilter = false,
    inQuiet = false,
  ): string {
    const rels = api.schema.relationships.filter(
      (r) => r.referencedEntity === parent || r.referencingEntity === parent,
    );
    const rel = rels.length > 0 && chance(0.95) ? pick(rels) : undefined;
    let name = chance(0.9) ? pick(ENTITIES.slice(0, -1)) : pick(ENTITIES);
    let from = pick(attributesOf(name));
    let to = pick(attributesOf(parent));
    if (rel !== undefined) {
      const down = rel.referencedEntity === parent;
      name = down ? rel.referencingEntity : rel.referencedEntity;
      from = down ? rel.referencingAttribute : rel.referencedAttribute;
      to = down ? rel.referencedAttribute : rel.referencingAttribute;
    }
    if (chance(0.15))
      [name, from, to] = ['msdyncrm_segment', 'msdyncrm_segmentid', 'msdyncrm_segmentmemberid'];
    const type = inFilter ? pick(LINK_TYPES.slice(4, 8)) : pick(LINK_TYPES.slice(0, 4));
    const alias = chance(0.6) ? ` alias="a${chance(0.9) ? ++aliases : 1}"` : '';
    const fromTo = chance(0.97) ? ` from="${from}" to="${to}"` : '';
    const quiet = inQuiet || inFilter || type === 'exists' || type === 'in';
    return `<link-entity name="${name}"${fromTo} link-type="${chance(0.03) ? pick(LINK_TYPES) : type}"${alias}>${content(name, depth + 1, aggregate, quiet && chance(0.95))}</link-entity>`;
  }

  function content(entity: string, depth: number, aggregate: boolean, quiet = false): string {
    const parts: string[] = [];
    if (chance(quiet ? 0 : 0.1)) parts.push('<all-attributes/>');
    for (let i = quiet ? 0 : int(4); i > 0; i--) {
      const a = pick(attributesOf(entity));
      const alias = chance(aggregate ? 0.9 : 0.2) ? ` alias="x${int(5)}"` : '';
      const agg = aggregate
        ? chance(0.6)
          ? ` aggregate="${chance(0.97) ? pick(AGGREGATES.slice(0, 6)) : 'median'}"${chance(0.2) ? ' distinct="true"' : ''}`
          : ` groupby="true"${chance(0.4) ? ` dategrouping="${chance(0.97) ? pick(GROUPINGS.slice(0, 5)) : pick(GROUPINGS)}"` : ''}`
        : '';
      parts.push(`<attribute name="${a}"${alias}${agg}/>`);
    }
    for (let i = quiet ? 0 : int(3); i > 0; i--) {
      const by = chance(aggregate ? 0.5 : 0.1)
        ? `alias="x${int(5)}"`
        : `attribute="${pick(attributesOf(entity))}"`;
      parts.push(`<order ${by}${chance(0.5) ? ' descending="true"' : ''}/>`);
    }
    if (depth < 3) for (let i = int(3); i > 0; i--) parts.push(link(entity, depth, aggregate, false, quiet));
    if (chance(0.7)) parts.push(filter(entity, depth));
    return parts.join('');
  }

  function fetch(): { set: string; xml: string } {
    const entity = chance(0.95) ? pick(ENTITIES.slice(0, -1)) : 'nope';
    const aggregate = chance(0.2);
    const attrs: string[] = [];
    if (aggregate) attrs.push('aggregate="true"');
    if (chance(0.15)) attrs.push('distinct="true"');
    if (chance(0.1)) attrs.push(`top="${chance(0.9) ? pick(['1', '5', '0']) : '5001'}"`);
    if (chance(0.3)) attrs.push(`count="${chance(0.95) ? pick(['1', '3', '5000']) : '0'}"`);
    if (chance(0.3)) attrs.push(`page="${chance(0.95) ? pick(['1', '2', '7']) : '1000000'}"`);
    if (chance(0.1)) attrs.push('returntotalrecordcount="true"');
    if (chance(0.1)) attrs.push(`aggregatelimit="${pick(['1', '10', '50000'])}"`);
    if (chance(0.1)) {
      const cookie = pick([
        '&lt;cookie page=&quot;1&quot;&gt;&lt;contactid last=&quot;{00000000-0000-0000-0000-000000000001}&quot; /&gt;&lt;/cookie&gt;',
        '&lt;cookie page=&quot;1&quot;&gt;&lt;lastname last=&quot;%zz&quot; /&gt;&lt;contactid last=&quot;x&quot; /&gt;&lt;/cookie&gt;',
        'garbage',
      ]);
      attrs.push(`paging-cookie="${cookie}"`);
    }
    const set = api.schema.entity(entity)?.entitySetName ?? 'contacts';
    return {
      set: chance(0.05) ? 'accounts' : set,
      xml: `<fetch ${attrs.join(' ')}><entity name="${entity}">${content(entity, 0, aggregate)}</entity></fetch>`,
    };
  }

  function mutate(xml: string): string {
    let s = xml;
    for (let n = 1 + int(3); n > 0; n--) {
      const at = int(s.length + 1);
      const r = rnd();
      if (r < 0.35) s = s.slice(0, at) + s.slice(at + 1 + int(3));
      else if (r < 0.7) s = s.slice(0, at) + pick(CHARS) + s.slice(at);
      else {
        const from = int(s.length);
        s = s.slice(0, at) + s.slice(from, from + int(20)) + s.slice(at);
      }
    }
    return s;
  }

  return { fetch, mutate, chance };
}

const CASES = 1200;

for (const target of storeTargets()) {
  describe(`FetchXML fuzz (${target.name})`, () => {
    let api: TestApi;
    before(async () => {
      api = await openTestApi(target, {
        queryParameters: defaultQueryParameters({ select: (q) => api.store.select(q) }),
      });
      await loadDataset(api.records, api.store, 11, 12);
    });
    after(async () => {
      await api.close();
    });

    it(`${CASES} random and mutated queries: only FetchXmlError/DataverseError, never a 500`, async () => {
      const g = generator(20261129, api);
      const defaults = await api.records.ensureDefaults();
      const caller = { userId: defaults.userId, businessUnitId: defaults.businessUnitId };
      let ok = 0;
      let refused = 0;
      for (let i = 0; i < CASES; i++) {
        const { set, xml: generated } = g.fetch();
        const xml = g.chance(0.25) ? g.mutate(generated) : generated;
        const q = prepareFetchXml(api.schema, xml, { caller });
        console.log(q instanceof FetchXmlError ? q.detail.replace(/'[^']*'/g, 'Q').slice(0, 90) : 'OK');
        if (!(q instanceof FetchXmlError)) {
          try {
            await runFetchXml(api.store, q, { count: q.returnTotalRecordCount });
          } catch (err) {
            assert.ok(err instanceof DataverseError, `${xml}\n${String(err)}`);
          }
        }
        if (i % 3 !== 0) continue;
        const res = await api.request({
          url: `${set}?fetchXml=${encodeURIComponent(xml)}`,
          headers: { prefer: 'odata.include-annotations="*"' },
        });
        assert.notEqual(res.statusCode, 500, `${xml}\n${res.body}`);
        const body = json(res);
        if (res.statusCode === 200) {
          assert.ok(Array.isArray(body.value), res.body);
          ok++;
        } else {
          assert.ok(res.statusCode >= 400 && res.statusCode < 500, res.body);
          assert.deepEqual(Object.keys(body), ['error']);
          const error = body.error as { code?: unknown; message?: unknown };
          assert.equal(typeof error.code, 'string');
          assert.equal(typeof error.message, 'string');
          refused++;
        }
      }
      // The generator must reach both sides.
      assert.ok(ok > 30, `only ${ok} queries ran`);
      assert.ok(refused > 30, `only ${refused} queries were refused`);
    });
  });
}
