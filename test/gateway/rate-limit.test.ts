import { describe, expect, it } from "bun:test";
import { AuthRateLimiter, type RateLimitOptions } from "../../src/gateway/rate-limit.ts";

const IP = "203.0.113.7";
const OTHER = "203.0.113.8";

/** A limiter with 3 attempts per 1 s window and a 5 s lockout, on a clock the test moves. */
function limiter(options: Partial<RateLimitOptions> = {}) {
  const clock = { now: 0 };
  const rl = new AuthRateLimiter({ maxAttempts: 3, windowMs: 1000, lockoutMs: 5000, exemptLoopback: true, ...options }, () => clock.now);
  return { rl, clock };
}

describe("AuthRateLimiter", () => {
  it("should lock an address out after maxAttempts failures inside the window", () => {
    const { rl, clock } = limiter();
    expect(rl.recordFailure(IP, false)).toBe(0);
    clock.now = 100;
    expect(rl.recordFailure(IP, false)).toBe(0);
    expect(rl.retryAfterMs(IP, false)).toBe(0);
    clock.now = 200;
    expect(rl.recordFailure(IP, false)).toBe(5000);
    expect(rl.retryAfterMs(IP, false)).toBe(5000);
    clock.now = 1200;
    expect(rl.retryAfterMs(IP, false)).toBe(4000);
  });

  it("should track addresses independently", () => {
    const { rl } = limiter();
    for (let i = 0; i < 3; i++) rl.recordFailure(IP, false);
    expect(rl.retryAfterMs(IP, false)).toBeGreaterThan(0);
    expect(rl.retryAfterMs(OTHER, false)).toBe(0);
    expect(rl.recordFailure(OTHER, false)).toBe(0);
  });

  it("should not count failures that left the sliding window", () => {
    const { rl, clock } = limiter();
    rl.recordFailure(IP, false); // t=0
    clock.now = 1;
    rl.recordFailure(IP, false); // t=1
    clock.now = 1000; // t=0 is now exactly one window old: out
    expect(rl.recordFailure(IP, false)).toBe(0);
    clock.now = 1001; // t=1 out as well
    expect(rl.recordFailure(IP, false)).toBe(0);
    expect(rl.retryAfterMs(IP, false)).toBe(0);
    clock.now = 1500; // 1000, 1001, 1500 are all inside
    expect(rl.recordFailure(IP, false)).toBe(5000);
  });

  it("should let the address try again once the lockout expired, with a fresh count", () => {
    const { rl, clock } = limiter();
    for (let i = 0; i < 3; i++) rl.recordFailure(IP, false);
    clock.now = 4999;
    expect(rl.retryAfterMs(IP, false)).toBe(1);
    clock.now = 5000;
    expect(rl.retryAfterMs(IP, false)).toBe(0);
    expect(rl.recordFailure(IP, false)).toBe(0); // the failures before the lockout do not count again
    expect(rl.recordFailure(IP, false)).toBe(0);
    expect(rl.recordFailure(IP, false)).toBe(5000);
    expect(rl.retryAfterMs(IP, false)).toBe(5000);
  });

  it("should never limit loopback clients when exemptLoopback is set", () => {
    const { rl } = limiter();
    for (let i = 0; i < 10; i++) expect(rl.recordFailure("127.0.0.1", true)).toBe(0);
    expect(rl.retryAfterMs("127.0.0.1", true)).toBe(0);
  });

  it("should limit loopback clients when exemptLoopback is off", () => {
    const { rl } = limiter({ exemptLoopback: false });
    rl.recordFailure("127.0.0.1", true);
    rl.recordFailure("127.0.0.1", true);
    expect(rl.recordFailure("127.0.0.1", true)).toBe(5000);
    expect(rl.retryAfterMs("127.0.0.1", true)).toBe(5000);
  });

  it("should clear the failures of an address on success", () => {
    const { rl } = limiter();
    rl.recordFailure(IP, false);
    rl.recordFailure(IP, false);
    rl.recordSuccess(IP);
    expect(rl.recordFailure(IP, false)).toBe(0);
    expect(rl.recordFailure(IP, false)).toBe(0); // 4 failures in the window, but 2 were before the success
    expect(rl.retryAfterMs(IP, false)).toBe(0);
  });

  it("should not lift a running lockout on success", () => {
    const { rl, clock } = limiter();
    for (let i = 0; i < 3; i++) rl.recordFailure(IP, false);
    clock.now = 10;
    rl.recordSuccess(IP);
    expect(rl.retryAfterMs(IP, false)).toBe(4990);
  });
});
