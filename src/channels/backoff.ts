/** @module Reconnect delays shared by the channel adapters: exponential, capped, with ±20 % jitter. */

/** Bounds of a reconnect backoff. */
export interface BackoffOptions {
  initialMs: number;
  maxMs: number;
  /** Injectable jitter source in [0, 1); default `Math.random`. */
  random?: () => number;
}

/**
 * The delay before reconnect attempt number `failures` (0 for the first retry): `initialMs` doubled
 * per failure, capped at `maxMs`, then spread ±20 % so many accounts do not retry in lockstep.
 */
export function backoffDelay(failures: number, { initialMs, maxMs, random = Math.random }: BackoffOptions): number {
  return Math.min(maxMs, initialMs * 2 ** failures) * (0.8 + random() * 0.4);
}
