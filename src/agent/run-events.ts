/**
 * @module The events of one run: `agent` events with a per-run `seq` from 1, and `chat` events
 * (deltas throttled to one per 150 ms per run, then `final`, `aborted` or `error`).
 */

/** Where run events go (the gateway broadcasts them with their scope guards). */
export interface RunEventSink {
  agent(payload: AgentEventPayload, toolEvent: boolean): void;
  chat(payload: ChatEventPayload): void;
}

/** An `agent` event payload (protocol.md §7.2). */
export interface AgentEventPayload {
  runId: string;
  seq: number;
  stream: "lifecycle" | "assistant" | "tool" | "compaction" | "error";
  ts: number;
  data: Record<string, unknown>;
  sessionKey?: string;
}

/** A `chat` event payload (protocol.md §7.3). */
export interface ChatEventPayload {
  runId: string;
  sessionKey: string;
  seq: number;
  state: "delta" | "final" | "aborted" | "error";
  message?: { role: "assistant"; content: Array<{ type: "text"; text: string }>; timestamp: number };
  errorMessage?: string;
  stopReason?: string;
}

/** Chat delta throttle. */
export const CHAT_DELTA_INTERVAL_MS = 150;

/** Emits the events of one run. */
export class RunEvents {
  private seq = 0;
  private chatSeq = 0;
  private lastDeltaAt = 0;
  private pendingDelta: ReturnType<typeof setTimeout> | null = null;
  private latestText = "";

  constructor(readonly runId: string, readonly sessionKey: string, private readonly sink: RunEventSink) {}

  /** An `agent` event on `stream`. */
  agent(stream: AgentEventPayload["stream"], data: Record<string, unknown>): void {
    this.sink.agent({ runId: this.runId, seq: ++this.seq, stream, ts: Date.now(), data, sessionKey: this.sessionKey }, stream === "tool");
  }

  /** Assistant text so far: an `agent` event now, a `chat` delta at most every 150 ms. */
  assistant(text: string, delta: string): void {
    this.agent("assistant", { text, delta });
    this.latestText = text;
    const wait = this.lastDeltaAt + CHAT_DELTA_INTERVAL_MS - Date.now();
    if (wait <= 0) this.flushDelta();
    else this.pendingDelta ??= setTimeout(() => this.flushDelta(), wait);
  }

  /** The end of the run as a `chat` event (`final` without a message for NO_REPLY). */
  chatEnd(state: "final" | "aborted" | "error", text: string, extra: { errorMessage?: string; stopReason?: string } = {}): void {
    if (this.pendingDelta) clearTimeout(this.pendingDelta);
    this.pendingDelta = null;
    const silent = state === "final" && text.trim() === "NO_REPLY";
    this.sink.chat({
      runId: this.runId, sessionKey: this.sessionKey, seq: ++this.chatSeq, state,
      ...(!silent && text && { message: message(text) }), ...extra,
    });
  }

  private flushDelta(): void {
    this.pendingDelta = null;
    this.lastDeltaAt = Date.now();
    this.sink.chat({ runId: this.runId, sessionKey: this.sessionKey, seq: ++this.chatSeq, state: "delta", message: message(this.latestText) });
  }
}

function message(text: string): NonNullable<ChatEventPayload["message"]> {
  return { role: "assistant", content: [{ type: "text", text }], timestamp: Date.now() };
}
