import assert from 'node:assert/strict';
import { parseSegmentQuery, type QueryNode } from '../../src/segment/language/index.ts';

/** The tree without its `loc` fields, to compare trees parsed from different texts. */
export function withoutLocs(node: unknown): unknown {
  return JSON.parse(JSON.stringify(node, (key, value: unknown) => (key === 'loc' ? undefined : value)));
}

/** Parses text that must be valid, failing the test with the errors otherwise. */
export function parseValid(text: string): QueryNode {
  const result = parseSegmentQuery(text);
  if (result.errors !== undefined) {
    assert.fail(
      `expected ${JSON.stringify(text)} to parse, got: ${result.errors.map((e) => e.message).join('; ')}`,
    );
  }
  return result.ast;
}
