import { Prng } from '../../src/demo/prng.ts';

/** mulberry32: a small, fast, seeded PRNG for property and fuzz tests (same seed, same inputs). */
export function prng(seed: number): () => number {
  const generator = new Prng(seed);
  return () => generator.next();
}
