import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DataverseError } from '../../src/engine/errors.ts';
import { convertImportRecord } from '../../src/engine/import-values.ts';
import { parseEntityBody } from '../../src/engine/payload.ts';
import { parseDateTime } from '../../src/engine/values.ts';
import { schemaFromDocument } from '../../src/metadata/schema-file.ts';

const schema = schemaFromDocument(undefined);
const rejects = (fn: () => unknown, re: RegExp) =>
  assert.throws(
    fn,
    (e: unknown) => e instanceof DataverseError && e.code === '0x80048d19' && re.test(e.message),
  );

describe('entity bodies', () => {
  it('converts typed values and binds lookups', () => {
    const v = parseEntityBody(
      schema,
      'contact',
      {
        firstname: 'Ada',
        lastname: 'Lovelace',
        birthdate: '1815-12-10',
        gendercode: 2,
        annualincome: '1234.56789',
        donotemail: true,
        'parentcustomerid_account@odata.bind': '/accounts(0B4B85CC-7F6C-EA11-A811-000D3A54D359)',
        '@odata.type': 'Microsoft.Dynamics.CRM.contact',
        fullname: 'ignored (computed)',
      },
      'create',
    );
    assert.deepEqual(v, {
      firstname: 'Ada',
      lastname: 'Lovelace',
      birthdate: '1815-12-10',
      gendercode: 2,
      annualincome: 1234.5679,
      donotemail: true,
      parentcustomerid: '0b4b85cc-7f6c-ea11-a811-000d3a54d359',
      parentcustomeridtype: 'account',
    });
  });

  it('rejects unknown properties, bad values and misuse of lookups by name', () => {
    rejects(
      () => parseEntityBody(schema, 'contact', { emailadress1: 'x' }, 'create'),
      /The property 'emailadress1' does not exist on type 'Microsoft.Dynamics.CRM.contact'/,
    );
    rejects(
      () => parseEntityBody(schema, 'contact', { gendercode: 7 }, 'create'),
      /value 7 of 'gendercode'.*outside the valid range/,
    );
    rejects(
      () => parseEntityBody(schema, 'contact', { firstname: 'x'.repeat(51) }, 'create'),
      /maximum allowed length of '50'/,
    );
    rejects(
      () => parseEntityBody(schema, 'contact', { birthdate: '2020-02-30' }, 'create'),
      /Cannot convert the literal '2020-02-30' to the expected type 'Edm.Date'/,
    );
    rejects(() => parseEntityBody(schema, 'contact', { numberofchildren: 1.5 }, 'create'), /Edm.Int32/);
    rejects(() => parseEntityBody(schema, 'contact', { donotemail: 'yes' }, 'create'), /Edm.Boolean/);
    rejects(
      () => parseEntityBody(schema, 'contact', { _parentcustomerid_value: 'x' }, 'create'),
      /read-only.*parentcustomerid_account@odata.bind|read-only/,
    );
    rejects(
      () =>
        parseEntityBody(
          schema,
          'contact',
          { parentcustomerid: '0b4b85cc-7f6c-ea11-a811-000d3a54d359' },
          'create',
        ),
      /@odata.bind/,
    );
    rejects(
      () =>
        parseEntityBody(
          schema,
          'contact',
          { 'parentcustomerid_account@odata.bind': '/contacts(0b4b85cc-7f6c-ea11-a811-000d3a54d359)' },
          'create',
        ),
      /must point at a 'account' record/,
    );
    rejects(
      () =>
        parseEntityBody(
          schema,
          'contact',
          { 'nothing@odata.bind': '/contacts(0b4b85cc-7f6c-ea11-a811-000d3a54d359)' },
          'create',
        ),
      /names no navigation property/,
    );
    rejects(() => parseEntityBody(schema, 'contact', [1, 2], 'create'), /must be a JSON object/);
    rejects(
      () => parseEntityBody(schema, 'contact', { importsequencenumber: 3 }, 'update'),
      /only be set when the record is created/,
    );
  });

  it('normalises date-times to UTC seconds', () => {
    assert.equal(parseDateTime('2024-03-01T10:20:30.123+02:00'), '2024-03-01T08:20:30Z');
    assert.equal(parseDateTime('2024-03-01'), '2024-03-01T00:00:00Z');
    assert.equal(parseDateTime('2024-13-01'), undefined);
  });

  it('converts imported CSV text, with lookups by name', () => {
    const v = convertImportRecord(
      schema,
      'contact',
      {
        lastname: 'Smith',
        numberofchildren: '2',
        donotemail: 'yes',
        birthdate: '',
        parentcustomerid: '0B4B85CC-7F6C-EA11-A811-000D3A54D359',
        parentcustomeridtype: 'account',
        fullname: 'x',
        createdon: '2020-01-01T00:00:00Z',
      },
      true,
    );
    assert.deepEqual(v, {
      lastname: 'Smith',
      numberofchildren: 2,
      donotemail: true,
      birthdate: null,
      parentcustomerid: '0b4b85cc-7f6c-ea11-a811-000d3a54d359',
      parentcustomeridtype: 'account',
    });
    rejects(
      () =>
        convertImportRecord(
          schema,
          'contact',
          { parentcustomerid: '0b4b85cc-7f6c-ea11-a811-000d3a54d359' },
          true,
        ),
      /needs a 'parentcustomeridtype' column/,
    );
  });
});
