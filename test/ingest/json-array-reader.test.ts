import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readJsonArrayRecords } from '../../src/ingest/json-array-reader.ts';
import { JsonArraySplitter } from '../../src/ingest/json-array-splitter.ts';
import { byteChunks, collect, readAllSplits } from './input-chunks.ts';

const read = (text: string) => readAllSplits(text, (input) => readJsonArrayRecords(input));

describe('JSON array reader', () => {
  it('reads each element with the line it starts on, whatever the chunking', async () => {
    const text = [
      '\ufeff [',
      '  {"firstname": "Zoë", "note": "a ] } , [ { \\" \\\\"},',
      '  {"nested": {"list": [1, [2, {"x": "]"}]], "o": {}}}',
      '  ,',
      '  {',
      '    "multi": "line"',
      '  }',
      ']  ',
      '',
    ].join('\n');
    assert.deepEqual(await read(text), [
      { line: 2, record: { firstname: 'Zoë', note: 'a ] } , [ { " \\' } },
      { line: 3, record: { nested: { list: [1, [2, { x: ']' }]], o: {} } } },
      { line: 5, record: { multi: 'line' } },
    ]);
  });

  it('reads an empty array as no records', async () => {
    assert.deepEqual(await read('[]'), []);
    assert.deepEqual(await read(' [ \n ] \n'), []);
  });

  it('reports elements that are malformed or not objects, and goes on', async () => {
    const items = await read('[{"a":1}, 2, "s", [3], null, {bad}, {"a":1]}, {"b":2}]');
    assert.equal(items.length, 8);
    assert.deepEqual(items.slice(0, 5), [
      { line: 1, record: { a: 1 } },
      { line: 1, error: 'expected a JSON object, found a number' },
      { line: 1, error: 'expected a JSON object, found a string' },
      { line: 1, error: 'expected a JSON object, found an array' },
      { line: 1, error: 'expected a JSON object, found null' },
    ]);
    assert.match((items[5] as { error: string }).error, /^invalid JSON: /);
    assert.match((items[6] as { error: string }).error, /^invalid JSON: /);
    assert.deepEqual(items[7], { line: 1, record: { b: 2 } });
  });

  it('reports empty elements and a trailing comma', async () => {
    assert.deepEqual(await read('[{"a":1},,\n{"a":2},\n]'), [
      { line: 1, record: { a: 1 } },
      { line: 1, error: 'an empty element (two commas in a row)' },
      { line: 2, record: { a: 2 } },
      { line: 3, error: "a trailing comma before the closing ']'" },
    ]);
  });

  it('ends with one error when the array itself is damaged', async () => {
    assert.deepEqual(await read('{"a":1}'), [
      { line: 1, error: "expected a JSON array starting with '[', found '{'" },
    ]);
    assert.deepEqual(await read(''), [
      { line: 1, error: "expected a JSON array starting with '[', found the end of the input" },
    ]);
    assert.deepEqual(await read('[{"a":1}]\n{"b":2}'), [
      { line: 1, record: { a: 1 } },
      { line: 2, error: "unexpected '{' after the array's closing ']'" },
    ]);
    assert.deepEqual(await read('[{"a":1},\n{"b":"open}]\n'), [
      { line: 1, record: { a: 1 } },
      { line: 2, error: "the input ends inside this element (the array's closing ']' is missing)" },
    ]);
    assert.deepEqual(await read('[{"a":1},\n'), [
      { line: 1, record: { a: 1 } },
      { line: 2, error: "the input ends before the array's closing ']'" },
    ]);
  });

  it('does not buffer an element past the size limit', async () => {
    const big = `{"a":"${'x'.repeat(200)}"}`;
    const items = await collect(
      readJsonArrayRecords(byteChunks(`[${big},{"b":1},\n{"c":"open`, 16), { maxElementChars: 100 }),
    );
    assert.deepEqual(items, [
      { line: 1, error: 'an element longer than 100 characters' },
      { line: 1, record: { b: 1 } },
      { line: 2, error: "the input ends inside this element (the array's closing ']' is missing)" },
    ]);
    const splitter = new JsonArraySplitter(10);
    assert.deepEqual(splitter.push('[{"a":"0123456789'), []);
    assert.deepEqual(splitter.end(), [
      {
        line: 1,
        error:
          'the input ends inside this element, already longer than 10 characters (is a string left open?)',
      },
    ]);
  });

  it('ignores whatever follows a fatal error', () => {
    const splitter = new JsonArraySplitter();
    assert.deepEqual(splitter.push('x[{"a":1}]'), [
      { line: 1, error: "expected a JSON array starting with '[', found 'x'" },
    ]);
    assert.deepEqual(splitter.push('[{"a":1}]'), []);
    assert.deepEqual(splitter.end(), []);
  });
});
