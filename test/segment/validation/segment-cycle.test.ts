import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { validateSegmentQuery } from '../../../src/segment/validation/index.ts';
import { parseValid } from '../support.ts';
import { schema, segmentResolver } from './fixture.ts';

const resolveSegment = segmentResolver({
  a: { query: 'SEGMENT(b) UNION PROFILE(contact)' },
  b: { query: 'SEGMENT(c)' },
  c: { query: 'SEGMENT(a)' },
  d: { query: 'SEGMENT(e) EXCEPT SEGMENT(e)' },
  e: { query: "PROFILE(contact).FILTER(fullname == 'x')" },
  loop: { query: 'SEGMENT(loop)' },
  self: { query: 'SEGMENT(d)' },
  broken: { query: 'PROFILE(' },
  static: {},
});

const check = (text: string, segmentId?: string) =>
  validateSegmentQuery(
    parseValid(text),
    segmentId === undefined ? { schema, resolveSegment } : { schema, resolveSegment, segmentId },
  ).map((e) => [e.reason, e.message]);

describe('segment reference cycles', () => {
  it('finds a cycle through the referenced segments’ queries', () => {
    assert.deepEqual(check('SEGMENT(a)'), [
      ['SegmentCycle', "segment 'a' leads to a reference cycle: id-a → id-b → id-c → id-a at 1:9"],
    ]);
  });

  it('finds a segment that refers to itself', () => {
    assert.deepEqual(check('loop UNION static'), [
      ['SegmentCycle', "segment 'loop' leads to a reference cycle: id-loop → id-loop at 1:1"],
    ]);
  });

  it('finds a reference back to the segment being validated', () => {
    assert.deepEqual(check('SEGMENT(self)', 'id-e'), [
      ['SegmentCycle', "segment 'self' leads to a reference cycle: id-e → id-self → id-d → id-e at 1:9"],
    ]);
    assert.deepEqual(check('SEGMENT(static)', 'id-static'), [
      ['SegmentCycle', "segment 'static' leads to a reference cycle: id-static → id-static at 1:9"],
    ]);
  });

  it('accepts shared references that form no cycle, static segments and unparseable queries', () => {
    assert.deepEqual(check('SEGMENT(d) UNION SEGMENT(e) UNION SEGMENT(static) UNION SEGMENT(broken)'), []);
    assert.deepEqual(check('SEGMENT(self)', 'id-a'), []);
  });

  it('reports an unknown segment once, without looking for cycles', () => {
    assert.deepEqual(check('SEGMENT(nosuch)'), [['UnknownSegment', "unknown segment 'nosuch' at 1:9"]]);
  });
});
