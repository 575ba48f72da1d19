import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AttributeValues } from '../../src/engine/record-types.ts';
import { badPayload } from '../../src/engine/errors.ts';
import type { ImportCounts } from '../../src/ingest/importer.ts';
import { describeImportReport, importRecords } from '../../src/ingest/importer.ts';
import type { ReadItem } from '../../src/ingest/read-item.ts';
import { readRecords } from '../../src/ingest/record-file.ts';

async function* items(list: ReadItem[]): AsyncGenerator<ReadItem> {
  for (const item of list) {
    await Promise.resolve();
    yield item;
  }
}

/** Records on lines 1..n with `age`; a string age is invalid. */
function records(n: number, bad: (line: number) => boolean = () => false): ReadItem[] {
  return Array.from({ length: n }, (_, i) => ({ line: i + 1, record: { age: bad(i + 1) ? 'old' : i + 1 } }));
}

function convert(record: Record<string, unknown>): AttributeValues {
  if (typeof record.age !== 'number')
    throw badPayload(`'age' must be a number, got ${JSON.stringify(record.age)}`);
  return { age: record.age };
}

describe('importRecords', () => {
  it('converts, batches and writes every good record, listing the rejected ones', async () => {
    const written: AttributeValues[][] = [];
    const progress: ImportCounts[] = [];
    const source = [...records(7, (l) => l === 3 || l === 6), { line: 8, error: 'invalid JSON: oops' }];
    const report = await importRecords({
      source: items(source),
      convert,
      write: async (batch) => {
        await Promise.resolve();
        written.push(batch);
      },
      batchSize: 2,
      onProgress: (c) => progress.push(c),
    });
    assert.deepEqual(written, [[{ age: 1 }, { age: 2 }], [{ age: 4 }, { age: 5 }], [{ age: 7 }]]);
    assert.deepEqual(report, {
      read: 8,
      imported: 5,
      rejected: 3,
      rejections: [
        { line: 3, reason: `'age' must be a number, got "old"` },
        { line: 6, reason: `'age' must be a number, got "old"` },
        { line: 8, reason: 'invalid JSON: oops' },
      ],
      complete: true,
    });
    assert.deepEqual(progress.at(-1), { read: 8, imported: 5, rejected: 3 });
    assert.ok(progress.some((c) => c.imported === 2));
  });

  it('keeps only the first rejections but counts them all', async () => {
    const report = await importRecords({
      source: items(records(50, (l) => l % 2 === 0)),
      convert,
      write: async () => {},
      batchSize: 10,
      keepRejections: 3,
    });
    assert.equal(report.rejected, 25);
    assert.deepEqual(
      report.rejections.map((r) => r.line),
      [2, 4, 6],
    );
    assert.equal(report.imported, 25);
    assert.match(describeImportReport(report), /… and 22 more rejected record\(s\) not listed\./);
  });

  it('stops at a failed batch and says which lines were and were not imported', async () => {
    let calls = 0;
    let readAfterFailure = false;
    async function* source(): AsyncGenerator<ReadItem> {
      for await (const item of items(records(10))) {
        if (calls >= 2 && item.line > 6) readAfterFailure = true;
        yield item;
      }
    }
    const report = await importRecords({
      source: source(),
      convert,
      write: async () => {
        await Promise.resolve();
        calls++;
        if (calls === 2) throw new Error('duplicate key contactid');
      },
      batchSize: 3,
    });
    assert.equal(readAfterFailure, false);
    assert.deepEqual(report, {
      read: 6,
      imported: 3,
      rejected: 0,
      rejections: [],
      failedBatch: { firstLine: 4, lastLine: 6, records: 3, reason: 'duplicate key contactid' },
      stoppedAfterLine: 6,
      complete: false,
    });
    assert.equal(
      describeImportReport(report),
      [
        '3 record(s) imported, 0 rejected, 6 read.',
        'Writing the batch of lines 4–6 failed, so its 3 valid record(s) were not imported: duplicate key contactid',
        'The import stopped there: nothing after line 6 was read.',
      ].join('\n'),
    );
  });

  it('reports a failure of the last batch without claiming unread input', async () => {
    const report = await importRecords({
      source: items(records(4)),
      convert,
      write: (batch) => (batch.length === 1 ? Promise.reject(new Error('disk full')) : Promise.resolve()),
      batchSize: 3,
    });
    assert.equal(report.imported, 3);
    assert.deepEqual(report.failedBatch, { firstLine: 4, lastLine: 4, records: 1, reason: 'disk full' });
    assert.equal(report.stoppedAfterLine, undefined);
    assert.equal(report.complete, false);
  });

  it('writes what was read before a source error, then reports the error', async () => {
    async function* source(): AsyncGenerator<ReadItem> {
      yield* items(records(4));
      throw new Error('EIO: read failed');
    }
    const written: AttributeValues[] = [];
    const report = await importRecords({
      source: source(),
      convert,
      write: async (batch) => {
        await Promise.resolve();
        written.push(...batch);
      },
      batchSize: 3,
    });
    assert.equal(written.length, 4);
    assert.equal(report.imported, 4);
    assert.equal(report.sourceError, 'EIO: read failed');
    assert.equal(report.stoppedAfterLine, 4);
    assert.equal(report.complete, false);
  });

  it('rejects a record when convert throws anything', async () => {
    const report = await importRecords({
      source: items(records(1)),
      convert: () => {
        throw new TypeError('boom');
      },
      write: async () => {},
    });
    assert.deepEqual(report.rejections, [{ line: 1, reason: 'boom' }]);
    assert.equal(report.complete, true);
  });

  it('imports a CSV file, rejecting its bad rows by line', async () => {
    const csv = 'age,name\n1,a\n2\nold,c\n4,"multi\nline"\n5,e\n';
    const written: AttributeValues[][] = [];
    const report = await importRecords({
      source: readRecords([csv], 'csv'),
      convert: (r) => convert({ age: Number.isNaN(Number(r.age)) ? r.age : Number(r.age) }),
      write: async (batch) => {
        await Promise.resolve();
        written.push(batch);
      },
      batchSize: 2,
    });
    assert.deepEqual(written, [[{ age: 1 }, { age: 4 }], [{ age: 5 }]]);
    assert.deepEqual(report.rejections, [
      { line: 3, reason: 'expected 2 fields as in the header, found 1' },
      { line: 4, reason: `'age' must be a number, got "old"` },
    ]);
    assert.equal(report.complete, true);
  });

  it('refuses a batch size that is not a positive integer', async () => {
    await assert.rejects(
      importRecords({ source: items([]), convert, write: async () => {}, batchSize: 0 }),
      RangeError,
    );
  });
});
