/**
 * @module The host's circuit breaker with a fake clock, as the iot-bridge drives it (admit / success / failure /
 * probe, one per node) and as a plugin wraps a backend call in `run`: closed → open → half-open → closed, failing
 * fast while open; and the plugin API hands it out.
 */
import { describe, expect, it } from "bun:test";
import { CircuitBreaker, CircuitOpenError } from "../../src/plugins/circuit-breaker.ts";
import { PluginRegistry, type PluginHostDeps, type PluginRecord } from "../../src/plugins/registry.ts";

function breaker() {
  const clock = { now: 1_000_000 };
  const b = new CircuitBreaker({ name: 'node "edge-1"', failureThreshold: 5, resetMs: 30_000, successesToClose: 2, now: () => clock.now });
  return { b, clock };
}

describe("CircuitBreaker, recording outcomes itself", () => {
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

describe("CircuitBreaker.run", () => {
  const fail = (): Promise<never> => Promise.reject(new Error("backend down"));
  const ok = (): Promise<string> => Promise.resolve("ok");

  it("opens after the failure threshold and then fails fast without calling", async () => {
    let now = 0;
    const breaker = new CircuitBreaker({ failureThreshold: 3, resetMs: 30_000, successesToClose: 2, now: () => now });
    for (let i = 0; i < 3; i++) await expect(breaker.run(fail)).rejects.toThrow("backend down");
    expect(breaker.state).toBe("open");
    let called = false;
    await expect(breaker.run(() => ((called = true), ok()))).rejects.toBeInstanceOf(CircuitOpenError);
    expect(called).toBe(false);
    now = 29_999;
    expect(breaker.state).toBe("open");
  });

  it("half-open after the reset time; the set number of successes close it", async () => {
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

  it("a failure while half-open re-opens it for another reset time", async () => {
    let now = 0;
    const breaker = new CircuitBreaker({ failureThreshold: 1, resetMs: 1000, now: () => now });
    await expect(breaker.run(fail)).rejects.toThrow();
    now = 1000;
    await expect(breaker.run(fail)).rejects.toThrow("backend down");
    expect(breaker.state).toBe("open");
    now = 1999;
    await expect(breaker.run(ok)).rejects.toBeInstanceOf(CircuitOpenError);
    now = 2000;
    expect(breaker.state).toBe("half-open");
  });

  it("a success resets the consecutive-failure count; defaults are 5 failures", async () => {
    const breaker = new CircuitBreaker({ now: () => 0 });
    for (let i = 0; i < 4; i++) await expect(breaker.run(fail)).rejects.toThrow();
    await breaker.run(ok);
    for (let i = 0; i < 4; i++) await expect(breaker.run(fail)).rejects.toThrow();
    expect(breaker.state).toBe("closed");
    await expect(breaker.run(fail)).rejects.toThrow();
    expect(breaker.state).toBe("open");
  });

  it("names a backend without a name as `backend` in its open error", async () => {
    const breaker = new CircuitBreaker({ failureThreshold: 1, now: () => 0 });
    await expect(breaker.run(fail)).rejects.toThrow();
    await expect(breaker.run(ok)).rejects.toThrow("backend is unavailable: its circuit breaker is open");
  });
});

describe("api.createCircuitBreaker", () => {
  it("hands each plugin a new breaker with the given options", () => {
    const log = { debug() {}, info() {}, warn() {}, error() {}, child: () => log };
    const registry = new PluginRegistry({ stateDir: "", workspaceDir: "", config: {}, log } as unknown as PluginHostDeps);
    const record = { id: "p", registered: { tools: [], hooks: [], methods: [], routes: [], cli: [], services: [], commands: [], channels: [], providers: [] } } as unknown as PluginRecord;
    const api = registry.apiFor(record, { id: "p" } as never, {});
    const a = api.createCircuitBreaker({ failureThreshold: 1, now: () => 0 });
    const b = api.createCircuitBreaker();
    a.failure();
    expect(a.state).toBe("open");
    expect(b.state).toBe("closed");
  });
});
