import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { duckdbDialect } from '../../../src/dialect/duckdb/duckdb-dialect.ts';
import { postgresDialect } from '../../../src/dialect/postgres/postgres-dialect.ts';
import { lowerSegmentQuery } from '../../../src/segment/lower/index.ts';
import { validateSegmentQuery } from '../../../src/segment/validation/index.ts';
import { SqlCompiler } from '../../../src/sql/compiler.ts';
import { DOCUMENTED_QUERIES, SEED_QUERIES } from '../corpus.ts';
import { parseValid } from '../support.ts';
import { schema, segmentResolver } from './fixture.ts';

/** Every segment the corpus names, all of contacts. */
const SEGMENTS = [
  'SegmentInCampaign',
  'SegmentOnEmailOpened',
  'SegmentOnClicked',
  'SegmentOnProfilesInCampaign',
  'SegmentOnProfilesWithoutRegistration',
  'SegmentOnProfile',
  'SegmentOnProfilesFromAlwaysActiveAndFitnessChallenge',
  'SegmentOnProfilesFromColorRun',
  'SegmentOnProfilesWithMembership',
  'SegmentOnReceivedEmail',
  'SegmentRegisteredInEvent',
  'SegmentWithImportantServiceTickets',
  'ThankYouMktSegment',
  'segment1',
  'segment2',
  'SEGMENT_CRM_ID_e1fa7fdc5c78ea11a811000d3a8e8fcc',
];
const resolveSegment = segmentResolver(Object.fromEntries(SEGMENTS.map((n) => [n, {}])));

const check = (text: string) =>
  validateSegmentQuery(parseValid(text), { schema, resolveSegment }).map((e) => e.toJSON());

describe('validation of the corpus', () => {
  for (const [name, text] of Object.entries(DOCUMENTED_QUERIES)) {
    it(`documented ${name} is clean`, () => {
      assert.deepEqual(check(text), []);
    });
  }

  for (const text of SEED_QUERIES.filter((q) => !q.includes('UnknownEntity'))) {
    it(`seed query is clean: ${text}`, () => {
      assert.deepEqual(check(text), []);
    });
  }

  it('the seed query on an unknown entity gives UnknownEntity', () => {
    assert.deepEqual(check('PROFILE(UnknownEntity)'), [
      {
        reason: 'UnknownEntity',
        message: "unknown entity 'UnknownEntity' at 1:9",
        line: 1,
        column: 9,
        offset: 8,
        length: 13,
      },
    ]);
  });

  it('the fictional entities reach contact through their declared lookups', () => {
    for (const text of [
      'PROFILE(CreditCard).FILTER(DATEDIFF(day, ExpirationDate, DateTimeNowUtc()) < 30).TRAVERSE(creditcard_contact_holderid)',
      "PROFILE(Campaign).FILTER(Name == 'Campaign 1').TRAVERSE(campaign_contact_contactid).FILTER(Age > 20)",
      "PROFILE(ServiceTicket, t).FILTER(State == 'Opened').TRAVERSE(serviceticket_contact_customerid).FILTER(t.Priority == 'High')",
      "PROFILE(contact).TRAVERSE(membership_contact_contactid, m).FILTER(Status == 'Active' && m.name != 'x')",
      "PROFILE(Customer).TRAVERSE(customer_account_accountid).FILTER(revenue > 1000.50 && name STARTSWITH 'A')",
    ]) {
      assert.deepEqual(check(text), [], text);
    }
  });

  it('declared relationship names and the derived ones reach the same rows', () => {
    assert.deepEqual(check('PROFILE(CreditCard).TRAVERSE(HavingCreditCard)'), []);
    assert.deepEqual(check('PROFILE(contact).TRAVERSE(havingcreditcard)'), []);
  });
});

describe('compilation of the corpus', () => {
  // Lowering binds segment ids as GUID parameters; the checker's fixture ids are readable names.
  const guidOf = (id: string) => {
    let h = 5381;
    for (const ch of id) h = ((h * 33) ^ ch.charCodeAt(0)) >>> 0;
    return `00000000-0000-4000-8000-${h.toString(16).padStart(12, '0')}`;
  };
  const resolveStored = (name: string) => {
    const s = resolveSegment(name);
    return s === undefined ? undefined : { ...s, id: guidOf(s.id) };
  };
  const compilers = [new SqlCompiler(schema, duckdbDialect), new SqlCompiler(schema, postgresDialect)];
  const queries = [
    ...Object.entries(DOCUMENTED_QUERIES),
    ...SEED_QUERIES.filter((q) => !q.includes('UnknownEntity')).map((q) => [q, q] as const),
  ];
  for (const [name, text] of queries) {
    it(`lowers and compiles ${name} for every dialect`, () => {
      const lowered = lowerSegmentQuery(parseValid(text), {
        schema,
        resolveSegment: resolveStored,
        now: new Date('2026-01-01T00:00:00Z'),
      });
      for (const c of compilers) {
        const { sql } = c.compile(lowered.query);
        assert.match(sql, /^SELECT /);
      }
    });
  }
});
