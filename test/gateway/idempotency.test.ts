import { describe, expect, it } from "bun:test";
import { DedupeCache, type Outcome } from "../../src/gateway/idempotency.ts";

/** A producer that counts its calls and answers `outcome`. */
function producer(outcome: Outcome = { ok: true, payload: { n: 1 } }) {
  const p = { calls: 0, run: () => { p.calls++; return Promise.resolve(outcome); } };
  return p;
}

function clockedCache(options: { ttlMs?: number; maxEntries?: number } = {}) {
  const clock = { now: 1_000 };
  return { cache: new DedupeCache({ ...options, now: () => clock.now }), clock };
}

describe("DedupeCache", () => {
  it("should replay the first outcome for a repeated key without running again", async () => {
    const cache = new DedupeCache();
    const p = producer({ ok: true, payload: { id: "first" } });
    const first = await cache.run("m:k", p.run);
    const second = await cache.run("m:k", producer({ ok: true, payload: { id: "second" } }).run);
    expect(p.calls).toBe(1);
    expect(second).toEqual({ ok: true, payload: { id: "first" } });
    expect(second).toBe(first);
  });

  it("should keep different keys apart", async () => {
    const cache = new DedupeCache();
    const a = producer({ ok: true, payload: "a" });
    const b = producer({ ok: true, payload: "b" });
    expect(await cache.run("m:a", a.run)).toEqual({ ok: true, payload: "a" });
    expect(await cache.run("m:b", b.run)).toEqual({ ok: true, payload: "b" });
    expect([a.calls, b.calls]).toEqual([1, 1]);
  });

  it("should share one in-flight run between concurrent callers", async () => {
    const cache = new DedupeCache();
    let finish!: (o: Outcome) => void;
    let calls = 0;
    const slow = () => { calls++; return new Promise<Outcome>((resolve) => { finish = resolve; }); };
    const first = cache.run("m:k", slow);
    const second = cache.run("m:k", slow);
    expect(calls).toBe(1);
    finish({ ok: true, payload: 42 });
    expect(await first).toEqual({ ok: true, payload: 42 });
    expect(await second).toEqual({ ok: true, payload: 42 });
  });

  it("should forget an entry once its TTL passed", async () => {
    const { cache, clock } = clockedCache({ ttlMs: 1000 });
    const p = producer();
    await cache.run("m:k", p.run);
    clock.now += 999;
    expect(cache.get("m:k")).toBeDefined();
    await cache.run("m:k", p.run);
    expect(p.calls).toBe(1);
    clock.now += 1; // exactly ttlMs after the first run
    expect(cache.get("m:k")).toBeUndefined();
    await cache.run("m:k", p.run);
    expect(p.calls).toBe(2);
  });

  it("should evict the oldest entries past maxEntries", async () => {
    const { cache, clock } = clockedCache({ maxEntries: 2 });
    const a = producer();
    await cache.run("a", a.run);
    clock.now++;
    await cache.run("b", producer().run);
    clock.now++;
    await cache.run("c", producer().run);
    expect(cache.size).toBe(2);
    expect(cache.get("a")).toBeUndefined();
    expect(cache.get("b")).toBeDefined();
    expect(cache.get("c")).toBeDefined();
    await cache.run("a", a.run);
    expect(a.calls).toBe(2);
  });

  it("should drop expired entries when a new one is added", async () => {
    const { cache, clock } = clockedCache({ ttlMs: 100 });
    await cache.run("old", producer().run);
    clock.now += 100;
    await cache.run("new", producer().run);
    expect(cache.size).toBe(1);
  });

  it("should not cache a retryable failure, so a retry runs again", async () => {
    const cache = new DedupeCache();
    const failing = producer({ ok: false, error: { code: "UNAVAILABLE", message: "busy", retryable: true } });
    expect(await cache.run("m:k", failing.run)).toMatchObject({ ok: false });
    expect(cache.size).toBe(0);
    const ok = producer({ ok: true, payload: "done" });
    expect(await cache.run("m:k", ok.run)).toEqual({ ok: true, payload: "done" });
    expect([failing.calls, ok.calls]).toEqual([1, 1]);
  });

  it("should cache a failure that is not retryable", async () => {
    const cache = new DedupeCache();
    const failing = producer({ ok: false, error: { code: "INVALID_REQUEST", message: "bad" } });
    await cache.run("m:k", failing.run);
    const again = await cache.run("m:k", producer().run);
    expect(again).toEqual({ ok: false, error: { code: "INVALID_REQUEST", message: "bad" } });
    expect(failing.calls).toBe(1);
  });
});
