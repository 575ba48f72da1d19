import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DataverseError } from '../../src/engine/errors.ts';
import { FetchXmlError, prepareFetchXml } from '../../src/fetchxml/index.ts';
import { schemaFromDocument } from '../../src/metadata/schema-file.ts';

/**
 * Error goldens: the exact message (with line and column) of every kind of bad FetchXML, from
 * malformed XML and entity-expansion attempts to unknown names, wrong value counts and types,
 * and constructs segmentd refuses. Every error is a 400 InvalidFetchXml (0x80040303).
 */

const schema = schemaFromDocument(undefined);

/** A fetch on contact with `inner` inside the entity element (line 3) and `attrs` on fetch. */
const C = (inner: string, attrs = '') =>
  `<fetch${attrs}>\n  <entity name="contact">\n    ${inner}\n  </entity>\n</fetch>`;

const CASES: [title: string, fetchXml: string][] = [
  ['empty document', ''],
  ['text, not XML', 'select * from contact'],
  ['unclosed element', '<fetch><entity name="contact"></fetch>'],
  ['mismatched close tag on line 3', '<fetch>\n  <entity name="contact">\n  </entiti>\n</fetch>'],
  ['duplicate attribute', '<fetch count="1" count="2"><entity name="contact"/></fetch>'],
  ['unquoted attribute', '<fetch count=5><entity name="contact"/></fetch>'],
  ['two roots', '<fetch><entity name="contact"/></fetch><fetch/>'],
  [
    'DOCTYPE with an internal entity',
    '<!DOCTYPE fetch [<!ENTITY x "contact">]>\n<fetch><entity name="&x;"/></fetch>',
  ],
  [
    'billion laughs',
    '<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]><fetch><entity name="&lol2;"/></fetch>',
  ],
  [
    'external entity (XXE)',
    '<!DOCTYPE fetch [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><fetch><entity name="&xxe;"/></fetch>',
  ],
  ['undeclared entity reference', '<fetch><entity name="&xxe;"/></fetch>'],
  ['processing instruction', '<?xml-stylesheet href="x"?><fetch><entity name="contact"/></fetch>'],
  ['root is not fetch', '<entity name="contact"/>'],
  ['fetch without entity', '<fetch/>'],
  ['two entities', '<fetch><entity name="contact"/>\n<entity name="account"/></fetch>'],
  ['unknown element', C('<attribut name="fullname"/>')],
  ['unknown attribute', C('<attribute name="fullname" sort="asc"/>')],
  ['text inside entity', C('fullname')],
  ['bad boolean', C('', ' distinct="yes"')],
  ['count out of range', C('', ' count="5001"')],
  [
    'bad link-type',
    C('<link-entity name="account" from="accountid" to="parentcustomerid" link-type="left"/>'),
  ],
  [
    'filter link outside a filter',
    C('<link-entity name="account" from="accountid" to="parentcustomerid" link-type="any"/>'),
  ],
  [
    'join link inside a filter',
    C('<filter><link-entity name="account" from="accountid" to="parentcustomerid"/></filter>'),
  ],
  ['unknown entity', '<fetch>\n  <entity name="contacts"/>\n</fetch>'],
  ['unknown attribute name', C('<attribute name="fulname"/>')],
  [
    'unknown condition attribute',
    C('<filter><condition attribute="lastnam" operator="eq" value="x"/></filter>'),
  ],
  ['unknown operator', C('<filter><condition attribute="lastname" operator="equals" value="x"/></filter>')],
  ['eq without a value', C('<filter><condition attribute="lastname" operator="eq"/></filter>')],
  [
    'between with one value',
    C(
      '<filter><condition attribute="numberofchildren" operator="between"><value>1</value></condition></filter>',
    ),
  ],
  ['in without values', C('<filter><condition attribute="lastname" operator="in"/></filter>')],
  ['null with a value', C('<filter><condition attribute="lastname" operator="null" value="x"/></filter>')],
  [
    'value attribute and value elements',
    C(
      '<filter><condition attribute="lastname" operator="in" value="a"><value>b</value></condition></filter>',
    ),
  ],
  [
    'value of the wrong type',
    C('<filter><condition attribute="numberofchildren" operator="eq" value="two"/></filter>'),
  ],
  [
    'choice label instead of value',
    C('<filter><condition attribute="gendercode" operator="eq" value="Male"/></filter>'),
  ],
  ['bad guid', C('<filter><condition attribute="parentcustomerid" operator="eq" value="{123}"/></filter>')],
  [
    'like on a number',
    C('<filter><condition attribute="numberofchildren" operator="like" value="1%"/></filter>'),
  ],
  ['date operator on text', C('<filter><condition attribute="lastname" operator="today"/></filter>')],
  [
    'hours on a date-only column',
    C('<filter><condition attribute="birthdate" operator="last-x-hours" value="3"/></filter>'),
  ],
  [
    'negative amount',
    C('<filter><condition attribute="createdon" operator="last-x-days" value="-1"/></filter>'),
  ],
  ['fiscal operator', C('<filter><condition attribute="createdon" operator="this-fiscal-year"/></filter>')],
  ['teams operator', C('<filter><condition attribute="ownerid" operator="eq-userteams"/></filter>')],
  [
    'multi-select operator',
    C(
      '<filter><condition attribute="gendercode" operator="contain-values"><value>1</value></condition></filter>',
    ),
  ],
  [
    'hierarchy on a contact',
    C(
      '<filter><condition attribute="contactid" operator="under" value="00000000-0000-0000-0000-000000000001"/></filter>',
    ),
  ],
  [
    'valueof with in',
    C('<filter><condition attribute="lastname" operator="in" valueof="firstname"/></filter>'),
  ],
  [
    'valueof of another type',
    C('<filter><condition attribute="lastname" operator="eq" valueof="numberofchildren"/></filter>'),
  ],
  [
    'entityname of no link',
    C('<filter><condition entityname="acc" attribute="name" operator="eq" value="x"/></filter>'),
  ],
  ['link without from and to and many relationships', C('<link-entity name="systemuser"/>')],
  [
    'link between unrelated entities',
    C('<link-entity name="businessunit" from="name" to="numberofchildren"/>'),
  ],
  [
    'duplicate alias',
    C(
      '<link-entity name="account" from="accountid" to="parentcustomerid" alias="a"/><link-entity name="account" from="accountid" to="accountid" alias="a"/>',
    ),
  ],
  [
    'columns inside an exists link',
    C(
      '<link-entity name="account" from="accountid" to="parentcustomerid" link-type="exists"><attribute name="name"/></link-entity>',
    ),
  ],
  ['aggregate without aggregate=true', C('<attribute name="contactid" alias="n" aggregate="count"/>')],
  ['aggregate without alias', C('<attribute name="contactid" aggregate="count"/>', ' aggregate="true"')],
  ['plain attribute in an aggregate query', C('<attribute name="lastname"/>', ' aggregate="true"')],
  ['sum of text', C('<attribute name="lastname" alias="s" aggregate="sum"/>', ' aggregate="true"')],
  [
    'fiscal date grouping',
    C(
      '<attribute name="createdon" alias="p" groupby="true" dategrouping="fiscal-period"/>',
      ' aggregate="true"',
    ),
  ],
  ['order by an unknown alias', C('<order alias="nope"/>')],
  [
    'order by attribute in an aggregate query',
    C(
      '<attribute name="lastname" alias="l" groupby="true"/><order attribute="lastname"/>',
      ' aggregate="true"',
    ),
  ],
  [
    'distinct ordered by a column it does not return',
    C('<attribute name="lastname"/><order attribute="firstname"/>', ' distinct="true"'),
  ],
  ['top with count', C('', ' top="5" count="5"')],
  ['row aggregate', C('<attribute name="contactid" alias="n" rowaggregate="CountChildren"/>')],
  ['malformed paging cookie', C('<order attribute="lastname"/>', ' page="2" paging-cookie="&lt;cookie"')],
];

const EXPECTED: Record<string, string> = {
  'empty document': 'Malformed FetchXml: document must contain a root element (line 1, column 1).',
  'text, not XML': 'Malformed FetchXml: text data outside of root node (line 1, column 21).',
  'unclosed element': 'Malformed FetchXml: unexpected close tag (line 1, column 38).',
  'mismatched close tag on line 3': 'Malformed FetchXml: unexpected close tag (line 3, column 11).',
  'duplicate attribute': 'Malformed FetchXml: duplicate attribute: count (line 1, column 27).',
  'unquoted attribute': 'Malformed FetchXml: unquoted attribute value (line 1, column 14).',
  'two roots': 'Malformed FetchXml: documents may contain only one root (line 1, column 46).',
  'DOCTYPE with an internal entity':
    'Malformed FetchXml: a DOCTYPE declaration is not allowed; FetchXML never declares or expands entities (line 1, column 40).',
  'billion laughs':
    'Malformed FetchXml: a DOCTYPE declaration is not allowed; FetchXML never declares or expands entities (line 1, column 74).',
  'external entity (XXE)':
    'Malformed FetchXml: a DOCTYPE declaration is not allowed; FetchXML never declares or expands entities (line 1, column 60).',
  'undeclared entity reference': 'Malformed FetchXml: undefined entity (line 1, column 26).',
  'processing instruction':
    "Malformed FetchXml: the processing instruction '<?xml-stylesheet' is not allowed (line 1, column 27).",
  'root is not fetch': "The root element must be 'fetch', not 'entity' (line 1, column 1).",
  'fetch without entity': "The 'fetch' element needs one 'entity' element (line 1, column 1).",
  'two entities': "The 'fetch' element holds exactly one 'entity' element (line 2, column 1).",
  'unknown element':
    "The 'attribut' element is not allowed inside 'entity'; it may hold: 'all-attributes', 'attribute', 'order', 'link-entity', 'filter' (line 3, column 5).",
  'unknown attribute':
    "The 'sort' attribute is not declared for the 'attribute' element. It may have: 'name', 'alias', 'aggregate', 'groupby', 'dategrouping', 'usertimezone', 'distinct', 'rowaggregate', 'build', 'addedby' (line 3, column 5).",
  'text inside entity': "The 'entity' element cannot contain text (line 2, column 3).",
  'bad boolean':
    "The 'distinct' attribute of the 'fetch' element has the invalid value 'yes'; expected 'true', 'false', '1' or '0' (line 1, column 1).",
  'count out of range':
    "The 'count' attribute of the 'fetch' element has the invalid value '5001'; expected a whole number from 1 to 5000 (line 1, column 1).",
  'bad link-type':
    "The 'link-type' attribute of the 'link-entity' element has the invalid value 'left'; expected one of 'inner', 'outer', 'exists', 'in', 'any', 'not any', 'all', 'not all' (line 3, column 5).",
  'filter link outside a filter':
    "The link-type 'any' only filters: put this link-entity inside a filter element (line 3, column 5).",
  'join link inside a filter':
    "A link-entity inside a filter needs link-type 'any', 'not any', 'all', 'not all'; 'inner' joins and belongs directly in an entity or link-entity (line 3, column 13).",
  'unknown entity': "The entity 'contacts' does not exist. Did you mean 'contact'? (line 2, column 3).",
  'unknown attribute name':
    "The entity 'contact' has no attribute 'fulname'. Did you mean 'fullname'? (line 3, column 5).",
  'unknown condition attribute':
    "The entity 'contact' has no attribute 'lastnam'. Did you mean 'lastname'? (line 3, column 13).",
  'unknown operator': "The condition operator 'equals' is not a FetchXML operator (line 3, column 13).",
  'eq without a value':
    "The condition operator 'eq' takes one value (the 'value' attribute), but the condition on 'lastname' has 0 (line 3, column 13).",
  'between with one value':
    "The condition operator 'between' takes 2 values (<value> elements), but the condition on 'numberofchildren' has 1 (line 3, column 13).",
  'in without values':
    "The condition operator 'in' takes one or more values (<value> elements), but the condition on 'lastname' has 0 (line 3, column 13).",
  'null with a value':
    "The condition operator 'null' takes no value, but the condition on 'lastname' has 1 (line 3, column 13).",
  'value attribute and value elements':
    "The condition on 'lastname' has both a 'value' attribute and <value> elements; use one of them (line 3, column 13).",
  'value of the wrong type':
    "The value 'two' of the condition on 'contact.numberofchildren' is not a valid Edm.Int32 (line 3, column 13).",
  'choice label instead of value':
    "The value 'Male' of the condition on 'contact.gendercode' is not a valid Edm.Int32 (the choice value, a whole number) (line 3, column 13).",
  'bad guid':
    "The value '{123}' of the condition on 'contact.parentcustomerid' is not a valid Edm.Guid (line 3, column 13).",
  'like on a number':
    "The condition operator 'like' applies to text columns, but 'contact.numberofchildren' is Edm.Int32 (line 3, column 13).",
  'date operator on text':
    "The condition operator 'today' applies to date and time columns, but 'contact.lastname' is Edm.String (line 3, column 13).",
  'hours on a date-only column':
    "The condition operator 'last-x-hours' counts hours or minutes and cannot apply to the date-only column 'contact.birthdate' (line 3, column 13).",
  'negative amount':
    "The value '-1' of the 'last-x-days' condition must be a whole number of days from 0 to 3650000 (line 3, column 13).",
  'fiscal operator':
    "The condition operator 'this-fiscal-year' is not supported by segmentd: fiscal periods depend on the organization's fiscal calendar, which segmentd does not model (line 3, column 13).",
  'teams operator':
    "The condition operator 'eq-userteams' is not supported by segmentd: teams are not modelled by segmentd (line 3, column 13).",
  'multi-select operator':
    "The condition operator 'contain-values' applies to multi-select choice columns, and 'contact.gendercode' is not a multi-select choice (line 3, column 13).",
  'hierarchy on a contact':
    "The operator 'under' needs a hierarchy, but 'contact' has no lookup to itself (line 3, column 13).",
  'valueof with in':
    "The condition operator 'in' cannot compare with another column (valueof); use eq, ne, gt, ge, lt or le (line 3, column 13).",
  'valueof of another type':
    "The condition compares 'lastname' (Edm.String) with 'numberofchildren' (Edm.Int32); valueof needs columns of the same type (line 3, column 13).",
  'entityname of no link':
    "The condition's entityname 'acc' is not the alias of a joined link-entity visible here (line 3, column 13).",
  'link without from and to and many relationships':
    "The link-entity 'systemuser' needs 'from' and 'to' attributes: no single relationship joins 'systemuser' to 'contact'. It could be any of: from='systemuserid' to='createdby'; from='systemuserid' to='modifiedby'; from='systemuserid' to='ownerid'; from='systemuserid' to='owninguser' (line 3, column 5).",
  'link between unrelated entities':
    "The link-entity 'businessunit' joins 'businessunit.name' to 'contact.numberofchildren', which hold values of different types (line 3, column 5).",
  'duplicate alias': "The alias 'a' is used by more than one link-entity (line 3, column 83).",
  'columns inside an exists link':
    "The link-entity 'account' is inside an exists, in or filter link, which returns no columns: it cannot have attribute or order elements (line 3, column 5).",
  'aggregate without aggregate=true':
    "The attribute 'contactid' aggregates or groups, which needs aggregate='true' on the fetch element (line 3, column 5).",
  'aggregate without alias': "The aggregate attribute 'contactid' needs an alias (line 3, column 5).",
  'plain attribute in an aggregate query':
    "In an aggregate query every attribute aggregates or groups; 'lastname' needs an 'aggregate' or groupby='true' (line 3, column 5).",
  'sum of text':
    "The aggregate 'sum' needs a number column, but 'contact.lastname' is Edm.String (line 3, column 5).",
  'fiscal date grouping':
    "The date grouping 'fiscal-period' depends on the organization's fiscal calendar, which segmentd does not model (line 3, column 5).",
  'order by an unknown alias':
    "The order alias 'nope' is not the alias of any attribute of the query (line 3, column 5).",
  'order by attribute in an aggregate query':
    'In an aggregate query, order by the alias of an aggregate or group attribute (line 3, column 58).',
  'distinct ordered by a column it does not return':
    "A distinct query can only be ordered by the attributes it returns, and 'firstname' is not one of them (line 3, column 33).",
  'top with count':
    "The fetch attribute 'top' cannot be combined with 'count'; use count and page to page results (line 1, column 1).",
  'row aggregate':
    "Row aggregates (the 'rowaggregate' attribute) are not supported by segmentd (line 3, column 5).",
  'malformed paging cookie':
    'The paging-cookie is not a paging cookie this server returned: document must contain a root element (line 1, column 1).',
};

describe('FetchXML error goldens', () => {
  for (const [title, xml] of CASES) {
    it(title, () => {
      const result = prepareFetchXml(schema, xml);
      assert.ok(result instanceof FetchXmlError, `expected an error for ${title}`);
      assert.ok(result instanceof DataverseError);
      assert.equal(result.kind, 'BadRequest');
      assert.equal(result.code, '0x80040303');
      assert.equal(result.message, EXPECTED[title]);
      assert.ok(result.line >= 1 && result.column >= 1);
      assert.ok(result.message.endsWith(`(line ${result.line}, column ${result.column}).`));
    });
  }

  it('never expands an entity declared in a DOCTYPE', () => {
    const bomb = `<!DOCTYPE x [<!ENTITY a "${'A'.repeat(1000)}"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]><fetch><entity name="contact"><attribute name="&b;"/></entity></fetch>`;
    const result = prepareFetchXml(schema, bomb);
    assert.ok(result instanceof FetchXmlError);
    assert.match(result.message, /DOCTYPE declaration is not allowed/);
    assert.doesNotMatch(result.message, /AAAA/);
  });
});
