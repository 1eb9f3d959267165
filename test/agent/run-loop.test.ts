/** @module Tests of the run loop's one compaction retry when the provider refuses a request as too long. */
import { describe, expect, it } from "bun:test";
import { isContextOverflowError } from "../../src/agent/compaction.ts";
import { ProviderError } from "../../src/agent/providers/errors.ts";
import type { ChatMessage, ModelEvent, ModelRequest } from "../../src/agent/providers/types.ts";
import { runLoop, type LoopOptions, type TranscriptMessage } from "../../src/agent/run-loop.ts";
import type { Tool } from "../../src/agent/tools/registry.ts";

const tooLong = () => new ProviderError({ provider: "anthropic", model: "m", status: 400, type: "invalid_request_error", message: "prompt is too long: 250000 tokens > 200000 maximum" });
const SUMMARY: ChatMessage = { role: "user", content: [{ type: "text", text: "[Summary of earlier conversation] s" }] };

type Step = Error | { text?: string; call?: { id: string; name: string; input: unknown }; failAfterText?: Error };

/** A scripted model: each call takes the next step (an error thrown before output, or a reply). */
function scripted(steps: Step[]) {
  const requests: ChatMessage[][] = [];
  async function* stream(request: ModelRequest): AsyncGenerator<ModelEvent> {
    requests.push(structuredClone(request.messages));
    const step = steps.shift();
    if (!step) throw new Error("no step left");
    if (step instanceof Error) throw step;
    if (step.text) yield { type: "text", delta: step.text };
    if (step.failAfterText) throw step.failAfterText;
    const content = [...(step.text ? [{ type: "text" as const, text: step.text }] : []), ...(step.call ? [{ type: "tool_use" as const, ...step.call }] : [])];
    yield { type: "stop", reason: step.call ? "tool_use" : "end_turn", message: { role: "assistant", content } };
  }
  return { stream, requests };
}

function loop(stream: LoopOptions["stream"], compact?: () => Promise<ChatMessage[] | undefined>, tools: Tool[] = []) {
  const persisted: TranscriptMessage[] = [];
  const run = runLoop({
    model: "m", system: "sys", history: [{ role: "user", content: [{ type: "text", text: "old" }] }, { role: "assistant", content: [{ type: "text", text: "reply" }] }],
    userText: "new", tools, toolContext: { workspace: "/tmp", sessionKey: "agent:main:main" }, maxToolRounds: 5, maxTokens: 100,
    signal: new AbortController().signal, stream, emit: () => {}, persist: (m) => void persisted.push(m),
    ...(compact && { compact, isContextOverflow: isContextOverflowError }),
  });
  return { run, persisted };
}

describe("runLoop context overflow", () => {
  it("should compact once and retry the refused call on the compacted context", async () => {
    const { stream, requests } = scripted([tooLong(), { text: "answer" }]);
    let compactions = 0;
    const compacted: ChatMessage[] = [SUMMARY, { role: "user", content: [{ type: "text", text: "new" }] }];
    const { run, persisted } = loop(stream, async () => (compactions++, compacted));
    const result = await run;
    expect(result).toMatchObject({ text: "answer", aborted: false, rounds: 1 });
    expect(compactions).toBe(1);
    expect(requests).toHaveLength(2);
    expect(requests[0]!.map((m) => m.content[0])).toEqual([{ type: "text", text: "old" }, { type: "text", text: "reply" }, { type: "text", text: "new" }]);
    expect(requests[1]).toEqual(compacted);
    // The prompt was persisted once, before the first call.
    expect(persisted.map((m) => m.role)).toEqual(["user", "assistant"]);
  });

  it("should retry only once per run", async () => {
    const second = tooLong();
    const { stream, requests } = scripted([tooLong(), second]);
    let compactions = 0;
    const { run } = loop(stream, async () => (compactions++, [SUMMARY]));
    await expect(run).rejects.toBe(second);
    expect(compactions).toBe(1);
    expect(requests).toHaveLength(2);
  });

  it("should throw the provider's error when there is nothing to compact", async () => {
    const first = tooLong();
    const { stream } = scripted([first]);
    await expect(loop(stream, async () => undefined).run).rejects.toBe(first);
  });

  it("should not compact for other errors, for an overflow after output started, or without a compact hook", async () => {
    let compactions = 0;
    const compact = async () => (compactions++, [SUMMARY]);
    const other = new ProviderError({ provider: "anthropic", model: "m", status: 400, message: "messages.0: field required" });
    await expect(loop(scripted([other]).stream, compact).run).rejects.toBe(other);
    const late = tooLong();
    await expect(loop(scripted([{ text: "partial", failAfterText: late }]).stream, compact).run).rejects.toBe(late);
    const plain = tooLong();
    await expect(loop(scripted([plain]).stream).run).rejects.toBe(plain);
    expect(compactions).toBe(0);
  });

  it("should retry a refused call in the middle of a tool round without counting it as a round", async () => {
    const echo: Tool = { name: "echo", group: "group:test", description: "echo", inputSchema: { type: "object" }, execute: async () => ({ content: "echoed" }) };
    const { stream, requests } = scripted([{ call: { id: "t1", name: "echo", input: {} } }, tooLong(), { text: "done" }]);
    const compacted: ChatMessage[] = [SUMMARY, { role: "user", content: [{ type: "text", text: "new" }] }];
    const { run, persisted } = loop(stream, async () => compacted, [echo]);
    const result = await run;
    expect(result).toMatchObject({ text: "done", rounds: 2 });
    expect(requests[2]).toEqual(compacted);
    expect(persisted.map((m) => m.role)).toEqual(["user", "assistant", "toolResult", "assistant"]);
  });
});
