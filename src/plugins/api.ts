/**
 * @module The plugin API (extensions.md §1): everything a plugin — an external folder with `mayros.plugin.json` or
 * a bundled extension under `src/extensions/` — may use. Extensions import only this module (architecture rule).
 * Plugins are trusted code running in the gateway process; the API is the contract, not a sandbox.
 */
import type { TSchema, Type } from "@sinclair/typebox";
import type { Database } from "bun:sqlite";
import type { ChannelAdapter } from "../channels/types.ts";
import type { ModelProvider } from "../agent/providers/types.ts";
import type { CircuitBreaker, CircuitBreakerOptions } from "./circuit-breaker.ts";

/** The channel adapter contract and the model provider contract, for plugins that add one. */
export type { ChannelAdapter, ChannelContext, InboundMessage, OutboundMessage, OutboundTarget } from "../channels/types.ts";
export type { ModelEvent, ModelProvider, ModelRequest } from "../agent/providers/types.ts";
/** The host's circuit breaker, made by {@link MayrosPluginApi.createCircuitBreaker}. */
export type { CircuitBreaker, CircuitBreakerOptions, CircuitSnapshot, CircuitState } from "./circuit-breaker.ts";

/** Every typed hook with its event and what a handler may return (extensions.md §1.4). */
export interface PluginHookMap {
  before_model_resolve: { event: { prompt: string }; result: { modelOverride?: string; providerOverride?: string } };
  before_prompt_build: { event: { prompt: string; messages: unknown[] }; result: { systemPrompt?: string; prependContext?: string } };
  before_agent_start: { event: { prompt: string; messages?: unknown[] }; result: { systemPrompt?: string; prependContext?: string; modelOverride?: string } };
  before_agent_run: { event: { prompt: string; sessionKey?: string; agentId?: string }; result: { shortCircuit?: boolean; response?: string } };
  llm_input: {
    event: { runId: string; sessionId: string; sessionKey: string; provider: string; model: string; systemPrompt?: string; prompt: string; historyMessages: unknown[]; imagesCount: number; callId: string; round: number; parentToolCallIds: string[] };
    result: void;
  };
  llm_output: {
    event: { runId: string; sessionId: string; sessionKey: string; provider: string; model: string; assistantTexts: string[]; usage?: PluginUsage; callId: string; round: number; durationMs: number; error?: string };
    result: void;
  };
  agent_end: { event: { runId: string; sessionKey: string; messages: unknown[]; success: boolean; error?: string; durationMs?: number; usage?: PluginUsage }; result: void };
  before_compaction: { event: { sessionKey: string; messageCount: number; tokenCount?: number }; result: void };
  after_compaction: { event: { sessionKey: string; messageCount: number; tokenCount?: number }; result: void };
  before_reset: { event: { sessionKey: string; reason?: string }; result: void };
  message_received: { event: { from: string; content: string; timestamp?: number; metadata?: Record<string, unknown> }; result: void };
  message_sending: { event: { to: string; content: string; metadata?: Record<string, unknown> }; result: { content?: string; cancel?: boolean } };
  message_sent: { event: { to: string; content: string; success: boolean; error?: string }; result: void };
  before_tool_call: { event: { toolName: string; params: Record<string, unknown>; toolCallId: string; runId: string; llmCallId?: string }; result: { params?: Record<string, unknown>; block?: boolean; blockReason?: string; reason?: string } };
  after_tool_call: { event: { toolName: string; params: Record<string, unknown>; toolCallId: string; runId: string; llmCallId?: string; result?: string; error?: string; durationMs: number }; result: void };
  tool_result_persist: { event: { toolName?: string; toolCallId?: string; message: string; isSynthetic?: boolean }; result: { message?: string } };
  before_message_write: { event: { message: unknown; sessionKey?: string; agentId?: string }; result: { block?: boolean; message?: unknown } };
  session_start: { event: { sessionId: string; sessionKey: string; resumedFrom?: string }; result: void };
  session_end: { event: { sessionId: string; sessionKey: string; messageCount: number; durationMs?: number }; result: void };
  subagent_spawning: { event: { childSessionKey: string; agentId: string; label?: string; mode: "run" | "session" }; result: { status: "ok" } | { status: "error"; error: string } };
  subagent_delivery_target: { event: { childSessionKey: string; requesterSessionKey?: string }; result: { origin?: unknown } };
  subagent_spawned: { event: { runId: string; childSessionKey: string; agentId: string; label?: string; mode: "run" | "session"; parentRunId?: string }; result: void };
  subagent_ended: { event: { targetSessionKey: string; targetKind: "subagent" | "acp"; reason: string; outcome?: "ok" | "error" | "timeout" | "killed" | "reset" | "deleted"; error?: string; runId?: string; endedAt?: number }; result: void };
  gateway_start: { event: { port: number }; result: void };
  gateway_stop: { event: { reason?: string }; result: void };
  permission_request: { event: { toolName: string; params: unknown; riskLevel: "low" | "medium" | "high" | "critical"; reason?: string }; result: { action?: "allow" | "deny" | "ask"; reason?: string } };
  notification: { event: { level: string; title: string; body?: string; source?: string; metadata?: Record<string, unknown> }; result: void };
  teammate_idle: { event: { agentId: string; sessionKey: string; idleDurationMs: number; lastActivityAt?: number }; result: void };
  task_completed: { event: { taskId: string; agentId: string; outcome: "success" | "failure" | "cancelled"; durationMs?: number; error?: string; result?: unknown }; result: void };
  config_change: { event: { changedKeys: string[]; source: string; timestamp: number }; result: void };
}

/** A hook name. */
export type PluginHookName = keyof PluginHookMap;
/** The event of a hook. */
export type PluginHookEvent<H extends PluginHookName> = PluginHookMap[H]["event"];
/** What a handler of a hook may return. */
export type PluginHookResult<H extends PluginHookName> = PluginHookMap[H]["result"];

/** Every hook name, in the order of extensions.md §1.4. */
export const PLUGIN_HOOK_NAMES = [
  "before_model_resolve", "before_prompt_build", "before_agent_start", "before_agent_run", "llm_input", "llm_output", "agent_end",
  "before_compaction", "after_compaction", "before_reset", "message_received", "message_sending", "message_sent",
  "before_tool_call", "after_tool_call", "tool_result_persist", "before_message_write", "session_start", "session_end",
  "subagent_spawning", "subagent_delivery_target", "subagent_spawned", "subagent_ended", "gateway_start", "gateway_stop",
  "permission_request", "notification", "teammate_idle", "task_completed", "config_change",
] as const satisfies readonly PluginHookName[];

/** Token usage of a model call. */
export interface PluginUsage {
  input: number;
  output: number;
  cacheRead: number;
  cacheWrite: number;
  total: number;
}

/** Where a hook fired: the context handlers get beside the event. */
export interface PluginHookContext {
  agentId?: string;
  sessionKey?: string;
  toolName?: string;
  channelId?: string;
  accountId?: string;
  conversationId?: string;
}

/** A hook handler; `tool_result_persist` handlers must be synchronous. */
export type PluginHookHandler<H extends PluginHookName> = (event: PluginHookEvent<H>, ctx: PluginHookContext) => PluginHookResult<H> | void | Promise<PluginHookResult<H> | void>;

/** What a tool returns. */
export interface PluginToolResult {
  content: Array<{ type: "text"; text: string }>;
  details?: unknown;
  isError?: boolean;
}

/** A tool the agent can call. */
export interface PluginTool {
  name: string;
  label?: string;
  description: string;
  /** A TypeBox (JSON Schema) object schema of the parameters. */
  parameters: TSchema;
  execute(toolCallId: string, params: Record<string, unknown>, ctx: PluginToolContext): Promise<PluginToolResult>;
}

/** What a tool sees while it runs. */
export interface PluginToolContext {
  sessionKey: string;
  workspaceDir: string;
  signal: AbortSignal;
}

/** A gateway method a plugin adds to the protocol. */
export interface PluginGatewayMethod {
  /** Operator scope needed to call it. Default: `operator.admin` (default-deny). */
  scope?: "operator.read" | "operator.write" | "operator.admin" | "operator.approvals" | "operator.pairing";
  /** TypeBox schema of the params (validated before the handler runs). Default: any object. */
  params?: TSchema;
  /**
   * Answers the call. A thrown error reaches the client with its message, as the protocol error named by its `code`
   * property when that is one (`INVALID_REQUEST`, `FORBIDDEN`, `NOT_LINKED`, …), else as `UNAVAILABLE`.
   */
  handler(params: Record<string, unknown>): unknown | Promise<unknown>;
}

/** An HTTP route on the gateway port (Fetch style). */
export interface PluginHttpRoute {
  /** Absolute path, e.g. `/metrics` or `/plugins/x/hook`. */
  path: string;
  /** Methods served. Default: `["GET"]`. */
  methods?: string[];
  /** Require the gateway token (Bearer) even from loopback. Default: only on non-loopback binds. */
  auth?: "always" | "non-loopback" | "never";
  handler(req: Request): Response | Promise<Response>;
}

/** A long-lived service started and stopped with the gateway. */
export interface PluginService {
  id: string;
  start(ctx: PluginServiceContext): void | Promise<void>;
  stop?(ctx: PluginServiceContext): void | Promise<void>;
}

/** What a service gets. */
export interface PluginServiceContext {
  stateDir: string;
  workspaceDir: string;
  logger: PluginLogger;
}

/** A chat slash command answered without the model (`/name args`). */
export interface PluginCommand {
  name: string;
  description: string;
  acceptsArgs?: boolean;
  /** Only senders admitted by the channel's access policy may run it. Default: true. */
  requireAuth?: boolean;
  handler(ctx: PluginCommandContext): { text: string } | Promise<{ text: string }>;
}

/** What a chat command gets. */
export interface PluginCommandContext {
  args: string;
  senderId: string;
  channel: string;
  accountId: string;
  chatId: string;
}

/** A CLI registrar: adds subcommands to the `mayros` program (a commander `Command`). */
export type PluginCliRegistrar = (ctx: { program: import("commander").Command; logger: PluginLogger }) => void;

/** A plugin's log lines (tagged with its id). */
export interface PluginLogger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

/** Host helpers. */
export interface PluginRuntime {
  /** The gateway's state directory. */
  stateDir: string;
  /** The agent workspace. */
  workspaceDir: string;
  /** The plugin's own SQLite database (`<state>/plugins/<id>/data.db`, WAL), opened on first call. */
  database(): Database;
  /** Reads the current config file (validated). */
  readConfig(): unknown;
  /** Merge-patches the config file (validated, atomic); takes effect on restart, except `gateway.nodes` (the node command allowlist), which applies at once. */
  patchConfig(patch: Record<string, unknown>): Promise<void>;
  /** Calls a gateway method in-process with full operator rights (for CLI commands and services). */
  call(method: string, params?: Record<string, unknown>): Promise<unknown>;
  /** The gateway's counters (in the gateway; undefined in the CLI). */
  gatewayStats(): GatewayStatsSnapshot | undefined;
}

/** The gateway's own counters, for metrics. */
export interface GatewayStatsSnapshot {
  /** Open WebSocket connections (any state). */
  connections: number;
  /** Text frames received from clients. */
  framesIn: number;
  /** Frames sent to clients. */
  framesOut: number;
  /** Droppable events skipped for slow clients. */
  eventsDropped: number;
  /** Upper bounds (ms) of the latency buckets; `methods[].buckets` has one more entry, for +Inf. */
  latencyBucketsMs: number[];
  /** Per method: calls, failed calls, total ms, and non-cumulative bucket counts. */
  methods: Array<{ method: string; count: number; errors: number; sumMs: number; buckets: number[] }>;
  /** Every channel account's connection state. */
  channels: Array<{ channel: string; accountId: string; state: string }>;
}

/** What `register(api)` gets. */
export interface MayrosPluginApi {
  id: string;
  name: string;
  version?: string;
  /** Where the plugin was loaded from (its root folder, or `bundled:<id>`). */
  source: string;
  /** The whole gateway config. */
  config: unknown;
  /** `plugins.entries.<id>.config`, already validated against the manifest's `configSchema`. */
  pluginConfig: Record<string, unknown>;
  logger: PluginLogger;
  runtime: PluginRuntime;
  /** The host's TypeBox builder, for tool and method schemas (a plugin needs no TypeBox of its own). */
  Type: typeof Type;
  /**
   * A new circuit breaker (closed → open after consecutive failures → half-open after the reset time → closed after
   * successes), for a plugin guarding a remote backend: wrap each call in `breaker.run(fn)`, or call `admit()` and
   * record outcomes with `success()` / `failure()`. While open, calls fail at once with a `CircuitOpenError`.
   * @param options the guarded backend's name (for the error), thresholds, reset time and clock; all have defaults
   */
  createCircuitBreaker(options?: CircuitBreakerOptions): CircuitBreaker;
  registerTool(tool: PluginTool): void;
  on<H extends PluginHookName>(hook: H, handler: PluginHookHandler<H>, opts?: { priority?: number }): void;
  registerGatewayMethod(method: string, spec: PluginGatewayMethod): void;
  registerHttpRoute(route: PluginHttpRoute): void;
  registerCli(registrar: PluginCliRegistrar, opts: { commands: string[] }): void;
  registerService(service: PluginService): void;
  registerCommand(command: PluginCommand): void;
  /** A messaging channel: one account (`default`) started with the gateway, its options from the plugin's config. */
  registerChannel(channel: { id: string; factory(options: Record<string, unknown>): ChannelAdapter | Promise<ChannelAdapter> }): void;
  /** A model provider: model refs `<id>/<model>` stream through it. */
  registerProvider(provider: ModelProvider): void;
}

/** A plugin module's default export: a register function, or an object with one. */
export type MayrosPluginModule =
  | ((api: MayrosPluginApi) => void | Promise<void>)
  | { id?: string; register?(api: MayrosPluginApi): void | Promise<void>; activate?(api: MayrosPluginApi): void | Promise<void> };
