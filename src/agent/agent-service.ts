/**
 * @module The agent runtime of one gateway: turns `agent` calls and WebChat messages into runs on
 * the session's lane, streams their events, persists the transcript and answers `agent.wait`.
 */
import type { MayrosConfig } from "../config/index.ts";
import type { Logger } from "../logging/logger.ts";
import { GatewayError } from "../protocol/index.ts";
import { isValidSessionKey, mainSessionKey, agentIdOf } from "../sessions/keys.ts";
import type { SessionLanes } from "../sessions/lane.ts";
import { RunAbortedError, type LaneMessage } from "../sessions/lane-types.ts";
import type { SessionStore } from "../sessions/store.ts";
import type { TranscriptEntryInput } from "../sessions/types.ts";
import { compactSession, contextMessages, effectiveContext, isContextOverflowError, loadContextRecords } from "./compaction.ts";
import { budgetTokens, contextWindowOf, estimateMessagesTokens, estimateTextTokens, estimateToolsTokens } from "./context-budget.ts";
import { configuredModelRefs, parseModelRef, streamWithFallbacks, type ProviderRegistry } from "./providers/registry.ts";
import type { ChatMessage, ContentBlock, ImageBlock, ModelEvent, ModelRequest, Usage } from "./providers/types.ts";
import { RunEvents, type RunEventSink } from "./run-events.ts";
import { Steering, runLoop, userMessageContent, type TranscriptMessage } from "./run-loop.ts";
import type { RunRegistry } from "./run-registry.ts";
import { buildSystemPrompt } from "./system-prompt.ts";
import type { Tool, ToolRegistry } from "./tools/registry.ts";
import type { HookRunner } from "../plugins/hooks.ts";
import { loopHooks, promptContext, runEnded, type RunHookInfo } from "./plugin-hooks.ts";

export { toChatMessages } from "./compaction.ts";

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
  /** Told which connection started which run (tool events go to it; gateway/run-event-sink.ts). */
  audience?: { addCaller(runId: string, connId: string): void; endRun(runId: string): void };
  /** The plugins' hooks (extensions.md §1.4), fired around prompts, model calls and tool calls. */
  hooks?: HookRunner;
}

/** A request to run the agent. */
export interface RunRequest {
  runId: string;
  sessionKey?: string;
  agentId?: string;
  message: string;
  /** Image blocks of the message's attachments (src/agent/attachments.ts). */
  images?: ImageBlock[];
  extraSystemPrompt?: string;
  timeoutSeconds?: number;
  /** The connection that asked for the run (`agent` / `chat.send`): it gets the run's tool events. */
  callerConnId?: string;
  /** Whether the final reply is an acknowledgement to keep out of the chat stream (heartbeat `HEARTBEAT_OK`). */
  silentReply?: (text: string) => boolean;
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
  /** The `provider/model` ref that answered (the last one tried on failover). */
  model: string;
  error?: string;
}

/** A lane message of {@link AgentService.run}: told the outcome of the turn that carried it. */
interface RunMessage extends LaneMessage {
  runId: string;
  images?: ImageBlock[];
  callerConnId?: string;
  done(outcome: RunOutcome): void;
}

const NO_USAGE: Usage = { input: 0, output: 0, cacheRead: 0, cacheWrite: 0 };

/** `provider` and `model` of a ref for `agentMeta` (`{provider: "", model: ref}` when it does not parse). */
export function splitModelRef(ref: string): { provider: string; model: string } {
  try {
    return parseModelRef(ref);
  } catch {
    return { provider: "", model: ref };
  }
}

/** The agent runtime. */
export class AgentService {
  /** Sessions whose `session_start` hook fired in this process. */
  private readonly startedSessions = new Set<string>();

  constructor(private readonly d: AgentServiceDeps) {}

  /**
   * The session key a request runs in (the agent's main key when none is given).
   * @throws {GatewayError} INVALID_REQUEST for a malformed key, an unknown agent id (only `main`
   * exists), or a key of another agent than the `agentId` given.
   */
  resolveKey(sessionKey: string | undefined, agentId?: string): string {
    if (agentId !== undefined && agentId.trim().toLowerCase() !== "main") throw new GatewayError("INVALID_REQUEST", `unknown agent id: ${JSON.stringify(agentId)}`);
    const key = sessionKey ?? mainSessionKey("main", this.d.config.session.mainKey);
    if (!isValidSessionKey(key)) throw new GatewayError("INVALID_REQUEST", `invalid sessionKey: ${JSON.stringify(key)}`);
    if (sessionKey && agentId !== undefined && agentIdOf(key) !== "main") throw new GatewayError("INVALID_REQUEST", `sessionKey ${key} belongs to another agent`);
    return key;
  }

  /**
   * Queues a run of `message` on its session lane (`agent` calls always get their own turn).
   * @returns the outcome once the run ends; a message merged into a `collect` turn gets that
   * turn's outcome, and one cleared from the queue before it ran (`/stop`, reset, delete, cap)
   * gets an error outcome — the promise always settles.
   */
  run(req: RunRequest, mode?: "followup"): Promise<RunOutcome> {
    const key = this.resolveKey(req.sessionKey, req.agentId);
    const session = this.d.sessions.getOrCreate(key, agentIdOf(key));
    return new Promise((resolve) => {
      let answered = false;
      const message: RunMessage = {
        text: req.message, runId: req.runId, ...(req.callerConnId && { callerConnId: req.callerConnId }), ...(req.images && { images: req.images }),
        done: (outcome) => {
          answered = true;
          resolve(outcome);
        },
      };
      const { settled } = this.d.lanes.enqueue(key, message, async (ctx) => {
        // Everyone whose message this turn carries gets its tool events.
        for (const m of ctx.messages) {
          const conn = (m as Partial<RunMessage>).callerConnId;
          if (conn) this.d.audience?.addCaller(req.runId, conn);
        }
        // Queue mode `steer`: messages arriving while tools run join this turn at the next model call.
        const steering = new Steering();
        const steered: LaneMessage[] = [];
        // A message with images cannot be steered (it carries more than text): it queues as a follow-up.
        ctx.onSteer((text, m) => !(m as Partial<RunMessage>).images?.length && steering.offer(text) && steered.push(m) > 0);
        const images = ctx.messages.flatMap((m) => (m as Partial<RunMessage>).images ?? []);
        const outcome = await this.turn({ ...req, message: ctx.text, images }, key, ctx.signal, steering);
        for (const m of [...ctx.messages, ...steered]) (m as Partial<RunMessage>).done?.(outcome);
      }, mode ? { mode } : undefined);
      void settled.then(() => {
        this.d.audience?.endRun(req.runId);
        if (answered) return;
        const error = "the message was removed from the session queue before it ran";
        resolve({ runId: req.runId, status: "error", text: "", aborted: true, usage: { ...NO_USAGE }, durationMs: 0, sessionId: session.sessionId, model: this.modelRefs(session.modelOverride)[0] ?? "", error });
      });
    });
  }

  /** `[modelOverride, primary, ...fallbacks]` without duplicates. */
  private modelRefs(override: string | undefined): string[] {
    const refs = configuredModelRefs(this.d.config);
    return override ? [override, ...refs.filter((r) => r !== override)] : refs;
  }

  /** Whether a run with this id is running. */
  isRunning(runId: string): boolean {
    return this.d.runs.get(runId)?.status === "running";
  }

  private async turn(req: RunRequest, key: string, laneSignal: AbortSignal, steering?: Steering): Promise<RunOutcome> {
    const run = this.d.runs.start(req.runId, key);
    const events = new RunEvents(req.runId, key, this.d.sink);
    const defaults = this.d.config.agents.defaults;
    const abort = (origin: string) => {
      run.abortOrigin ??= origin;
      run.controller.abort();
    };
    const onLaneAbort = () => abort(laneSignal.reason instanceof RunAbortedError ? laneSignal.reason.kind : "stop");
    laneSignal.addEventListener("abort", onLaneAbort, { once: true });
    if (laneSignal.aborted) onLaneAbort();
    const timer = setTimeout(() => abort("timeout"), (req.timeoutSeconds ?? defaults.timeoutSeconds) * 1000);
    let sessionId = "";
    let used = "";
    let hookInfo: RunHookInfo | undefined;
    try {
      const session = this.d.sessions.getOrCreate(key, agentIdOf(key));
      sessionId = session.sessionId;
      const refs = this.modelRefs(session.modelOverride);
      used = refs[0] ?? "";
      // Tool results reach clients only when the session's verbose level is `full` (protocol.md §7.2).
      const verbose = session.verboseLevel === "full";
      events.agent("lifecycle", { phase: "start", startedAt: run.startedAt });
      const tools = this.d.tools.allowed(defaults.tools);
      const system = buildSystemPrompt({ workspace: this.d.workspace, tools, model: used, timezone: defaults.userTimezone, extra: req.extraSystemPrompt });
      const stream = (request: Omit<ModelRequest, "model">) => {
        used = refs[0] ?? "";
        return streamWithFallbacks(this.d.providers, refs, request, { signal: run.controller.signal, onFallback: ({ to }) => { used = to; } });
      };
      const context = this.context(key, { system, tools, modelRef: used, stream, events, signal: run.controller.signal });
      const history = await context.history(userMessageContent(req.message, req.images));
      hookInfo = { runId: req.runId, sessionId, sessionKey: key, agentId: agentIdOf(key), ...splitModelRef(used), system, prompt: req.message };
      this.sessionStarted(hookInfo);
      const promptPrefix = await promptContext(this.d.hooks, hookInfo, history);
      const result = await runLoop({
        model: used, system, history, userText: req.message, images: req.images, tools,
        ...(promptPrefix && { promptPrefix }), ...(this.d.hooks && { hooks: loopHooks(this.d.hooks, hookInfo) }),
        toolContext: { workspace: this.d.workspace, sessionKey: key }, maxToolRounds: defaults.maxToolRounds, maxTokens: defaults.maxTokens,
        signal: run.controller.signal, steering,
        stream: ({ model: _m, ...request }) => stream(request),
        compact: context.compact, isContextOverflow: isContextOverflowError,
        emit: (e) => {
          if (e.stream === "assistant") return events.assistant(e.data.text, e.data.delta);
          const { result: _r, ...stripped } = e.data as { result?: unknown } & Record<string, unknown>;
          events.agent("tool", verbose ? e.data : stripped);
        },
        persist: (message) => this.persist(key, message, { runId: req.runId, modelRef: used, abortOrigin: run.abortOrigin ?? "rpc" }),
      });
      this.d.sessions.patch(key, { abortedLastRun: result.aborted });
      events.agent("lifecycle", { phase: "end", startedAt: run.startedAt, endedAt: Date.now(), ...(result.aborted && { aborted: true }) });
      const shown = !result.aborted && req.silentReply?.(result.text) ? "" : result.text;
      events.chatEnd(result.aborted ? "aborted" : "final", shown, result.aborted ? { stopReason: run.abortOrigin ?? "rpc" } : {});
      this.d.runs.finish(req.runId, result.aborted ? "aborted" : "ok");
      runEnded(this.d.hooks, hookInfo, { success: !result.aborted, durationMs: Date.now() - run.startedAt, usage: result.usage, ...(result.aborted && { error: "aborted" }) });
      return { runId: req.runId, status: "ok", text: result.text, aborted: result.aborted, usage: result.usage, durationMs: Date.now() - run.startedAt, sessionId, model: used };
    } catch (err) {
      const message = (err as Error).message ?? String(err);
      this.d.log.warn("agent run failed", { runId: req.runId, error: message });
      events.agent("lifecycle", { phase: "error", startedAt: run.startedAt, endedAt: Date.now(), error: message });
      events.chatEnd("error", "", { errorMessage: message });
      this.d.runs.finish(req.runId, "error", message);
      if (hookInfo) runEnded(this.d.hooks, hookInfo, { success: false, error: message, durationMs: Date.now() - run.startedAt });
      return { runId: req.runId, status: "error", text: "", aborted: false, usage: { ...NO_USAGE }, durationMs: Date.now() - run.startedAt, sessionId, model: used, error: message };
    } finally {
      clearTimeout(timer);
      laneSignal.removeEventListener("abort", onLaneAbort);
    }
  }

  /** Fires `session_start` the first time this process runs a session id. */
  private sessionStarted(info: RunHookInfo): void {
    if (!this.d.hooks?.has("session_start") || this.startedSessions.has(info.sessionId)) return;
    this.startedSessions.add(info.sessionId);
    void this.d.hooks.emit("session_start", { sessionId: info.sessionId, sessionKey: info.sessionKey }, { agentId: info.agentId, sessionKey: info.sessionKey });
  }

  /**
   * A turn's model context under the budget (agent.md §2.3): `history` rebuilds it from the
   * transcript (honouring the latest compaction entry) and compacts first when it and the new
   * prompt exceed `contextTokens − reserveTokens`; `compact` is the one retry of a request the
   * provider refused as too long. A failed compaction is logged and the uncompacted context used.
   */
  private context(key: string, c: {
    system: string; tools: Tool[]; modelRef: string; events: RunEvents; signal: AbortSignal;
    stream(request: Omit<ModelRequest, "model">): AsyncIterable<ModelEvent>;
  }) {
    const { compaction } = this.d.config.agents.defaults;
    const budget = { contextTokens: contextWindowOf(this.d.config, c.modelRef), reserveTokens: compaction.reserveTokens };
    const fixedTokens = estimateTextTokens(c.system) + estimateToolsTokens(c.tools);
    const compact = async (pendingTokens: number): Promise<ChatMessage[] | undefined> => {
      if (!compaction.enabled) return undefined;
      try {
        const emit = (data: Record<string, unknown>) => c.events.agent("compaction", data);
        return (await compactSession({ sessions: this.d.sessions, key, budget, fixedTokens, pendingTokens, stream: c.stream, emit, signal: c.signal }))?.messages;
      } catch (err) {
        this.d.log.warn("compaction failed", { key, error: (err as Error).message ?? String(err) });
        return undefined;
      }
    };
    return {
      history: async (userContent: ContentBlock[]): Promise<ChatMessage[]> => {
        const history = contextMessages(effectiveContext(loadContextRecords(this.d.sessions, key)));
        const pending = estimateMessagesTokens([{ content: userContent }]);
        if (fixedTokens + pending + estimateMessagesTokens(history) <= budgetTokens(budget)) return history;
        return (await compact(pending)) ?? history;
      },
      compact: () => compact(0),
    };
  }

  /** Appends one finished message; an aborted partial carries `mayrosAbort` (agent.md §2.3). */
  private persist(key: string, message: TranscriptMessage, run: { runId: string; modelRef: string; abortOrigin: string }): void {
    const { runId, modelRef, abortOrigin } = run;
    const usage = message.usage;
    const stored = message.aborted ? { ...message, mayrosAbort: { aborted: true, origin: abortOrigin, runId } } : message;
    const entry = { type: "message", message: stored } as unknown as TranscriptEntryInput;
    const { provider, model } = splitModelRef(modelRef);
    this.d.sessions.append(key, [entry], usage
      ? { inputTokens: usage.input, outputTokens: usage.output, cacheRead: usage.cacheRead, cacheWrite: usage.cacheWrite, totalTokens: usage.input + usage.output, model, modelProvider: provider }
      : {});
  }
}
