/**
 * Timing and summaries shared by the engine benchmark: median and p95 (nearest rank) of a list of
 * durations, a monotonic millisecond clock, and the peak resident memory of the process.
 */

import { Prng } from '../src/demo/prng.ts';

export interface Summary {
  median: number;
  p95: number;
  runs: number;
}

/** Median and p95 by nearest rank (with 5 runs, p95 is the slowest run). */
export function summarise(values: readonly number[]): Summary {
  if (values.length === 0) throw new Error('nothing to summarise: no runs');
  const s = [...values].sort((a, b) => a - b);
  const at = (q: number) => s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))]!;
  return { median: at(0.5), p95: at(0.95), runs: s.length };
}

/** Milliseconds from a monotonic clock (fractions included). */
export function nowMs(): number {
  return Number(process.hrtime.bigint()) / 1e6;
}

/**
 * The largest resident set size seen since the last `reset`, sampled every few milliseconds (a
 * phase's own peak: the kernel's maxrss only ever grows), and the process's peak over its life.
 */
export class PeakMemory {
  private peak = 0;
  private readonly timer: NodeJS.Timeout;

  constructor(everyMs = 10) {
    this.timer = setInterval(() => this.sample(), everyMs);
    this.timer.unref();
  }

  sample(): void {
    this.peak = Math.max(this.peak, process.memoryUsage.rss());
  }

  /** The peak since the last reset (bytes); starts a new phase. */
  reset(): number {
    this.sample();
    const peak = this.peak;
    this.peak = process.memoryUsage.rss();
    return peak;
  }

  /** The process's peak resident set size over its life (bytes), as the kernel counts it. */
  static lifetimePeak(): number {
    return process.resourceUsage().maxRSS * 1024;
  }

  stop(): void {
    clearInterval(this.timer);
  }
}

/** A deterministic pseudo-random generator (mulberry32): the same choices on every store. */
export function seededRandom(seed: number): () => number {
  const prng = new Prng(seed);
  return () => prng.next();
}

/** `count` distinct whole numbers from 1 to `max`, in random order. */
export function distinctSample(random: () => number, max: number, count: number): number[] {
  if (count > max) throw new RangeError(`cannot pick ${count} distinct numbers from 1 to ${max}`);
  const picked = new Set<number>();
  while (picked.size < count) picked.add(1 + Math.floor(random() * max));
  return [...picked];
}
