/** @module Tests of the context budget: token estimates, the budget, the context window and the compaction split point. */
import { describe, expect, it } from "bun:test";
import {
  IMAGE_TOKENS, MESSAGE_OVERHEAD_TOKENS, budgetTokens, chooseSplit, contextWindowOf, estimateBlockTokens, estimateMessagesTokens,
  estimateRequestTokens, estimateTextTokens, estimateToolsTokens, isTurnStart, type SplitItem,
} from "../../src/agent/context-budget.ts";

const user = (text: string): SplitItem => ({ role: "user", content: [{ type: "text", text }] });
const assistant = (text: string): SplitItem => ({ role: "assistant", content: [{ type: "text", text }] });
const call = (id: string): SplitItem => ({ role: "assistant", content: [{ type: "tool_use", id, name: "read", input: { path: "a.txt" } }] });
const result = (id: string, text = "ok"): SplitItem => ({ role: "toolResult", content: [{ type: "tool_result", toolUseId: id, content: text }] });

describe("token estimates", () => {
  it("should count about four characters per token, rounding up", () => {
    expect(estimateTextTokens("")).toBe(0);
    expect(estimateTextTokens("abcd")).toBe(1);
    expect(estimateTextTokens("abcde")).toBe(2);
    expect(estimateTextTokens("x".repeat(4000))).toBe(1000);
  });

  it("should estimate every kind of block", () => {
    expect(estimateBlockTokens({ type: "text", text: "x".repeat(40) })).toBe(10);
    expect(estimateBlockTokens({ type: "thinking", thinking: "x".repeat(8) })).toBe(2);
    expect(estimateBlockTokens({ type: "image", mediaType: "image/png", data: "x".repeat(1_000_000) })).toBe(IMAGE_TOKENS);
    expect(estimateBlockTokens({ type: "tool_use", id: "t1", name: "read", input: { path: "a.txt" } })).toBe(1 + estimateTextTokens('{"path":"a.txt"}'));
    expect(estimateBlockTokens({ type: "tool_result", toolUseId: "t1", content: "x".repeat(12) })).toBe(3);
  });

  it("should add a per-message overhead and count the system prompt and tool schemas of a request", () => {
    const messages = [user("x".repeat(40)), assistant("y".repeat(20))];
    expect(estimateMessagesTokens(messages)).toBe(10 + 5 + 2 * MESSAGE_OVERHEAD_TOKENS);
    const tools = [{ name: "read", description: "Read a file.", inputSchema: { type: "object" } }];
    expect(estimateToolsTokens(tools)).toBe(estimateTextTokens(`readRead a file.${JSON.stringify({ type: "object" })}`));
    const request = { system: "s".repeat(400), tools, messages: messages.map((m) => ({ role: m.role as "user" | "assistant", content: [...m.content] })) };
    expect(estimateRequestTokens(request)).toBe(100 + estimateToolsTokens(tools) + estimateMessagesTokens(messages));
  });
});

describe("budgetTokens", () => {
  it("should leave the reserve free below the context window", () => {
    expect(budgetTokens({ contextTokens: 200_000, reserveTokens: 16_000 })).toBe(184_000);
    expect(budgetTokens({ contextTokens: 10_000, reserveTokens: 0 })).toBe(10_000);
  });

  it("should reserve at most half the window", () => {
    expect(budgetTokens({ contextTokens: 10_000, reserveTokens: 16_000 })).toBe(5_000);
    expect(budgetTokens({ contextTokens: 1, reserveTokens: 16_000 })).toBe(1);
  });
});

describe("contextWindowOf", () => {
  const config = (contextTokens: number, contextWindow?: number) => ({
    agents: { defaults: { contextTokens } },
    models: { providers: { anthropic: { models: [{ id: "small", ...(contextWindow !== undefined && { contextWindow }) }] } } },
  });

  it("should use agents.defaults.contextTokens unless the model declares a smaller window", () => {
    expect(contextWindowOf(config(200_000), "anthropic/small")).toBe(200_000);
    expect(contextWindowOf(config(200_000, 32_000), "anthropic/small")).toBe(32_000);
    expect(contextWindowOf(config(8_000, 32_000), "anthropic/small")).toBe(8_000);
    expect(contextWindowOf(config(8_000, 32_000), "openai/other")).toBe(8_000);
    expect(contextWindowOf(config(8_000, 32_000), "no-slash")).toBe(8_000);
  });
});

describe("chooseSplit", () => {
  it("should treat only user messages without tool results as turn starts", () => {
    expect(isTurnStart(user("hi"))).toBe(true);
    expect(isTurnStart(assistant("hi"))).toBe(false);
    expect(isTurnStart(result("t1"))).toBe(false);
    // A user message carrying tool results (older transcripts) still belongs to the call before it.
    expect(isTurnStart({ role: "user", content: [{ type: "tool_result", toolUseId: "t1", content: "x" }, { type: "text", text: "and" }] })).toBe(false);
    expect(isTurnStart({ role: "user", content: [] })).toBe(false);
  });

  it("should find nothing to summarise with fewer than two turns", () => {
    expect(chooseSplit([], 1_000)).toBeUndefined();
    expect(chooseSplit([user("a"), assistant("b")], 0)).toBeUndefined();
    expect(chooseSplit([user("a"), call("t1"), result("t1"), assistant("done")], 0)).toBeUndefined();
    // No turn start at all (a window that begins mid-turn).
    expect(chooseSplit([result("t1"), assistant("b")], 0)).toBeUndefined();
  });

  it("should always keep the last turn, even when it alone is over the keep budget", () => {
    const items = [user("a"), assistant("b"), user("x".repeat(4000)), assistant("y".repeat(4000))];
    expect(chooseSplit(items, 10)).toBe(2);
  });

  it("should keep as many earlier whole turns as fit", () => {
    const turn = (n: number): SplitItem[] => [user(`u${n}`.padEnd(40, ".")), assistant(`a${n}`.padEnd(40, "."))];
    const items = [...turn(1), ...turn(2), ...turn(3), ...turn(4)];
    const perTurn = estimateMessagesTokens(turn(1));
    expect(chooseSplit(items, perTurn)).toBe(6);
    expect(chooseSplit(items, 2 * perTurn)).toBe(4);
    expect(chooseSplit(items, 3 * perTurn)).toBe(2);
    // The first turn is always summarised: something must be left before the cut.
    expect(chooseSplit(items, 100 * perTurn)).toBe(2);
  });

  it("should never cut between a tool call and its result", () => {
    const items = [
      user("first"), call("t1"), result("t1", "x".repeat(400)), assistant("one"),
      user("second"), call("t2"), result("t2", "y".repeat(400)), call("t3"), result("t3"), assistant("two"),
      user("third"), assistant("three"),
    ];
    for (const keep of [0, 10, 50, 120, 200, 400, 10_000]) {
      const split = chooseSplit(items, keep)!;
      expect([4, 10]).toContain(split);
      expect(isTurnStart(items[split]!)).toBe(true);
      const kept = items.slice(split);
      const calls = kept.flatMap((m) => m.content.flatMap((b) => (b.type === "tool_use" ? [b.id] : [])));
      const results = kept.flatMap((m) => m.content.flatMap((b) => (b.type === "tool_result" ? [b.toolUseId] : [])));
      expect(results).toEqual(calls);
    }
    expect(chooseSplit(items, 0)).toBe(10);
    expect(chooseSplit(items, 10_000)).toBe(4);
  });
});
