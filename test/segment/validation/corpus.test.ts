import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { validateSegmentQuery } from '../../../src/segment/validation/index.ts';
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

/**
 * The documented examples name relationships by names of their own (`HavingCreditCard`,
 * `ActivityContactProcessed_Campaign`) that no schema file can declare (`<from>_<to>_<lookup>` or
 * `<to>_<from>_<lookup>`): those, and only those, are reported, and the steps after them are not
 * checked (no cascade).
 */
const UNDECLARABLE: Record<string, string[]> = {
  '1 SegmentOnProfilesInCampaign': ['ActivityContactProcessed_Campaign'],
  '2 SegmentOnProfilesInCampaign': ['EmailSubscriptionSubmit_Campaign'],
  '2 SegmentOnProfilesWithoutRegistration': ['CampaignEventRegistration_CampaignEvent'],
  '3': ['ActivityLeadProcessed_Campaign'],
  '4': ['HavingCreditCard'],
  '7': ["'SubscribedToActivity'"],
  '8 SegmentOnProfilesFromAlwaysActiveAndFitnessChallenge': ['ActivityContactProcessed_Campaign'],
  '8 SegmentOnProfilesFromColorRun': ['SignedToEvent'],
  '8 SegmentOnProfilesWithMembership': ['InSubscription'],
  '9 (missing <= added)': ['InSubscription'],
  '10': ['ActivityContactProcessed_Campaign'],
  '11 SegmentOnProfile': ['ActivityContactProcessed_Campaign'],
  '14': ['HavingAccount', 'Ordered'],
  '15 SegmentWithImportantServiceTickets (extra ) removed)': ['HasServiceTicket'],
};

describe('validation of the corpus', () => {
  for (const [name, text] of Object.entries(DOCUMENTED_QUERIES)) {
    const unknown = UNDECLARABLE[name] ?? [];
    it(`documented ${name}: ${unknown.length === 0 ? 'clean' : 'only its undeclarable relationships'}`, () => {
      const errors = check(text);
      assert.deepEqual(
        errors.map((e) => [e.reason, text.slice(e.offset, e.offset + e.length)]),
        unknown.map((r) => ['UnknownRelationship', r]),
      );
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
      "PROFILE(ServiceTicket, t).FILTER(State == 'Opened').TRAVERSE(contact_serviceticket_customerid).FILTER(t.Priority == 'High')",
      "PROFILE(contact).TRAVERSE(membership_contact_contactid, m).FILTER(Status == 'Active' && m.name != 'x')",
      "PROFILE(Customer).TRAVERSE(customer_account_accountid).FILTER(revenue > 1000.50 && name STARTSWITH 'A')",
    ]) {
      assert.deepEqual(check(text), [], text);
    }
  });
});
