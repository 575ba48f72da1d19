import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readCsvRecords } from '../../src/ingest/csv-reader.ts';
import { byteChunks, collect, readAllSplits } from './input-chunks.ts';

const read = (text: string) => readAllSplits(text, (input) => readCsvRecords(input));

describe('CSV reader', () => {
  it('maps header names to fields; an empty field, quoted or not, is null', async () => {
    const items = await read('firstname,lastname,emailaddress1\nAda,Lovelace,\n"Grace",,""\n');
    assert.deepEqual(items, [
      { line: 2, record: { firstname: 'Ada', lastname: 'Lovelace', emailaddress1: null } },
      { line: 3, record: { firstname: 'Grace', lastname: null, emailaddress1: null } },
    ]);
  });

  it('gives the line a record starts on across quoted line breaks, CRLF, blank lines and a BOM', async () => {
    const text = '\ufeffa,b\r\n1,"multi\r\nline\nvalue"\r\n\r\n\r\n2,"x ""quoted"", y"\r\n3,Zoë\r\n4,last';
    assert.deepEqual(await read(text), [
      { line: 2, record: { a: '1', b: 'multi\r\nline\nvalue' } },
      { line: 7, record: { a: '2', b: 'x "quoted", y' } },
      { line: 8, record: { a: '3', b: 'Zoë' } },
      { line: 9, record: { a: '4', b: 'last' } },
    ]);
  });

  it('reports rows with the wrong number of fields and goes on', async () => {
    const items = await read('a,b,c\n1,2,3\n4,5\n6,7,8,9\n"10\n11",12,13\n');
    assert.deepEqual(items, [
      { line: 2, record: { a: '1', b: '2', c: '3' } },
      { line: 3, error: 'expected 3 fields as in the header, found 2' },
      { line: 4, error: 'expected 3 fields as in the header, found 4' },
      { line: 5, record: { a: '10\n11', b: '12', c: '13' } },
    ]);
  });

  it('reports a quote inside an unquoted field and goes on with the next row', async () => {
    const items = await read('a,b,c\n1,2,3\n4,bad"q,6\n7,8,9\n');
    assert.deepEqual(items, [
      { line: 2, record: { a: '1', b: '2', c: '3' } },
      {
        line: 3,
        error: 'a quote inside unquoted field 2; quote the whole field and double the quotes in it',
      },
      { line: 4, record: { a: '7', b: '8', c: '9' } },
    ]);
  });

  it('stops at a closing quote followed by text, keeping the rows before it', async () => {
    const items = await read('a,b\n1,2\n3,"x"y\n5,6\n7,8\n');
    assert.deepEqual(items, [
      { line: 2, record: { a: '1', b: '2' } },
      {
        line: 3,
        error:
          "a quoted field's closing quote is followed by other characters instead of a delimiter or line break; reading stopped here",
      },
    ]);
  });

  it('reports a quote never closed at the row where it opens', async () => {
    const items = await read('a,b\n1,2\n3,"open\n5,6\n');
    assert.deepEqual(items, [
      { line: 2, record: { a: '1', b: '2' } },
      {
        line: 3,
        error: 'a quoted field in this row is never closed: the rest of the input was read as part of it',
      },
    ]);
  });

  it('stops at a row longer than the limit instead of buffering the rest of the input', async () => {
    const text = `a,b\n1,2\n3,"${'x'.repeat(5000)}\n5,6\n`;
    const items = await collect(readCsvRecords(byteChunks(text, 100), { maxRecordBytes: 1000 }));
    assert.equal(items.length, 2);
    assert.deepEqual(items[0], { line: 2, record: { a: '1', b: '2' } });
    assert.match(
      JSON.stringify(items[1]),
      /"line":3,"error":"a row longer than 1000 bytes .*reading stopped here/,
    );
  });

  it('refuses a header with an empty or repeated name', async () => {
    assert.deepEqual(await read('a,,c\n1,2,3\n'), [
      { line: 1, error: 'the header names no attribute for column 2' },
    ]);
    assert.deepEqual(await read('a, a\n1,2\n'), [{ line: 1, error: "the header names 'a' twice" }]);
  });

  it('reads nothing from an empty file or a header alone, and trims header names', async () => {
    assert.deepEqual(await read(''), []);
    assert.deepEqual(await read('a,b\n'), []);
    assert.deepEqual(await read(' a , b\n1,2'), [{ line: 2, record: { a: '1', b: '2' } }]);
  });

  it('keeps a column named __proto__ as a plain property', async () => {
    const [item] = await read('__proto__,b\nx,y\n');
    assert.ok(item !== undefined && 'record' in item);
    assert.equal(Object.getPrototypeOf(item.record), Object.prototype);
    assert.deepEqual(Object.keys(item.record), ['__proto__', 'b']);
  });

  it('takes another delimiter', async () => {
    const items = await collect(readCsvRecords(byteChunks('a;b\n"1;2";3\n', 4), { delimiter: ';' }));
    assert.deepEqual(items, [{ line: 2, record: { a: '1;2', b: '3' } }]);
  });

  it('passes an I/O error of the input on as a rejection', async () => {
    async function* failing(): AsyncGenerator<Uint8Array> {
      yield Buffer.from('a,b\n1,2\n');
      await Promise.resolve();
      throw new Error('disk on fire');
    }
    await assert.rejects(collect(readCsvRecords(failing())), /disk on fire/);
  });
});
