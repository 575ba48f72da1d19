import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BREAK, visit, type SegmentQueryNodeKind } from '../../src/segment/language/index.ts';
import { parseValid } from './support.ts';

const QUERY =
  "PROFILE(account, a).FILTER(a.name CONTAINS 'x').TRAVERSE(contact_account_parentcustomerid, c, FILTER(ISNULL(c.city))) UNION b";

describe('segment query visitor', () => {
  it('enters and leaves every node in source order', () => {
    const events: string[] = [];
    visit(parseValid(QUERY), {
      enter: (node) => void events.push(`+${node.kind}`),
      leave: (node) => void events.push(`-${node.kind}`),
    });
    assert.deepEqual(
      events.filter((e) => e.startsWith('+')).map((e) => e.slice(1)),
      [
        'Query',
        'SetOperation',
        'Chain',
        'Profile',
        'Name',
        'Name',
        'Filter',
        'StringTest',
        'Property',
        'Name',
        'Name',
        'String',
        'Traverse',
        'Name',
        'Name',
        'Filter',
        'NullTest',
        'Property',
        'Name',
        'Name',
        'Chain',
        'Segment',
        'Name',
      ] satisfies SegmentQueryNodeKind[],
    );
    assert.equal(events[events.length - 1], '-Query');
    assert.equal(events.length, 46);
  });

  it('calls kind-specific handlers with the parent, skips children on false and stops on BREAK', () => {
    const properties: string[] = [];
    const parents: string[] = [];
    visit(parseValid(QUERY), {
      Property(node, parent) {
        properties.push(`${node.alias?.value}.${node.name.value}`);
        parents.push(parent?.kind ?? '');
      },
      Traverse: { enter: () => false },
    });
    assert.deepEqual(properties, ['a.name']);
    assert.deepEqual(parents, ['StringTest']);

    const names: string[] = [];
    visit(parseValid(QUERY), {
      Name: (node) => {
        names.push(node.value);
        return names.length === 3 ? BREAK : undefined;
      },
    });
    assert.deepEqual(names, ['account', 'a', 'a']);
  });
});
