import { describe, expect, it } from "bun:test";
import type { PluginHookEvent } from "../../../src/plugins/api.ts";
import type { TraceEvent } from "../../../src/extensions/observability/events.ts";
import { TraceRecorder, type CaptureOptions } from "../../../src/extensions/observability/recorder.ts";

const ALL: CaptureOptions = { captureToolCalls: true, captureLLMCalls: true, captureDelegations: true };
const CTX = { agentId: "main", sessionKey: "agent:main:s" };
const NOW = Date.UTC(2026, 4, 1, 12);

/** A recorder on a fixed clock, and the events it wrote. */
function setup(capture = ALL) {
  const events: TraceEvent[] = [];
  const r = new TraceRecorder((e) => events.push(e), capture, () => NOW);
  const byType = (type: string) => events.filter((e) => e.type === type);
  const one = (pred: (e: TraceEvent) => boolean) => {
    const found = events.filter(pred);
    expect(found).toHaveLength(1);
    return found[0]!;
  };
  return { r, events, byType, one };
}

const input = (runId: string, callId: string, round: number, parentToolCallIds: string[] = []): PluginHookEvent<"llm_input"> => ({
  runId, sessionId: "sid", sessionKey: CTX.sessionKey, provider: "anthropic", model: "m", callId, round, parentToolCallIds, prompt: "hello", historyMessages: [], imagesCount: 0,
});
const output = (runId: string, callId: string, round: number, extra: Partial<PluginHookEvent<"llm_output">> = {}): PluginHookEvent<"llm_output"> => ({
  runId, sessionId: "sid", sessionKey: CTX.sessionKey, provider: "anthropic", model: "m", callId, round, durationMs: 40, assistantTexts: ["ok"],
  usage: { input: 10, output: 3, cacheRead: 4, cacheWrite: 1, total: 13 }, ...extra,
});
const tool = (runId: string, llmCallId: string, toolCallId: string, extra: Partial<PluginHookEvent<"after_tool_call">> = {}): PluginHookEvent<"after_tool_call"> => ({
  toolName: "list", params: { path: "." }, toolCallId, runId, llmCallId, durationMs: 7, result: "a.txt", ...extra,
});

/** A run: llm1 asks for t1 and t2; llm2 carries both results and answers. */
function twoRounds(r: TraceRecorder, runId = "run1") {
  r.llmInput(input(runId, "llm1", 1), CTX);
  r.llmOutput(output(runId, "llm1", 1));
  r.afterToolCall(tool(runId, "llm1", "t1"), CTX);
  r.afterToolCall(tool(runId, "llm1", "t2"), CTX);
  r.llmInput(input(runId, "llm2", 2, ["t1", "t2"]), CTX);
  r.llmOutput(output(runId, "llm2", 2));
  r.agentEnd({ runId, sessionKey: CTX.sessionKey, messages: [], success: true, durationMs: 90 }, CTX);
}

describe("the trace recorder", () => {
  it("should root a run in a run_start decision and link run → LLM call → tool calls → the next LLM call (the last tool call)", () => {
    const { r, events, one } = setup();
    twoRounds(r);
    expect(events.map((e) => e.type)).toEqual(["decision", "llm_call", "tool_call", "tool_call", "llm_call"]);
    const root = one((e) => e.type === "decision");
    expect(root).toMatchObject({ agentId: "main", session: CTX.sessionKey, runId: "run1", fields: { description: "run_start", chosen: "anthropic/m", alternatives: "[]", prompt: "hello" } });
    expect(root.parentEvent).toBeUndefined();
    const llm1 = one((e) => e.fields.callId === "llm1");
    const [t1, t2] = events.filter((e) => e.type === "tool_call");
    const llm2 = one((e) => e.fields.callId === "llm2");
    expect(llm1.parentEvent).toBe(root.id);
    expect(t1!.parentEvent).toBe(llm1.id);
    expect(t2!.parentEvent).toBe(llm1.id);
    expect(llm2.parentEvent).toBe(t2!.id);
    expect(llm2.fields.toolCallIds).toBe('["t1","t2"]');
    expect(new Set(events.map((e) => e.id)).size).toBe(5);
    expect(r.openRuns()).toBe(0);
  });

  it("should record the fields the hooks really carry: usage tokens, durations, tool input and output", () => {
    const { r, one } = setup();
    twoRounds(r);
    expect(one((e) => e.fields.callId === "llm1")).toMatchObject({
      durationMs: 40, timestamp: NOW,
      fields: { model: "anthropic/m", round: "1", promptTokens: "15", completionTokens: "3", totalTokens: "18", cacheReadTokens: "4", cacheWriteTokens: "1", toolCallIds: "[]", output: "ok" },
    });
    expect(one((e) => e.fields.toolCallId === "t1")).toMatchObject({
      durationMs: 7, runId: "run1", timestamp: NOW - 7, fields: { toolName: "list", toolCallId: "t1", input: '{"path":"."}', output: "a.txt" },
    });
  });

  it("should record a failed or blocked tool call with its error, and clip long values", () => {
    const { r, one } = setup();
    r.llmInput(input("run1", "llm1", 1), CTX);
    r.llmOutput(output("run1", "llm1", 1));
    r.afterToolCall(tool("run1", "llm1", "t1", { result: undefined, error: "blocked: over budget" }), CTX);
    r.afterToolCall(tool("run1", "llm1", "t2", { result: "x".repeat(5000) }), CTX);
    expect(one((e) => e.fields.toolCallId === "t1").fields).toMatchObject({ output: "", error: "blocked: over budget" });
    expect(one((e) => e.fields.toolCallId === "t2").fields.output).toBe(`${"x".repeat(4000)}…(1000 more chars)`);
  });

  it("should fall back to the previous LLM call when none of the carried tool calls was recorded (unknown tools)", () => {
    const { r, one } = setup();
    r.llmInput(input("run1", "llm1", 1), CTX);
    r.llmOutput(output("run1", "llm1", 1));
    r.llmInput(input("run1", "llm2", 2, ["no-such-tool-call"]), CTX);
    r.llmOutput(output("run1", "llm2", 2));
    expect(one((e) => e.fields.callId === "llm2").parentEvent).toBe(one((e) => e.fields.callId === "llm1").id);
  });

  it("should link past what is not captured: without tool calls LLM calls chain, without LLM calls tool calls hang on the run", () => {
    const noTools = setup({ ...ALL, captureToolCalls: false });
    twoRounds(noTools.r);
    expect(noTools.events.map((e) => e.type)).toEqual(["decision", "llm_call", "llm_call"]);
    expect(noTools.events[2]!.parentEvent).toBe(noTools.events[1]!.id);

    const noLlm = setup({ ...ALL, captureLLMCalls: false });
    twoRounds(noLlm.r);
    expect(noLlm.events.map((e) => e.type)).toEqual(["decision", "tool_call", "tool_call"]);
    expect(noLlm.events.slice(1).map((e) => e.parentEvent)).toEqual([noLlm.events[0]!.id, noLlm.events[0]!.id]);
  });

  it("should hang a failed model call's error below it, and a failed run's error below its last model call", () => {
    const { r, events, one } = setup();
    r.llmInput(input("run1", "llm1", 1), CTX);
    r.llmOutput(output("run1", "llm1", 1, { error: "overloaded", usage: undefined }));
    r.agentEnd({ runId: "run1", sessionKey: CTX.sessionKey, messages: [], success: false, error: "overloaded", durationMs: 50 }, CTX);
    const llm = one((e) => e.type === "llm_call");
    expect(llm.fields).toMatchObject({ error: "overloaded", promptTokens: "0", completionTokens: "0" });
    const errors = events.filter((e) => e.type === "error");
    expect(errors.map((e) => [e.fields.context, e.parentEvent])).toEqual([["llm_call llm1", llm.id], ["agent_end", llm.id]]);
    expect(errors[1]).toMatchObject({ durationMs: 50, runId: "run1", fields: { error: "overloaded" } });
    expect(r.openRuns()).toBe(0);
  });

  it("should link a delegation to the parent run and the child run's root to the delegation; a bad ending is an error below it", () => {
    const { r, events, one } = setup();
    r.llmInput(input("parent", "p1", 1), CTX);
    r.llmOutput(output("parent", "p1", 1));
    r.subagentSpawned({ runId: "child", childSessionKey: "agent:main:sub", agentId: "main", label: "research X", mode: "run", parentRunId: "parent" }, CTX);
    r.llmInput({ ...input("child", "c1", 1), sessionKey: "agent:main:sub" }, { agentId: "main", sessionKey: "agent:main:sub" });
    r.subagentEnded({ targetSessionKey: "agent:main:sub", targetKind: "subagent", reason: "finished", outcome: "timeout", runId: "child" }, CTX);
    const delegation = one((e) => e.type === "delegation");
    expect(delegation).toMatchObject({
      parentEvent: one((e) => e.fields.callId === "p1").id, session: CTX.sessionKey, runId: "parent",
      fields: { parentId: "parent", childId: "child", task: "research X", childSessionKey: "agent:main:sub", mode: "run" },
    });
    expect(one((e) => e.type === "decision" && e.runId === "child")).toMatchObject({ parentEvent: delegation.id, session: "agent:main:sub" });
    expect(one((e) => e.type === "error")).toMatchObject({ parentEvent: delegation.id, fields: { error: "sub-agent timeout", context: "subagent_ended: finished", outcome: "timeout" } });
    r.subagentEnded({ targetSessionKey: "agent:main:sub", targetKind: "subagent", reason: "finished", outcome: "ok", runId: "child" }, CTX);
    expect(events.filter((e) => e.type === "error")).toHaveLength(1);
  });

  it("should record no delegation when delegations are not captured", () => {
    const { r, events } = setup({ ...ALL, captureDelegations: false });
    r.subagentSpawned({ runId: "child", childSessionKey: "agent:main:sub", agentId: "main", mode: "run" }, CTX);
    expect(events).toEqual([]);
  });

  it("should keep a bounded number of open runs", () => {
    const { r } = setup();
    for (let i = 0; i < 1005; i++) r.llmInput(input(`run${i}`, `c${i}`, 1), CTX);
    expect(r.openRuns()).toBe(1000);
  });
});
