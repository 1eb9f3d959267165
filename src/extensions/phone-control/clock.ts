/** @module The time source of phone control: the current time and a repeating timer, injected so tests can move time. */

/** Time and timers. */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  /**
   * Calls `fn` every `ms` milliseconds until the returned function is called. The timer must not keep the
   * process alive. `fn` may return a promise (a test clock can await it; the real one ignores it).
   */
  every(ms: number, fn: () => unknown): () => void;
}

/** The real clock: `Date.now` and an unref'd `setInterval`. */
export const systemClock: Clock = {
  now: () => Date.now(),
  every(ms, fn) {
    const timer = setInterval(fn, ms);
    timer.unref();
    return () => clearInterval(timer);
  },
};
