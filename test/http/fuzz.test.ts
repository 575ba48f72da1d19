/**
 * No input gives a 500: seeded random requests (methods, paths, query options and bodies built
 * from the Web API's own vocabulary, then mutated) against a real app on a real store. Every
 * answer must be a success or a Dataverse client error in the error format.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { prng } from '../support/prng.ts';
import { storeTargets } from '../support/stores.ts';
import { openTestApi } from './harness.ts';

const SETS = [
  'contacts',
  'accounts',
  'msdyncrm_segments',
  'businessunits',
  'systemusers',
  'nothings',
  '$metadata',
  '$batch',
  '',
];
const SUFFIXES = [
  '',
  '/$count',
  '/fullname',
  '/fullname/$value',
  '/parentcustomerid_account',
  '/contact_customer_accounts',
  '/$ref',
  '/Microsoft.Dynamics.CRM.CreateMultiple',
  '/nothing',
];
const OPTIONS = [
  "$filter=address1_city eq 'Paris'",
  '$filter=contains(fullname,%27a%27)',
  '$filter=createdon ge 2020-01-01T00:00:00Z',
  "$filter=parentcustomerid_account/name eq 'x'",
  '$filter=contact_customer_accounts/any(c:c/lastname eq null)',
  "$filter=Microsoft.Dynamics.CRM.In(PropertyName='lastname',PropertyValues=['a','b'])",
  '$select=fullname,emailaddress1',
  '$orderby=lastname desc,firstname',
  '$expand=parentcustomerid_account($select=name)',
  '$top=3',
  '$count=true',
  '$skip=1',
  '$skiptoken=%3Ccookie%20pagenumber%3D%222%22%20pagingcookie%3D%22x%22%20istracking%3D%22False%22%20%2F%3E',
  '@p1=3',
];
const BODIES: unknown[] = [
  { lastname: 'x' },
  { name: 'acme', industrycode: 7 },
  { msdyncrm_segmentname: 's', msdyncrm_segmenttype: 192350001, statuscode: 192350000 },
  { 'parentcustomerid_account@odata.bind': '/accounts(00000000-0000-0000-0000-000000000001)' },
  { Targets: [{ lastname: 'a' }, { lastname: 'b' }] },
  { value: 'v' },
  { birthdate: '2020-02-30', gendercode: 99, numberofchildren: 'x' },
  [],
  null,
  'text',
  42,
  { ['x'.repeat(300)]: 1 },
];

function pick<T>(r: () => number, xs: readonly T[]): T {
  return xs[Math.floor(r() * xs.length)] as T;
}

function mutate(r: () => number, s: string): string {
  const chars = `()'/$,=&%?[]{}:; \u00e9\u0000\\"`;
  const out = [...s];
  const n = 1 + Math.floor(r() * 3);
  for (let i = 0; i < n; i++) {
    const at = Math.floor(r() * (out.length + 1));
    const op = r();
    if (op < 0.4) out.splice(at, 1);
    else if (op < 0.8) out.splice(at, 0, pick(r, [...chars]));
    else out.splice(at, 0, ...out.slice(0, Math.floor(r() * 5)));
  }
  return out.join('');
}

for (const target of storeTargets()) {
  describe(`random requests never give a 500 (${target.name})`, () => {
    it('answers 1,500 seeded random requests with successes or client errors', async () => {
      const api = await openTestApi(target);
      try {
        const account = await api.create('accounts', { name: 'Contoso' });
        const contact = await api.create('contacts', {
          lastname: 'Smith',
          'parentcustomerid_account@odata.bind': `/accounts(${account})`,
        });
        const ids = [contact, account, 'not-a-guid', '00000000-0000-0000-0000-000000000009', `'${contact}'`];
        const r = prng(20261129);
        for (let i = 0; i < 1500; i++) {
          const method = pick(r, ['GET', 'GET', 'GET', 'POST', 'PATCH', 'DELETE', 'PUT']);
          let path = pick(r, SETS);
          if (r() < 0.5 && path !== '' && !path.startsWith('$')) path += `(${pick(r, ids)})`;
          if (r() < 0.4) path += pick(r, SUFFIXES);
          let query = Array.from({ length: Math.floor(r() * 3) }, () => pick(r, OPTIONS)).join('&');
          if (r() < 0.5) query = mutate(r, query);
          if (r() < 0.2) path = mutate(r, path);
          const url = `/api/data/v9.${Math.floor(r() * 3)}/${path}${query === '' ? '' : `?${query}`}`;
          const body = method === 'GET' || method === 'DELETE' ? undefined : pick(r, BODIES);
          const payload =
            body === undefined
              ? undefined
              : r() < 0.15
                ? mutate(r, JSON.stringify(body) ?? '')
                : JSON.stringify(body);
          let res;
          try {
            res = await api.app.inject({
              method,
              url,
              ...(payload !== undefined ? { payload, headers: { 'content-type': 'application/json' } } : {}),
            });
          } catch (e) {
            // light-my-request refuses some malformed URLs before they reach the server.
            if (e instanceof TypeError || (e as Error).message.includes('Invalid URL')) continue;
            throw e;
          }
          assert.ok(
            res.statusCode < 500,
            `${method} ${url} ${payload ?? ''} → ${res.statusCode} ${res.body}`,
          );
          if (res.statusCode >= 400) {
            const err = JSON.parse(res.body) as { error?: { code?: unknown; message?: unknown } };
            assert.equal(typeof err.error?.code, 'string', `${method} ${url}: ${res.body}`);
            assert.equal(typeof err.error?.message, 'string', `${method} ${url}: ${res.body}`);
          }
        }
      } finally {
        await api.close();
      }
    });
  });
}
