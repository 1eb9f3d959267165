/** The reconnect backoff shared by the channel adapters. */
import { describe, expect, it } from "bun:test";
import { backoffDelay } from "../../src/channels/backoff.ts";

describe("backoffDelay", () => {
  const bounds = { initialMs: 500, maxMs: 30_000 };

  it("should double per failure up to the cap", () => {
    const mid = () => 0.5; // no jitter
    expect([0, 1, 2, 3, 10].map((n) => backoffDelay(n, { ...bounds, random: mid }))).toEqual([500, 1000, 2000, 4000, 30_000]);
  });

  it("should spread the delay by ±20 %", () => {
    expect(backoffDelay(1, { ...bounds, random: () => 0 })).toBe(800);
    expect(backoffDelay(1, { ...bounds, random: () => 0.999999 })).toBeCloseTo(1200, 2);
  });
});
