/** @module Handlers of the WebChat methods: `chat.send`, `chat.history`, `chat.abort`, `chat.inject`. */
import { decodedLength, imageBlocksOf } from "../../agent/attachments.ts";
import { stampUserText } from "../../agent/system-prompt.ts";
import { GatewayError } from "../../protocol/index.ts";
import type { ChatSendParams } from "../../protocol/methods/chat.ts";
import { watchSession } from "../run-event-sink.ts";
import type { MethodTable } from "../context.ts";
import { applyResetRules } from "./sessions.ts";

/** Text of one history message beyond which it is truncated (agent.md §1.3). */
const HISTORY_TEXT_CAP = 12_000;
/** A history message whose JSON is larger than this is replaced by a placeholder. */
export const HISTORY_MESSAGE_MAX_BYTES = 128 * 1024;
/** The messages of one `chat.history` reply at most (the oldest are left out first). */
export const HISTORY_MAX_BYTES = 6 * 1024 * 1024;

/** WebChat handlers. */
export const chatMethods: MethodTable = {
  "chat.send": async (p: ChatSendParams, { conn, services: s }) => {
    if (p.message.includes("\0")) throw new GatewayError("INVALID_REQUEST", "invalid chat.send params: at /message: must not contain NUL bytes");
    const images = imageBlocksOf("chat.send", p.attachments);
    const key = s.agent.resolveKey(p.sessionKey);
    if (p.message.trim() === "/stop") {
      const runIds = s.runs.abort(key, undefined, "stop");
      s.lanes.abort(key);
      return { ok: true, aborted: runIds.length > 0, runIds };
    }
    if (s.sessions.get(key)?.sendPolicy === "deny") throw new GatewayError("INVALID_REQUEST", `sending is disabled for session ${key} (sendPolicy: deny)`);
    const runId = p.idempotencyKey;
    if (s.agent.isRunning(runId)) return { runId, status: "in_flight" };
    // `/new` / `/reset` and stale sessions start over before the message runs (agent.md §2.1).
    const message = await applyResetRules(s, key, p.message.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, ""));
    const text = stampUserText(message, s.agentConfig().agents.defaults.userTimezone);
    watchSession(s.registry, conn, key);
    void s.agent.run({ runId, sessionKey: key, message: text, images, callerConnId: conn.id, ...(p.timeoutMs && { timeoutSeconds: Math.ceil(p.timeoutMs / 1000) }) });
    return { runId, status: "started" };
  },

  "chat.history": (p: { sessionKey: string; limit?: number }, { conn, services: s }) => {
    const key = s.agent.resolveKey(p.sessionKey);
    watchSession(s.registry, conn, key);
    const entry = s.sessions.get(key);
    const all = entry ? s.sessions.tail(key, p.limit ?? 200).flatMap(({ entry: e }) => (e.type === "message" ? [capMessage(e.message)] : [])) : [];
    const messages = newestWithin(all, HISTORY_MAX_BYTES);
    return {
      sessionKey: key, sessionId: entry?.sessionId ?? "", messages,
      ...(entry?.thinkingLevel && { thinkingLevel: entry.thinkingLevel }), ...(entry?.verboseLevel && { verboseLevel: entry.verboseLevel }),
    };
  },

  "chat.abort": (p: { sessionKey: string; runId?: string }, { services: s }) => {
    const key = s.agent.resolveKey(p.sessionKey);
    if (p.runId) {
      const run = s.runs.get(p.runId);
      if (run && run.sessionKey !== key) throw new GatewayError("INVALID_REQUEST", `run ${p.runId} belongs to another session`);
    }
    const runIds = s.runs.abort(key, p.runId);
    return { ok: true, aborted: runIds.length > 0, runIds };
  },

  "chat.inject": (p: { sessionKey: string; message: string; label?: string }, { services: s }) => {
    const key = s.agent.resolveKey(p.sessionKey);
    const session = s.sessions.getOrCreate(key);
    const text = p.label ? `[${p.label}] ${p.message}` : p.message;
    s.sessions.append(key, [{
      type: "message",
      message: { role: "assistant", content: [{ type: "text", text }], timestamp: Date.now(), provider: "mayros", model: "gateway-injected" },
    }]);
    return { ok: true, sessionId: session.sessionId };
  },
};

/** A history message with long texts cut and image data dropped (agent.md §1.3); a still too large one becomes a placeholder. */
function capMessage(message: { content: Array<Record<string, unknown>>; role: string; timestamp: number } & Record<string, unknown>): unknown {
  const capped = capText(message);
  const bytes = Buffer.byteLength(JSON.stringify(capped));
  if (bytes <= HISTORY_MESSAGE_MAX_BYTES) return capped;
  return { role: message.role, timestamp: message.timestamp, content: [{ type: "text", text: `[message omitted: ${bytes} bytes]` }], omitted: true, bytes };
}

/** The newest `messages` whose JSON fits in `maxBytes` together, oldest first. */
function newestWithin(messages: unknown[], maxBytes: number): unknown[] {
  let total = 0;
  let start = messages.length;
  while (start > 0) {
    const size = Buffer.byteLength(JSON.stringify(messages[start - 1]));
    if (total + size > maxBytes) break;
    total += size;
    start--;
  }
  return messages.slice(start);
}

function capText(message: { content: Array<Record<string, unknown>> } & Record<string, unknown>): Record<string, unknown> {
  const content = message.content.map((block) => {
    if (block.type === "text" && typeof block.text === "string" && block.text.length > HISTORY_TEXT_CAP) {
      return { ...block, text: `${block.text.slice(0, HISTORY_TEXT_CAP)}…`, truncated: true };
    }
    if (block.type === "image") {
      const bytes = typeof block.data === "string" ? decodedLength(block.data) : 0;
      return { type: "image", ...(typeof block.mediaType === "string" && { mediaType: block.mediaType }), omitted: true, bytes };
    }
    return block;
  });
  return { ...message, content };
}
