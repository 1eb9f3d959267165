/**
 * @module Turns the typed hook events into trace events with real parent links (the decision graph's edges), using
 * only the fields the hooks really carry (the reference read `toolCallId`/`promptTokens`/`success`/`task` fields
 * that the typed events do not have, and never set `parentEvent`). The linking rules:
 * - **run root**: a `decision` "run_start" on the first `llm_input` of a run; its parent is the `delegation` that
 *   spawned the run, when one was recorded first;
 * - **llm_call**: parent = the tool call whose result it carries — of several, the **last** recorded one (the call
 *   that completed the batch; every id is kept in the `toolCallIds` field); when none was recorded (unknown tools,
 *   tool capture off, a retry after compaction) the run's previous model call; for the first call, the run root;
 * - **tool_call**: parent = the model call that asked for it (`llmCallId`), else the run root;
 * - **error**: a failed model call hangs below its `llm_call`; a failed run below its last model call (or root);
 *   a sub-agent that ended badly below its `delegation`;
 * - **delegation**: parent = the spawning run's last model call (or root); the child run's root points back at it.
 * Handlers are synchronous and only append to the sink, so the agent loop never waits on them.
 */
import type { PluginHookContext, PluginHookEvent } from "../../plugins/api.ts";
import { clip, newEventId, RUN_START, type TraceEvent, type TraceEventType } from "./events.ts";

/** What gets recorded. */
export interface CaptureOptions {
  captureToolCalls: boolean;
  captureLLMCalls: boolean;
  captureDelegations: boolean;
}

/** Whose event it is. */
interface Owner {
  agentId: string;
  sessionKey: string;
  runId?: string;
}

/** What one event says besides its owner and type. */
interface EventParts {
  id?: string;
  parent: string | undefined;
  /** Epoch ms it started. */
  at: number;
  fields: Record<string, string>;
  durationMs?: number;
}

/** The open state of one run: the ids its later events link to. */
interface RunState extends Owner {
  runId: string;
  rootId: string;
  /** Model call id → its event id and start. */
  llm: Map<string, { eventId: string; startedAt: number; parent: string; toolCallIds: string[] }>;
  /** Tool call id → its event id. */
  tools: Map<string, string>;
  lastLlmEventId?: string;
}

/** Runs kept open at most (a run whose `agent_end` never came is forgotten first). */
const MAX_OPEN_RUNS = 1000;

/** Builds trace events from hook events and hands them to `sink`. */
export class TraceRecorder {
  private readonly runs = new Map<string, RunState>();
  /** Child run id → the delegation event that spawned it. */
  private readonly delegations = new Map<string, string>();

  constructor(private readonly sink: (event: TraceEvent) => void, private readonly capture: CaptureOptions, private readonly now: () => number = Date.now) {}

  /** `llm_input`: opens the run (writing its root) on its first model call and remembers the call. */
  llmInput(e: PluginHookEvent<"llm_input">, ctx: PluginHookContext): void {
    const run = this.runs.get(e.runId) ?? this.openRun(e, ctx);
    if (!this.capture.captureLLMCalls) return;
    let parent: string | undefined;
    for (let i = e.parentToolCallIds.length - 1; i >= 0 && parent === undefined; i--) parent = run.tools.get(e.parentToolCallIds[i]!);
    run.llm.set(e.callId, { eventId: newEventId(), startedAt: this.now(), parent: parent ?? run.lastLlmEventId ?? run.rootId, toolCallIds: e.parentToolCallIds });
  }

  /** `llm_output`: writes the `llm_call` (and an `error` below it when the call failed). */
  llmOutput(e: PluginHookEvent<"llm_output">): void {
    const run = this.runs.get(e.runId);
    const call = run?.llm.get(e.callId);
    if (!run || !call) return;
    run.lastLlmEventId = call.eventId;
    const u = e.usage;
    const prompt = u ? u.input + u.cacheRead + u.cacheWrite : 0;
    this.emit(run, "llm_call", { id: call.eventId, parent: call.parent, at: call.startedAt, durationMs: e.durationMs, fields: {
      model: `${e.provider}/${e.model}`, callId: e.callId, round: String(e.round), promptTokens: String(prompt), completionTokens: String(u?.output ?? 0),
      totalTokens: String(prompt + (u?.output ?? 0)), cacheReadTokens: String(u?.cacheRead ?? 0), cacheWriteTokens: String(u?.cacheWrite ?? 0),
      toolCallIds: call.toolCallIds.length ? JSON.stringify(call.toolCallIds) : "[]", output: clip(e.assistantTexts.join("\n")), ...(e.error && { error: e.error }),
    } });
    if (e.error) this.emit(run, "error", { parent: call.eventId, at: this.now(), fields: { error: e.error, context: `llm_call ${e.callId}` } });
  }

  /** `after_tool_call`: writes the `tool_call` below the model call that asked for it. */
  afterToolCall(e: PluginHookEvent<"after_tool_call">, ctx: PluginHookContext): void {
    if (!this.capture.captureToolCalls) return;
    const run = this.runs.get(e.runId);
    const id = newEventId();
    run?.tools.set(e.toolCallId, id);
    const parent = (e.llmCallId !== undefined ? run?.llm.get(e.llmCallId)?.eventId : undefined) ?? run?.rootId;
    const fields = {
      toolName: e.toolName, toolCallId: e.toolCallId, input: clip(JSON.stringify(e.params)),
      ...(e.error !== undefined ? { output: "", error: clip(e.error) } : { output: clip(e.result ?? "") }),
    };
    const owner = run ?? { agentId: ctx.agentId ?? "unknown", sessionKey: ctx.sessionKey ?? "", runId: e.runId };
    this.emit(owner, "tool_call", { id, parent, at: this.now() - e.durationMs, fields, durationMs: e.durationMs });
  }

  /** `agent_end`: an `error` for a failed run; closes the run. */
  agentEnd(e: PluginHookEvent<"agent_end">, ctx: PluginHookContext): void {
    const run = this.runs.get(e.runId);
    this.runs.delete(e.runId);
    if (e.success) return;
    const owner = run ?? { agentId: ctx.agentId ?? "unknown", sessionKey: e.sessionKey, runId: e.runId };
    const fields = { error: e.error ?? "the run failed", context: "agent_end" };
    this.emit(owner, "error", { parent: run?.lastLlmEventId ?? run?.rootId, at: this.now(), fields, ...(e.durationMs !== undefined && { durationMs: e.durationMs }) });
  }

  /** `subagent_spawned`: a `delegation` from the parent run to the child run. */
  subagentSpawned(e: PluginHookEvent<"subagent_spawned">, ctx: PluginHookContext): void {
    if (!this.capture.captureDelegations) return;
    const parentRun = e.parentRunId !== undefined ? this.runs.get(e.parentRunId) : undefined;
    const id = newEventId();
    this.remember(this.delegations, e.runId, id);
    const owner = parentRun ?? { agentId: ctx.agentId ?? e.agentId, sessionKey: ctx.sessionKey ?? "", ...(e.parentRunId !== undefined && { runId: e.parentRunId }) };
    this.emit(owner, "delegation", { id, parent: parentRun?.lastLlmEventId ?? parentRun?.rootId, at: this.now(), fields: {
      parentId: e.parentRunId ?? "", childId: e.runId, task: e.label ?? "", runId: e.runId, childSessionKey: e.childSessionKey, mode: e.mode, agentId: e.agentId,
    } });
  }

  /** `subagent_ended`: an `error` below the delegation when the outcome is not `ok`. */
  subagentEnded(e: PluginHookEvent<"subagent_ended">, ctx: PluginHookContext): void {
    const delegation = e.runId !== undefined ? this.delegations.get(e.runId) : undefined;
    if (e.runId !== undefined) this.delegations.delete(e.runId);
    if (e.outcome === undefined || e.outcome === "ok") return;
    const owner = { agentId: ctx.agentId ?? "unknown", sessionKey: e.targetSessionKey, ...(e.runId !== undefined && { runId: e.runId }) };
    this.emit(owner, "error", { parent: delegation, at: this.now(), fields: { error: e.error ?? `sub-agent ${e.outcome}`, context: `subagent_ended: ${e.reason}`, outcome: e.outcome } });
  }

  /** Open runs (for `observe.status`). */
  openRuns(): number {
    return this.runs.size;
  }

  private openRun(e: PluginHookEvent<"llm_input">, ctx: PluginHookContext): RunState {
    const run: RunState = { runId: e.runId, rootId: newEventId(), agentId: ctx.agentId ?? "unknown", sessionKey: e.sessionKey, llm: new Map(), tools: new Map() };
    this.remember(this.runs, e.runId, run);
    this.emit(run, "decision", { id: run.rootId, parent: this.delegations.get(e.runId), at: this.now(), fields: {
      description: RUN_START, chosen: `${e.provider}/${e.model}`, alternatives: "[]", reasoning: "a message started an agent run", prompt: clip(e.prompt, 500),
    } });
    return run;
  }

  /** Adds to a bounded map, forgetting the oldest entry when full. */
  private remember<V>(map: Map<string, V>, key: string, value: V): void {
    if (map.size >= MAX_OPEN_RUNS) map.delete(map.keys().next().value!);
    map.set(key, value);
  }

  /** Hands the event to the sink; optional keys are assigned, not spread (no temporary objects per event). */
  private emit(owner: Owner, type: TraceEventType, p: EventParts): void {
    const event: TraceEvent = { id: p.id ?? newEventId(), type, agentId: owner.agentId, timestamp: p.at, fields: p.fields };
    if (owner.sessionKey) event.session = owner.sessionKey;
    if (owner.runId !== undefined) event.runId = owner.runId;
    if (p.parent !== undefined) event.parentEvent = p.parent;
    if (p.durationMs !== undefined) event.durationMs = p.durationMs;
    this.sink(event);
  }
}
