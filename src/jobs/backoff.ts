/** How long a failed job waits before its next attempt: exponential, capped, with some jitter. */
export interface BackoffOptions {
  /** Wait after the first failed attempt (default 1 s). */
  baseMs?: number;
  /** Growth per further attempt (default 2). */
  factor?: number;
  /** Longest wait (default 5 min). */
  maxMs?: number;
  /**
   * Spread, as a fraction of the wait (default 0.1: ±10 %), so that jobs that failed together do
   * not all come back at the same moment.
   */
  jitter?: number;
}

export type Backoff = Required<BackoffOptions>;

export const DEFAULT_BACKOFF: Backoff = { baseMs: 1000, factor: 2, maxMs: 300_000, jitter: 0.1 };

export function backoff(options: BackoffOptions | undefined, base: Backoff = DEFAULT_BACKOFF): Backoff {
  const b = { ...base, ...options };
  const ok = (n: number, min: number) => Number.isFinite(n) && n >= min;
  if (!ok(b.baseMs, 0) || !ok(b.factor, 1) || !ok(b.maxMs, 0) || !ok(b.jitter, 0) || b.jitter > 1) {
    throw new RangeError('backoff: baseMs and maxMs must be >= 0, factor >= 1, jitter from 0 to 1');
  }
  return b;
}

/** The wait after failed attempt number `attempt` (1-based). */
export function retryDelay(b: Backoff, attempt: number, random: () => number = Math.random): number {
  const plain = Math.min(b.maxMs, b.baseMs * b.factor ** Math.max(0, attempt - 1));
  return Math.max(0, Math.round(plain * (1 - b.jitter + 2 * b.jitter * random())));
}
