/**
 * @module The agent runtime of one gateway: turns `agent` calls and WebChat messages into runs on
 * the session's lane, streams their events, persists the transcript and answers `agent.wait`.
 */
import type { MayrosConfig } from "../config/index.ts";
import type { Logger } from "../logging/logger.ts";
import { GatewayError } from "../protocol/index.ts";
import { isValidSessionKey, mainSessionKey, agentIdOf } from "../sessions/keys.ts";
import type { SessionLanes } from "../sessions/lane.ts";
import type { SessionStore } from "../sessions/store.ts";
import type { TranscriptEntryInput, TranscriptRecord } from "../sessions/types.ts";
import { configuredModelRefs, streamWithFallbacks, type ProviderRegistry } from "./providers/registry.ts";
import type { ChatMessage, ContentBlock, Usage } from "./providers/types.ts";
import { RunEvents, type RunEventSink } from "./run-events.ts";
import { runLoop, type TranscriptMessage } from "./run-loop.ts";
import type { RunRegistry } from "./run-registry.ts";
import { buildSystemPrompt } from "./system-prompt.ts";
import type { ToolRegistry } from "./tools/registry.ts";

/** What the service needs. */
export interface AgentServiceDeps {
  config: MayrosConfig;
  workspace: string;
  sessions: SessionStore;
  lanes: SessionLanes;
  providers: ProviderRegistry;
  tools: ToolRegistry;
  runs: RunRegistry;
  sink: RunEventSink;
  log: Logger;
}

/** A request to run the agent. */
export interface RunRequest {
  runId: string;
  sessionKey?: string;
  agentId?: string;
  message: string;
  extraSystemPrompt?: string;
  timeoutSeconds?: number;
}

/** How a run ended, for the final `agent` response. */
export interface RunOutcome {
  runId: string;
  status: "ok" | "error";
  text: string;
  aborted: boolean;
  usage: Usage;
  durationMs: number;
  sessionId: string;
  model: string;
  error?: string;
}

/** The agent runtime. */
export class AgentService {
  constructor(private readonly d: AgentServiceDeps) {}

  /** The session key a request runs in (the agent's main key when none is given). */
  resolveKey(sessionKey: string | undefined, agentId = "main"): string {
    const key = sessionKey ?? mainSessionKey(agentId, this.d.config.session.mainKey);
    if (!isValidSessionKey(key)) throw new GatewayError("INVALID_REQUEST", `invalid sessionKey: ${JSON.stringify(key)}`);
    if (sessionKey && agentId !== "main" && agentIdOf(key) !== agentId) throw new GatewayError("INVALID_REQUEST", `sessionKey ${key} belongs to another agent`);
    return key;
  }

  /**
   * Queues a run of `message` on its session lane (`agent` calls always get their own turn).
   * @returns the outcome once the run ends.
   */
  run(req: RunRequest, mode?: "followup"): Promise<RunOutcome> {
    const key = this.resolveKey(req.sessionKey, req.agentId);
    this.d.sessions.getOrCreate(key, agentIdOf(key));
    return new Promise((resolve) => {
      this.d.lanes.enqueue(key, { text: req.message, runId: req.runId }, async (ctx) => {
        resolve(await this.turn({ ...req, message: ctx.text }, key, ctx.signal));
      }, mode ? { mode } : undefined);
    });
  }

  /** Whether a run with this id is running. */
  isRunning(runId: string): boolean {
    return this.d.runs.get(runId)?.status === "running";
  }

  private async turn(req: RunRequest, key: string, laneSignal: AbortSignal): Promise<RunOutcome> {
    const run = this.d.runs.start(req.runId, key);
    const events = new RunEvents(req.runId, key, this.d.sink);
    const defaults = this.d.config.agents.defaults;
    const refs = configuredModelRefs(this.d.config);
    const model = refs[0] ?? "";
    const abort = () => run.controller.abort();
    laneSignal.addEventListener("abort", abort, { once: true });
    const timer = setTimeout(abort, (req.timeoutSeconds ?? defaults.timeoutSeconds) * 1000);
    const session = this.d.sessions.getOrCreate(key, agentIdOf(key));
    events.agent("lifecycle", { phase: "start", startedAt: run.startedAt });
    const tools = this.d.tools.allowed(defaults.tools);
    try {
      const result = await runLoop({
        model, system: buildSystemPrompt({ workspace: this.d.workspace, tools, model, timezone: defaults.userTimezone, extra: req.extraSystemPrompt }),
        history: toChatMessages(this.d.sessions.tail(key, 200)), userText: req.message, tools,
        toolContext: { workspace: this.d.workspace, sessionKey: key }, maxToolRounds: defaults.maxToolRounds, maxTokens: defaults.maxTokens,
        signal: run.controller.signal,
        stream: ({ model: _m, ...request }) => streamWithFallbacks(this.d.providers, refs, request, { signal: run.controller.signal }),
        emit: (e) => events.agent(e.stream, e.data as Record<string, unknown>),
        persist: (message) => this.persist(key, message),
      });
      events.agent("lifecycle", { phase: "end", startedAt: run.startedAt, endedAt: Date.now(), ...(result.aborted && { aborted: true }) });
      events.chatEnd(result.aborted ? "aborted" : "final", result.text, result.aborted ? { stopReason: "rpc" } : {});
      this.d.runs.finish(req.runId, result.aborted ? "aborted" : "ok");
      return { runId: req.runId, status: "ok", text: result.text, aborted: result.aborted, usage: result.usage, durationMs: Date.now() - run.startedAt, sessionId: session.sessionId, model };
    } catch (err) {
      const message = (err as Error).message ?? String(err);
      this.d.log.warn("agent run failed", { runId: req.runId, error: message });
      events.agent("lifecycle", { phase: "error", error: message });
      events.chatEnd("error", "", { errorMessage: message });
      this.d.runs.finish(req.runId, "error", message);
      return { runId: req.runId, status: "error", text: "", aborted: false, usage: { input: 0, output: 0, cacheRead: 0, cacheWrite: 0 }, durationMs: Date.now() - run.startedAt, sessionId: session.sessionId, model, error: message };
    } finally {
      clearTimeout(timer);
      laneSignal.removeEventListener("abort", abort);
    }
  }

  private persist(key: string, message: TranscriptMessage): void {
    const usage = message.usage;
    const entry = { type: "message", message } as unknown as TranscriptEntryInput;
    this.d.sessions.append(key, [entry],
      usage ? { inputTokens: usage.input, outputTokens: usage.output, cacheRead: usage.cacheRead, cacheWrite: usage.cacheWrite, totalTokens: usage.input + usage.output } : {});
  }
}

/** Transcript rows back into model messages (tool results travel in user messages). */
export function toChatMessages(records: TranscriptRecord[]): ChatMessage[] {
  const out: ChatMessage[] = [];
  for (const { entry } of records) {
    if (entry.type !== "message") continue;
    const content = entry.message.content as unknown as ContentBlock[];
    out.push({ role: entry.message.role === "assistant" ? "assistant" : "user", content });
  }
  return out;
}
