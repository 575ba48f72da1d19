import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SaxesParser } from 'saxes';
import { defaultActions } from '../../src/http/default-actions.ts';
import { schemaFromDocument } from '../../src/metadata/schema-file.ts';
import type { ActionDefinition } from '../../src/odata/csdl.ts';
import { buildCsdl } from '../../src/odata/csdl.ts';
import { serviceDocument } from '../../src/odata/service-document.ts';

const schema = schemaFromDocument(undefined);
// The default registry holds the bulk actions and the segmentation actions.
const actions: ActionDefinition[] = defaultActions().definitions();
const csdl = buildCsdl(schema, actions);

interface Element {
  name: string;
  attributes: Record<string, string>;
  children: Element[];
}

/** Parses the document strictly (saxes throws on malformed XML) into a small tree. */
function parse(xml: string): Element {
  const parser = new SaxesParser({ xmlns: false });
  const root: Element = { name: '#root', attributes: {}, children: [] };
  const stack: Element[] = [root];
  parser.on('opentag', (t) => {
    const e: Element = {
      name: t.name,
      attributes: { ...(t.attributes as Record<string, string>) },
      children: [],
    };
    stack[stack.length - 1]?.children.push(e);
    stack.push(e);
  });
  parser.on('closetag', () => void stack.pop());
  parser.write(xml).close();
  return root;
}

function all(e: Element, name: string): Element[] {
  return [...(e.name === name ? [e] : []), ...e.children.flatMap((c) => all(c, name))];
}

const doc = parse(csdl);
const entityType = (name: string) => all(doc, 'EntityType').find((e) => e.attributes.Name === name);

describe('$metadata (CSDL)', () => {
  it('is a well-formed EDMX document in the Microsoft.Dynamics.CRM namespace', () => {
    const [schemaElement] = all(doc, 'Schema');
    assert.equal(schemaElement?.attributes.Namespace, 'Microsoft.Dynamics.CRM');
    assert.equal(schemaElement?.attributes.Alias, 'mscrm');
    assert.equal(all(doc, 'edmx:Edmx')[0]?.attributes.Version, '4.0');
    assert.equal(entityType('crmbaseentity')?.attributes.Abstract, 'true');
  });

  it('declares each entity with its key, Edm-typed properties and lookup properties', () => {
    const contact = entityType('contact');
    assert.ok(contact);
    assert.equal(contact.attributes.BaseType, 'mscrm.crmbaseentity');
    assert.equal(all(contact, 'PropertyRef')[0]?.attributes.Name, 'contactid');
    const props = new Map(all(contact, 'Property').map((p) => [p.attributes.Name, p.attributes]));
    assert.equal(props.get('contactid')?.Type, 'Edm.Guid');
    assert.equal(props.get('contactid')?.Nullable, 'false');
    assert.equal(props.get('firstname')?.Type, 'Edm.String');
    assert.equal(props.get('numberofchildren')?.Type, 'Edm.Int32');
    assert.equal(props.get('versionnumber')?.Type, 'Edm.Int64');
    assert.equal(props.get('annualincome')?.Type, 'Edm.Decimal');
    assert.equal(props.get('address1_latitude')?.Type, 'Edm.Double');
    assert.equal(props.get('donotemail')?.Type, 'Edm.Boolean');
    assert.equal(props.get('createdon')?.Type, 'Edm.DateTimeOffset');
    assert.equal(props.get('birthdate')?.Type, 'Edm.Date');
    assert.equal(props.get('gendercode')?.Type, 'Edm.Int32');
    assert.equal(props.get('_parentcustomerid_value')?.Type, 'Edm.Guid');
    assert.equal(props.has('parentcustomerid'), false);
    assert.equal(props.has('parentcustomeridtype'), false);
    assert.equal(
      [...props.keys()].some((k) => k?.startsWith('sd_')),
      false,
    );
  });

  it('declares navigation properties in both directions with partners and constraints', () => {
    const contactNavs = new Map(
      all(entityType('contact') as Element, 'NavigationProperty').map((n) => [n.attributes.Name, n]),
    );
    const parent = contactNavs.get('parentcustomerid_account');
    assert.equal(parent?.attributes.Type, 'mscrm.account');
    assert.equal(parent?.attributes.Partner, 'contact_customer_accounts');
    assert.deepEqual(all(parent, 'ReferentialConstraint')[0]?.attributes, {
      Property: '_parentcustomerid_value',
      ReferencedProperty: 'accountid',
    });
    assert.equal(contactNavs.get('parentcustomerid_contact')?.attributes.Type, 'mscrm.contact');
    const accountNavs = new Map(
      all(entityType('account') as Element, 'NavigationProperty').map((n) => [n.attributes.Name, n]),
    );
    assert.equal(accountNavs.get('contact_customer_accounts')?.attributes.Type, 'Collection(mscrm.contact)');
    assert.equal(
      accountNavs.get('contact_customer_accounts')?.attributes.Partner,
      'parentcustomerid_account',
    );
    // Every Partner names a navigation property of the target type that points back.
    for (const type of all(doc, 'EntityType')) {
      for (const nav of all(type, 'NavigationProperty')) {
        const partner = nav.attributes.Partner;
        if (partner === undefined) continue;
        const target = (nav.attributes.Type ?? '')
          .replace(/^Collection\((.*)\)$/, '$1')
          .replace('mscrm.', '');
        const back = all(entityType(target) as Element, 'NavigationProperty').find(
          (n) => n.attributes.Name === partner,
        );
        assert.equal(
          back?.attributes.Partner,
          nav.attributes.Name,
          `${type.attributes.Name}.${nav.attributes.Name}`,
        );
      }
    }
  });

  it('declares the container with entity sets, navigation bindings and action imports', () => {
    const [container] = all(doc, 'EntityContainer');
    assert.ok(container);
    const sets = new Map(all(container, 'EntitySet').map((s) => [s.attributes.Name, s]));
    assert.deepEqual([...sets.keys()].sort(), [
      'accounts',
      'businessunits',
      'contacts',
      'interactions',
      'msdyncrm_segments',
      'systemusers',
    ]);
    assert.equal(sets.get('contacts')?.attributes.EntityType, 'Microsoft.Dynamics.CRM.contact');
    const bindings = all(sets.get('contacts') as Element, 'NavigationPropertyBinding').map(
      (b) => `${b.attributes.Path}->${b.attributes.Target}`,
    );
    assert.ok(bindings.includes('parentcustomerid_account->accounts'));
    assert.ok(bindings.includes('parentcustomerid_contact->contacts'));
    // Unbound actions get an import; the bound bulk actions do not.
    const imports = all(container, 'ActionImport').map((a) => a.attributes);
    const names = imports.map((a) => a.Name);
    for (const name of ['msdyncrm_ValidateSegment', 'msdyncrm_FetchContactsByQuery'])
      assert.ok(names.includes(name), `${name} has an ActionImport`);
    assert.ok(!names.includes('CreateMultiple'));
    for (const a of imports) assert.equal(a.Action, `Microsoft.Dynamics.CRM.${a.Name}`);
  });

  it('declares registered actions with parameters, return types and response complex types', () => {
    const byName = new Map(all(doc, 'Action').map((a) => [a.attributes.Name, a]));
    const create = byName.get('CreateMultiple');
    assert.equal(create?.attributes.IsBound, 'true');
    assert.deepEqual(
      all(create, 'Parameter').map((p) => [p.attributes.Name, p.attributes.Type]),
      [
        ['entityset', 'Collection(mscrm.crmbaseentity)'],
        ['Targets', 'Collection(mscrm.crmbaseentity)'],
      ],
    );
    assert.equal(all(create, 'ReturnType')[0]?.attributes.Type, 'mscrm.CreateMultipleResponse');
    assert.equal(all(byName.get('UpdateMultiple') as Element, 'ReturnType').length, 0);
    const complex = new Map(all(doc, 'ComplexType').map((c) => [c.attributes.Name, c]));
    assert.equal(
      all(complex.get('CreateMultipleResponse') as Element, 'Property')[0]?.attributes.Type,
      'Collection(Edm.Guid)',
    );
    assert.ok(complex.has('msdyncrm_ValidateSegmentResponse'));
    const validate = byName.get('msdyncrm_ValidateSegment');
    assert.equal(validate?.attributes.IsBound, undefined);
    assert.equal(all(validate as Element, 'Parameter')[0]?.attributes.Name, 'msdyncrm_segmentname');
  });
});

describe('service document', () => {
  it('lists every entity set', () => {
    const doc = serviceDocument(schema, 'http://h/api/data/v9.0');
    assert.equal(doc['@odata.context'], 'http://h/api/data/v9.0/$metadata');
    assert.deepEqual(
      (doc.value as { name: string }[]).find((v) => v.name === 'contacts'),
      { name: 'contacts', kind: 'EntitySet', url: 'contacts' },
    );
  });
});
