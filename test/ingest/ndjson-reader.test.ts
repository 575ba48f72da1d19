import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readNdjsonRecords } from '../../src/ingest/ndjson-reader.ts';
import { readAllSplits } from './input-chunks.ts';

const read = (text: string) => readAllSplits(text, (input) => readNdjsonRecords(input));

describe('NDJSON reader', () => {
  it('reads one object per line, skipping blank lines, with CRLF and a BOM', async () => {
    const items = await read(
      '\ufeff{"firstname":"Zoë","n":1}\r\n\r\n   \n{"firstname":"Ada","tags":[1,{"a":null}]}\n',
    );
    assert.deepEqual(items, [
      { line: 1, record: { firstname: 'Zoë', n: 1 } },
      { line: 4, record: { firstname: 'Ada', tags: [1, { a: null }] } },
    ]);
  });

  it('reports malformed lines and lines that are not objects, and goes on', async () => {
    const items = await read('{"a":1}\n{"a":\n[1,2]\n"text"\nnull\n{"a":2}');
    assert.equal(items.length, 6);
    assert.deepEqual(items[0], { line: 1, record: { a: 1 } });
    assert.equal(items[1]?.line, 2);
    assert.match((items[1] as { error: string }).error, /^invalid JSON: /);
    assert.deepEqual(items.slice(2), [
      { line: 3, error: 'expected a JSON object, found an array' },
      { line: 4, error: 'expected a JSON object, found a string' },
      { line: 5, error: 'expected a JSON object, found null' },
      { line: 6, record: { a: 2 } },
    ]);
  });

  it('reads nothing from an empty input', async () => {
    assert.deepEqual(await read(''), []);
    assert.deepEqual(await read('\n\n'), []);
  });
});
