/**
 * @module The plugin hooks of one agent run (extensions.md §1.4): `before_agent_start` / `before_prompt_build`
 * (context the model sees before the user's message), `llm_input` / `llm_output` per model call,
 * `before_tool_call` (may rewrite or block, its reason reaching the model), `after_tool_call`,
 * `tool_result_persist`, `agent_end`, `session_start`. Every event carries the ids that link it into the run's
 * decision graph: model calls know the run and the tool calls they answer, tool calls the model call that asked.
 */
import type { HookRunner } from "../plugins/hooks.ts";
import type { PluginUsage } from "../plugins/api.ts";
import type { Usage } from "./providers/types.ts";
import type { LoopHooks } from "./run-loop.ts";

/** What the hooks of a run know about it. */
export interface RunHookInfo {
  runId: string;
  sessionId: string;
  sessionKey: string;
  agentId: string;
  provider: string;
  model: string;
  system: string;
  prompt: string;
}

const total = (u: Usage): PluginUsage => ({ ...u, total: u.input + u.output });

/** The context plugins add before the user's message (`prependContext` of both prompt hooks), if any. */
export async function promptContext(hooks: HookRunner | undefined, info: RunHookInfo, history: unknown[]): Promise<string | undefined> {
  if (!hooks) return undefined;
  const ctx = { agentId: info.agentId, sessionKey: info.sessionKey };
  const pieces: string[] = [];
  for (const hook of ["before_agent_start", "before_prompt_build"] as const) {
    if (!hooks.has(hook)) continue;
    const result = await hooks.run(hook, { prompt: info.prompt, messages: history }, ctx);
    if (result?.prependContext) pieces.push(result.prependContext);
  }
  return pieces.length ? pieces.join("\n\n") : undefined;
}

/** Loop hooks firing the plugin hooks of one run. */
export function loopHooks(hooks: HookRunner, info: RunHookInfo): LoopHooks {
  const ctx = { agentId: info.agentId, sessionKey: info.sessionKey };
  const base = { runId: info.runId, sessionId: info.sessionId, sessionKey: info.sessionKey, provider: info.provider, model: info.model };
  return {
    modelCallStart(round, messages, parentToolCallIds) {
      const callId = `llm-${crypto.randomUUID()}`;
      if (hooks.has("llm_input")) {
        void hooks.emit("llm_input", { ...base, callId, round, parentToolCallIds, systemPrompt: info.system, prompt: info.prompt, historyMessages: messages.slice(0, -1), imagesCount: 0 }, ctx);
      }
      return callId;
    },
    modelCallEnd(callId, round, outcome) {
      if (!hooks.has("llm_output")) return;
      void hooks.emit("llm_output", {
        ...base, callId, round, assistantTexts: outcome.text ? [outcome.text] : [], durationMs: outcome.durationMs,
        ...(outcome.usage && { usage: total(outcome.usage) }), ...(outcome.error && { error: outcome.error }),
      }, ctx);
    },
    async toolCallStart(call) {
      if (!hooks.has("before_tool_call")) return undefined;
      const result = await hooks.run("before_tool_call", { toolName: call.name, params: call.params, toolCallId: call.id, runId: info.runId, llmCallId: call.llmCallId }, { ...ctx, toolName: call.name });
      return result && { ...(result.params && { params: result.params }), ...(result.block && { block: true }), ...(result.blockReason && { blockReason: result.blockReason }) };
    },
    toolCallEnd(call) {
      if (!hooks.has("after_tool_call")) return;
      void hooks.emit("after_tool_call", {
        toolName: call.name, params: call.params, toolCallId: call.id, runId: info.runId, llmCallId: call.llmCallId, durationMs: call.durationMs,
        ...(call.isError ? { error: call.result } : { result: call.result }),
      }, { ...ctx, toolName: call.name });
    },
    persistToolResult(call, content) {
      return hooks.has("tool_result_persist") ? hooks.persistToolResult({ toolName: call.name, toolCallId: call.id, message: content }, { ...ctx, toolName: call.name }) : content;
    },
  };
}

/** Fires `agent_end` once a run finished. */
export function runEnded(hooks: HookRunner | undefined, info: RunHookInfo, end: { success: boolean; error?: string; durationMs: number; usage?: Usage }): void {
  if (!hooks?.has("agent_end")) return;
  void hooks.emit("agent_end", {
    runId: info.runId, sessionKey: info.sessionKey, messages: [], success: end.success, durationMs: end.durationMs,
    ...(end.error && { error: end.error }), ...(end.usage && { usage: total(end.usage) }),
  }, { agentId: info.agentId, sessionKey: info.sessionKey });
}
