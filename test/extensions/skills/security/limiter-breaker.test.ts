import { describe, expect, test } from "bun:test";
import { BreakerOpenError, CircuitBreaker } from "../../../../src/extensions/skills/security/circuit-breaker.ts";
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

describe("layer 14: circuit breaker", () => {
  const fail = (): Promise<never> => Promise.reject(new Error("backend down"));
  const ok = (): Promise<string> => Promise.resolve("ok");

  test("opens after the failure threshold and then fails fast without calling", async () => {
    let now = 0;
    const breaker = new CircuitBreaker({ failureThreshold: 3, resetMs: 30_000, successesToClose: 2, now: () => now });
    for (let i = 0; i < 3; i++) await expect(breaker.run(fail)).rejects.toThrow("backend down");
    expect(breaker.state).toBe("open");
    let called = false;
    await expect(breaker.run(() => ((called = true), ok()))).rejects.toBeInstanceOf(BreakerOpenError);
    expect(called).toBe(false);
    now = 29_999;
    expect(breaker.state).toBe("open");
  });

  test("half-open after the reset time; the set number of successes close it", async () => {
    let now = 0;
    const breaker = new CircuitBreaker({ failureThreshold: 1, resetMs: 1000, successesToClose: 2, now: () => now });
    await expect(breaker.run(fail)).rejects.toThrow();
    now = 1000;
    expect(breaker.state).toBe("half-open");
    expect(await breaker.run(ok)).toBe("ok");
    expect(breaker.state).toBe("half-open");
    await breaker.run(ok);
    expect(breaker.state).toBe("closed");
  });

  test("a failure while half-open re-opens it for another reset time", async () => {
    let now = 0;
    const breaker = new CircuitBreaker({ failureThreshold: 1, resetMs: 1000, now: () => now });
    await expect(breaker.run(fail)).rejects.toThrow();
    now = 1000;
    await expect(breaker.run(fail)).rejects.toThrow("backend down");
    expect(breaker.state).toBe("open");
    now = 1999;
    await expect(breaker.run(ok)).rejects.toBeInstanceOf(BreakerOpenError);
    now = 2000;
    expect(breaker.state).toBe("half-open");
  });

  test("a success resets the consecutive-failure count; defaults are 5 failures", async () => {
    const breaker = new CircuitBreaker({ now: () => 0 });
    for (let i = 0; i < 4; i++) await expect(breaker.run(fail)).rejects.toThrow();
    await breaker.run(ok);
    for (let i = 0; i < 4; i++) await expect(breaker.run(fail)).rejects.toThrow();
    expect(breaker.state).toBe("closed");
    await expect(breaker.run(fail)).rejects.toThrow();
    expect(breaker.state).toBe("open");
  });
});
