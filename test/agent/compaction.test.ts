/**
 * @module Tests of auto-compaction over an in-memory SessionStore and a fake model `stream`: the
 * model context rebuilt from compaction entries, loading past the history window, the compaction
 * itself (summary call, persisted entry, events) and the provider's "too long" errors.
 */
import { beforeEach, describe, expect, it } from "bun:test";
import {
  HISTORY_WINDOW, SUMMARY_PREFIX, compactSession, contextMessages, effectiveContext, isContextOverflowError, loadContextRecords,
  renderForSummary, toChatMessages, type CompactionOptions,
} from "../../src/agent/compaction.ts";
import { ProviderError, ProviderNetworkError } from "../../src/agent/providers/errors.ts";
import type { ModelEvent, ModelRequest } from "../../src/agent/providers/types.ts";
import { SessionStore, type TranscriptEntryInput, type TranscriptRole } from "../../src/sessions/index.ts";
import { openDatabase } from "../../src/store/index.ts";

const KEY = "agent:main:main";
let store: SessionStore;

beforeEach(() => {
  store = new SessionStore(openDatabase(":memory:"));
  store.getOrCreate(KEY);
});

function msg(role: TranscriptRole, text: string, id?: string): TranscriptEntryInput {
  return { type: "message", ...(id && { id }), message: { role, content: [{ type: "text", text }], timestamp: 1 } };
}

/** Appends user/assistant pairs `u<n>`/`a<n>` (ids `u<n>`, `a<n>`) with `pad` characters each. */
function turns(from: number, to: number, pad = 0): void {
  for (let n = from; n <= to; n++) store.append(KEY, [msg("user", `u${n}`.padEnd(pad, "."), `u${n}`), msg("assistant", `a${n}`.padEnd(pad, "."), `a${n}`)]);
}

/** A fake model: answers each call with `reply` (or throws `fail`) and records the requests. */
function fakeStream(reply = "The summary.", fail?: Error) {
  const requests: Array<Omit<ModelRequest, "model">> = [];
  async function* stream(request: Omit<ModelRequest, "model">): AsyncGenerator<ModelEvent> {
    requests.push(request);
    if (fail) throw fail;
    yield { type: "text", delta: reply };
    yield { type: "usage", usage: { input: 100, output: 20, cacheRead: 0, cacheWrite: 0 } };
    yield { type: "stop", reason: "end_turn", message: { role: "assistant", content: [{ type: "text", text: reply }] } };
  }
  return { stream, requests };
}

function options(stream: CompactionOptions["stream"], events: unknown[], extra: Partial<CompactionOptions> = {}): CompactionOptions {
  return {
    sessions: store, key: KEY, budget: { contextTokens: 1_000, reserveTokens: 0 }, fixedTokens: 100, stream,
    emit: (data) => events.push(data), signal: new AbortController().signal, ...extra,
  };
}

const texts = (messages: Array<{ content: Array<{ type: string; text?: string }> }>) => messages.map((m) => m.content.map((b) => b.text ?? b.type).join(""));

describe("effectiveContext and contextMessages", () => {
  it("should send every message when there is no compaction entry", () => {
    turns(1, 2);
    const ctx = effectiveContext(store.tail(KEY));
    expect(ctx.summary).toBeUndefined();
    expect(texts(contextMessages(ctx))).toEqual(["u1", "a1", "u2", "a2"]);
  });

  it("should start from the latest compaction's firstKeptEntryId with the summary as a leading user message", () => {
    turns(1, 2);
    store.append(KEY, [{ type: "compaction", summary: "old stuff", firstKeptEntryId: "u2", tokensBefore: 50 }]);
    turns(3, 3);
    store.append(KEY, [{ type: "compaction", summary: "newer stuff", firstKeptEntryId: "u3", tokensBefore: 60 }]);
    turns(4, 4);
    const ctx = effectiveContext(store.tail(KEY));
    expect(ctx.summary).toBe("newer stuff");
    const messages = contextMessages(ctx);
    expect(messages[0]).toEqual({ role: "user", content: [{ type: "text", text: `${SUMMARY_PREFIX} newer stuff` }] });
    expect(texts(messages.slice(1))).toEqual(["u3", "a3", "u4", "a4"]);
  });

  it("should keep only the entries after a compaction without firstKeptEntryId", () => {
    turns(1, 2);
    store.append(KEY, [{ type: "compaction", summary: "all of it" }]);
    turns(3, 3);
    expect(texts(contextMessages(effectiveContext(store.tail(KEY))))).toEqual([`${SUMMARY_PREFIX} all of it`, "u3", "a3"]);
  });

  it("should keep the whole window when the first kept entry lies before it", () => {
    turns(1, 3);
    store.append(KEY, [{ type: "compaction", summary: "s", firstKeptEntryId: "u1" }]);
    turns(4, 4);
    // The window starts at u2: everything in it comes after the first kept entry.
    expect(texts(contextMessages(effectiveContext(store.tail(KEY, 7))))).toEqual([`${SUMMARY_PREFIX} s`, "u2", "a2", "u3", "a3", "u4", "a4"]);
  });

  it("should skip compaction entries when turning records into chat messages", () => {
    turns(1, 1);
    store.append(KEY, [{ type: "compaction", summary: "s" }]);
    turns(2, 2);
    expect(texts(toChatMessages(store.tail(KEY)))).toEqual(["u1", "a1", "u2", "a2"]);
  });
});

describe("loadContextRecords", () => {
  it("should read the last HISTORY_WINDOW entries when no compaction entry is near", () => {
    turns(1, 150);
    const records = loadContextRecords(store, KEY);
    expect(records).toHaveLength(HISTORY_WINDOW);
    expect(records[0]!.entry.id).toBe("u51");
    expect(loadContextRecords(store, "agent:main:none")).toEqual([]);
  });

  it("should look back past the window for the latest compaction entry and the entry it keeps from", () => {
    turns(1, 20);
    store.append(KEY, [{ type: "compaction", summary: "early", firstKeptEntryId: "u15" }]);
    turns(21, 140);
    const ctx = effectiveContext(loadContextRecords(store, KEY));
    expect(ctx.summary).toBe("early");
    expect(ctx.records[0]!.entry.id).toBe("u15");
    expect(ctx.records).toHaveLength(2 * 126);
  });
});

describe("compactSession", () => {
  it("should summarise the older turns in one call without tools, persist a compaction entry and report start and end", async () => {
    turns(1, 4, 400);
    const { stream, requests } = fakeStream();
    const events: Array<Record<string, unknown>> = [];
    const result = await compactSession(options(stream, events));

    expect(requests).toHaveLength(1);
    expect(requests[0]!.tools).toEqual([]);
    expect(requests[0]!.messages).toHaveLength(1);
    const prompt = requests[0]!.messages[0]!.content[0]!;
    expect(prompt.type === "text" && prompt.text).toContain("User: u1...");
    expect(prompt.type === "text" && prompt.text).not.toContain("u4");

    expect(result).toBeDefined();
    const kept = texts(result!.messages);
    expect(kept[0]).toBe(`${SUMMARY_PREFIX} The summary.`);
    expect(kept.at(-1)!.startsWith("a4")).toBe(true);
    expect(result!.tokensAfter).toBeLessThan(result!.tokensBefore);
    expect(events).toEqual([{ phase: "start" }, { phase: "end", tokensBefore: result!.tokensBefore, tokensAfter: result!.tokensAfter }]);

    const last = store.tail(KEY).at(-1)!.entry;
    expect(last).toMatchObject({ type: "compaction", summary: "The summary.", firstKeptEntryId: result!.firstKeptEntryId, tokensBefore: result!.tokensBefore });
    expect(["u2", "u3", "u4"]).toContain(result!.firstKeptEntryId);
    expect(store.usage(KEY)).toMatchObject({ compactionCount: 1, inputTokens: 100, outputTokens: 20 });
    // The next turn's context is the one compaction returned.
    expect(contextMessages(effectiveContext(loadContextRecords(store, KEY)))).toEqual(result!.messages);
  });

  it("should fold the earlier summary into the next compaction", async () => {
    turns(1, 4, 400);
    const first = fakeStream("First summary.");
    await compactSession(options(first.stream, []));
    turns(5, 8, 400);
    const second = fakeStream("Second summary.");
    const result = await compactSession(options(second.stream, []));
    const prompt = second.requests[0]!.messages[0]!.content[0]!;
    expect(prompt.type === "text" && prompt.text).toContain("Summary of the conversation before this part:\nFirst summary.");
    expect(result!.messages[0]!.content).toEqual([{ type: "text", text: `${SUMMARY_PREFIX} Second summary.` }]);
    expect(store.usage(KEY)!.compactionCount).toBe(2);
  });

  it("should do nothing when there is nothing before the last turn", async () => {
    turns(1, 1, 4000);
    const { stream, requests } = fakeStream();
    const events: unknown[] = [];
    expect(await compactSession(options(stream, events))).toBeUndefined();
    expect(requests).toHaveLength(0);
    expect(events).toEqual([]);
  });

  it("should report a failed summary call, persist nothing and throw", async () => {
    turns(1, 3, 400);
    const { stream } = fakeStream("", new Error("model down"));
    const events: unknown[] = [];
    await expect(compactSession(options(stream, events))).rejects.toThrow("model down");
    expect(events).toEqual([{ phase: "start" }, { phase: "error", error: "model down" }]);
    expect(store.tail(KEY).some((r) => r.entry.type === "compaction")).toBe(false);
  });

  it("should refuse an empty summary", async () => {
    turns(1, 3, 400);
    const { stream } = fakeStream("   ");
    await expect(compactSession(options(stream, []))).rejects.toThrow("compaction failed: the model returned an empty summary");
  });
});

describe("renderForSummary", () => {
  it("should render tool calls and results as text and leave out the oldest lines when too long", () => {
    store.append(KEY, [
      msg("user", "read it"),
      { type: "message", message: { role: "assistant", content: [{ type: "tool_use", id: "t1", name: "read", input: { path: "a.txt" } }], timestamp: 1 } },
      { type: "message", message: { role: "toolResult", content: [{ type: "tool_result", toolUseId: "t1", content: "x".repeat(5000), isError: true }], timestamp: 1 } },
      msg("assistant", "done"),
    ]);
    const full = renderForSummary("before", store.tail(KEY), 100_000);
    expect(full).toContain("Summary of the conversation before this part:\nbefore");
    expect(full).toContain('User: read it\nAssistant called tool read: {"path":"a.txt"}\nTool result (error): xxx');
    expect(full).toContain("… [3000 more characters]\nAssistant: done");
    const short = renderForSummary(undefined, store.tail(KEY), 600);
    expect(short).toContain("[3 older lines left out]\nAssistant: done");
    expect(short).not.toContain("Summary of the conversation before");
  });
});

describe("isContextOverflowError", () => {
  const err = (status: number | undefined, message: string, type?: string) =>
    new ProviderError({ provider: "anthropic", model: "m", status, message, ...(type && { type }) });

  it("should accept a 400 or 413 about the context or a too long prompt", () => {
    expect(isContextOverflowError(err(400, "prompt is too long: 210000 tokens > 200000 maximum"))).toBe(true);
    expect(isContextOverflowError(err(400, "This model's maximum context length is 128000 tokens", "context_length_exceeded"))).toBe(true);
    expect(isContextOverflowError(err(413, "Request exceeds the maximum size", "request_too_large"))).toBe(true);
    expect(isContextOverflowError(err(undefined, "input is too long for the model"))).toBe(true);
  });

  it("should refuse other errors", () => {
    expect(isContextOverflowError(err(400, "messages: field required"))).toBe(false);
    expect(isContextOverflowError(err(429, "too many tokens per minute", "rate_limit_error"))).toBe(false);
    expect(isContextOverflowError(err(500, "context of the server failed"))).toBe(false);
    expect(isContextOverflowError(new ProviderNetworkError("anthropic", "m", "prompt is too long"))).toBe(false);
    expect(isContextOverflowError(new Error("prompt is too long"))).toBe(false);
  });
});
