/**
 * @module Retries with exponential backoff and jitter (extensions.md §2): attempt n (from 0) waits
 * `baseMs × 2^n`, capped at `capMs`, plus 0–`jitter` of that delay at random; at most `maxRetries` retries. Only
 * errors the caller calls retryable are retried. The sleep and the randomness are injected.
 */

/** How retries are spaced. */
export interface RetryOptions {
  maxRetries: number;
  baseMs: number;
  capMs: number;
  /** Extra random fraction of the delay, 0–1 (default 0.3). */
  jitter?: number;
}

/** Sleeps `ms` (a timer in production, a stub in tests). */
export type Sleep = (ms: number) => Promise<void>;

/** The real sleep. */
export const realSleep: Sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The delay before retry number `attempt` (0 for the first retry).
 * @param random a number in [0, 1) (default `Math.random`)
 */
export function backoffDelay(attempt: number, options: RetryOptions, random: () => number = Math.random): number {
  const base = Math.min(options.capMs, options.baseMs * 2 ** attempt);
  return Math.round(base * (1 + (options.jitter ?? 0.3) * random()));
}

/**
 * Runs `fn`, retrying it after a backoff while it throws an error `retryable` accepts and retries are left.
 * `fn` gets the attempt number (0 first); the last error is thrown.
 */
export async function withRetries<T>(
  fn: (attempt: number) => Promise<T>,
  options: RetryOptions & { retryable: (err: unknown) => boolean; sleep?: Sleep; random?: () => number },
): Promise<T> {
  const sleep = options.sleep ?? realSleep;
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn(attempt);
    } catch (err) {
      if (attempt >= options.maxRetries || !options.retryable(err)) throw err;
      await sleep(backoffDelay(attempt, options, options.random));
    }
  }
}
