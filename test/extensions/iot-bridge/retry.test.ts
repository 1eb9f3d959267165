/** @module Exponential backoff with bounded jitter, and the retry loop with a recorded sleep. */
import { describe, expect, it } from "bun:test";
import { backoffDelay, withRetries } from "../../../src/extensions/iot-bridge/retry.ts";

const opts = { maxRetries: 2, baseMs: 300, capMs: 60_000 };

describe("backoffDelay", () => {
  it("should double from the base and add 0-30% jitter", () => {
    expect([0, 1, 2, 3].map((n) => backoffDelay(n, opts, () => 0))).toEqual([300, 600, 1200, 2400]);
    expect(backoffDelay(0, opts, () => 0.999999)).toBe(390);
    expect(backoffDelay(2, opts, () => 0.5)).toBe(1380);
  });

  it("should cap the exponential part, jitter included, at capMs × 1.3", () => {
    expect(backoffDelay(20, opts, () => 0)).toBe(60_000);
    expect(backoffDelay(50, opts, () => 0.999999)).toBeLessThanOrEqual(78_000);
  });
});

describe("withRetries", () => {
  it("should retry a retryable error maxRetries times with growing delays, then throw the last error", async () => {
    const slept: number[] = [];
    let attempts = 0;
    const run = withRetries(async (n) => {
      attempts++;
      throw new Error(`fail ${n}`);
    }, { ...opts, retryable: () => true, sleep: async (ms) => void slept.push(ms), random: () => 0 });
    await expect(run).rejects.toThrow("fail 2");
    expect([attempts, slept]).toEqual([3, [300, 600]]);
  });

  it("should not retry an error that is not retryable, and answer a later success", async () => {
    let attempts = 0;
    const stop = withRetries(async () => {
      attempts++;
      throw new Error("no");
    }, { ...opts, retryable: () => false, sleep: async () => {} });
    await expect(stop).rejects.toThrow("no");
    expect(attempts).toBe(1);
    const later = await withRetries(async (n) => {
      if (n < 1) throw new Error("once");
      return "ok";
    }, { ...opts, retryable: () => true, sleep: async () => {} });
    expect(later).toBe("ok");
  });
});
