import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { etagListMatches, etagOf } from '../../src/odata/etag.ts';
import { AnnotationFilter, parsePrefer, preferenceApplied } from '../../src/odata/prefer.ts';

describe('Prefer', () => {
  it('reads the Dataverse preferences from one header or several', () => {
    const p = parsePrefer('return=representation, odata.maxpagesize=10, odata.include-annotations="*"');
    assert.equal(p.returnRepresentation, true);
    assert.equal(p.maxPageSize, 10);
    assert.equal(p.annotations?.source, '*');
    assert.equal(p.continueOnError, false);
    const q = parsePrefer(['odata.maxpagesize=3', 'odata.continue-on-error']);
    assert.equal(q.maxPageSize, 3);
    assert.equal(q.continueOnError, true);
    assert.equal(q.returnRepresentation, false);
    assert.deepEqual(parsePrefer(undefined), {
      returnRepresentation: false,
      continueOnError: false,
      trackChanges: false,
    });
  });

  it('keeps commas inside a quoted annotation list', () => {
    const p = parsePrefer(
      'odata.include-annotations="OData.Community.Display.V1.FormattedValue,Microsoft.Dynamics.CRM.lookuplogicalname", return=representation',
    );
    assert.equal(p.returnRepresentation, true);
    assert.equal(p.annotations?.includes('OData.Community.Display.V1.FormattedValue'), true);
    assert.equal(p.annotations?.includes('Microsoft.Dynamics.CRM.lookuplogicalname'), true);
    assert.equal(p.annotations?.includes('Microsoft.Dynamics.CRM.associatednavigationproperty'), false);
  });

  it('ignores page sizes that are not positive integers and caps them at 5000', () => {
    for (const bad of ['0', '-1', 'abc', '1.5', ''])
      assert.equal(parsePrefer(`odata.maxpagesize=${bad}`).maxPageSize, undefined, bad);
    assert.equal(parsePrefer('odata.maxpagesize=100000').maxPageSize, 5000);
  });

  it('matches annotation terms by wildcard, namespace pattern and exclusion', () => {
    const all = new AnnotationFilter('*');
    assert.equal(all.includes('OData.Community.Display.V1.FormattedValue'), true);
    const crm = new AnnotationFilter('Microsoft.Dynamics.CRM.*');
    assert.equal(crm.includes('Microsoft.Dynamics.CRM.totalrecordcount'), true);
    assert.equal(crm.includes('OData.Community.Display.V1.FormattedValue'), false);
    const but = new AnnotationFilter('*,-Microsoft.Dynamics.CRM.*');
    assert.equal(but.includes('Microsoft.Dynamics.CRM.lookuplogicalname'), false);
    assert.equal(but.includes('OData.Community.Display.V1.FormattedValue'), true);
    assert.equal(new AnnotationFilter('-*').isEmpty, true);
  });

  it('builds Preference-Applied', () => {
    assert.equal(preferenceApplied([]), undefined);
    assert.equal(
      preferenceApplied(['odata.maxpagesize=10', 'odata.include-annotations="*"']),
      'odata.maxpagesize=10,odata.include-annotations="*"',
    );
  });
});

describe('ETags', () => {
  it('are weak tags of the version number', () => {
    assert.equal(etagOf(536530), 'W/"536530"');
  });

  it('match lists, wildcards and unquoted forms, never the literal null', () => {
    const tag = etagOf(12);
    assert.equal(etagListMatches('W/"12"', tag), true);
    assert.equal(etagListMatches('"12"', tag), true);
    assert.equal(etagListMatches('W/"11", W/"12"', tag), true);
    assert.equal(etagListMatches('*', tag), true);
    assert.equal(etagListMatches('W/"13"', tag), false);
    assert.equal(etagListMatches('null', tag), false);
    assert.equal(etagListMatches(undefined, tag), false);
  });
});
