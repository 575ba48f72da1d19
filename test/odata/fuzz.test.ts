import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { schemaFromDocument } from '../../src/metadata/schema-file.ts';
import { ODataQueryError as LanguageError } from '../../src/odata/language/errors.ts';
import { parseFilterText } from '../../src/odata/language/parser.ts';
import { printExpression } from '../../src/odata/language/printer.ts';
import { source } from '../../src/odata/language/source.ts';
import { expandLink, planExpand } from '../../src/odata/lower/expand.ts';
import { countQuery, rootQuery } from '../../src/odata/lower/query.ts';
import type { ExpandClause } from '../../src/odata/query-options.ts';
import { ODataQueryError, parseQueryOptions } from '../../src/odata/query-options.ts';
import { prng } from '../support/prng.ts';

/**
 * Property test: thousands of random and mutated query options either parse (and then lower
 * without error) or give an ODataQueryError whose position lies within the option text. Nothing
 * else may escape. The PRNG is seeded, so every run sees the same inputs.
 */

const schema = schemaFromDocument(undefined);
const caller = {
  userId: '00000000-0000-0000-0000-0000000000aa',
  businessUnitId: '00000000-0000-0000-0000-0000000000bb',
};

const VALID_FILTERS: [string, string][] = [
  ['contact', "statecode eq 0 and contains(fullname,'ab')"],
  ['contact', "emailaddress1 ne null and address1_city eq 'Seattle'"],
  ['contact', '_parentcustomerid_value eq 7d2c5a4e-0e1b-4c3a-9f00-ab12cd34ef56'],
  ['contact', 'createdon ge 2020-01-01T00:00:00Z and birthdate lt 2000-12-31'],
  ['contact', "parentcustomerid_account/name eq 'Contoso' or parentcustomerid_contact/lastname eq null"],
  [
    'account',
    "contact_customer_accounts/any(c:c/firstname eq 'a' and c/contact_customer_contacts/all(d:d/lastname ne c/lastname))",
  ],
  ['contact', "Microsoft.Dynamics.CRM.In(PropertyName='address1_city',PropertyValues=['Seattle','Redmond'])"],
  [
    'contact',
    "Microsoft.Dynamics.CRM.LastXDays(PropertyName='createdon',PropertyValue=7) and Microsoft.Dynamics.CRM.ThisMonth(PropertyName='modifiedon')",
  ],
  ['contact', "address1_city in ('Seattle','Redmond') and not startswith(lastname,'O''B')"],
  ['account', 'revenue le 2e6 and numberofemployees mul 2 add 1 gt -5 and creditlimit ge 1.5E-3'],
  ['contact', "lastname eq 'O''Brien' and firstname eq lastname"],
  ['account', "primarycontactid/parentcustomerid_account/name eq 'x' and primarycontactid ne null"],
  [
    'contact',
    'Microsoft.Dynamics.CRM.Between(PropertyName=\'numberofchildren\',PropertyValues=["1","3"]) or donotemail',
  ],
  [
    'contact',
    "Microsoft.Dynamics.CRM.EqualUserId(PropertyName='ownerid') and Microsoft.Dynamics.CRM.On(PropertyName='birthdate',PropertyValue='2000-01-01')",
  ],
  ['contact', '(gendercode eq 1 or gendercode eq 2) and not (familystatuscode in (1,2,null))'],
  [
    'contact',
    "Microsoft.Dynamics.CRM.OlderThanXMonths(PropertyName='createdon',PropertyValue=6) and endswith(emailaddress1,'%.com')",
  ],
  [
    'account',
    "contact_customer_accounts/any(o:o/Microsoft.Dynamics.CRM.NotEqualBusinessId(PropertyName='owningbusinessunit'))",
  ],
  [
    'msdyncrm_segment',
    'msdyncrm_segmenttype eq 192350000 and statuscode eq 192350001 and msdyncrm_segmentsize gt 10',
  ],
  ['contact', '$it/lastname eq @p1 and statecode eq @p2'],
  ['systemuser', "businessunitid/name eq 'root' and isdisabled eq false"],
];

const VALID_OTHER: [string, Record<string, string>][] = [
  [
    'contact',
    {
      $orderby: 'lastname desc,parentcustomerid_account/name,createdon asc',
      $select: 'fullname,_parentcustomerid_value',
    },
  ],
  [
    'account',
    {
      $expand:
        'primarycontactid($select=fullname;$expand=owninguser($select=fullname)),contact_customer_accounts($select=lastname;$filter=statecode eq 0;$orderby=lastname desc;$top=5)',
    },
  ],
  ['contact', { $select: 'lastname', $top: '10', $count: 'true', $orderby: '@o', '@o': 'lastname' }],
];

const ALPHABET = 'abcdefghijklmnopqrstuvwxyz_ABCXYZ0123456789 \'"()[]/,:;=@$-.+*%&^!?{}\\\t\n\u00e9\u4e2d';
const TOKENS = [
  'eq',
  'ne',
  'gt',
  'ge',
  'lt',
  'le',
  'and',
  'or',
  'not',
  'add',
  'sub',
  'mul',
  'div',
  'mod',
  'in',
  'null',
  'true',
  'false',
  'any',
  'all',
  'asc',
  'desc',
  '(',
  ')',
  '[',
  ']',
  ',',
  '/',
  ':',
  '=',
  ';',
  '-',
  "'x'",
  "'O''B'",
  '"j"',
  "'",
  '"',
  '@p1',
  '@zz',
  '$it',
  '$filter',
  '$select',
  '$top',
  '$expand',
  '$skip',
  '$ref',
  '0',
  '7',
  '-3',
  '2.5',
  '2e6',
  '2020-01-01',
  '2020-02-30',
  '2020-01-01T10:00:00Z',
  '2020-01-01T25:00:00Z',
  '7d2c5a4e-0e1b-4c3a-9f00-ab12cd34ef56',
  '7d2c5a4e-0e1b',
  'lastname',
  'firstname',
  'statecode',
  'createdon',
  'birthdate',
  'donotemail',
  'revenue',
  '_parentcustomerid_value',
  'parentcustomerid_account',
  'contact_customer_accounts',
  'contact_customer_contacts',
  'name',
  'c',
  'c/firstname',
  'contains',
  'startswith',
  'tolower',
  'Microsoft.Dynamics.CRM.In',
  'Microsoft.Dynamics.CRM.LastXDays',
  'Microsoft.Dynamics.CRM.Today',
  'mscrm.On',
  'PropertyName',
  'PropertyValue',
  'PropertyValues',
  "'createdon'",
  "'lastname'",
  '[1,2]',
  "['a']",
];

function mutate(text: string, rnd: () => number): string {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const at = () => Math.floor(rnd() * (text.length + 1));
  const tokens = text.split(/(\s+|[(),/:=;[\]])/).filter((t) => t !== '');
  switch (Math.floor(rnd() * 9)) {
    case 0: {
      const i = at();
      return text.slice(0, i) + text.slice(i + 1);
    }
    case 1: {
      const i = at();
      return text.slice(0, i) + pick([...ALPHABET]) + text.slice(i);
    }
    case 2: {
      const i = Math.floor(rnd() * Math.max(1, text.length - 1));
      return text.slice(0, i) + text.charAt(i + 1) + text.charAt(i) + text.slice(i + 2);
    }
    case 3: {
      const i = Math.floor(rnd() * tokens.length);
      return tokens.filter((_, j) => j !== i).join('');
    }
    case 4: {
      const i = Math.floor(rnd() * (tokens.length + 1));
      return [...tokens.slice(0, i), ` ${pick(TOKENS)} `, ...tokens.slice(i)].join('');
    }
    case 5: {
      const i = Math.floor(rnd() * tokens.length);
      const j = Math.floor(rnd() * tokens.length);
      const copy = [...tokens];
      [copy[i], copy[j]] = [copy[j]!, copy[i]!];
      return copy.join('');
    }
    case 6:
      return text.slice(0, at());
    case 7: {
      const i = at();
      const j = at();
      return text.slice(0, i) + text.slice(Math.min(i, j), Math.max(i, j)) + text.slice(i);
    }
    default: {
      const i = Math.floor(rnd() * tokens.length);
      const copy = [...tokens];
      copy[i] = pick(TOKENS);
      return copy.join('');
    }
  }
}

function soup(rnd: () => number): string {
  const n = 1 + Math.floor(rnd() * 12);
  const parts: string[] = [];
  for (let i = 0; i < n; i++) parts.push(TOKENS[Math.floor(rnd() * TOKENS.length)]!);
  return parts.join(rnd() < 0.7 ? ' ' : '');
}

/** Shape of a syntax tree without positions. */
function shape(x: unknown): unknown {
  if (Array.isArray(x)) return x.map(shape);
  if (typeof x !== 'object' || x === null) return x;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(x))
    if (k !== 'loc' && k !== 'operatorLoc' && k !== 'nameLoc') out[k] = shape(v);
  return out;
}

function lowerExpansions(clauses: readonly ExpandClause[]): void {
  for (const c of clauses) {
    expandLink(schema, c);
    planExpand(schema, c, ['00000000-0000-0000-0000-000000000001', '00000000-0000-0000-0000-000000000002']);
    lowerExpansions(c.expand);
  }
}

/** Runs one input; returns whether it parsed. Fails the test on any escape or bad position. */
function check(entity: string, params: Record<string, string>): boolean {
  let r;
  try {
    r = parseQueryOptions(schema, entity, params, { caller });
  } catch (e) {
    assert.fail(`threw ${(e as Error).stack ?? String(e)} for ${JSON.stringify(params)}`);
  }
  if (r instanceof ODataQueryError) {
    const text = params[r.option];
    assert.equal(r.text, text, `error text for ${JSON.stringify(params)}: ${r.message}`);
    assert.ok(
      Number.isInteger(r.position) && r.position >= 0 && r.position <= r.text.length,
      `position ${r.position} outside ${JSON.stringify(params)}: ${r.message}`,
    );
    assert.ok(r.message.length > 0);
    return false;
  }
  try {
    rootQuery(schema, r, 'r', 50);
    countQuery(schema, r, 'r');
    lowerExpansions(r.expand);
  } catch (e) {
    assert.fail(`lowering threw ${(e as Error).stack ?? String(e)} for ${JSON.stringify(params)}`);
  }
  return true;
}

/** A parsed filter prints to text that parses to the same tree. */
function checkRoundTrip(text: string): void {
  let tree;
  try {
    tree = parseFilterText(source('$filter', text));
  } catch (e) {
    if (e instanceof LanguageError) return;
    throw e;
  }
  const printed = printExpression(tree);
  assert.deepEqual(
    shape(parseFilterText(source('$filter', printed))),
    shape(tree),
    `round trip of ${JSON.stringify(text)} via ${printed}`,
  );
}

describe('fuzz: query options never fail with anything but a positioned ODataQueryError', () => {
  it('the valid corpus parses and lowers', () => {
    for (const [entity, filter] of VALID_FILTERS) {
      assert.ok(check(entity, { $filter: filter, '@p1': "'x'", '@p2': '0' }), filter);
    }
    for (const [entity, params] of VALID_OTHER) assert.ok(check(entity, params), JSON.stringify(params));
  });

  it('mutated filters (deterministic, 8000 cases)', () => {
    const rnd = prng(20261129);
    let parsed = 0;
    for (let i = 0; i < 8000; i++) {
      const [entity, base] = VALID_FILTERS[i % VALID_FILTERS.length]!;
      let text = base;
      const rounds = 1 + Math.floor(rnd() * 3);
      for (let j = 0; j < rounds; j++) text = mutate(text, rnd);
      if (check(entity, { $filter: text, '@p1': "'x'", '@p2': '0' })) parsed++;
      if (i % 4 === 0) checkRoundTrip(text);
    }
    // Both outcomes must occur, or the mutations are not exercising the checker.
    assert.ok(parsed > 100 && parsed < 7900, `parsed ${parsed} of 8000`);
  });

  it('mutated $orderby/$select/$expand and alias values (3000 cases)', () => {
    const rnd = prng(7);
    for (let i = 0; i < 3000; i++) {
      const [entity, params] = VALID_OTHER[i % VALID_OTHER.length]!;
      const mutated: Record<string, string> = {};
      for (const [k, v] of Object.entries(params)) mutated[k] = rnd() < 0.6 ? mutate(v, rnd) : v;
      check(entity, mutated);
    }
    for (let i = 0; i < 500; i++) {
      check('contact', {
        $filter: 'Microsoft.Dynamics.CRM.In(PropertyName=@p1,PropertyValues=@p2) or lastname eq @p3',
        '@p1': mutate("'lastname'", rnd),
        '@p2': mutate("['a','b']", rnd),
        '@p3': mutate("'O''B'", rnd),
      });
    }
  });

  it('random token soup and character noise (4000 cases)', () => {
    const rnd = prng(42);
    const options = ['$filter', '$orderby', '$select', '$expand', '$top', '$count'];
    for (let i = 0; i < 3000; i++) {
      const option = options[i % options.length]!;
      const text = soup(rnd);
      check(i % 2 === 0 ? 'contact' : 'account', { [option]: text, '@p1': soup(rnd) });
      if (option === '$filter') checkRoundTrip(text);
    }
    for (let i = 0; i < 1000; i++) {
      const n = Math.floor(rnd() * 30);
      let text = '';
      for (let j = 0; j < n; j++) text += ALPHABET[Math.floor(rnd() * ALPHABET.length)];
      check('contact', { $filter: text });
    }
  });
});
