import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  formatFromFileName,
  isRecordFormat,
  readRecordFile,
  UnknownRecordFormatError,
} from '../../src/ingest/record-file.ts';
import { collect } from './input-chunks.ts';

describe('record files', () => {
  let dir = '';
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'segmentd-ingest-'));
    await writeFile(join(dir, 'contacts.csv'), 'firstname,lastname\nAda,Lovelace\n');
    await writeFile(join(dir, 'contacts.JSONL'), '{"firstname":"Ada"}\n');
    await writeFile(join(dir, 'contacts.json'), '[{"firstname":"Ada"}]');
    await writeFile(join(dir, 'contacts.txt'), '{"firstname":"Ada"}\n');
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('tells the format from the extension', () => {
    assert.equal(formatFromFileName('a/b.csv'), 'csv');
    assert.equal(formatFromFileName('b.ndjson'), 'ndjson');
    assert.equal(formatFromFileName('b.JSONL'), 'ndjson');
    assert.equal(formatFromFileName('b.json'), 'json');
    assert.equal(formatFromFileName('b.txt'), undefined);
    assert.equal(formatFromFileName('csv'), undefined);
    assert.ok(isRecordFormat('ndjson'));
    assert.ok(!isRecordFormat('xml'));
  });

  it('reads each format from a file', async () => {
    assert.deepEqual(await collect(readRecordFile(join(dir, 'contacts.csv'))), [
      { line: 2, record: { firstname: 'Ada', lastname: 'Lovelace' } },
    ]);
    assert.deepEqual(await collect(readRecordFile(join(dir, 'contacts.JSONL'))), [
      { line: 1, record: { firstname: 'Ada' } },
    ]);
    assert.deepEqual(await collect(readRecordFile(join(dir, 'contacts.json'))), [
      { line: 1, record: { firstname: 'Ada' } },
    ]);
  });

  it('takes an explicit format over the extension, and asks for one when there is none', async () => {
    assert.deepEqual(await collect(readRecordFile(join(dir, 'contacts.txt'), 'ndjson')), [
      { line: 1, record: { firstname: 'Ada' } },
    ]);
    assert.throws(() => readRecordFile(join(dir, 'contacts.txt')), UnknownRecordFormatError);
  });

  it('rejects the iteration when the file cannot be read', async () => {
    await assert.rejects(collect(readRecordFile(join(dir, 'missing.csv'))), { code: 'ENOENT' });
    await assert.rejects(collect(readRecordFile(join(dir, 'missing.json'))), { code: 'ENOENT' });
  });
});
