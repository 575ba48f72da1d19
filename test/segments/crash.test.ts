import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { loadRows } from '../../src/cli/commands/demo.ts';
import { generateAccounts, generateContacts } from '../../src/demo/generator.ts';
import { RecordService } from '../../src/engine/records.ts';
import { schemaFromDocument } from '../../src/metadata/schema-file.ts';
import { openStore } from '../../src/store/open.ts';
import { type StoreLocation, storeTargets } from '../support/stores.ts';
import { memberIds, waitFor } from './harness.ts';

/**
 * A server killed with SIGKILL in the middle of segment work: `segmentd serve` runs as a child
 * process on a store with 100,000 generated contacts; a 20,000-id addByIds and the go-live of a
 * dynamic segment over every contact are queued, the process is killed as soon as the go-live's
 * evaluation has started, and a new server on the same store must finish both, with exactly the
 * right members (each job's effect applied once).
 */

const BIN = join(import.meta.dirname, '..', '..', 'bin', 'segmentd.js');
const CONTACTS = 100_000;
const ACCOUNTS = 100;
const ADD_IDS = 20_000;
const UNKNOWN_IDS = 10;
const QUERY = 'PROFILE(contact).FILTER(ISNOTNULL(emailaddress1))';
const schema = schemaFromDocument(undefined);

interface Server {
  child: ChildProcess;
  /** The service root, http://127.0.0.1:<port>/api/data/v9.0 */
  root: string;
  /** Resolves when a log line matches. */
  logged(pattern: RegExp): Promise<string>;
  exited: Promise<void>;
}

function startServer(location: StoreLocation): Promise<Server> {
  const args =
    'db' in location
      ? ['serve', '--db', location.db, '--port', '0']
      : ['serve', '--database-url', location.databaseUrl, '--port', '0'];
  const child = spawn(process.execPath, [BIN, ...args], {
    env: {
      ...process.env,
      SEGMENTD_DATABASE_URL: '',
      SEGMENTD_JOB_LEASE_MS: '1000',
      SEGMENTD_JOB_POLL_MS: '50',
      LOG_LEVEL: 'info',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  const waiters: { pattern: RegExp; resolve: (line: string) => void }[] = [];
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    out += chunk;
    for (const w of [...waiters]) {
      const line = out.split('\n').find((l) => w.pattern.test(l));
      if (line !== undefined) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(line);
      }
    }
  });
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (err += chunk));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const logged = (pattern: RegExp) =>
    new Promise<string>((resolve, reject) => {
      const line = out.split('\n').find((l) => pattern.test(l));
      if (line !== undefined) return resolve(line);
      waiters.push({ pattern, resolve });
      void exited.then(() =>
        reject(new Error(`the server exited before logging ${pattern}:\n${out}\n${err}`)),
      );
    });
  return logged(/segmentd serving http:\/\//).then((line) => {
    const m = /segmentd serving (http:\/\/[^ ]+?)\/api\/data\/v9\.0\//.exec(line);
    assert.ok(m, line);
    return { child, root: `${m[1]}/api/data/v9.0`, logged, exited };
  });
}

async function api(server: Server, method: string, path: string, body?: unknown) {
  const res = await fetch(`${server.root}/${path}`, {
    method,
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  return {
    status: res.status,
    headers: res.headers,
    body: text === '' ? {} : (JSON.parse(text) as Record<string, unknown>),
  };
}

async function createSegment(server: Server, body: Record<string, unknown>): Promise<string> {
  const res = await api(server, 'POST', 'msdyncrm_segments', body);
  assert.equal(res.status, 204, JSON.stringify(res.body));
  const m = /\(([0-9a-f-]{36})\)$/.exec(String(res.headers.get('odata-entityid')));
  assert.ok(m);
  return m[1]!;
}

for (const target of storeTargets()) {
  describe(`segment jobs survive SIGKILL (${target.name})`, () => {
    it('a killed server’s go-live and 20,000-id add finish after restart with exactly the right members', async () => {
      const location = await target.freshLocation({ persistent: true });
      // The dataset, loaded in this process (a DuckDB file belongs to one process at a time).
      const contacts = [...generateContacts({ accounts: ACCOUNTS, contacts: CONTACTS })];
      {
        const { store } = await openStore({ schema, ...location });
        const records = new RecordService(store);
        await loadRows(
          records,
          'account',
          generateAccounts({ accounts: ACCOUNTS, contacts: CONTACTS, withPrimaryContact: false }),
        );
        await loadRows(records, 'contact', contacts);
        await store.close();
      }
      const withEmail = contacts
        .filter((c) => c.emailaddress1 !== null)
        .map((c) => String(c.contactid))
        .sort();
      const added = contacts.slice(0, ADD_IDS - UNKNOWN_IDS).map((c) => String(c.contactid));
      const sent = [...added, ...Array.from({ length: UNKNOWN_IDS }, () => randomUUID())];

      const first = await startServer(location);
      let staticId: string;
      let dynamicId: string;
      let operationId: string;
      try {
        staticId = await createSegment(first, {
          msdyncrm_segmentname: 'crash static',
          msdyncrm_segmenttype: 192350001,
          statuscode: 192350000,
        });
        dynamicId = await createSegment(first, {
          msdyncrm_segmentname: 'crash dynamic',
          msdyncrm_segmenttype: 192350000,
          statuscode: 192350000,
          msdyncrm_segmentquery: QUERY,
        });
        const op = await api(first, 'POST', 'msdyncrm_SegmentMembersUpdate', {
          msdyncrm_segmentid: staticId,
          msdyncrm_operation: 'addByIds',
          msdyncrm_memberids: JSON.stringify(sent.map((id) => `crm${id}`)),
        });
        assert.equal(op.status, 200, JSON.stringify(op.body));
        operationId = String(op.body.OperationId);
        const started = first.logged(/segment go-live started/);
        const live = await api(first, 'PATCH', `msdyncrm_segments(${dynamicId})`, { statuscode: 192350006 });
        assert.equal(live.status, 204);
        await started;
      } finally {
        first.child.kill('SIGKILL');
        await first.exited;
      }
      assert.equal(first.child.signalCode, 'SIGKILL');

      // What the killed server left: the go-live had started and had not committed.
      {
        const { store } = await openStore({ schema, ...location });
        const jobs = await store.jobs.list({ orderingKey: `segment:${dynamicId}`, kind: 'segment.go-live' });
        assert.equal(jobs.length, 1);
        assert.equal(jobs[0]?.state, 'running', 'the go-live was killed mid-way');
        assert.deepEqual(await memberIds(store, dynamicId), []);
        await store.close();
      }

      const second = await startServer(location);
      try {
        const dynamic = await waitFor(
          'the go-live to finish after the restart',
          async () => {
            const res = await api(second, 'GET', `msdyncrm_segments(${dynamicId})`);
            return res.body.statuscode === 192350001 ? res.body : undefined;
          },
          180_000,
        );
        assert.equal(dynamic.msdyncrm_segmentsize, withEmail.length);
        const ops = await waitFor(
          'the member operation to finish',
          async () => {
            const res = await api(second, 'POST', 'msdyncrm_SegmentMembersUpdate', {
              msdyncrm_segmentid: staticId,
              msdyncrm_operation: 'getState',
            });
            return res.body.State === 'Idle' ? (res.body.Operations as Record<string, unknown>[]) : undefined;
          },
          180_000,
        );
        assert.deepEqual(
          ops.map((o) => [o.OperationId, o.State, o.Requested, o.Applied, o.Ignored]),
          [[operationId, 'Succeeded', ADD_IDS, ADD_IDS - UNKNOWN_IDS, UNKNOWN_IDS]],
        );
        assert.equal(
          (await api(second, 'GET', `msdyncrm_segments(${staticId})`)).body.msdyncrm_segmentsize,
          added.length,
        );
      } finally {
        second.child.kill('SIGTERM');
        await second.exited;
      }

      const { store } = await openStore({ schema, ...location });
      try {
        assert.deepEqual(await memberIds(store, dynamicId), withEmail);
        assert.deepEqual(await memberIds(store, staticId), [...added].sort());
        const goLive = await store.jobs.list({
          orderingKey: `segment:${dynamicId}`,
          kind: 'segment.go-live',
        });
        assert.deepEqual(
          goLive.map((j) => [j.state, j.attempts]),
          [['succeeded', 2]],
        );
        const result = goLive[0]?.result as { members: number; added: number; removed: number };
        assert.deepEqual(
          [result.members, result.added, result.removed],
          [withEmail.length, withEmail.length, 0],
        );
        const member = await store.jobs.get(operationId);
        assert.equal(member?.state, 'succeeded');
      } finally {
        await store.close();
      }
    });
  });
}
