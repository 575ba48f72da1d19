import assert from 'node:assert/strict';
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { RecordService } from '../../src/engine/records.ts';
import type { BuildAppOptions } from '../../src/http/app.ts';
import { buildApp } from '../../src/http/app.ts';
import type { Schema } from '../../src/metadata/schema.ts';
import { schemaFromDocument } from '../../src/metadata/schema-file.ts';
import type { Store } from '../../src/store/store.ts';
import type { StoreTarget } from '../support/stores.ts';
import { openTestStore } from '../support/stores.ts';

/** The service path tests address; `inject` fills in http://localhost:80. */
export const BASE = '/api/data/v9.0';
export const ROOT_URL = 'http://localhost:80/api/data/v9.0';

export interface TestApi {
  app: FastifyInstance;
  records: RecordService;
  store: Store;
  schema: Schema;
  /** `app.inject` with the path relative to the service root (`contacts?…`) unless it starts with `/`. */
  request(options: InjectOptions & { url: string }): Promise<LightMyRequestResponse>;
  /** POST a record, assert 204 and return its id (from OData-EntityId). */
  create(set: string, body: Record<string, unknown>): Promise<string>;
  close(): Promise<void>;
}

export async function openTestApi(
  target: StoreTarget,
  options: Partial<Omit<BuildAppOptions, 'records' | 'schema'>> & { schema?: Schema } = {},
): Promise<TestApi> {
  const schema = options.schema ?? schemaFromDocument(undefined);
  const { store } = await openTestStore(target, schema);
  const records = new RecordService(store);
  await records.ensureDefaults();
  const app = buildApp({ ...options, records, schema });
  const request = (o: InjectOptions & { url: string }) =>
    app.inject({ ...o, url: o.url.startsWith('/') ? o.url : `${BASE}/${o.url}` });
  return {
    app,
    records,
    store,
    schema,
    request,
    async create(set, body) {
      const res = await request({ method: 'POST', url: set, payload: body });
      assert.equal(res.statusCode, 204, res.body);
      return idFromUrl(String(res.headers['odata-entityid']));
    },
    async close() {
      await app.close();
      await store.close();
    },
  };
}

/** The GUID inside `…/contacts(<guid>)`. */
export function idFromUrl(url: string): string {
  const m = /\(([0-9a-f-]{36})\)$/.exec(url);
  assert.ok(m, `no record id in '${url}'`);
  return m[1] ?? '';
}

/** The parsed JSON body. */
export function json(res: LightMyRequestResponse): Record<string, unknown> {
  return JSON.parse(res.body) as Record<string, unknown>;
}

/** Asserts a Dataverse error response and returns its message. */
export function expectError(
  res: LightMyRequestResponse,
  status: number,
  code: string,
  message?: RegExp,
): string {
  assert.equal(res.statusCode, status, res.body);
  const body = json(res) as { error?: { code?: unknown; message?: unknown } };
  assert.deepEqual(Object.keys(body), ['error']);
  assert.deepEqual(Object.keys(body.error ?? {}), ['code', 'message']);
  assert.equal(body.error?.code, code, res.body);
  assert.equal(typeof body.error?.message, 'string');
  if (message !== undefined) assert.match(String(body.error?.message), message);
  return String(body.error?.message);
}
