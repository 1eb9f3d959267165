import { describe, expect, it } from "bun:test";
import { CAPABILITY_TTL_MS, CapabilityStore } from "../../src/canvas/capabilities.ts";

function clockedStore(opts: { maxPerNode?: number } = {}) {
  let now = 1_000_000;
  const store = new CapabilityStore({ now: () => now, ...opts });
  return { store, advance: (ms: number) => { now += ms; } };
}

describe("CapabilityStore", () => {
  it("should mint 18 random bytes as base64url", () => {
    const { store } = clockedStore();
    const a = store.mint("node-1");
    const b = store.mint("node-1");
    expect(a).toMatch(/^[A-Za-z0-9_-]{24}$/);
    expect(Buffer.from(a, "base64url")).toHaveLength(18);
    expect(a).not.toBe(b);
  });

  it("should verify a capability to its node until the 10-minute TTL passes", () => {
    const { store, advance } = clockedStore();
    const cap = store.mint("node-1");
    expect(CAPABILITY_TTL_MS).toBe(600_000);
    advance(CAPABILITY_TTL_MS - 1);
    expect(store.verify(cap)).toBe("node-1");
    advance(1);
    expect(store.verify(cap)).toBeNull();
    expect(store.size).toBe(0);
  });

  it("should return null for an unknown capability", () => {
    expect(clockedStore().store.verify("nope")).toBeNull();
  });

  it("should refresh a valid capability into a new one with a full TTL", () => {
    const { store, advance } = clockedStore();
    const old = store.mint("node-1");
    advance(9 * 60_000);
    const fresh = store.refresh(old);
    expect(fresh).not.toBeNull();
    expect(fresh).not.toBe(old);
    expect(store.expiresAt(fresh!)).toBe(1_000_000 + 9 * 60_000 + CAPABILITY_TTL_MS);
    advance(2 * 60_000);
    expect(store.verify(old)).toBeNull();
    expect(store.verify(fresh!)).toBe("node-1");
  });

  it("should not refresh an expired or unknown capability", () => {
    const { store, advance } = clockedStore();
    const cap = store.mint("node-1");
    advance(CAPABILITY_TTL_MS);
    expect(store.refresh(cap)).toBeNull();
    expect(store.refresh("unknown")).toBeNull();
  });

  it("should revoke every capability of one node only", () => {
    const { store } = clockedStore();
    const a = store.mint("node-1");
    const b = store.mint("node-1");
    const c = store.mint("node-2");
    expect(store.revokeNode("node-1")).toBe(2);
    expect(store.verify(a)).toBeNull();
    expect(store.verify(b)).toBeNull();
    expect(store.verify(c)).toBe("node-2");
    expect(store.revoke(c)).toBe(true);
    expect(store.verify(c)).toBeNull();
  });

  it("should prune expired entries", () => {
    const { store, advance } = clockedStore();
    store.mint("node-1");
    advance(60_000);
    store.mint("node-2");
    advance(CAPABILITY_TTL_MS - 30_000);
    expect(store.prune()).toBe(1);
    expect(store.size).toBe(1);
  });

  it("should keep at most maxPerNode live capabilities per node, dropping the oldest", () => {
    const { store } = clockedStore({ maxPerNode: 3 });
    const caps = Array.from({ length: 5 }, () => store.mint("node-1"));
    const other = store.mint("node-2");
    expect(caps.map((cap) => store.verify(cap))).toEqual([null, null, "node-1", "node-1", "node-1"]);
    expect(store.verify(other)).toBe("node-2");
  });

  it("should reject bad options with a message naming them", () => {
    expect(() => new CapabilityStore({ ttlMs: 0 })).toThrow("CapabilityStore: ttlMs must be a positive number, got 0");
    expect(() => new CapabilityStore({ maxPerNode: 0 })).toThrow("CapabilityStore: maxPerNode must be a positive integer, got 0");
  });
});
