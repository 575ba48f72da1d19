/**
 * Every query of the public documentation (reference/dataverse-notes.md §3.5, numbering of the
 * original article) and of the seed document. The article's evident typos (an extra ')', a missing
 * comparison operator, prose run into a query) are fixed in `DOCUMENTED_QUERIES`; the texts as
 * published are kept in `DOCUMENTED_BROKEN` with the exact error they give.
 */

export const DOCUMENTED_QUERIES: Record<string, string> = {
  '1 SegmentOnProfilesInCampaign':
    "PROFILE(Campaign).FILTER(Name == 'Campaign 1').TRAVERSE(ActivityContactProcessed_Campaign)",
  '1 SegmentOnEmailOpened (extra ) removed)':
    "INTERACTION(EmailOpened, EmailOpenedLeadLink).FILTER(Name == 'Campaign 1').HAVING(COUNT()>0)",
  '1 SegmentOnClicked (extra ) removed)':
    "INTERACTION(EmailClicked, EmailClickedLeadLink).FILTER(Name == 'Campaign 1').HAVING(COUNT()>0)",
  '1 result':
    'SEGMENT(SegmentInCampaign)   \n       UNION \n       SEGMENT(SegmentOnEmailOpened)   \n       EXCEPT \n       SEGMENT(SegmentOnClicked)',
  '2 SegmentOnProfilesInCampaign':
    "PROFILE(Campaign).FILTER(Name == 'Campaign 1').TRAVERSE(EmailSubscriptionSubmit_Campaign)",
  '2 SegmentOnProfilesWithoutRegistration':
    "PROFILE(CampaignEvent).FILTER(Name == 'Even1').TRAVERSE(CampaignEventRegistration_CampaignEvent)",
  '2 result': 'SegmentOnProfilesInCampaign \n       EXCEPT \n       SegmentOnProfilesWithoutRegistration',
  '3': "PROFILE(Campaign).TRAVERSE(ActivityLeadProcessed_Campaign).FILTER(StartDate > '2017-03-30')",
  '4': 'PROFILE(CreditCard).FILTER(DATEDIFF(day, ExpirationDate, DateTimeNowUtc()) < 30).TRAVERSE(HavingCreditCard)',
  '5': "PROFILE(Contact).FILTER(NumberOfActivePurchasedItems > 0 && Product == 'CreditCard' && DATEDIFF(month, ExpirationDate,DATETIMEUTCNOW()) < 1)",
  '6 SegmentOnProfile': 'PROFILE(Contact)',
  '6 SegmentOnClicked':
    "INTERACTION(RedirectLinkClicked, RedirectLinkClicked_ContactLink).HAVING(COUNT()>0, UTCDAYS(7)).FILTER(EmailId=='12345')",
  '6 result': 'SEGMENT(SegmentOnProfile)   \n      EXCEPT \n      SEGMENT(SegmentOnClicked)',
  '7': "PROFILE(Activity).FILTER(ActivityType == 'Football').TRAVERSE('SubscribedToActivity').FILTER(Age > 20 && Age < 35)",
  '8 SegmentOnProfilesFromAlwaysActiveAndFitnessChallenge':
    "PROFILE(Campaign).FILTER(Name == 'Always Active' || Name == 'Fitness Challenge to 100').TRAVERSE     (ActivityContactProcessed_Campaign).FILTER(Grade == '5to10k')",
  '8 SegmentOnProfilesFromColorRun': "PROFILE(Event).FILTER(Name == 'ColorRun').TRAVERSE(SignedToEvent)",
  '8 SegmentOnProfilesWithMembership':
    "PROFILE(Membership).TRAVERSE(InSubscription, FILTER(Status == 'Active'))",
  '8 result':
    'SEGMENT(SegmentOnProfilesFromAlwaysActiveAndFitnessChallenge)INTERSECT \n      SEGMENT(SegmentOnProfilesFromColorRun)EXCEPT SEGMENT(SegmentOnProfilesWithMembership)',
  '9 (missing <= added)':
    'PROFILE(Subscription).TRAVERSE(InSubscription, FILTER(DATEDIFF(month, SubscriptionEndDate, DATETIMEUTCNOW()) <= 1))',
  '10': "PROFILE(Campaign) .FILTER(Market == 'Hi tech' && Revenue > 10000000000 && NumberOfOrders > 1000000000).TRAVERSE(ActivityContactProcessed_Campaign).FILTER(Position =='Marketing Manager' || Position == 'Sales Manager' ||Position == 'Finance Manager')",
  '11 SegmentOnProfile':
    "PROFILE(Campaign).FILTER(Name == 'Silver Tier').TRAVERSE(ActivityContactProcessed_Campaign)",
  '11 SegmentOnEmailDelivered (extra ) removed)':
    "INTERACTION(EmailDelivered,EmailDelivered_Campaign).FILTER(CampaignName == 'Silver Tier').HAVING(COUNT()>0)",
  '11 SegmentRegisteredInEvent (extra ) removed)':
    "INTERACTION(CampaignEventRegistration,CampaignEventRegistration_CampaignEvent).FILTER(Name == 'Event X').HAVING(COUNT()>0)",
  '11 result': 'SEGMENT(SegmentOnProfile).UNION(SegmentOnReceivedEmail).EXCEPT(SegmentRegisteredInEvent)',
  '12': 'INTERACTION(EmailSoftBounced, EmailSoftBounced_ContactLink).HAVING(COUNT()>10, UTCMONTHS(1))',
  '13': "PROFILE(Contact).FILTER(Sex == 'M' && Country == 'USA' && Age >= 15 && Age <= 25 && Income > 50000 )",
  '14': "PROFILE(Contact).FILTER(Position == 'CEO').TRAVERSE(HavingAccount).TRAVERSE(Ordered).FILTER(Name == 'Product Xgenerator')",
  '15 SegmentWithImportantServiceTickets (extra ) removed)':
    "PROFILE(ServiceTicket).FILTER(State == 'Opened' &&(Priority == 'High' || Priority == 'Medium') && DATEDIFF(month, DATETIMEUTCNOW(), StartDate) > 1).TRAVERSE(HasServiceTicket)",
  '15 result (prose removed)':
    'SEGMENT(SegmentWithImportantServiceTickets)INTERSECT SEGMENT(ThankYouMktSegment) ',
  '16': 'PROFILE(Contact).FILTER(Unsubscribed > CampaignStartDate)',
  '17': "PROFILE(Event).FILTER(Name CONTAINS 'run')",
  '18': "PROFILE(Event).FILTER(Name ENDSWITH 'run')",
  '19': 'PROFILE(Customer).FILTER(ISNULL(Address))',
};

export interface ErrorGolden {
  readonly text: string;
  readonly errors: readonly {
    readonly reason: string;
    readonly message: string;
    readonly line: number;
    readonly column: number;
    readonly offset: number;
    readonly length: number;
  }[];
}

const syntax = (message: string, line: number, column: number, offset: number, length: number) => ({
  reason: 'Syntax',
  message,
  line,
  column,
  offset,
  length,
});

export const DOCUMENTED_BROKEN: Record<string, ErrorGolden> = {
  '1 SegmentOnEmailOpened as published (extra ))': {
    text: "INTERACTION(EmailOpened, EmailOpenedLeadLink).FILTER(Name == 'Campaign 1')).HAVING(COUNT()>0)",
    errors: [syntax("found ')' without a matching '(' at 1:75", 1, 75, 74, 1)],
  },
  '1 SegmentOnClicked as published (extra ))': {
    text: "INTERACTION(EmailClicked, EmailClickedLeadLink).FILTER(Name == 'Campaign 1')).HAVING(COUNT()>0)",
    errors: [syntax("found ')' without a matching '(' at 1:77", 1, 77, 76, 1)],
  },
  '9 as published (missing comparison operator)': {
    text: 'PROFILE(Subscription).TRAVERSE(InSubscription, FILTER(DATEDIFF(month, SubscriptionEndDate, DATETIMEUTCNOW()) 1))',
    errors: [
      syntax(
        "expected a comparison operator (==, !=, >, >=, <, <=) or ')' but found '1' at 1:110",
        1,
        110,
        109,
        1,
      ),
    ],
  },
  '11 SegmentOnEmailDelivered as published (extra ))': {
    text: "INTERACTION(EmailDelivered,EmailDelivered_Campaign).FILTER(CampaignName == 'Silver Tier')).HAVING(COUNT()>0)",
    errors: [syntax("found ')' without a matching '(' at 1:90", 1, 90, 89, 1)],
  },
  '11 SegmentRegisteredInEvent as published (extra ))': {
    text: "INTERACTION(CampaignEventRegistration,CampaignEventRegistration_CampaignEvent).FILTER(Name == 'Event X')).HAVING(COUNT()>0)",
    errors: [syntax("found ')' without a matching '(' at 1:105", 1, 105, 104, 1)],
  },
  '15 SegmentWithImportantServiceTickets as published (extra ))': {
    text: "PROFILE(ServiceTicket).FILTER(State == 'Opened' &&(Priority == 'High' || Priority == 'Medium') && DATEDIFF(month, DATETIMEUTCNOW(), StartDate) > 1)).TRAVERSE(HasServiceTicket)",
    errors: [syntax("found ')' without a matching '(' at 1:148", 1, 148, 147, 1)],
  },
  '15 result as published (prose and an unfinished query)': {
    text: 'SEGMENT(SegmentWithImportantServiceTickets)INTERSECT SEGMENT(ThankYouMktSegment) \n        Segment all customers whose birthday is within the next month \n        PROFILE(Customer).FILTER(DATEDIFF(month,Birthday,DATETIMEUTCNOW())',
    errors: [
      syntax(
        "expected '.', a set operator (UNION, INTERSECT, EXCEPT, MINUS) or the end of the query but found 'Segment' at 2:9",
        2,
        9,
        90,
        7,
      ),
    ],
  },
  '15 the unfinished query alone (missing ))': {
    text: 'PROFILE(Customer).FILTER(DATEDIFF(month,Birthday,DATETIMEUTCNOW())',
    errors: [
      syntax("expected ')' to close FILTER( at 1:25 but found the end of the query at 1:67", 1, 67, 66, 0),
    ],
  },
  '6 as published (two definitions run together)': {
    text: 'PROFILE(Contact)SegmentOnClicked = INTERACTION(RedirectLinkClicked, RedirectLinkClicked_ContactLink)',
    errors: [syntax("'=' is not an operator; write '==' to compare at 1:34", 1, 34, 33, 1)],
  },
};

/** Every query of the seed document (seed-segmentation-api.md). */
export const SEED_QUERIES: readonly string[] = [
  'PROFILE(contact, contact_1).FILTER(ISNOTNULL(contact_1.emailaddress1) && ISNOTNULL(contact_1.fullname))',
  "PROFILE(contact).FILTER((address1_city == 'NewYork' || address1_city == 'NewJersey'))",
  'SEGMENT(segment1) UNION SEGMENT(segment2)',
  "PROFILE(account, account_1).FILTER(account_1.accountid == '1cc00a15-37ef-e911-a81d-000d3a6d200c').TRAVERSE(contact_account_parentcustomerid, contact_1).FILTER(ISNOTNULL(contact_1.emailaddress1))",
  '(SEGMENT(SEGMENT_CRM_ID_e1fa7fdc5c78ea11a811000d3a8e8fcc)).ORDERBY(fullname ASC).SKIP(0).TAKE(15).SELECT(contactid)',
  'PROFILE(contact)',
  'PROFILE(UnknownEntity)',
];
