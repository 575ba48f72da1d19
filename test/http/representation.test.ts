import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Row } from '../../src/ir/nodes.ts';
import { schemaFromDocument } from '../../src/metadata/schema-file.ts';
import { AnnotationFilter } from '../../src/odata/prefer.ts';
import {
  collectionToJson,
  contextUrl,
  formattedValue,
  lookupNameKey,
  projectionText,
  recordToJson,
  webApiProperties,
} from '../../src/odata/representation.ts';

const schema = schemaFromDocument(undefined);
const contact = schema.requireEntity('contact');
const account = schema.requireEntity('account');
const ACCOUNT_ID = '0b4b85cc-7f6c-ea11-a811-000d3a54d359';

const row: Row = {
  contactid: '11111111-2222-3333-4444-555555555555',
  firstname: 'Ada',
  lastname: 'Lovelace',
  fullname: 'Ada Lovelace',
  gendercode: 2,
  donotemail: false,
  annualincome: 1234.5,
  numberofchildren: 1234,
  birthdate: '1815-12-10',
  createdon: '2024-03-01T20:05:00Z',
  parentcustomerid: ACCOUNT_ID,
  parentcustomeridtype: 'account',
  emailaddress1: null,
  versionnumber: 123,
  sd_key: 7,
};

describe('record representation', () => {
  it('returns every property with lookups as _x_value, nulls kept, the ETag first and nothing internal', () => {
    const json = recordToJson({ schema }, contact, row);
    const keys = Object.keys(json);
    assert.equal(keys[0], '@odata.etag');
    assert.equal(json['@odata.etag'], 'W/"123"');
    assert.equal(json._parentcustomerid_value, ACCOUNT_ID);
    assert.equal('parentcustomerid' in json, false);
    assert.equal('parentcustomeridtype' in json, false);
    assert.equal('sd_key' in json, false);
    assert.equal(json.emailaddress1, null);
    // Columns the row does not carry still appear, as null.
    assert.equal(json.jobtitle, null);
    assert.equal(keys.length, webApiProperties(contact).length + 1);
    assert.equal(
      keys.some((k) => k.includes('@OData')),
      false,
    );
  });

  it('returns the selected properties and the primary id', () => {
    const json = recordToJson({ schema }, contact, row, { select: ['firstname', 'parentcustomerid'] });
    assert.deepEqual(Object.keys(json), ['@odata.etag', 'firstname', '_parentcustomerid_value', 'contactid']);
  });

  it('adds the requested annotations before each property', () => {
    const json = recordToJson(
      {
        schema,
        annotations: new AnnotationFilter('*'),
        lookupNames: new Map([[lookupNameKey('account', ACCOUNT_ID), 'Contoso']]),
      },
      contact,
      row,
      {
        select: [
          'gendercode',
          'donotemail',
          'annualincome',
          'numberofchildren',
          'birthdate',
          'createdon',
          'parentcustomerid',
          'firstname',
        ],
      },
    );
    assert.deepEqual(json, {
      '@odata.etag': 'W/"123"',
      'gendercode@OData.Community.Display.V1.FormattedValue': 'Female',
      gendercode: 2,
      'donotemail@OData.Community.Display.V1.FormattedValue': 'No',
      donotemail: false,
      'annualincome@OData.Community.Display.V1.FormattedValue': '$1,234.50',
      annualincome: 1234.5,
      'numberofchildren@OData.Community.Display.V1.FormattedValue': '1,234',
      numberofchildren: 1234,
      'birthdate@OData.Community.Display.V1.FormattedValue': '12/10/1815',
      birthdate: '1815-12-10',
      'createdon@OData.Community.Display.V1.FormattedValue': '3/1/2024 8:05 PM',
      createdon: '2024-03-01T20:05:00Z',
      '_parentcustomerid_value@OData.Community.Display.V1.FormattedValue': 'Contoso',
      '_parentcustomerid_value@Microsoft.Dynamics.CRM.associatednavigationproperty':
        'parentcustomerid_account',
      '_parentcustomerid_value@Microsoft.Dynamics.CRM.lookuplogicalname': 'account',
      _parentcustomerid_value: ACCOUNT_ID,
      firstname: 'Ada',
      contactid: row.contactid,
    });
  });

  it('honours annotation patterns', () => {
    const json = recordToJson(
      { schema, annotations: new AnnotationFilter('Microsoft.Dynamics.CRM.*') },
      contact,
      row,
      {
        select: ['gendercode', 'parentcustomerid'],
      },
    );
    assert.deepEqual(Object.keys(json), [
      '@odata.etag',
      'gendercode',
      '_parentcustomerid_value@Microsoft.Dynamics.CRM.associatednavigationproperty',
      '_parentcustomerid_value@Microsoft.Dynamics.CRM.lookuplogicalname',
      '_parentcustomerid_value',
      'contactid',
    ]);
  });

  it('nests expanded records after the properties', () => {
    const expanded = new Map<string, unknown>([['parentcustomerid_account', { name: 'Contoso' }]]);
    const json = recordToJson({ schema }, contact, row, { select: ['firstname'], expanded });
    assert.deepEqual(Object.keys(json), [
      '@odata.etag',
      'firstname',
      'contactid',
      'parentcustomerid_account',
    ]);
  });

  it('formats values for display', () => {
    const attr = (e: typeof contact, n: string) => {
      const a = e.attributes.get(n);
      assert.ok(a);
      return a;
    };
    assert.equal(formattedValue(attr(contact, 'donotemail'), true), 'Yes');
    assert.equal(formattedValue(attr(contact, 'statecode'), 1), 'Inactive');
    assert.equal(formattedValue(attr(contact, 'gendercode'), 9), undefined);
    assert.equal(formattedValue(attr(contact, 'createdon'), '2024-12-31T00:00:00Z'), '12/31/2024 12:00 AM');
    assert.equal(formattedValue(attr(account, 'revenue'), 5000000), '$5,000,000.00');
    assert.equal(formattedValue(attr(contact, 'firstname'), 'x'), undefined);
    assert.equal(formattedValue(attr(contact, 'firstname'), null), undefined);
  });
});

describe('context URLs and collections', () => {
  const root = 'http://localhost/api/data/v9.0';

  it('lists $select columns and expanded navigation properties', () => {
    assert.equal(projectionText(undefined), '');
    assert.equal(projectionText({}), '');
    assert.equal(
      projectionText({
        select: ['name', 'revenue'],
        expand: [{ navigation: 'primarycontactid', projection: { select: ['fullname'] } }],
      }),
      '(name,revenue,primarycontactid(fullname))',
    );
    assert.equal(
      projectionText({ expand: [{ navigation: 'primarycontactid', projection: {} }] }),
      '(primarycontactid())',
    );
    assert.equal(
      contextUrl.collection(root, account, { select: ['name'] }),
      `${root}/$metadata#accounts(name)`,
    );
    assert.equal(contextUrl.entity(root, account), `${root}/$metadata#accounts/$entity`);
    assert.equal(
      contextUrl.entity(root, account, { select: ['name'] }),
      `${root}/$metadata#accounts(name)/$entity`,
    );
    assert.equal(
      contextUrl.property(root, account, ACCOUNT_ID, 'name'),
      `${root}/$metadata#accounts(${ACCOUNT_ID})/name`,
    );
    assert.equal(
      contextUrl.complexType(root, 'CreateMultipleResponse'),
      `${root}/$metadata#Microsoft.Dynamics.CRM.CreateMultipleResponse`,
    );
  });

  it('orders collection keys as Dataverse does', () => {
    const json = collectionToJson({
      nextLink: 'n',
      value: [],
      annotations: { 'Microsoft.Dynamics.CRM.totalrecordcount': 3 },
      count: 3,
      context: 'c',
    });
    assert.deepEqual(Object.keys(json), [
      '@odata.context',
      '@odata.count',
      '@Microsoft.Dynamics.CRM.totalrecordcount',
      'value',
      '@odata.nextLink',
    ]);
  });
});
