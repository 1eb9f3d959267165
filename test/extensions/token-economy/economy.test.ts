/**
 * @module The token economy on a real database with a fake clock: pricing of real usage into session, day and
 * month; levels and notes; hard-mode grace; day and month rollover in a non-UTC zone; resets; persistence across a
 * reopen; pruning; and config errors naming their field.
 */
import { afterEach, describe, expect, it } from "bun:test";
import { readEconomyConfig } from "../../../src/extensions/token-economy/config.ts";
import { economyFixture, llmOutput, validatedConfig, type EconomyFixture } from "./economy-fixture.ts";

const SONNET = "anthropic/claude-sonnet-4-5-20250929";
/** $0.3 input + $0.3 output + $0.015 cache read + $0.0375 cache write at Sonnet 4.5 prices. */
const BIG = { input: 100_000, output: 20_000, cacheRead: 50_000, cacheWrite: 10_000 };
const BIG_USD = 0.6525;

let f: EconomyFixture;
afterEach(() => f?.cleanup());

describe("usage accrual", () => {
  it("should price each call from its real usage into its session, its day and its month", async () => {
    f = economyFixture("2025-03-14T10:00:00Z");
    const economy = await f.open();
    economy.recordCall(llmOutput("agent:main:a", SONNET, BIG));
    economy.recordCall(llmOutput("agent:main:b", "openai/gpt-4o-mini-2024-07-18", { input: 1_000_000, output: 1_000_000 }));
    const a = economy.status("agent:main:a");
    expect(a.session).toMatchObject({ period: "agent:main:a", calls: 1, tokens: BIG, level: "ok", limitUsd: null });
    expect(a.session!.costUsd).toBeCloseTo(BIG_USD, 10);
    expect(a.daily).toMatchObject({ period: "2025-03-14", calls: 2 });
    expect(a.daily.costUsd).toBeCloseTo(BIG_USD + 0.75, 10);
    expect(a.monthly).toMatchObject({ period: "2025-03", calls: 2 });
    expect(economy.status().session).toBeUndefined();
    const cost = economy.cost("agent:main:a");
    expect(cost.models.filter((m) => m.scope === "daily").map((m) => [m.model, m.displayName, m.priced])).toEqual([
      ["gpt-4o-mini-2024-07-18", "GPT-4o mini", true], ["claude-sonnet-4-5-20250929", "Claude Sonnet 4.5", true],
    ]);
    expect(cost.models.filter((m) => m.scope === "session")).toHaveLength(1);
  });

  it("should record an unpriced model at $0, flag it and warn once; a configured price applies", async () => {
    f = economyFixture("2025-03-14T10:00:00Z");
    const plain = await f.open();
    plain.recordCall(llmOutput("k", "local/llama-3", { input: 500 }));
    plain.recordCall(llmOutput("k", "local/llama-3", { input: 500 }));
    expect(plain.cost().models.find((m) => m.scope === "daily")).toMatchObject({ model: "llama-3", priced: false, costUsd: 0, calls: 2, tokens: { input: 1000 } });
    expect(f.warnings).toHaveLength(1);
    expect(f.warnings[0]).toContain("local/llama-3");
    const priced = await f.open({ pricing: { "local/llama": { input: 2, output: 4 } } });
    priced.recordCall(llmOutput("k", "local/llama-3", { input: 1_000_000, output: 500_000 }));
    expect(priced.status().daily.costUsd).toBe(4);
  });

  it("should not record a call without usage", async () => {
    f = economyFixture("2025-03-14T10:00:00Z");
    const economy = await f.open();
    economy.recordCall({ ...llmOutput("k", SONNET, {}), usage: undefined });
    expect(economy.status().daily.calls).toBe(0);
  });
});

describe("levels and notes", () => {
  it("should warn from the threshold and say the limit is reached past it (soft)", async () => {
    f = economyFixture("2025-03-14T10:00:00Z");
    const economy = await f.open({ dailyLimitUsd: 0.8 });
    expect(economy.promptNote("k")).toBeUndefined();
    economy.recordCall(llmOutput("k", SONNET, BIG));
    expect(economy.status("k").level).toBe("warn");
    expect(economy.promptNote("k")).toBe("[Budget warning: 82% of the $0.80 daily limit used.]");
    economy.recordCall(llmOutput("k", SONNET, BIG));
    expect(economy.status().daily.level).toBe("exceeded");
    expect(economy.promptNote("k")).toMatch(/^\[Budget limit reached: \$1\.3\d of the \$0\.80 daily limit used \(163%\)\. Wrap up/);
    expect(economy.beforeToolCall("k")).toBeUndefined(); // soft mode never blocks
  });
});

describe("hard enforcement", () => {
  it("should let a session over its limit make the grace calls, block the next with a reason, and restart after a reset", async () => {
    f = economyFixture("2025-03-14T10:00:00Z");
    const economy = await f.open({ sessionLimitUsd: 0.5, enforcement: "hard" });
    expect(economy.beforeToolCall("k")).toBeUndefined();
    economy.recordCall(llmOutput("k", SONNET, BIG));
    expect(economy.promptNote("k")).toContain("Grace: 3 tool call(s) left");
    const outcomes = [1, 2, 3, 4, 5].map(() => economy.beforeToolCall("k"));
    expect(outcomes.slice(0, 3)).toEqual([undefined, undefined, undefined]);
    expect(outcomes[3]).toEqual({ block: true, blockReason: "token budget exceeded ($0.6525 of the $0.50 session limit) and the 3 grace tool call(s) are used up. Do not call tools: summarize for the user and end." });
    expect(outcomes[4]?.block).toBe(true);
    expect(economy.status("k").graceUsed).toBe(5);
    expect(economy.promptNote("k")).toContain("Grace: 0 tool call(s) left");
    expect(economy.beforeToolCall("other")).toBeUndefined(); // another session is under its own limit
    economy.reset("session", "k");
    expect(economy.beforeToolCall("k")).toBeUndefined();
    expect(economy.status("k").graceUsed).toBe(0);
  });

  it("should block at once with no grace calls", async () => {
    f = economyFixture("2025-03-14T10:00:00Z");
    const economy = await f.open({ dailyLimitUsd: 0.1, enforcement: "hard", gracePeriodCalls: 0 });
    economy.recordCall(llmOutput("k", SONNET, BIG));
    expect(economy.beforeToolCall("k")?.blockReason).toContain("the 0 grace tool call(s) are used up");
  });
});

describe("rollover in the configured time zone", () => {
  it("should start a new day and month at local midnight (Europe/Madrid, UTC+1), keeping the month within it", async () => {
    f = economyFixture("2025-01-31T22:30:00Z"); // 23:30 on Jan 31 in Madrid
    const economy = await f.open({ timeZone: "Europe/Madrid" });
    economy.recordCall(llmOutput("k", SONNET, BIG));
    expect([economy.status().daily.period, economy.status().monthly.period]).toEqual(["2025-01-31", "2025-01"]);

    f.now = Date.parse("2025-01-31T23:30:00Z"); // 00:30 on Feb 1 in Madrid, still Jan 31 in UTC
    const feb1 = economy.status("k");
    expect([feb1.daily.period, feb1.daily.costUsd, feb1.monthly.period, feb1.monthly.costUsd]).toEqual(["2025-02-01", 0, "2025-02", 0]);
    expect(feb1.session!.costUsd).toBeCloseTo(BIG_USD, 10); // a session is not a calendar period
    economy.recordCall(llmOutput("k", SONNET, { input: 1_000_000 }));

    f.now = Date.parse("2025-02-01T22:59:00Z"); // 23:59 on Feb 1
    expect(economy.status().daily).toMatchObject({ period: "2025-02-01", costUsd: 3 });
    f.now = Date.parse("2025-02-01T23:01:00Z"); // 00:01 on Feb 2
    economy.recordCall(llmOutput("k", SONNET, { output: 100_000 }));
    const feb2 = economy.status();
    expect([feb2.daily.period, feb2.daily.costUsd, feb2.monthly.period, feb2.monthly.costUsd]).toEqual(["2025-02-02", 1.5, "2025-02", 4.5]);
  });

  it("should use UTC by default", async () => {
    f = economyFixture("2025-01-31T23:30:00Z");
    const economy = await f.open();
    expect(economy.status().daily.period).toBe("2025-01-31");
  });

  it("should prune rows untouched for the retention period on a new day", async () => {
    f = economyFixture("2024-01-10T12:00:00Z");
    const economy = await f.open();
    economy.recordCall(llmOutput("old", SONNET, BIG));
    f.now = Date.parse("2025-03-14T12:00:00Z");
    economy.recordCall(llmOutput("new", SONNET, BIG));
    expect(economy.status("old").session!.calls).toBe(0);
    expect(economy.status("new").session!.calls).toBe(1);
  });
});

describe("resets, limits and persistence", () => {
  it("should reset one scope's current period and keep the others", async () => {
    f = economyFixture("2025-03-14T10:00:00Z");
    const economy = await f.open();
    economy.recordCall(llmOutput("a", SONNET, BIG));
    economy.recordCall(llmOutput("b", SONNET, BIG));
    economy.reset("daily");
    expect([economy.status("a").session!.calls, economy.status().daily.calls, economy.status().monthly.calls]).toEqual([1, 0, 2]);
    economy.reset("session", "a");
    expect([economy.status("a").session!.calls, economy.status("b").session!.calls]).toEqual([0, 1]);
    economy.reset("all");
    expect([economy.status("b").session!.calls, economy.status().monthly.calls]).toEqual([0, 0]);
  });

  it("should keep totals, runtime limits and grace counts across a reopen", async () => {
    f = economyFixture("2025-03-14T10:00:00Z");
    const first = await f.open({ dailyLimitUsd: 5, sessionLimitUsd: 0.5, enforcement: "hard" });
    first.recordCall(llmOutput("k", SONNET, BIG));
    expect(first.setLimit("monthly", 20)).toEqual({ session: 0.5, daily: 5, monthly: 20 });
    first.setLimit("daily", 2);
    first.beforeToolCall("k");
    first.beforeToolCall("k");
    const second = await f.open({ dailyLimitUsd: 5, sessionLimitUsd: 0.5, enforcement: "hard" });
    const status = second.status("k");
    expect(status.limits).toEqual({ session: 0.5, daily: 2, monthly: 20 });
    expect(status.daily.costUsd).toBeCloseTo(BIG_USD, 10);
    expect(status.monthly.calls).toBe(1);
    expect(status.graceUsed).toBe(2);
    expect([second.beforeToolCall("k"), second.beforeToolCall("k")?.block]).toEqual([undefined, true]);
  });
});

describe("config", () => {
  it("should name the field of a bad value", async () => {
    const bad = async (raw: Record<string, unknown>) => validatedConfig(raw).then(readEconomyConfig).then(() => "ok", (e: Error) => e.message);
    expect(await bad({ timeZone: "Mars/Olympus" })).toBe('plugins.entries.token-economy.config.timeZone: unknown IANA time zone "Mars/Olympus"');
    expect(await bad({ warnThreshold: 1.5 })).toBe("plugins.entries.token-economy.config.warnThreshold: must be <= 1");
    expect(await bad({ dailyLimitUsd: 0 })).toBe("plugins.entries.token-economy.config.dailyLimitUsd: must be > 0");
    expect(await bad({ gracePeriodCalls: -1 })).toBe("plugins.entries.token-economy.config.gracePeriodCalls: must be >= 0");
    expect(await bad({ pricing: { "gpt-4o": { input: 1, output: 1 } } })).toBe("plugins.entries.token-economy.config.pricing: must NOT have additional properties (gpt-4o)");
    expect(await bad({ limit: 3 })).toBe("plugins.entries.token-economy.config: must NOT have additional properties (limit)");
  });

  it("should fill the defaults", async () => {
    expect(readEconomyConfig(await validatedConfig({}))).toEqual({
      limits: {}, warnThreshold: 0.8, enforcement: "soft", gracePeriodCalls: 3, timeZone: "UTC", pricing: {}, cache: { enabled: true, maxEntries: 256, ttlMs: 300_000 },
    });
  });
});
