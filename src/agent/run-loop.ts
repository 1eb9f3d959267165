/**
 * @module The tool loop of one run (agent.md §5): stream the model, run the tools it asks for, feed
 * the results back, until a plain stop, the round cap, an abort or the timeout. Every finished
 * message is persisted as it completes, so a crash loses at most the message in flight.
 */
import type { ChatMessage, ContentBlock, ImageBlock, ModelEvent, ModelRequest, StopReason, Usage } from "./providers/types.ts";
import type { Tool, ToolContext } from "./tools/registry.ts";

/** What the loop reports while it runs (turned into `agent` events by the caller). */
export type LoopEvent =
  | { stream: "assistant"; data: { text: string; delta: string } }
  | { stream: "tool"; data: { phase: "start"; name: string; toolCallId: string; args: unknown } | { phase: "result"; name: string; toolCallId: string; result: string; isError: boolean } };

/** A transcript message as stored (agent.md §2.3). */
export interface TranscriptMessage {
  role: "user" | "assistant" | "toolResult";
  content: ContentBlock[];
  timestamp: number;
  usage?: Usage;
  stopReason?: StopReason;
  aborted?: boolean;
}

/** Inputs of {@link runLoop}. */
export interface LoopOptions {
  model: string;
  system: string;
  history: ChatMessage[];
  userText: string;
  /** Images sent with the text (`attachments`): they open the user message, before the text. */
  images?: ImageBlock[];
  tools: Tool[];
  toolContext: Omit<ToolContext, "signal">;
  maxToolRounds: number;
  maxTokens: number;
  signal: AbortSignal;
  stream(request: ModelRequest): AsyncIterable<ModelEvent>;
  emit(event: LoopEvent): void;
  persist(message: TranscriptMessage): void;
  /**
   * Called at most once per run when a model call fails before any output with an error that
   * `isContextOverflow` accepts: compacts the (already persisted) conversation and returns the
   * messages to retry the call with, or `undefined` to give up (the error is then thrown).
   */
  compact?(): Promise<ChatMessage[] | undefined>;
  /** Whether an error means "the request is longer than the model's context". */
  isContextOverflow?(error: unknown): boolean;
  /** Messages steered into the running turn (queue mode `steer`), delivered at tool-call boundaries. */
  steering?: Steering;
  /** Text the model sees before the user's message this turn (plugin context); never persisted. */
  promptPrefix?: string;
  /** Observers and gates around model and tool calls (the plugin hooks). */
  hooks?: LoopHooks;
}

/** What the loop tells (and asks) around each model and tool call; ids link tool calls to the model call that asked. */
export interface LoopHooks {
  /** A model call starts; `parentToolCallIds` are the tool calls whose results it carries. Returns its id. */
  modelCallStart(round: number, messages: ChatMessage[], parentToolCallIds: string[]): string;
  /** A model call ended (or failed). */
  modelCallEnd(callId: string, round: number, outcome: { text: string; usage?: Usage; durationMs: number; error?: string }): void;
  /** Before a tool runs: may replace its params or block it (the reason becomes the tool's error result). */
  toolCallStart(call: { id: string; name: string; params: Record<string, unknown>; llmCallId: string }): Promise<{ params?: Record<string, unknown>; block?: boolean; blockReason?: string } | undefined>;
  /** After a tool ran. */
  toolCallEnd(call: { id: string; name: string; params: Record<string, unknown>; llmCallId: string; result: string; isError: boolean; durationMs: number }): void;
  /** The tool result about to be persisted; returns what to persist and feed back. */
  persistToolResult(call: { id: string; name: string }, content: string): string;
}

/**
 * The steer channel of a run: messages are accepted only while tools run (the next model call then
 * carries them); at any other time the lane queues them as a follow-up instead.
 */
export class Steering {
  private toolPhase = false;
  private readonly pending: string[] = [];

  /** Offers a message; false when the run is not at a tool boundary. */
  offer(text: string): boolean {
    if (!this.toolPhase) return false;
    this.pending.push(text);
    return true;
  }

  /** Whether a steered message is waiting (remaining tool calls are then skipped). */
  get waiting(): boolean {
    return this.pending.length > 0;
  }

  /** @internal Marks the start or end of a tool phase. */
  setToolPhase(active: boolean): void {
    this.toolPhase = active;
  }

  /** @internal Takes the waiting messages. */
  drain(): string[] {
    return this.pending.splice(0);
  }
}

/** How a run ended. */
export interface LoopResult {
  /** The reply: the text of every model call, separated by blank lines. */
  text: string;
  usage: Usage;
  stopReason: StopReason;
  aborted: boolean;
  rounds: number;
}

/** The content of a run's user message: its images, then its text. */
export function userMessageContent(text: string, images: readonly ImageBlock[] = []): ContentBlock[] {
  return [...images, { type: "text", text }];
}

/** Runs the loop; throws on provider failure (the caller reports `lifecycle: error`). */
export async function runLoop(o: LoopOptions): Promise<LoopResult> {
  const usage: Usage = { input: 0, output: 0, cacheRead: 0, cacheWrite: 0 };
  const userContent = userMessageContent(o.userText, o.images);
  const seen = o.promptPrefix ? userMessageContent(`${o.promptPrefix}\n\n${o.userText}`, o.images) : userContent;
  const messages: ChatMessage[] = [...o.history, { role: "user", content: seen }];
  o.persist({ role: "user", content: userContent, timestamp: Date.now() });
  let parentToolCallIds: string[] = [];
  let text = "";
  let rounds = 0;
  let compacted = false;
  const tools = new Map(o.tools.map((t) => [t.name, t]));
  while (true) {
    if (rounds >= o.maxToolRounds) throw new Error(`the run stopped after ${o.maxToolRounds} model calls (agents.defaults.maxToolRounds)`);
    rounds++;
    let turnText = "";
    let turnUsage: Usage | undefined;
    let stop: Extract<ModelEvent, { type: "stop" }> | undefined;
    let started = false;
    const callStartedAt = Date.now();
    const callId = o.hooks?.modelCallStart(rounds, messages, parentToolCallIds) ?? "";
    let ended = false;
    const callEnded = (error?: string) => {
      if (ended) return;
      ended = true;
      o.hooks?.modelCallEnd(callId, rounds, { text: turnText, ...(turnUsage && { usage: turnUsage }), durationMs: Date.now() - callStartedAt, ...(error && { error }) });
    };
    try {
      for await (const event of o.stream({ model: o.model, system: o.system, messages, tools: o.tools, maxTokens: o.maxTokens, signal: o.signal })) {
        started = true;
        if (event.type === "text") {
          if (event.delta === "") continue;
          // The text of a later model call starts a new paragraph of the run's reply.
          const delta = turnText === "" && text !== "" ? `\n\n${event.delta}` : event.delta;
          turnText += event.delta;
          text += delta;
          o.emit({ stream: "assistant", data: { text, delta } });
        } else if (event.type === "usage") {
          turnUsage = event.usage;
        } else if (event.type === "stop") {
          stop = event;
        }
      }
    } catch (err) {
      callEnded((err as Error).message ?? String(err));
      if (!o.signal.aborted && !started && !compacted && o.compact && o.isContextOverflow?.(err)) {
        // The provider refused the request as too long: compact once and retry the same call.
        compacted = true;
        const next = await o.compact();
        if (next && !o.signal.aborted) {
          messages.splice(0, messages.length, ...next);
          rounds--;
          continue;
        }
      }
      if (!o.signal.aborted) throw err;
    }
    if (o.signal.aborted || !stop) {
      callEnded("aborted");
      if (turnUsage) addUsage(usage, turnUsage);
      if (turnText) o.persist({ role: "assistant", content: [{ type: "text", text: turnText }], timestamp: Date.now(), stopReason: "aborted", aborted: true });
      return { text, usage, stopReason: "aborted", aborted: true, rounds };
    }
    callEnded();
    if (turnUsage) addUsage(usage, turnUsage);
    messages.push(stop.message);
    o.persist({ role: "assistant", content: stop.message.content, timestamp: Date.now(), ...(turnUsage && { usage: turnUsage }), stopReason: stop.reason });
    const calls = stop.message.content.filter((b): b is Extract<ContentBlock, { type: "tool_use" }> => b.type === "tool_use");
    if (stop.reason !== "tool_use" || calls.length === 0) return { text, usage, stopReason: stop.reason, aborted: false, rounds };
    const results: ContentBlock[] = [];
    o.steering?.setToolPhase(true);
    for (const call of calls) {
      // A steered message pre-empts the calls that have not started (agent.md §2.4).
      if (o.steering?.waiting) results.push({ type: "tool_result", toolUseId: call.id, content: "skipped: the user sent a new message" });
      else results.push(await runTool(call, tools, o, callId));
    }
    parentToolCallIds = calls.map((c) => c.id);
    o.steering?.setToolPhase(false);
    for (const text of o.steering?.drain() ?? []) results.push({ type: "text", text });
    messages.push({ role: "user", content: results });
    o.persist({ role: "toolResult", content: results, timestamp: Date.now() });
  }
}

async function runTool(call: Extract<ContentBlock, { type: "tool_use" }>, tools: Map<string, Tool>, o: LoopOptions, llmCallId: string): Promise<ContentBlock> {
  o.emit({ stream: "tool", data: { phase: "start", name: call.name, toolCallId: call.id, args: call.input } });
  const tool = tools.get(call.name);
  let params = call.input && typeof call.input === "object" ? (call.input as Record<string, unknown>) : {};
  const startedAt = Date.now();
  let result: { content: string; isError?: boolean };
  const gate = tool ? await o.hooks?.toolCallStart({ id: call.id, name: call.name, params, llmCallId }) : undefined;
  if (gate?.params) params = gate.params;
  if (!tool) result = { content: `unknown tool: ${call.name}`, isError: true };
  else if (gate?.block) result = { content: `blocked: ${gate.blockReason ?? "a plugin refused this tool call"}`, isError: true };
  else {
    try {
      result = await tool.execute(params, { ...o.toolContext, signal: o.signal });
    } catch (err) {
      result = { content: `${call.name} failed: ${(err as Error).message}`, isError: true };
    }
  }
  if (tool) o.hooks?.toolCallEnd({ id: call.id, name: call.name, params, llmCallId, result: result.content, isError: result.isError === true, durationMs: Date.now() - startedAt });
  const content = o.hooks ? o.hooks.persistToolResult({ id: call.id, name: call.name }, result.content) : result.content;
  o.emit({ stream: "tool", data: { phase: "result", name: call.name, toolCallId: call.id, result: content, isError: result.isError === true } });
  return { type: "tool_result", toolUseId: call.id, content, ...(result.isError && { isError: true }) };
}

function addUsage(total: Usage, u: Usage): void {
  total.input += u.input;
  total.output += u.output;
  total.cacheRead += u.cacheRead;
  total.cacheWrite += u.cacheWrite;
}
