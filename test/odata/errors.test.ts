import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { schemaFromDocument } from '../../src/metadata/schema-file.ts';
import { ODataQueryError, parseQueryOptions } from '../../src/odata/query-options.ts';

/**
 * Golden errors: malformed or ill-typed query options give exactly these messages, naming the
 * option and the 0-based position of the problem in its text.
 */

const schema = schemaFromDocument(undefined);

/** [entity, query parameters, option, position, message] */
const GOLDEN: [string, Record<string, string>, string, number, string][] = [
  [
    'contact',
    { $filter: 'statecode eq 0 and (' },
    '$filter',
    20,
    "Syntax error at position 20 in $filter 'statecode eq 0 and (': expected an expression but found end of input.",
  ],
  [
    'contact',
    { $filter: 'statecode eq 0 and' },
    '$filter',
    18,
    "Syntax error at position 18 in $filter 'statecode eq 0 and': expected an expression but found end of input.",
  ],
  [
    'contact',
    { $filter: '(statecode eq 0' },
    '$filter',
    15,
    "Syntax error at position 15 in $filter '(statecode eq 0': expected ')' but found end of input.",
  ],
  [
    'contact',
    { $filter: '(statecode eq 0))' },
    '$filter',
    16,
    "Syntax error at position 16 in $filter '(statecode eq 0))': found ')' without a matching '('.",
  ],
  [
    'contact',
    { $filter: 'statecode eq 0 and and statecode eq 1' },
    '$filter',
    19,
    "Syntax error at position 19 in $filter 'statecode eq 0 and and statecode eq 1': expected an expression but found 'and'.",
  ],
  [
    'contact',
    { $filter: 'statecode 0' },
    '$filter',
    10,
    "Syntax error at position 10 in $filter 'statecode 0': expected an operator or the end of the expression but found '0'.",
  ],
  [
    'contact',
    { $filter: '' },
    '$filter',
    0,
    "Syntax error at position 0 in $filter '': expected an expression but found end of input.",
  ],
  [
    'contact',
    { $filter: '   ' },
    '$filter',
    3,
    "Syntax error at position 3 in $filter '   ': expected an expression but found end of input.",
  ],
  [
    'contact',
    { $orderby: '' },
    '$orderby',
    0,
    "Syntax error at position 0 in $orderby '': expected a property name but found end of input.",
  ],
  [
    'contact',
    { $filter: "lastname eq 'O'Bryan'" },
    '$filter',
    21,
    "There is an unterminated literal at position 21 in 'lastname eq 'O'Bryan''.",
  ],
  [
    'contact',
    { $filter: "lastname eq 'abc" },
    '$filter',
    16,
    "There is an unterminated literal at position 16 in 'lastname eq 'abc'.",
  ],
  [
    'contact',
    { $filter: "emailadress1 eq 'a'" },
    '$filter',
    0,
    "Could not find a property named 'emailadress1' on type 'Microsoft.Dynamics.CRM.contact'. Did you mean 'emailaddress1', 'emailaddress2' or 'emailaddress3'? (at position 0 in $filter 'emailadress1 eq 'a'')",
  ],
  [
    'contact',
    { $filter: "parentcustomerid_account/nme eq 'a'" },
    '$filter',
    25,
    "Could not find a property named 'nme' on type 'Microsoft.Dynamics.CRM.account'. Did you mean 'name'? (at position 25 in $filter 'parentcustomerid_account/nme eq 'a'')",
  ],
  [
    'contact',
    { $filter: "statecode eq 'Active'" },
    '$filter',
    13,
    "The literal 'Active' does not match the property 'statecode' of type Edm.Int32 (choice): expected an integer choice value such as 0 (Active), 1 (Inactive). (at position 13 in $filter 'statecode eq 'Active'')",
  ],
  [
    'contact',
    { $filter: "numberofchildren eq 'two'" },
    '$filter',
    20,
    "The literal 'two' does not match the property 'numberofchildren' of type Edm.Int32: expected a whole number. (at position 20 in $filter 'numberofchildren eq 'two'')",
  ],
  [
    'contact',
    { $filter: 'donotemail eq 1' },
    '$filter',
    14,
    "The literal 1 does not match the property 'donotemail' of type Edm.Boolean: expected true or false. (at position 14 in $filter 'donotemail eq 1')",
  ],
  [
    'contact',
    { $filter: 'birthdate eq 2020-01-01T00:00:00Z' },
    '$filter',
    13,
    "The literal 2020-01-01T00:00:00Z does not match the property 'birthdate' of type Edm.Date: expected a date such as 2020-01-01. (at position 13 in $filter 'birthdate eq 2020-01-01T00:00:00Z')",
  ],
  [
    'contact',
    { $filter: 'birthdate eq 2021-02-29' },
    '$filter',
    13,
    "Syntax error at position 13 in $filter 'birthdate eq 2021-02-29': '2021-02-29' is not a valid date.",
  ],
  [
    'contact',
    { $filter: 'createdon ge 2020-13-01T00:00:00Z' },
    '$filter',
    13,
    "Syntax error at position 13 in $filter 'createdon ge 2020-13-01T00:00:00Z': '2020-13-01T00:00:00Z' is not a valid date-time.",
  ],
  [
    'contact',
    { $filter: '_parentcustomerid_value eq 1234-5678' },
    '$filter',
    27,
    "Syntax error at position 27 in $filter '_parentcustomerid_value eq 1234-5678': '1234-5678' is not a valid literal; write subtraction as 'sub' (for example '1234 sub 5678').",
  ],
  [
    'contact',
    { $filter: '_parentcustomerid_value eq 00000000-0000-0000-0000-00000000000' },
    '$filter',
    27,
    "Syntax error at position 27 in $filter '_parentcustomerid_value eq 00000000-0000-0000-0000-00000000000': '00000000-0000-0000-0000-00000000000' is not a valid GUID literal; expected 8-4-4-4-12 hexadecimal digits.",
  ],
  [
    'contact',
    { $filter: "_parentcustomerid_value eq 'not-a-guid'" },
    '$filter',
    27,
    "The literal 'not-a-guid' does not match the property '_parentcustomerid_value' of type Edm.Guid: expected a GUID such as 00000000-0000-0000-0000-000000000000. (at position 27 in $filter '_parentcustomerid_value eq 'not-a-guid'')",
  ],
  [
    'contact',
    { $filter: "tolower(lastname) eq 'a'" },
    '$filter',
    0,
    "The function 'tolower' is not supported; Dataverse supports only contains, startswith and endswith in $filter. (at position 0 in $filter 'tolower(lastname) eq 'a'')",
  ],
  [
    'contact',
    { $filter: "substringof('a',lastname)" },
    '$filter',
    0,
    "An unknown function with name 'substringof' was found. OData v4 has no 'substringof'; use contains(property,'text'). (at position 0 in $filter 'substringof('a',lastname)')",
  ],
  [
    'contact',
    { $filter: "Microsoft.Dynamics.CRM.LastXDay(PropertyName='createdon',PropertyValue=7)" },
    '$filter',
    0,
    "An unknown function with name 'Microsoft.Dynamics.CRM.LastXDay' was found. Did you mean 'Microsoft.Dynamics.CRM.LastXDays' or 'Microsoft.Dynamics.CRM.Last7Days'? (at position 0 in $filter 'Microsoft.Dynamics.CRM.LastXDay(PropertyName='createdon',PropertyValue=7)')",
  ],
  [
    'contact',
    { $filter: "Microsoft.Dynamics.CRM.LastXDays(PropertyName='createdon')" },
    '$filter',
    0,
    "The query function 'Microsoft.Dynamics.CRM.LastXDays' needs the parameter PropertyValue; it takes PropertyName and PropertyValue. (at position 0 in $filter 'Microsoft.Dynamics.CRM.LastXDays(PropertyName='createdon')')",
  ],
  [
    'contact',
    { $filter: "Microsoft.Dynamics.CRM.LastXDays(PropertyName='lastname',PropertyValue=7)" },
    '$filter',
    46,
    "The query function 'Microsoft.Dynamics.CRM.LastXDays' applies to date and time columns, but PropertyName names 'lastname' of type Edm.String. (at position 46 in $filter 'Microsoft.Dynamics.CRM.LastXDays(PropertyName='lastname',PropertyValue=7)')",
  ],
  [
    'contact',
    { $filter: "Microsoft.Dynamics.CRM.Between(PropertyName='numberofchildren',PropertyValues=['1'])" },
    '$filter',
    78,
    "PropertyValues of 'Microsoft.Dynamics.CRM.Between' must hold exactly two values (the low and the high end), but it holds 1. (at position 78 in $filter 'Microsoft.Dynamics.CRM.Between(PropertyName='numberofchildren',PropertyValues=['1'])')",
  ],
  [
    'contact',
    { $filter: "Microsoft.Dynamics.CRM.InFiscalYear(PropertyName='createdon',PropertyValue=2020)" },
    '$filter',
    0,
    "The query function 'Microsoft.Dynamics.CRM.InFiscalYear' is not supported: fiscal periods depend on the organisation's fiscal calendar, which segmentd does not model. (at position 0 in $filter 'Microsoft.Dynamics.CRM.InFiscalYear(PropertyName='createdon',PropertyValue=2020)')",
  ],
  [
    'contact',
    { $filter: 'lastname' },
    '$filter',
    0,
    "The $filter expression must be a condition that is true or false, but this is the property 'lastname' of type Edm.String. (at position 0 in $filter 'lastname')",
  ],
  [
    'contact',
    { $filter: "not lastname eq 'a'" },
    '$filter',
    4,
    "The operand of 'not' must be a condition that is true or false, but this is the property 'lastname' of type Edm.String ('not' binds more tightly than comparisons: write not (a eq b)). (at position 4 in $filter 'not lastname eq 'a'')",
  ],
  [
    'contact',
    { $filter: 'firstname eq numberofchildren' },
    '$filter',
    10,
    "A binary operator with incompatible types was detected. Found operand types 'Edm.String' and 'Edm.Int32' for operator kind 'Equal'. (at position 10 in $filter 'firstname eq numberofchildren')",
  ],
  [
    'contact',
    { $filter: "contact_customer_contacts/firstname eq 'a'" },
    '$filter',
    26,
    "The parent value for a property access of a property 'firstname' is not a single value. Property access can only be applied to a single value. Use 'contact_customer_contacts/any(x:x/firstname …)' to test the related rows. (at position 26 in $filter 'contact_customer_contacts/firstname eq 'a'')",
  ],
  [
    'contact',
    { $filter: "lastname/any(x:x eq 'a')" },
    '$filter',
    0,
    "The 'any' operator applies to collection-valued navigation properties, but 'lastname' is a property. (at position 0 in $filter 'lastname/any(x:x eq 'a')')",
  ],
  [
    'account',
    { $filter: 'contact_customer_accounts/all()' },
    '$filter',
    0,
    "The 'all' operator needs a condition, such as all(x:x/<property> eq …). (at position 0 in $filter 'contact_customer_accounts/all()')",
  ],
  [
    'account',
    { $filter: "contact_customer_accounts/any(c:c/contact_customer_contacts/any(c:c/firstname eq 'a'))" },
    '$filter',
    64,
    "The range variable 'c' has already been declared. (at position 64 in $filter 'contact_customer_accounts/any(c:c/contact_customer_contacts/any(c:c/firstname eq 'a'))')",
  ],
  [
    'contact',
    { $filter: 'lastname eq @p1' },
    '$filter',
    12,
    "The parameter alias '@p1' is not defined; give it a value in the query string, such as &@p1='value'. (at position 12 in $filter 'lastname eq @p1')",
  ],
  [
    'contact',
    { $filter: "lastname eq 'a' ^ 2" },
    '$filter',
    16,
    "Syntax error at position 16 in $filter 'lastname eq 'a' ^ 2': the character '^' is not valid here.",
  ],
  [
    'contact',
    { $filter: "contains(lastname 'a')" },
    '$filter',
    18,
    "Syntax error at position 18 in $filter 'contains(lastname 'a')': expected ')' but found the string 'a'.",
  ],
  [
    'contact',
    { $filter: "lastname eq 'a' lastname" },
    '$filter',
    16,
    "Syntax error at position 16 in $filter 'lastname eq 'a' lastname': expected an operator or the end of the expression but found 'lastname'.",
  ],
  ['contact', { $skip: '10' }, '$skip', 0, 'The query parameter $skip is not supported.'],
  ['contact', { $search: 'x' }, '$search', 0, 'The query parameter $search is not supported.'],
  [
    'contact',
    { $Filter: "lastname eq 'a'" },
    '$Filter',
    0,
    "The query parameter $Filter is not supported. Did you mean '$filter'?",
  ],
  ['contact', { $foo: '1' }, '$foo', 0, 'The query parameter $foo is not supported.'],
  [
    'contact',
    { $top: '-1' },
    '$top',
    0,
    "Invalid value '-1' for $top query option found. The $top query option requires a non-negative integer value.",
  ],
  [
    'contact',
    { $top: 'ten' },
    '$top',
    0,
    "Invalid value 'ten' for $top query option found. The $top query option requires a non-negative integer value.",
  ],
  [
    'contact',
    { $count: 'yes' },
    '$count',
    0,
    "Invalid value 'yes' for $count query option found. Valid values are 'true' and 'false'.",
  ],
  [
    'contact',
    { $select: 'fullname,emailadress1' },
    '$select',
    9,
    "Could not find a property named 'emailadress1' on type 'Microsoft.Dynamics.CRM.contact'. Did you mean 'emailaddress1', 'emailaddress2' or 'emailaddress3'? (at position 9 in $select 'fullname,emailadress1')",
  ],
  [
    'contact',
    { $select: 'fullname,' },
    '$select',
    9,
    "Syntax error at position 9 in $select 'fullname,': expected a name but found end of input.",
  ],
  [
    'contact',
    { $select: 'parentcustomerid_account' },
    '$select',
    0,
    "'parentcustomerid_account' is a navigation property; use $expand=parentcustomerid_account to read the related record or its lookup value '_parentcustomerid_value'. (at position 0 in $select 'parentcustomerid_account')",
  ],
  [
    'contact',
    { $orderby: 'lastname descending' },
    '$orderby',
    9,
    "Syntax error at position 9 in $orderby 'lastname descending': expected ',' or the end of the list but found 'descending'.",
  ],
  [
    'contact',
    { $orderby: 'contact_customer_contacts/lastname' },
    '$orderby',
    26,
    "The parent value for a property access of a property 'lastname' is not a single value. Property access can only be applied to a single value. (at position 26 in $orderby 'contact_customer_contacts/lastname')",
  ],
  [
    'contact',
    { $expand: 'parentcustomerid_acount' },
    '$expand',
    0,
    "Could not find a property named 'parentcustomerid_acount' on type 'Microsoft.Dynamics.CRM.contact'. Did you mean 'parentcustomerid_account'? (at position 0 in $expand 'parentcustomerid_acount')",
  ],
  [
    'contact',
    { $expand: 'parentcustomerid_account($skip=1)' },
    '$expand',
    25,
    "Syntax error at position 25 in $expand 'parentcustomerid_account($skip=1)': the option $skip is not supported inside $expand.",
  ],
  [
    'contact',
    { $expand: 'parentcustomerid_account($filter=name eq 1)' },
    '$expand',
    25,
    "The option $filter can only be used when expanding a collection-valued navigation property; 'parentcustomerid_account' is single-valued. (at position 25 in $expand 'parentcustomerid_account($filter=name eq 1)')",
  ],
  [
    'contact',
    { $expand: 'contact_customer_contacts/$ref' },
    '$expand',
    0,
    "Expand with $ref is only supported on lookup type navigation property. (at position 0 in $expand 'contact_customer_contacts/$ref')",
  ],
  [
    'account',
    { $expand: "contact_customer_accounts($filter=firstnme eq 'a')" },
    '$expand',
    34,
    "Could not find a property named 'firstnme' on type 'Microsoft.Dynamics.CRM.contact'. Did you mean 'firstname'? (at position 34 in $expand 'contact_customer_accounts($filter=firstnme eq 'a')')",
  ],
  [
    'account',
    { $expand: 'contact_customer_accounts($top=1.5)' },
    '$expand',
    31,
    "$top must be a non-negative whole number, not 1.5. (at position 31 in $expand 'contact_customer_accounts($top=1.5)')",
  ],
  [
    'contact',
    { $apply: 'groupby((statecode))' },
    '$apply',
    0,
    'The query parameter $apply (aggregation) is not supported by this server.',
  ],
  [
    'contact',
    {
      $filter: 'Microsoft.Dynamics.CRM.In(PropertyName=@p1,PropertyValues=@p2)',
      '@p1': "'lastname'",
      '@p2': "['a'",
    },
    '@p2',
    4,
    "Syntax error at position 4 in @p2 '['a'': expected ']' but found end of input.",
  ],
  [
    'contact',
    { $filter: "Microsoft.Dynamics.CRM.EqualUserId(PropertyName='ownerid')" },
    '$filter',
    0,
    "The query function 'Microsoft.Dynamics.CRM.EqualUserId' needs the calling user, which this request does not identify. (at position 0 in $filter 'Microsoft.Dynamics.CRM.EqualUserId(PropertyName='ownerid')')",
  ],
  [
    'contact',
    { $filter: "Microsoft.Dynamics.CRM.LastXHours(PropertyName='birthdate',PropertyValue=3)" },
    '$filter',
    47,
    "The query function 'Microsoft.Dynamics.CRM.LastXHours' counts hours and cannot be used with the date-only column 'birthdate'. (at position 47 in $filter 'Microsoft.Dynamics.CRM.LastXHours(PropertyName='birthdate',PropertyValue=3)')",
  ],
  [
    'contact',
    { $filter: 'lastname in ()' },
    '$filter',
    13,
    "Syntax error at position 13 in $filter 'lastname in ()': expected a value but found ')'.",
  ],
  [
    'contact',
    { $filter: "statecode in (0,'x')" },
    '$filter',
    16,
    "The literal 'x' does not match the property 'statecode' of type Edm.Int32 (choice): expected an integer choice value such as 0 (Active), 1 (Inactive). (at position 16 in $filter 'statecode in (0,'x')')",
  ],
];

describe('golden query-option errors', () => {
  for (const [entity, params, option, position, message] of GOLDEN) {
    it(`${JSON.stringify(params)}`, () => {
      const r = parseQueryOptions(schema, entity, params);
      assert.ok(r instanceof ODataQueryError, 'expected an ODataQueryError');
      assert.equal(r.message, message);
      assert.equal(r.option, option);
      assert.equal(r.position, position);
      assert.ok(r.position >= 0 && r.position <= r.text.length);
      assert.equal(r.code, '0x80060888');
      assert.equal(r.kind, 'BadRequest');
    });
  }
});
