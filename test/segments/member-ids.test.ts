import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DataverseError } from '../../src/engine/errors.ts';
import { MAX_IDS_PER_CALL, parseMemberIds } from '../../src/segment/engine/index.ts';

const A = '1405f4ba-1ee9-e811-a99d-000d3a35f12f';
const B = '0604cdd1-1ee9-e811-a99d-000d3a35f12f';

function refusal(fn: () => unknown, pattern: RegExp): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof DataverseError);
    assert.equal(err.kind, 'BadRequest');
    assert.match(err.message, pattern);
    return true;
  });
}

describe('contact id lists', () => {
  it('reads a string holding a JSON array or a plain array, crm prefix optional, normalised and distinct', () => {
    assert.deepEqual(parseMemberIds(JSON.stringify([`crm${A}`, B]), 'f'), { ids: [A, B], sent: 2 });
    assert.deepEqual(parseMemberIds([A.toUpperCase(), `CRM${A}`, ` {${B}} `], 'f'), { ids: [A, B], sent: 3 });
    assert.deepEqual(parseMemberIds('[]', 'f'), { ids: [], sent: 0 });
  });

  it('refuses what is not a list of GUIDs, naming the field and the entry', () => {
    refusal(() => parseMemberIds('not json', 'msdyncrm_memberids'), /'msdyncrm_memberids'.*not JSON/);
    refusal(() => parseMemberIds('{"a":1}', 'msdyncrm_memberids'), /JSON array of contact ids/);
    refusal(() => parseMemberIds(42, 'f'), /JSON array/);
    refusal(() => parseMemberIds([A, 'crm-nope'], 'f'), /entry 1 \("crm-nope"\) is not a contact id/);
    refusal(() => parseMemberIds([A, 7], 'f'), /entry 1 \(7\)/);
  });

  it('refuses more than the limit of ids per call', () => {
    const ids = Array.from({ length: MAX_IDS_PER_CALL + 1 }, () => A);
    refusal(() => parseMemberIds(ids, 'f', MAX_IDS_PER_CALL), /holds 20001 ids; at most 20000/);
    assert.equal(parseMemberIds(ids.slice(1), 'f', MAX_IDS_PER_CALL).sent, MAX_IDS_PER_CALL);
  });
});
