import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DataverseError } from '../../src/engine/errors.ts';
import { schemaFromDocument } from '../../src/metadata/schema-file.ts';
import { parseResourcePath } from '../../src/odata/resource-path.ts';

const schema = schemaFromDocument(undefined);
const ID = '0B4B85CC-7F6C-EA11-A811-000D3A54D359';
const id = ID.toLowerCase();

function fails(path: string, code: string, message: RegExp): void {
  assert.throws(
    () => parseResourcePath(schema, path),
    (e: unknown) => e instanceof DataverseError && e.code === code && message.test(e.message),
    path,
  );
}

describe('resource paths', () => {
  it('names the service document, $metadata and $batch', () => {
    assert.deepEqual(parseResourcePath(schema, ''), { kind: 'serviceDocument' });
    assert.deepEqual(parseResourcePath(schema, '$metadata'), { kind: 'metadata' });
    assert.deepEqual(parseResourcePath(schema, '$batch'), { kind: 'batch' });
  });

  it('resolves entity sets, $count and records with bare GUID keys', () => {
    const set = parseResourcePath(schema, 'contacts');
    assert.equal(set.kind, 'entitySet');
    assert.equal(set.kind === 'entitySet' && set.entity.logicalName, 'contact');
    assert.equal(parseResourcePath(schema, 'contacts/').kind, 'entitySet');
    assert.equal(parseResourcePath(schema, 'accounts/$count').kind, 'entitySetCount');
    const one = parseResourcePath(schema, `contacts(${ID})`);
    assert.equal(one.kind, 'entity');
    assert.equal(one.kind === 'entity' && one.id, id);
    const named = parseResourcePath(schema, `contacts(contactid=${id})`);
    assert.equal(named.kind === 'entity' && named.id, id);
    const encoded = parseResourcePath(schema, `contacts%28${id}%29`);
    assert.equal(encoded.kind === 'entity' && encoded.id, id);
  });

  it('rejects keys that are not bare GUIDs with 400', () => {
    fails('contacts(abc)', '0x80060888', /not a valid Edm\.Guid/);
    fails(`contacts(guid'${id}')`, '0x80060888', /not a valid Edm\.Guid/);
    fails(`contacts({${id}})`, '0x80060888', /not a valid Edm\.Guid/);
    fails(`contacts('${id}')`, '0x80060888', /not a valid Edm\.Guid/);
    fails("contacts(emailaddress1='a@b.c')", '0x80060888', /alternate keys/);
    fails(`contacts(${id}`, '0x80060888', /unbalanced/);
    fails('contacts(%E0%A4%A)', '0x80060888', /percent-encoded/);
  });

  it('resolves properties, lookup properties and $value', () => {
    const p = parseResourcePath(schema, `contacts(${id})/firstname`);
    assert.equal(p.kind, 'property');
    if (p.kind !== 'property') return;
    assert.equal(p.attribute.logicalName, 'firstname');
    assert.equal(p.rawValue, false);
    const raw = parseResourcePath(schema, `contacts(${id})/firstname/$value`);
    assert.equal(raw.kind === 'property' && raw.rawValue, true);
    const lookup = parseResourcePath(schema, `contacts(${id})/_parentcustomerid_value`);
    assert.equal(lookup.kind === 'property' && lookup.attribute.logicalName, 'parentcustomerid');
    assert.equal(lookup.kind === 'property' && lookup.propertyName, '_parentcustomerid_value');
    // A lookup is read as _x_value or through its navigation property, not by its logical name.
    fails(`contacts(${id})/parentcustomerid`, '0x8006088a', /segment 'parentcustomerid'/);
    fails(`contacts(${id})/_firstname_value`, '0x8006088a', /segment '_firstname_value'/);
  });

  it('resolves navigation properties with $ref and $count', () => {
    const single = parseResourcePath(schema, `contacts(${id})/parentcustomerid_account`);
    assert.equal(single.kind, 'navigation');
    if (single.kind !== 'navigation') return;
    assert.equal(single.navigation.kind, 'single');
    assert.equal(single.navigation.targetEntity, 'account');
    const ref = parseResourcePath(schema, `contacts(${id})/parentcustomerid_account/$ref`);
    assert.equal(ref.kind === 'navigation' && ref.ref, true);
    const many = parseResourcePath(schema, `accounts(${id})/contact_customer_accounts/$count`);
    assert.equal(many.kind === 'navigation' && many.navigation.kind, 'collection');
    assert.equal(many.kind === 'navigation' && many.count, true);
    fails(`contacts(${id})/parentcustomerid_account/$count`, '0x8006088a', /segment '\$count'/);
    fails(`accounts(${id})/contact_customer_accounts(${id})`, '0x80060888', /by key/);
  });

  it('resolves bound and unbound operations', () => {
    const bulk = parseResourcePath(schema, 'contacts/Microsoft.Dynamics.CRM.CreateMultiple');
    assert.equal(bulk.kind, 'operation');
    if (bulk.kind !== 'operation') return;
    assert.equal(bulk.name, 'CreateMultiple');
    assert.equal(bulk.qualified, true);
    assert.equal(bulk.binding?.entity.logicalName, 'contact');
    assert.equal(bulk.binding?.id, undefined);
    const alias = parseResourcePath(schema, 'contacts/mscrm.CreateMultiple');
    assert.equal(alias.kind === 'operation' && alias.qualified, true);
    const bare = parseResourcePath(schema, 'contacts/CreateMultiple');
    assert.equal(bare.kind === 'operation' && bare.qualified, false);
    const bound = parseResourcePath(schema, `contacts(${id})/Microsoft.Dynamics.CRM.DoIt`);
    assert.equal(bound.kind === 'operation' && bound.binding?.id, id);
    const unbound = parseResourcePath(schema, 'msdyncrm_SegmentMembersUpdate');
    assert.deepEqual(unbound, {
      kind: 'operation',
      name: 'msdyncrm_SegmentMembersUpdate',
      qualified: false,
      segment: 'msdyncrm_SegmentMembersUpdate',
    });
    const call = parseResourcePath(schema, 'WhoAmI()');
    assert.equal(call.kind === 'operation' && call.parameters, '');
  });

  it('answers 404 with the segment name for anything else', () => {
    // A top-level name that is no entity set may be an unbound operation: the dispatcher answers
    // 404 for it when no action of that name is registered.
    const unknown = parseResourcePath(schema, `foos(${id})`);
    assert.equal(unknown.kind === 'operation' && unknown.segment, 'foos');
    fails(`contacts(${id})/nope`, '0x8006088a', /segment 'nope'/);
    fails(`contacts(${id})/firstname/x`, '0x8006088a', /segment 'x'/);
    fails(`contacts(${id})/firstname/$value/x`, '0x8006088a', /segment 'x'/);
    fails('contacts/$nope', '0x8006088a', /segment '\$nope'/);
    fails('Other.Namespace.Action', '0x8006088a', /segment 'Other\.Namespace\.Action'/);
    fails('$metadata/x', '0x8006088a', /segment '\$metadata'/);
  });
});
