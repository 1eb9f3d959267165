/**
 * @module The observational prompt cache: a repeated identical request is a hit worth the first one's cost; a
 * different context, an expired entry, an evicted one or a failed call is not; concurrent calls keep their keys.
 */
import { afterEach, describe, expect, it } from "bun:test";
import { PromptCache, requestKey } from "../../../src/extensions/token-economy/prompt-cache.ts";
import { economyFixture, llmInput, llmOutput, type EconomyFixture } from "./economy-fixture.ts";

const shape = (prompt: string, history: unknown[] = []) => ({ provider: "anthropic", model: "m", systemPrompt: "sys", history, prompt });

describe("PromptCache", () => {
  it("should count a repeated request as a hit worth the first one's cost", () => {
    let now = 0;
    const cache = new PromptCache({ maxEntries: 10, ttlMs: 1000, clock: () => now });
    cache.observeRequest("c1", requestKey(shape("hi")));
    cache.observeOutcome("c1", 0.25);
    cache.observeRequest("c2", requestKey(shape("hi")));
    cache.observeRequest("c3", requestKey(shape("hi", [{ role: "user", content: "earlier" }])));
    expect(cache.stats()).toEqual({ enabled: true, entries: 1, hits: 1, misses: 2, estimatedSavingsUsd: 0.25 });
    now = 1001;
    cache.observeRequest("c4", requestKey(shape("hi")));
    expect(cache.stats()).toMatchObject({ hits: 1, misses: 3, entries: 0 });
  });

  it("should evict the least recently used entry and forget failed calls", () => {
    const cache = new PromptCache({ maxEntries: 2, ttlMs: 1000, clock: () => 0 });
    for (const p of ["a", "b"]) {
      cache.observeRequest(p, requestKey(shape(p)));
      cache.observeOutcome(p, 1);
    }
    cache.observeRequest("a2", requestKey(shape("a"))); // a is now the most recent
    cache.observeRequest("c", requestKey(shape("c")));
    cache.observeOutcome("c", 1); // evicts b
    cache.observeRequest("b2", requestKey(shape("b")));
    cache.observeOutcome("b2", undefined); // failed: not remembered
    cache.observeRequest("b3", requestKey(shape("b")));
    expect(cache.stats()).toMatchObject({ hits: 1, misses: 5, entries: 2 });
  });
});

describe("prompt cache in the economy", () => {
  let f: EconomyFixture;
  afterEach(() => f.cleanup());

  it("should store each call's own cost even when calls overlap, and show the savings in the status", async () => {
    f = economyFixture("2025-03-14T10:00:00Z");
    const economy = await f.open();
    economy.observeRequest(llmInput("x", "cheap"));
    economy.observeRequest(llmInput("y", "dear"));
    economy.recordCall(llmOutput("k", "anthropic/claude-sonnet-4-5", { output: 1_000_000 }, { callId: "y" }));
    economy.recordCall(llmOutput("k", "anthropic/claude-sonnet-4-5", { input: 1_000_000 }, { callId: "x" }));
    economy.observeRequest(llmInput("z", "dear"));
    expect(economy.status().cache).toEqual({ enabled: true, entries: 2, hits: 1, misses: 2, estimatedSavingsUsd: 15 });
  });

  it("should report the cache as off when disabled", async () => {
    f = economyFixture("2025-03-14T10:00:00Z");
    const economy = await f.open({ cache: { enabled: false } });
    economy.observeRequest(llmInput("x", "p"));
    expect(economy.status().cache).toEqual({ enabled: false, entries: 0, hits: 0, misses: 0, estimatedSavingsUsd: 0 });
  });
});
