/**
 * @module The rate limiter (extensions.md §10, layer 7): a sliding window per key (per skill) — at most `max` calls
 * in any `windowMs` span, counted from the exact times of the admitted calls. The clock is injected for tests.
 */

/** A sliding-window rate limiter keyed by skill (or any string). */
export class SlidingWindowLimiter {
  private readonly calls = new Map<string, number[]>();

  /**
   * @param max calls admitted per window (≥ 1)
   * @param windowMs the window length in ms (60 000 for `maxCallsPerMinute`)
   * @param now the clock (ms)
   */
  constructor(private readonly max: number, private readonly windowMs: number, private readonly now: () => number = Date.now) {
    if (!(max >= 1) || !(windowMs > 0)) throw new RangeError("SlidingWindowLimiter needs max ≥ 1 and windowMs > 0");
  }

  /** Admits one call for `key` and answers true, or answers false when `key` already made `max` calls in the window. */
  take(key: string): boolean {
    const at = this.now();
    const recent = (this.calls.get(key) ?? []).filter((t) => t > at - this.windowMs);
    const admitted = recent.length < this.max;
    if (admitted) recent.push(at);
    if (recent.length === 0) this.calls.delete(key);
    else this.calls.set(key, recent);
    return admitted;
  }
}
