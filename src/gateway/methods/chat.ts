/** @module Handlers of the WebChat methods: `chat.send`, `chat.history`, `chat.abort`, `chat.inject`. */
import { GatewayError } from "../../protocol/index.ts";
import type { ChatSendParams } from "../../protocol/methods/chat.ts";
import type { MethodTable } from "../context.ts";

/** Text of one history message beyond which it is truncated (agent.md §1.3). */
const HISTORY_TEXT_CAP = 12_000;

/** WebChat handlers. */
export const chatMethods: MethodTable = {
  "chat.send": (p: ChatSendParams, { services: s }) => {
    if (p.message.includes("\0")) throw new GatewayError("INVALID_REQUEST", "invalid chat.send params: at /message: must not contain NUL bytes");
    const key = s.agent.resolveKey(p.sessionKey);
    if (p.message.trim() === "/stop") {
      const runIds = s.runs.abort(key);
      s.lanes.abort(key);
      return { ok: true, aborted: runIds.length > 0, runIds };
    }
    const runId = p.idempotencyKey;
    if (s.agent.isRunning(runId)) return { runId, status: "in_flight" };
    const text = p.message.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, "");
    void s.agent.run({ runId, sessionKey: key, message: text, ...(p.timeoutMs && { timeoutSeconds: Math.ceil(p.timeoutMs / 1000) }) });
    return { runId, status: "started" };
  },

  "chat.history": (p: { sessionKey: string; limit?: number }, { services: s }) => {
    const key = s.agent.resolveKey(p.sessionKey);
    const entry = s.sessions.get(key);
    const messages = entry ? s.sessions.tail(key, p.limit ?? 200).flatMap(({ entry: e }) => (e.type === "message" ? [capText(e.message)] : [])) : [];
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

function capText(message: { content: Array<Record<string, unknown>> } & Record<string, unknown>): unknown {
  const content = message.content.map((block) => {
    if (block.type === "text" && typeof block.text === "string" && block.text.length > HISTORY_TEXT_CAP) {
      return { ...block, text: `${block.text.slice(0, HISTORY_TEXT_CAP)}…`, truncated: true };
    }
    if (block.type === "image") return { type: "image", omitted: true, bytes: typeof block.data === "string" ? Math.floor((block.data.length * 3) / 4) : 0 };
    return block;
  });
  return { ...message, content };
}
