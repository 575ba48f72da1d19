import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { describe, it } from 'node:test';
import { readCsvRecords } from '../../src/ingest/csv-reader.ts';
import { formatCsvField, writeCsvRows, writeNdjsonRows } from '../../src/ingest/export-writers.ts';
import { readNdjsonRecords } from '../../src/ingest/ndjson-reader.ts';
import type { Row } from '../../src/ir/nodes.ts';
import { collect } from './input-chunks.ts';

/** A writable that keeps what it gets, accepting one chunk per tick and reporting full at once. */
class SlowSink extends Writable {
  chunks: string[] = [];
  fullSignals = 0;
  /** The most bytes ever waiting in the stream's buffer. */
  maxQueued = 0;
  constructor() {
    super({ highWaterMark: 16, decodeStrings: false });
  }
  override write(chunk: unknown, ...rest: never[]): boolean {
    const ok = super.write(chunk, ...rest);
    if (!ok) this.fullSignals++;
    this.maxQueued = Math.max(this.maxQueued, this.writableLength);
    return ok;
  }
  override _write(chunk: string, _enc: BufferEncoding, done: (e?: Error) => void): void {
    this.chunks.push(chunk);
    setImmediate(() => done());
  }
  get text(): string {
    return this.chunks.join('');
  }
}

async function* rows(n: number): AsyncGenerator<Row> {
  for (let i = 0; i < n; i++) {
    if (i % 1000 === 0) await Promise.resolve();
    yield { id: i, name: `name ${i}`, note: i % 3 === 0 ? null : 'x,"y"\nz' };
  }
}

describe('export writers', () => {
  it('quotes CSV fields only when needed, writing null and the empty string apart', () => {
    assert.equal(formatCsvField(null), '');
    assert.equal(formatCsvField(undefined), '');
    assert.equal(formatCsvField(''), '""');
    assert.equal(formatCsvField('plain'), 'plain');
    assert.equal(formatCsvField('a,b'), '"a,b"');
    assert.equal(formatCsvField('say "hi"'), '"say ""hi"""');
    assert.equal(formatCsvField('two\nlines'), '"two\nlines"');
    assert.equal(formatCsvField(' padded'), '" padded"');
    assert.equal(formatCsvField('a;b', ';'), '"a;b"');
    assert.equal(formatCsvField(12.5), '12.5');
    assert.equal(formatCsvField(false), 'false');
  });

  it('writes CSV with a header that the CSV reader reads back', async () => {
    const sink = new SlowSink();
    const data: Row[] = [
      { contactid: 'a', fullname: 'Ada, Countess "of" Lovelace', emailaddress1: null, age: 36, vip: true },
      { contactid: 'b', fullname: '', emailaddress1: 'x@y.z', age: null, vip: false, extra: 'ignored' },
    ];
    const columns = ['contactid', 'fullname', 'emailaddress1', 'age', 'vip', 'missing'];
    assert.equal(await writeCsvRows(data, columns, sink), 2);
    assert.equal(
      sink.text,
      'contactid,fullname,emailaddress1,age,vip,missing\na,"Ada, Countess ""of"" Lovelace",,36,true,\nb,"",x@y.z,,false,\n',
    );
    const back = await collect(readCsvRecords([sink.text]));
    assert.deepEqual(back, [
      {
        line: 2,
        record: {
          contactid: 'a',
          fullname: 'Ada, Countess "of" Lovelace',
          emailaddress1: null,
          age: '36',
          vip: 'true',
          missing: null,
        },
      },
      {
        line: 3,
        record: {
          contactid: 'b',
          fullname: null,
          emailaddress1: 'x@y.z',
          age: null,
          vip: 'false',
          missing: null,
        },
      },
    ]);
  });

  it('can leave out the header and use CRLF', async () => {
    const sink = new SlowSink();
    await writeCsvRows([{ a: 1, b: 'x' }], ['a', 'b'], sink, { header: false, lineEnding: '\r\n' });
    assert.equal(sink.text, '1,x\r\n');
  });

  it('writes NDJSON, all properties or the chosen columns', async () => {
    const all = new SlowSink();
    await writeNdjsonRows(
      [
        { a: 1, b: 'x' },
        { a: null, b: '"' },
      ],
      all,
    );
    assert.equal(all.text, '{"a":1,"b":"x"}\n{"a":null,"b":"\\""}\n');
    const picked = new SlowSink();
    await writeNdjsonRows([{ a: 1, b: 'x' }], picked, { columns: ['b', 'c'] });
    assert.equal(picked.text, '{"b":"x","c":null}\n');
    assert.deepEqual(await collect(readNdjsonRecords([all.text])), [
      { line: 1, record: { a: 1, b: 'x' } },
      { line: 2, record: { a: null, b: '"' } },
    ]);
  });

  it('waits for a full stream to drain and loses nothing', async () => {
    const sink = new SlowSink();
    const n = 20000;
    assert.equal(await writeNdjsonRows(rows(n), sink), n);
    await new Promise<void>((resolve) => sink.end(resolve));
    assert.ok(sink.fullSignals > 0, 'the sink should have asked the writer to wait');
    // Without waiting for 'drain' all ~700 KB would queue up; the writer queues one piece at most.
    assert.ok(sink.maxQueued <= 64 * 1024 + 200, `queued ${sink.maxQueued} bytes`);
    const lines = sink.text.trimEnd().split('\n');
    assert.equal(lines.length, n);
    assert.deepEqual(JSON.parse(lines[n - 1] ?? ''), { id: n - 1, name: `name ${n - 1}`, note: 'x,"y"\nz' });
  });

  it('rejects when the stream fails, without an unhandled error event', async () => {
    const failing = new Writable({
      highWaterMark: 1,
      write(_chunk, _enc, done) {
        setImmediate(() => done(new Error('EPIPE: broken pipe')));
      },
    });
    await assert.rejects(writeCsvRows(rows(50000), ['id', 'name', 'note'], failing), /EPIPE/);
    const closed = new Writable({ write: (_c, _e, done) => done() });
    closed.destroy();
    await assert.rejects(writeNdjsonRows(rows(1), closed), /closed/);
  });
});
