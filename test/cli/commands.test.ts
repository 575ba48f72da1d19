import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { promisify } from 'node:util';

const run = promisify(execFile);
const BIN = join(import.meta.dirname, '..', '..', 'bin', 'segmentd.js');

async function segmentd(args: string[], env: Record<string, string> = {}) {
  try {
    const { stdout, stderr } = await run(process.execPath, [BIN, ...args], {
      env: { ...process.env, SEGMENTD_DATABASE_URL: '', ...env },
    });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code?: number; stdout?: string; stderr?: string };
    return { code: err.code ?? -1, stdout: err.stdout ?? '', stderr: err.stderr ?? '' };
  }
}

describe('the segmentd command', () => {
  it('validates queries and exits 1 with positioned errors', async () => {
    const ok = await segmentd([
      'validate',
      "PROFILE(contact).FILTER(address1_city == 'Paris')",
      '--db',
      ':memory:',
    ]);
    assert.equal(ok.code, 0, ok.stderr);
    assert.equal(ok.stdout, 'valid\n');
    const bad = await segmentd([
      'validate',
      'PROFILE(contact).FILTER(emailadress1 == 1)',
      '--db',
      ':memory:',
    ]);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /^UnknownAttribute: unknown attribute 'emailadress1' on contact .* at 1:25$/m);
  });

  it('evaluates and explains segment queries', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'segmentd-cli-'));
    try {
      const db = join(dir, 'store.duckdb');
      const csv = join(dir, 'contacts.csv');
      writeFileSync(csv, 'lastname,address1_city\nSmith,Paris\nJones,PARIS\nLee,Rome\nNg,\n');
      assert.equal((await segmentd(['import', 'contact', csv, '--db', db])).code, 0);
      const q = "PROFILE(contact).FILTER(address1_city == 'paris').ORDERBY(lastname ASC)";
      const members = await segmentd(['query', q, '--db', db, '--select', 'lastname']);
      assert.equal(members.code, 0, members.stderr);
      assert.deepEqual(
        members.stdout
          .trim()
          .split('\n')
          .map((l) => (JSON.parse(l) as { lastname: string }).lastname),
        ['Jones', 'Smith'],
      );
      const count = await segmentd([
        'query',
        "PROFILE(contact).FILTER(address1_city != 'paris')",
        '--db',
        db,
        '--count',
      ]);
      assert.equal(count.stdout, '1\n');
      const explained = await segmentd(['explain', q, '--db', db]);
      assert.equal(explained.code, 0, explained.stderr);
      assert.match(
        explained.stdout,
        /-- canonical query\nPROFILE\(contact\)\.FILTER\(address1_city == 'paris'\)\.ORDERBY\(lastname ASC\)/,
      );
      assert.match(explained.stdout, /-- SQL \(duckdb\)\nSELECT /);
      assert.match(explained.stdout, /-- SQL \(postgres\)\nSELECT .*COLLATE "C"/);
      const bad = await segmentd(['query', 'PROFILE(contact).FILTER(', '--db', db]);
      assert.equal(bad.code, 1);
      assert.match(bad.stderr, /^Syntax: .* at 1:25$/m);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('imports segment records under the segment rules: static members stored, going live queued, bad ones rejected', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'segmentd-cli-'));
    try {
      const db = join(dir, 'store.duckdb');
      const [ann, bob] = ['0b6d2f4e-0000-4000-8000-000000000001', '0b6d2f4e-0000-4000-8000-000000000002'];
      const contacts = join(dir, 'contacts.csv');
      writeFileSync(contacts, `contactid,lastname,address1_city\n${ann},Ann,Paris\n${bob},Bob,Rome\n`);
      assert.equal((await segmentd(['import', 'contact', contacts, '--db', db])).code, 0);
      const segments = join(dir, 'segments.ndjson');
      const line = (o: Record<string, unknown>) => JSON.stringify(o);
      writeFileSync(
        segments,
        [
          line({
            msdyncrm_segmentname: 'imported static',
            msdyncrm_segmenttype: 192350001,
            statuscode: 192350000,
            msdyncrm_segmentmemberids: [bob],
          }),
          line({
            msdyncrm_segmentname: 'imported live',
            msdyncrm_segmenttype: 192350000,
            msdyncrm_query: "PROFILE(contact).FILTER(address1_city == 'Paris')",
            statuscode: 192350001,
          }),
          line({
            msdyncrm_segmentname: 'cannot go live',
            msdyncrm_segmenttype: 192350000,
            msdyncrm_query: 'PROFILE(contact).FILTER(nosuchattribute == 1)',
            statuscode: 192350001,
          }),
        ].join('\n'),
      );
      const imported = await segmentd([
        'import',
        'msdyncrm_segments',
        segments,
        '--db',
        db,
        '--batch-size',
        '1',
      ]);
      assert.equal(imported.code, 2, imported.stderr);
      assert.match(imported.stdout, /2 record\(s\) imported, 1 rejected, 3 read\./);
      assert.match(imported.stdout, /line 3: .*nosuchattribute/);
      const members = await segmentd([
        'query',
        "SEGMENT('imported static')",
        '--db',
        db,
        '--select',
        'lastname',
      ]);
      assert.equal(members.code, 0, members.stderr);
      assert.deepEqual(JSON.parse(members.stdout.trim()), { contactid: bob, lastname: 'Bob' });
      const exported = await segmentd([
        'export',
        'msdyncrm_segment',
        '--db',
        db,
        '--select',
        'msdyncrm_segmentname,statuscode,msdyncrm_segmentsize',
        '--orderby',
        'msdyncrm_segmentname',
        '--format',
        'ndjson',
      ]);
      assert.equal(exported.code, 0, exported.stderr);
      const rows = exported.stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as Record<string, unknown>);
      assert.deepEqual(
        rows.map((r) => [r.msdyncrm_segmentname, r.statuscode, r.msdyncrm_segmentsize]),
        [
          ['imported live', 192350006, 0],
          ['imported static', 192350000, 1],
        ],
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('imports a file, reports rejected lines, and exports what it imported', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'segmentd-cli-'));
    try {
      const db = join(dir, 'store.duckdb');
      const csv = join(dir, 'contacts.csv');
      writeFileSync(csv, 'lastname,firstname,gendercode\nSmith,Ann,2\nJones,Bob,9\nLee,,1\n');
      const imported = await segmentd(['import', 'contact', csv, '--db', db]);
      assert.equal(imported.code, 2, imported.stderr);
      assert.match(imported.stdout, /2 record\(s\) imported, 1 rejected, 3 read\./);
      assert.match(imported.stdout, /line 3: .*gendercode/);
      const exported = await segmentd([
        'export',
        'contact',
        '--db',
        db,
        '--select',
        'lastname',
        '--orderby',
        'lastname',
        '--format',
        'ndjson',
      ]);
      assert.equal(exported.code, 0, exported.stderr);
      assert.deepEqual(
        exported.stdout
          .trim()
          .split('\n')
          .map((l) => (JSON.parse(l) as { lastname: string }).lastname),
        ['Lee', 'Smith'],
      );
      const badFilter = await segmentd(['export', 'contact', '--db', db, '--filter', 'lastname eq']);
      assert.equal(badFilter.code, 1);
      assert.match(badFilter.stderr, /Syntax error at position 11 in \$filter/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses a schema file that would drop data, naming what would be lost', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'segmentd-cli-'));
    try {
      const db = join(dir, 'store.duckdb');
      const schema = join(dir, 'schema.json');
      writeFileSync(
        schema,
        JSON.stringify({
          entities: [{ logicalName: 'contact', attributes: [{ logicalName: 'new_age', type: 'Integer' }] }],
        }),
      );
      const first = await segmentd([
        'validate',
        'PROFILE(contact).FILTER(new_age > 30)',
        '--db',
        db,
        '--schema',
        schema,
      ]);
      assert.equal(first.code, 0, first.stderr);
      const second = await segmentd(['validate', 'PROFILE(contact)', '--db', db]);
      assert.equal(second.code, 1);
      assert.match(second.stderr, /new_age/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('imports interactions (rejecting bad lines) and segments on them', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'segmentd-cli-'));
    try {
      const db = join(dir, 'store.duckdb');
      const contacts = join(dir, 'contacts.ndjson');
      const a = '1a000000-0000-4000-8000-000000000001';
      const b = '1a000000-0000-4000-8000-000000000002';
      writeFileSync(
        contacts,
        `{"contactid":"${a}","lastname":"Ann"}\n{"contactid":"${b}","lastname":"Bob"}\n`,
      );
      assert.equal((await segmentd(['import', 'contact', contacts, '--db', db])).code, 0);
      const interactions = join(dir, 'interactions.ndjson');
      const lines = [
        { interactiontype: 'EmailOpened', contactid: a, emailid: 'E1', timestamp: '2026-01-02T03:04:05Z' },
        { interactiontype: 'EmailOpened', contactid: a, emailid: 'E2', timestamp: '2026-01-03T03:04:05Z' },
        { interactiontype: 'EmailOpened', contactid: b, emailid: 'E1', timestamp: '2026-01-04T03:04:05Z' },
        { interactiontype: 'EmailOpened', contactid: b, url: 'https://x' },
        { interactiontype: 'Nope', contactid: b },
      ];
      writeFileSync(interactions, lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
      const imported = await segmentd(['import', 'interactions', interactions, '--db', db]);
      assert.equal(imported.code, 2, imported.stderr);
      assert.match(imported.stdout, /3 record\(s\) imported, 2 rejected, 5 read\./);
      assert.match(imported.stdout, /line 4: 'url' is not a property of EmailOpened interactions/);
      assert.match(imported.stdout, /line 5: 'Nope' is not an interaction type/);
      const members = await segmentd([
        'query',
        'INTERACTION(EmailOpened, EmailOpened_ContactLink).HAVING(COUNT() > 1)',
        '--db',
        db,
        '--select',
        'lastname',
      ]);
      assert.equal(members.code, 0, members.stderr);
      assert.deepEqual(JSON.parse(members.stdout.trim()), { contactid: a, lastname: 'Ann' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
