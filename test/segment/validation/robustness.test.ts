import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseSegmentQuery } from '../../../src/segment/language/index.ts';
import { validateSegmentQuery } from '../../../src/segment/validation/index.ts';
import { schema, segmentResolver } from './fixture.ts';

/** A small deterministic generator (mulberry32), so failures reproduce. */
function prng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ENTITIES = ['contact', 'account', 'Campaign', 'nosuch', 'creditcard'];
const RELATIONSHIPS = [
  'contact_account_parentcustomerid',
  'account_primary_contact',
  'account_parent_account',
  'creditcard_contact_holderid',
  'contact_owning_user',
  'nope',
];
const PROPERTIES = [
  'fullname',
  'birthdate',
  'gendercode',
  'revenue',
  'name',
  'x.fullname',
  'a.name',
  'nosuch',
  'donotemail',
];
const VALUES = [
  "'text'",
  "'2020-01-01'",
  '5',
  '2.5',
  '-1',
  'TRUE',
  'DATETIMEUTCNOW()',
  'numberofchildren + 1',
  'fullname',
];
const OPERATORS = ['==', '!=', '>', '<=', 'CONTAINS', '+'];

const KNOWN_REASONS = new Set([
  'UnknownEntity',
  'UnknownAttribute',
  'UnknownRelationship',
  'UnknownAlias',
  'DuplicateAlias',
  'UnknownSegment',
  'SegmentCycle',
  'TypeMismatch',
  'TargetNotContact',
  'ProfileTypeMismatch',
  'HavingNotAllowed',
]);

function randomQuery(rand: () => number): string {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
  const condition = () => `${pick(PROPERTIES)} ${pick(OPERATORS)} ${pick(VALUES)}`;
  const chain = (): string => {
    if (rand() < 0.15) return `SEGMENT(${pick(['s1', 's2', 'cyc', 'unknown'])})`;
    if (rand() < 0.1)
      return `INTERACTION(${pick(['EmailOpened', 'Nope'])}, EmailOpenedLeadLink).HAVING(COUNT() ${pick(['>', '>=', '==', '!='])} ${pick(['0', '1', '-2', '1.5'])})`;
    let text = `PROFILE(${pick(ENTITIES)}${rand() < 0.5 ? ', a' : ''})`;
    const steps = Math.floor(rand() * 4);
    for (let i = 0; i < steps; i++) {
      text +=
        rand() < 0.5
          ? `.FILTER(${condition()}${rand() < 0.3 ? ` && ${condition()}` : ''})`
          : `.TRAVERSE(${pick(RELATIONSHIPS)}${rand() < 0.4 ? ', x' : ''})`;
    }
    return text;
  };
  let text = chain();
  while (rand() < 0.3) text += ` ${pick(['UNION', 'EXCEPT', 'INTERSECT'])} ${chain()}`;
  if (rand() < 0.3) text += `.ORDERBY(${pick(PROPERTIES)} DESC).SELECT(${pick(PROPERTIES)})`;
  return text;
}

const resolveSegment = segmentResolver({
  s1: {},
  s2: { entity: 'account' },
  cyc: { query: 'SEGMENT(cyc2)' },
  cyc2: { query: 'SEGMENT(cyc) UNION PROFILE(' },
});

describe('validation robustness', () => {
  it('random queries never throw and give positioned errors in source order', () => {
    const rand = prng(20261129);
    let checked = 0;
    for (let i = 0; i < 400; i++) {
      const text = randomQuery(rand);
      const parsed = parseSegmentQuery(text);
      if (parsed.ast === undefined) continue;
      checked++;
      const errors = validateSegmentQuery(parsed.ast, {
        schema,
        resolveSegment,
        requireContact: i % 2 === 0,
      });
      for (const [k, e] of errors.entries()) {
        assert.ok(KNOWN_REASONS.has(e.reason), `${text}: reason ${e.reason}`);
        assert.ok(e.offset >= 0 && e.offset + e.length <= text.length, `${text}: ${e.message}`);
        assert.ok(e.length > 0, `${text}: ${e.message}`);
        assert.ok(e.message.endsWith(` at ${e.line}:${e.column}`), e.message);
        if (k > 0) assert.ok(errors[k - 1]!.offset <= e.offset, `${text}: not in source order`);
      }
    }
    assert.ok(checked > 300, `only ${checked} generated queries parsed`);
  });
});
