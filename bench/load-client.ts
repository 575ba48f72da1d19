/**
 * The load generator of bench/import-http.ts, in a process of its own so that it does not share
 * the server's event loop (it still shares the machine's cores): autocannon against `url` with
 * random request paths, a warm-up, then the measured run; prints one JSON line of results.
 *
 *   node --import tsx bench/load-client.ts '{"url":…,"kind":"by-id"|"filtered",…}'
 */
import autocannon from 'autocannon';
import { demoContactId } from '../src/demo/generator.ts';

export interface LoadRequest {
  url: string;
  kind: 'by-id' | 'filtered';
  /** Contacts in the store: ids are drawn from the demo generator's first `contacts`. */
  contacts: number;
  connections: number;
  warmUpSeconds: number;
  seconds: number;
}

export interface LoadResult {
  requests: number;
  rps: number;
  p50: number;
  p99: number;
  errors: number;
}

const BASE = '/api/data/v9.0';
const CITIES = ['Paris', 'London', 'Berlin', 'Tokyo', 'New York', 'Madrid', 'Toronto', 'Sydney'];

function pathsFor(request: LoadRequest): () => string {
  let seed = 12345;
  const random = () => {
    seed = (seed * 1103515245 + 12345) >>> 0;
    return seed / 2 ** 32;
  };
  if (request.kind === 'by-id') {
    return () =>
      `${BASE}/contacts(${demoContactId(Math.floor(random() * request.contacts))})?$select=fullname,emailaddress1,address1_city`;
  }
  return () => {
    const city = CITIES[Math.floor(random() * CITIES.length)] ?? 'Paris';
    const q = new URLSearchParams({
      $select: 'fullname,emailaddress1',
      $filter: `address1_city eq '${city}' and statecode eq 0`,
      $top: '50',
    });
    return `${BASE}/contacts?${q.toString()}`;
  };
}

async function main(): Promise<void> {
  const request = JSON.parse(process.argv[2] ?? '') as LoadRequest;
  const paths = pathsFor(request);
  const run = (duration: number) =>
    autocannon({
      url: request.url,
      connections: request.connections,
      duration,
      requests: [{ setupRequest: (req) => ({ ...req, path: paths() }) }],
    });
  await run(request.warmUpSeconds); // JIT, caches, connection pools
  const r = await run(request.seconds);
  const result: LoadResult = {
    requests: r.requests.total,
    rps: r.requests.average,
    p50: r.latency.p50,
    p99: r.latency.p99,
    errors: r.errors + r.non2xx,
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

await main();
