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
});
