/**
 * Seeded pseudo-random numbers for the demo dataset. Each row gets its own generator, seeded from
 * (dataset seed, stream, row index), so any row can be made on its own — a contact can name its
 * account's web domain without the accounts being kept in memory, and row i is the same whatever
 * the dataset's size.
 */

/** The murmur3 finaliser: a bijection on 32-bit integers that spreads every input bit. */
export function mix32(x: number): number {
  let h = x >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Folds integers into one 32-bit hash (order matters). */
export function hash32(...parts: number[]): number {
  let h = 0x9e3779b9;
  for (const p of parts) h = mix32((h ^ mix32(p >>> 0)) + 0x7f4a7c15);
  return h;
}

/** A 32-bit number naming a stream of rows ('contact', 'account', …). */
export function streamId(name: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** mulberry32: small, fast, and good enough for synthetic data (not for anything secret). */
export class Prng {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  static forRow(seed: number, stream: string, index: number): Prng {
    return new Prng(hash32(seed, streamId(stream), index));
  }

  /** Uniform in [0, 2^32). */
  nextUint32(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    return this.nextUint32() / 4294967296;
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** Uniform integer in [min, max]. */
  between(min: number, max: number): number {
    return min + this.int(max - min + 1);
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    const item = items[this.int(items.length)];
    if (item === undefined) throw new RangeError('pick from an empty list');
    return item;
  }

  /** Standard normal (Box–Muller). */
  normal(): number {
    const u = 1 - this.next(); // (0, 1]: log(0) would be -Infinity
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * this.next());
  }

  /** Log-normal with the given median and spread (sigma of the underlying normal). */
  logNormal(median: number, sigma: number): number {
    return median * Math.exp(sigma * this.normal());
  }
}

/** Picks items with fixed relative weights in O(log n) (cumulative table + binary search). */
export class WeightedPicker<T> {
  private readonly cumulative: number[] = [];
  private readonly total: number;

  constructor(
    private readonly items: readonly T[],
    weights: readonly number[],
  ) {
    if (items.length === 0 || items.length !== weights.length)
      throw new RangeError('one weight per item, at least one item');
    let sum = 0;
    for (const w of weights) {
      if (!(w >= 0)) throw new RangeError(`weights must be non-negative, got ${w}`);
      sum += w;
      this.cumulative.push(sum);
    }
    if (sum <= 0) throw new RangeError('weights must not all be zero');
    this.total = sum;
  }

  pick(rng: Prng): T {
    const x = rng.next() * this.total;
    let lo = 0;
    let hi = this.cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.cumulative[mid] ?? 0) > x) hi = mid;
      else lo = mid + 1;
    }
    return this.items[lo] as T;
  }
}

/** Zipf-like weights 1/(rank+1)^s: a few common items and a long tail. */
export function zipfWeights(n: number, s: number): number[] {
  return Array.from({ length: n }, (_, rank) => 1 / Math.pow(rank + 1, s));
}

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/**
 * A version-4 UUID (lower case) for row `index` of `stream`. The first 32 bits are a bijection of
 * the index, so ids never collide within a stream, however many rows there are.
 */
export function deterministicUuid(seed: number, stream: string, index: number): string {
  const key = hash32(seed, streamId(stream));
  const w0 = mix32((index ^ key) >>> 0);
  const rng = new Prng(hash32(key, index, 0x5eed));
  const w1 = rng.nextUint32();
  const w2 = rng.nextUint32();
  const w3 = rng.nextUint32();
  const bytes = [
    w0 >>> 24,
    (w0 >>> 16) & 0xff,
    (w0 >>> 8) & 0xff,
    w0 & 0xff,
    w1 >>> 24,
    (w1 >>> 16) & 0xff,
    ((w1 >>> 8) & 0x0f) | 0x40, // version 4
    w1 & 0xff,
    ((w2 >>> 24) & 0x3f) | 0x80, // RFC 4122 variant
    (w2 >>> 16) & 0xff,
    (w2 >>> 8) & 0xff,
    w2 & 0xff,
    w3 >>> 24,
    (w3 >>> 16) & 0xff,
    (w3 >>> 8) & 0xff,
    w3 & 0xff,
  ].map((b) => HEX[b] as string);
  return `${bytes.slice(0, 4).join('')}-${bytes.slice(4, 6).join('')}-${bytes.slice(6, 8).join('')}-${bytes.slice(8, 10).join('')}-${bytes.slice(10).join('')}`;
}
