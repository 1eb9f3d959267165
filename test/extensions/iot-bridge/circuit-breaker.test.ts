/** @module The circuit breaker with a fake clock: closed → open → half-open → closed, and failing fast while open. */
import { describe, expect, it } from "bun:test";
import { CircuitBreaker, CircuitOpenError } from "../../../src/extensions/iot-bridge/circuit-breaker.ts";

function breaker() {
  const clock = { now: 1_000_000 };
  const b = new CircuitBreaker("edge-1", { threshold: 5, resetMs: 30_000, halfOpenSuccesses: 2 }, () => clock.now);
  return { b, clock };
}

describe("CircuitBreaker", () => {
  it("should open after the threshold of consecutive failures and then refuse at once", () => {
    const { b, clock } = breaker();
    for (let i = 0; i < 4; i++) b.failure();
    expect(b.state).toBe("closed");
    b.admit();
    b.failure();
    expect(b.snapshot()).toEqual({ state: "open", failures: 5, retryAt: clock.now + 30_000 });
    expect(() => b.admit()).toThrow(CircuitOpenError);
    expect(() => b.admit()).toThrow('node "edge-1" is unavailable: its circuit breaker is open');
  });

  it("should count only consecutive failures (a success resets them)", () => {
    const { b } = breaker();
    for (let i = 0; i < 4; i++) b.failure();
    b.success();
    for (let i = 0; i < 4; i++) b.failure();
    expect(b.state).toBe("closed");
  });

  it("should go half-open after the reset time and close after two successes", () => {
    const { b, clock } = breaker();
    for (let i = 0; i < 5; i++) b.failure();
    clock.now += 29_999;
    expect(b.state).toBe("open");
    clock.now += 1;
    expect(b.state).toBe("half-open");
    b.admit();
    b.success();
    expect(b.state).toBe("half-open");
    b.success();
    expect(b.snapshot()).toEqual({ state: "closed", failures: 0 });
  });

  it("should re-open on a failure in half-open, for another full reset time", () => {
    const { b, clock } = breaker();
    for (let i = 0; i < 5; i++) b.failure();
    clock.now += 30_000;
    b.success();
    b.failure();
    expect(b.snapshot()).toMatchObject({ state: "open", retryAt: clock.now + 30_000 });
  });

  it("should turn half-open at once when a probe saw the node answer, and only when open", () => {
    const { b } = breaker();
    b.probeSucceeded();
    expect(b.state).toBe("closed");
    for (let i = 0; i < 5; i++) b.failure();
    b.probeSucceeded();
    expect(b.state).toBe("half-open");
    b.admit();
  });
});
