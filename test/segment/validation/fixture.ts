import type { ResolvedSegment } from '../../../src/segment/validation/index.ts';
import { schemaFromDocument } from '../../../src/metadata/schema-file.ts';

/**
 * A schema for the fictional entities of the documented examples (test/segment/corpus.ts): each
 * with the attributes the examples use and lookups that declare the examples' relationship names
 * (`HavingCreditCard` is creditcard.holderid → contact), as a Dataverse customizer would name them.
 */
const text = (logicalName: string) => ({ logicalName, type: 'String' });
const typed = (logicalName: string, type: string) => ({ logicalName, type });
const lookup = (logicalName: string, target: string, relationshipName?: string) => ({
  logicalName,
  type: 'Lookup',
  targets: [target],
  ...(relationshipName === undefined ? {} : { relationshipName }),
});
const entity = (logicalName: string, attributes: object[]) => ({
  logicalName,
  primaryNameAttribute: 'name',
  attributes: [text('name'), ...attributes],
});

export const schema = schemaFromDocument({
  entities: [
    {
      logicalName: 'contact',
      attributes: [
        typed('numberofactivepurchaseditems', 'Integer'),
        text('product'),
        typed('expirationdate', 'DateTime'),
        typed('age', 'Integer'),
        text('sex'),
        text('country'),
        typed('income', 'Money'),
        text('position'),
        typed('unsubscribed', 'DateTime'),
        typed('campaignstartdate', 'DateTime'),
        text('grade'),
        lookup('new_accountid', 'account', 'HavingAccount'),
      ],
    },
    entity('campaign', [
      text('market'),
      typed('revenue', 'Money'),
      typed('numberoforders', 'BigInt'),
      typed('startdate', 'DateTime'),
      lookup('contactid', 'contact', 'ActivityContactProcessed_Campaign'),
      lookup('subscriberid', 'contact', 'EmailSubscriptionSubmit_Campaign'),
    ]),
    entity('lead', [
      typed('startdate', 'DateTime'),
      lookup('campaignid', 'campaign', 'ActivityLeadProcessed_Campaign'),
    ]),
    entity('campaignevent', [
      lookup('campaignid', 'campaign'),
      lookup('contactid', 'contact', 'CampaignEventRegistration_CampaignEvent'),
    ]),
    entity('creditcard', [
      typed('expirationdate', 'DateTime'),
      lookup('holderid', 'contact', 'HavingCreditCard'),
    ]),
    entity('activity', [text('activitytype'), lookup('contactid', 'contact', 'SubscribedToActivity')]),
    entity('event', [lookup('contactid', 'contact', 'SignedToEvent')]),
    entity('membership', [
      text('status'),
      typed('subscriptionenddate', 'DateTime'),
      lookup('contactid', 'contact'),
    ]),
    entity('subscription', [
      text('status'),
      typed('subscriptionenddate', 'DateTime'),
      lookup('contactid', 'contact'),
      lookup('membershipid', 'membership', 'InSubscription'),
    ]),
    entity('order', [lookup('accountid', 'account', 'Ordered')]),
    entity('serviceticket', [
      text('state'),
      text('priority'),
      typed('startdate', 'DateTime'),
      lookup('customerid', 'contact', 'HasServiceTicket'),
    ]),
    entity('customer', [text('address'), lookup('accountid', 'account')]),
  ],
  // The documented examples' interaction types and links, every link pointing at contact.
  interactionTypes: [
    { name: 'EmailOpened', links: [{ name: 'EmailOpenedLeadLink', entity: 'contact' }] },
    { name: 'EmailClicked', links: [{ name: 'EmailClickedLeadLink', entity: 'contact' }] },
    { name: 'EmailDelivered', links: [{ name: 'EmailDelivered_Campaign', entity: 'contact' }] },
    {
      name: 'CampaignEventRegistration',
      properties: [text('name')],
      links: [{ name: 'CampaignEventRegistration_CampaignEvent', entity: 'contact' }],
    },
  ],
});

/** Segments by name; `resolveSegment` also finds them by id, as the real resolver does. */
export function segmentResolver(
  segments: Record<string, { entity?: string; query?: string }>,
): (name: string) => ResolvedSegment | undefined {
  return (name) => {
    for (const [n, s] of Object.entries(segments)) {
      const id = `id-${n}`;
      if (n.toLowerCase() === name.toLowerCase() || id === name)
        return s.query === undefined
          ? { id, entity: s.entity ?? 'contact' }
          : { id, entity: s.entity ?? 'contact', query: s.query };
    }
    return undefined;
  };
}
