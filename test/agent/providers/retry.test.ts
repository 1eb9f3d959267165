import { describe, expect, it } from "bun:test";
import { ProviderError, ProviderNetworkError } from "../../../src/agent/providers/errors.ts";
import { isRetryable, withRetries } from "../../../src/agent/providers/retry.ts";

type Outcome = { items?: string[]; error?: unknown };

/** A `call` that plays `outcomes` in turn (the last one repeats) and counts attempts. */
function script(...outcomes: Outcome[]): { call: () => AsyncIterable<string>; attempts: () => number } {
  let attempts = 0;
  return {
    attempts: () => attempts,
    call: () => {
      const outcome = outcomes[Math.min(attempts++, outcomes.length - 1)]!;
      return (async function* () {
        for (const item of outcome.items ?? []) yield item;
        if (outcome.error !== undefined) throw outcome.error;
      })();
    },
  };
}

async function run(iterable: AsyncIterable<string>): Promise<{ items: string[]; error: unknown }> {
  const items: string[] = [];
  try {
    for await (const item of iterable) items.push(item);
    return { items, error: undefined };
  } catch (error) {
    return { items, error };
  }
}

const overloaded = new ProviderError({ provider: "p", model: "m", status: 529, type: "overloaded_error", message: "Overloaded" });
const badRequest = new ProviderError({ provider: "p", model: "m", status: 400, message: "bad" });
const cut = new ProviderNetworkError("p", "m", "stream ended before message_stop");

describe("withRetries", () => {
  it("should back off exponentially with full jitter, capped at maxMs", async () => {
    const { call, attempts } = script({ error: overloaded }, { error: overloaded }, { error: overloaded }, { error: cut }, { items: ["ok"] });
    const waits: number[] = [];
    const result = await run(withRetries(call, { retries: 4, baseMs: 500, maxMs: 1500, random: () => 0.5, sleep: async (ms) => void waits.push(ms) }));
    expect(result).toEqual({ items: ["ok"], error: undefined });
    expect(waits).toEqual([250, 500, 750, 750]);
    expect(attempts()).toBe(5);
  });

  it("should wait retryAfterMs when the provider gave one", async () => {
    const limited = new ProviderError({ provider: "p", model: "m", status: 429, message: "slow", retryAfterMs: 1234 });
    const { call } = script({ error: limited }, { items: ["ok"] });
    const waits: number[] = [];
    await run(withRetries(call, { sleep: async (ms) => void waits.push(ms) }));
    expect(waits).toEqual([1234]);
  });

  it("should throw at once when retry-after is longer than maxRetryAfterMs", async () => {
    const limited = new ProviderError({ provider: "p", model: "m", status: 429, message: "slow", retryAfterMs: 3_600_000 });
    const { call, attempts } = script({ error: limited });
    const result = await run(withRetries(call, { sleep: async () => {} }));
    expect(result.error).toBe(limited);
    expect(attempts()).toBe(1);
  });

  it("should give up after `retries` retries with the last error", async () => {
    const { call, attempts } = script({ error: overloaded });
    const result = await run(withRetries(call, { retries: 2, sleep: async () => {} }));
    expect(result.error).toBe(overloaded);
    expect(attempts()).toBe(3);
  });

  it("should not retry a non-retryable error", async () => {
    const { call, attempts } = script({ error: badRequest });
    expect((await run(withRetries(call, { sleep: async () => {} }))).error).toBe(badRequest);
    expect(attempts()).toBe(1);
  });

  it("should never retry after partial output", async () => {
    const { call, attempts } = script({ items: ["Hel"], error: cut }, { items: ["Hello"] });
    const result = await run(withRetries(call, { sleep: async () => {} }));
    expect(result).toEqual({ items: ["Hel"], error: cut });
    expect(attempts()).toBe(1);
  });

  it("should stop waiting at once on abort, even with a sleep that ignores the signal", async () => {
    const { call, attempts } = script({ error: overloaded }, { items: ["late"] });
    const controller = new AbortController();
    let sleeping!: () => void;
    const asleep = new Promise<void>((resolve) => (sleeping = resolve));
    const pending = run(
      withRetries(call, {
        signal: controller.signal,
        sleep: () => {
          sleeping();
          return new Promise<void>(() => {});
        },
      }),
    );
    await asleep;
    controller.abort();
    const result = await pending;
    expect((result.error as Error).name).toBe("AbortError");
    expect(attempts()).toBe(1);
  });

  it("should abort the default sleep at once", async () => {
    const { call, attempts } = script({ error: overloaded }, { items: ["late"] });
    const controller = new AbortController();
    const started = Date.now();
    const pending = run(withRetries(call, { signal: controller.signal, baseMs: 60_000, maxMs: 60_000, random: () => 0.99, onRetry: () => controller.abort() }));
    const result = await pending;
    expect((result.error as Error).name).toBe("AbortError");
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(attempts()).toBe(1);
  });
});

describe("isRetryable", () => {
  it("should accept retryable provider errors and network errors only", () => {
    expect(isRetryable(overloaded)).toBe(true);
    expect(isRetryable(cut)).toBe(true);
    expect(isRetryable(badRequest)).toBe(false);
    expect(isRetryable(new Error("boom"))).toBe(false);
    expect(isRetryable(new DOMException("stop", "AbortError"))).toBe(false);
  });
});
