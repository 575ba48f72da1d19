import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SchemaFileError, schemaFromDocument } from '../../src/metadata/schema-file.ts';

describe('schema file', () => {
  it('has the built-in entities with Dataverse navigation names', () => {
    const s = schemaFromDocument(undefined);
    assert.deepEqual(
      [...s.entities.keys()],
      ['contact', 'account', 'businessunit', 'systemuser', 'msdyncrm_segment', 'interaction'],
    );
    const contactNav = s.navigationProperties('contact');
    assert.equal(contactNav.get('parentcustomerid_account')?.targetEntity, 'account');
    assert.equal(contactNav.get('parentcustomerid_contact')?.targetEntity, 'contact');
    assert.equal(contactNav.get('account_primary_contact')?.kind, 'collection');
    const accountNav = s.navigationProperties('account');
    assert.equal(accountNav.get('contact_customer_accounts')?.kind, 'collection');
    assert.equal(accountNav.get('primarycontactid')?.targetEntity, 'contact');
    assert.equal(accountNav.get('parentaccountid')?.targetEntity, 'account');
    assert.equal(s.attribute('contact', 'parentcustomeridtype')?.type, 'EntityName');
    assert.equal(s.attribute('contact', 'fullname')?.computed, 'fullname');
    assert.equal(s.attribute('contact', 'birthdate')?.dateTimeBehavior, 'DateOnly');
    assert.deepEqual(
      s.relationshipsNamed('contact_account_parentcustomerid').map((r) => r.schemaName),
      ['contact_customer_accounts'],
    );
  });

  it('adds custom attributes and entities with lookups', () => {
    const s = schemaFromDocument({
      entities: [
        {
          logicalName: 'contact',
          attributes: [
            { logicalName: 'new_age', type: 'Integer', minValue: 0, maxValue: 150, indexed: true },
            {
              logicalName: 'new_loyaltytier',
              type: 'Picklist',
              options: [
                { value: 1, label: 'Bronze' },
                { value: 2, label: 'Gold' },
              ],
            },
          ],
        },
        {
          logicalName: 'new_subscription',
          entitySetName: 'new_subscriptions',
          primaryNameAttribute: 'new_name',
          attributes: [
            { logicalName: 'new_contactid', type: 'Lookup', targets: ['contact'] },
            { logicalName: 'new_startdate', type: 'DateTime', dateTimeBehavior: 'DateOnly' },
          ],
        },
      ],
    });
    assert.equal(s.attribute('contact', 'new_age')?.maxValue, 150);
    assert.equal(s.attribute('contact', 'new_age')?.indexed, true);
    assert.equal(s.attribute('contact', 'new_loyaltytier')?.indexed, undefined);
    assert.equal(s.attribute('contact', 'new_loyaltytier')?.options?.[1]?.label, 'Gold');
    const sub = s.entityBySetName('new_subscriptions');
    assert.equal(sub?.primaryIdAttribute, 'new_subscriptionid');
    assert.equal(s.attribute('new_subscription', 'new_name')?.type, 'String');
    assert.equal(s.attribute('new_subscription', 'statuscode')?.type, 'Status');
    assert.equal(s.navigationProperty('new_subscription', 'new_contactid')?.targetEntity, 'contact');
    assert.equal(
      s.navigationProperty('contact', 'contact_new_subscription_new_contactid')?.kind,
      'collection',
    );
  });

  it('rejects bad declarations with messages that name the place', () => {
    const bad = (doc: unknown, re: RegExp) =>
      assert.throws(
        () => schemaFromDocument(doc),
        (e: unknown) => e instanceof SchemaFileError && re.test(e.message),
      );
    bad(
      { entities: [{ logicalName: 'contact', attributes: [{ logicalName: 'firstname', type: 'String' }] }] },
      /'firstname' is built in/,
    );
    bad(
      { entities: [{ logicalName: 'contact', attributes: [{ logicalName: 'new_x', type: 'Float' }] }] },
      /attribute 'new_x': 'type' must be one of/,
    );
    bad({ entities: [{ logicalName: 'Bad Name' }] }, /logicalName must be a lower-case logical name/);
    bad(
      {
        entities: [
          {
            logicalName: 'new_a',
            attributes: [{ logicalName: 'new_l', type: 'Lookup', targets: ['nothere'] }],
          },
        ],
      },
      /unknown target entity 'nothere'/,
    );
    bad(
      { entities: [{ logicalName: 'new_a', entitySetName: 'contacts' }] },
      /entity set name 'contacts' is used by both/,
    );
    bad({ entities: [], extra: 1 }, /unknown property 'extra'/);
    bad({ entities: [{ logicalName: 'sd_x' }] }, /reserved/);
    bad(
      {
        entities: [
          { logicalName: 'contact', attributes: [{ logicalName: 'new_i', type: 'String', indexed: 'yes' }] },
        ],
      },
      /'indexed' must be true or false/,
    );
    bad(
      { entities: [{ logicalName: 'contact', attributes: [{ logicalName: 'new_p', type: 'Picklist' }] }] },
      /'options' must be a non-empty array/,
    );
  });

  it('has the built-in interaction types on one append-only interaction entity', () => {
    const schema = schemaFromDocument(undefined);
    assert.deepEqual(
      [...schema.interactionTypes.values()].map((t) => t.name),
      [
        'EmailSent',
        'EmailDelivered',
        'EmailOpened',
        'EmailClicked',
        'EmailSoftBounced',
        'EmailHardBounced',
        'RedirectLinkClicked',
        'FormSubmitted',
        'EventRegistered',
      ],
    );
    assert.equal(schema.interactionType('emailopened')?.links[0]?.name, 'EmailOpened_ContactLink');
    const e = schema.requireEntity('interaction');
    assert.equal(e.entitySetName, 'interactions');
    assert.equal(e.appendOnly, true);
    assert.deepEqual(e.indexes, [
      ['interactiontype', 'timestamp'],
      ['contactid', 'interactiontype', 'timestamp'],
    ]);
    for (const name of [
      'interactiontype',
      'timestamp',
      'contactid',
      'emailid',
      'campaignname',
      'name',
      'url',
      'value',
    ])
      assert.ok(e.attributes.has(name), name);
    assert.equal(e.attributes.get('contactid')?.targets?.[0], 'contact');
  });

  it('declares interaction types, extends built-in ones and links them to custom entities', () => {
    const schema = schemaFromDocument({
      entities: [{ logicalName: 'new_lead', attributes: [] }],
      interactionTypes: [
        {
          name: 'WebinarAttended',
          properties: [
            { logicalName: 'webinarname', type: 'String' },
            { logicalName: 'minutes', type: 'Integer' },
          ],
          links: [
            { name: 'WebinarAttended_ContactLink', entity: 'contact' },
            { name: 'WebinarAttended_LeadLink', entity: 'new_lead' },
          ],
        },
        {
          name: 'EmailOpened',
          properties: [{ logicalName: 'device', type: 'String' }],
          links: [{ name: 'EmailOpenedLeadLink', entity: 'new_lead' }],
        },
      ],
    });
    const webinar = schema.interactionType('webinarattended');
    assert.deepEqual(
      webinar?.links.map((l) => [l.name, l.attribute]),
      [
        ['WebinarAttended_ContactLink', 'contactid'],
        ['WebinarAttended_LeadLink', 'new_leadid'],
      ],
    );
    const opened = schema.interactionType('EmailOpened');
    assert.deepEqual(
      opened?.properties.map((p) => p.logicalName),
      ['emailid', 'campaignname', 'name', 'device'],
    );
    const e = schema.requireEntity('interaction');
    assert.equal(e.attributes.get('new_leadid')?.targets?.[0], 'new_lead');
    assert.equal(e.attributes.get('minutes')?.type, 'Integer');
    assert.equal(schema.relationshipsNamed('interaction_new_lead_new_leadid').length, 1);
  });

  it('rejects interaction declarations that cannot share one table', () => {
    const bad = (interactionTypes: unknown, re: RegExp, entities: unknown[] = []) =>
      assert.throws(
        () => schemaFromDocument({ entities, interactionTypes }),
        (e: unknown) => e instanceof SchemaFileError && re.test(e.message),
      );
    const link = [{ name: 'X_ContactLink', entity: 'contact' }];
    bad(
      [{ name: 'X', properties: [{ logicalName: 'value', type: 'String' }], links: link }],
      /property 'value' is String but .* is Decimal/,
    );
    bad([{ name: 'X', links: [{ name: 'X_L', entity: 'nosuch' }] }], /link 'X_L': unknown entity "nosuch"/);
    bad([{ name: 'X', properties: [] }], /needs at least one link/);
    bad(
      [
        {
          name: 'X',
          properties: [{ logicalName: 'who', type: 'Lookup', targets: ['contact'] }],
          links: link,
        },
      ],
      /declare profile references as links/,
    );
    bad(
      [{ name: 'X', properties: [{ logicalName: 'timestamp', type: 'DateTime' }], links: link }],
      /'timestamp' is a column of every interaction/,
    );
    bad(
      [
        { name: 'X', links: link },
        { name: 'x', links: link },
      ],
      /'x' is declared twice/,
    );
    bad(
      [{ name: 'EmailOpened', properties: [{ logicalName: 'emailid', type: 'String' }] }],
      /property 'emailid' is declared twice/,
    );
    bad([{ name: '1x', links: link }], /'name' must be a name/);
    bad([], /built from the interaction types/, [{ logicalName: 'interaction' }]);
  });

  it('names relationships as declared, once each', () => {
    const lookup = (logicalName: string, relationshipName: string) => ({
      logicalName,
      type: 'Lookup',
      targets: ['contact'],
      relationshipName,
    });
    const schema = schemaFromDocument({
      entities: [{ logicalName: 'new_card', attributes: [lookup('new_holderid', 'HavingCreditCard')] }],
    });
    assert.equal(schema.relationshipsNamed('havingcreditcard')[0]?.referencingAttribute, 'new_holderid');
    assert.equal(schema.navigationProperty('contact', 'HavingCreditCard')?.targetEntity, 'new_card');
    assert.throws(
      () =>
        schemaFromDocument({
          entities: [
            {
              logicalName: 'new_card',
              attributes: [lookup('new_holderid', 'Holds'), lookup('new_otherid', 'holds')],
            },
          ],
        }),
      (e: unknown) =>
        e instanceof SchemaFileError && /relationship name 'holds' is used by both/.test(e.message),
    );
    assert.throws(
      () =>
        schemaFromDocument({
          entities: [
            {
              logicalName: 'new_card',
              attributes: [{ logicalName: 'x', type: 'String', relationshipName: 'R' }],
            },
          ],
        }),
      (e: unknown) => e instanceof SchemaFileError && /'relationshipName' is only for Lookup/.test(e.message),
    );
  });
});
