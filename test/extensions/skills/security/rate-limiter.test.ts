import { describe, expect, test } from "bun:test";
import { SlidingWindowLimiter } from "../../../../src/extensions/skills/security/rate-limiter.ts";

describe("layer 7: sliding-window rate limiter", () => {
  test("admits max calls per window per key, then frees slots as they age out", () => {
    let now = 1_000_000;
    const limiter = new SlidingWindowLimiter(3, 60_000, () => now);
    expect([limiter.take("a"), limiter.take("a"), limiter.take("a"), limiter.take("a")]).toEqual([true, true, true, false]);
    expect(limiter.take("b")).toBe(true);
    now += 59_999;
    expect(limiter.take("a")).toBe(false);
    now += 1; // the first three calls are now exactly one window old
    expect([limiter.take("a"), limiter.take("a"), limiter.take("a"), limiter.take("a")]).toEqual([true, true, true, false]);
  });
  test("a sliding window, not a fixed one: calls spread over the window count together", () => {
    let now = 0;
    const limiter = new SlidingWindowLimiter(2, 1000, () => now);
    expect(limiter.take("k")).toBe(true);
    now = 900;
    expect(limiter.take("k")).toBe(true);
    now = 1100; // a fixed window would have reset at 1000
    expect(limiter.take("k")).toBe(true); // the call at 0 aged out
    expect(limiter.take("k")).toBe(false); // 900 and 1100 fill the window
  });
  test("refused calls do not count", () => {
    let now = 0;
    const limiter = new SlidingWindowLimiter(1, 1000, () => now);
    expect(limiter.take("k")).toBe(true);
    now = 500;
    expect(limiter.take("k")).toBe(false);
    now = 1000;
    expect(limiter.take("k")).toBe(true);
  });
  test("bad limits are refused", () => {
    expect(() => new SlidingWindowLimiter(0, 1000)).toThrow(RangeError);
  });
});
