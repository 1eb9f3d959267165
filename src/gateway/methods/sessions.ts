/**
 * @module Handlers of `sessions.list/patch/reset/delete/preview/resolve/compact/usage`, and the
 * reset rules (`/new`, `/reset`, daily and idle staleness) that `agent` and `chat.send` apply
 * before a run (agent.md §1.1, §2.1, §2.2).
 */
import { join } from "node:path";
import { splitModelRef } from "../../agent/agent-service.ts";
import { GatewayError } from "../../protocol/index.ts";
import { listKindOf, mainSessionKey } from "../../sessions/keys.ts";
import { NEW_SESSION_PROMPT, isStale, parseResetCommand } from "../../sessions/reset-policy.ts";
import type { SessionEntry, SessionPatch, TranscriptEntry } from "../../sessions/types.ts";
import type { GatewayServices, MethodTable } from "../context.ts";

/** How long `sessions.reset` / `sessions.delete` wait for an aborted run to end (agent.md §2.2). */
export const ABORT_WAIT_MS = 15_000;

/** The context window assumed for a model the config does not describe (agent.md §4.1). */
const DEFAULT_CONTEXT_TOKENS = 200_000;

/** Defaults of `sessions.preview` and `sessions.compact` (agent.md §2.2). */
const PREVIEW_LIMIT = 5;
const PREVIEW_MAX_CHARS = 200;
const COMPACT_MAX_LINES = 400;

/** A leading `[Dow YYYY-MM-DD HH:MM …]` stamp of user text (left out of previews). */
const STAMP = /^\[[A-Z][a-z]{2} \d{4}-\d{2}-\d{2} \d{2}:\d{2}[^\]]*\]\s*/;

/**
 * Clears the queue of `key`, aborts its run and waits (≤ {@link ABORT_WAIT_MS}) until the run has
 * ended, so its aborted partial is written before the transcript is replaced or deleted.
 * @throws {GatewayError} UNAVAILABLE (retryable) when the run did not end in time.
 */
async function stopSession(s: GatewayServices, key: string): Promise<void> {
  s.runs.abort(key);
  s.lanes.abort(key);
  if (!s.lanes.isBusy(key)) return;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timedOut = new Promise<boolean>((resolve) => { timer = setTimeout(() => resolve(false), ABORT_WAIT_MS); });
  try {
    if (await Promise.race([s.lanes.whenIdle(key).then(() => true), timedOut])) return;
  } finally {
    clearTimeout(timer);
  }
  throw new GatewayError("UNAVAILABLE", `the run of session ${key} did not stop within ${ABORT_WAIT_MS / 1000} s`, { retryable: true });
}

/**
 * Applies the reset rules to an inbound `agent` / `chat.send` message of session `key`, before it
 * runs: a `/new` or `/reset` prefix stops the session's run and queue, resets the session (new
 * sessionId) and leaves the remainder to run — a bare command runs {@link NEW_SESSION_PROMPT};
 * otherwise an idle session gone stale under `session.reset` (daily `atHour`, `idleMinutes`,
 * gateway local time) is reset first. A session with a run or queued messages is never stale.
 * @returns the text to run (not yet stamped).
 * @throws {GatewayError} UNAVAILABLE when the aborted run did not end in time.
 */
export async function applyResetRules(s: GatewayServices, key: string, message: string): Promise<string> {
  const command = parseResetCommand(message);
  if (command) {
    await stopSession(s, key);
    const entry = s.sessions.reset(key);
    if (entry) s.log.info("session reset by command", { key, command: command.command, sessionId: entry.sessionId });
    return command.rest || NEW_SESSION_PROMPT;
  }
  const entry = s.sessions.get(key);
  if (entry && !s.lanes.isBusy(key) && s.lanes.queued(key) === 0 && isStale(entry, s.agentConfig().session.reset, Date.now())) {
    const fresh = s.sessions.reset(key);
    s.log.info("stale session reset", { key, updatedAt: entry.updatedAt, sessionId: fresh?.sessionId });
  }
  return message;
}

/** One transcript entry as a preview item (undefined when it has no text), its text cut at `maxChars`. */
function previewItem(e: TranscriptEntry, maxChars: number): { role: string; text: string } | undefined {
  let role: string;
  let parts: string[];
  if (e.type === "compaction") {
    role = "system";
    parts = [`[summary] ${e.summary}`];
  } else {
    const blocks = e.message.content;
    role = e.message.role === "toolResult" || (blocks.length > 0 && blocks.every((b) => b.type === "tool_result")) ? "tool" : e.message.role;
    parts = blocks.map((b) => {
      if (b.type === "text" && typeof b.text === "string") return role === "user" ? b.text.replace(STAMP, "") : b.text;
      if (b.type === "tool_use" || b.type === "toolCall") return `[tool: ${String(b.name)}]`;
      if (b.type === "tool_result") return typeof b.content === "string" ? b.content : "";
      return b.type === "image" ? "[image]" : "";
    });
  }
  const text = parts.join(" ").replace(/\s+/g, " ").trim();
  if (!text) return undefined;
  return { role, text: text.length > maxChars ? `${text.slice(0, maxChars - 1)}…` : text };
}

/** The preview of one requested key. */
function previewOf(s: GatewayServices, requested: string, limit: number, maxChars: number) {
  try {
    const key = s.agent.resolveKey(requested);
    if (!s.sessions.get(key)) return { key: requested, status: "missing" as const, items: [] };
    // Entries without text (e.g. a bare tool call) are skipped, so read a few more than asked for.
    const items = s.sessions.tail(key, limit * 4 + 8).flatMap(({ entry }) => previewItem(entry, maxChars) ?? []).slice(-limit);
    return { key: requested, status: items.length > 0 ? ("ok" as const) : ("empty" as const), items };
  } catch (err) {
    return { key: requested, status: "error" as const, items: [], error: (err as Error).message ?? String(err) };
  }
}

/** Session handlers. */
export const sessionsMethods: MethodTable = {
  "sessions.list": (p: { limit?: number; agentId?: string; activeMinutes?: number; search?: string } | undefined, { services: s }) => {
    const sessions = s.sessions.list({ limit: p?.limit, agentId: p?.agentId, activeMinutes: p?.activeMinutes, search: p?.search });
    const config = s.agentConfig();
    const { provider, model } = splitModelRef(config.agents.defaults.model.primary);
    const contextTokens = config.models.providers[provider]?.models?.find((m) => m.id === model)?.contextWindow ?? DEFAULT_CONTEXT_TOKENS;
    return {
      ts: Date.now(), path: join(s.stateDir, "state.db"), count: sessions.length,
      defaults: { modelProvider: provider, model, contextTokens },
      sessions: sessions.map((e) => ({ ...e, kind: listKindOf(e.key) })) as unknown as Array<Record<string, unknown>>,
    };
  },

  "sessions.patch": (p: { key: string } & Record<string, unknown>, { services: s }) => {
    const { key: rawKey, model, ...rest } = p;
    const key = s.agent.resolveKey(rawKey);
    s.sessions.getOrCreate(key);
    const patch = { ...rest, ...(model !== undefined && { modelOverride: model }) } as SessionPatch;
    return { ok: true, key, entry: s.sessions.patch(key, patch) };
  },

  "sessions.reset": async (p: { key: string }, { services: s }) => {
    const key = s.agent.resolveKey(p.key);
    await stopSession(s, key);
    s.sessions.getOrCreate(key);
    return { ok: true, key, entry: s.sessions.reset(key) };
  },

  "sessions.delete": async (p: { key: string; deleteTranscript?: boolean }, { services: s }) => {
    const key = s.agent.resolveKey(p.key);
    if (key === mainSessionKey("main", s.agentConfig().session.mainKey)) throw new GatewayError("INVALID_REQUEST", "the main session cannot be deleted (use sessions.reset)");
    await stopSession(s, key);
    const deleted = s.sessions.delete(key, { keepTranscript: p.deleteTranscript === false }) !== undefined;
    return { ok: true, key, deleted };
  },

  "sessions.preview": (p: { keys: string[]; limit?: number; maxChars?: number }, { services: s }) => {
    const limit = p.limit ?? PREVIEW_LIMIT;
    const maxChars = p.maxChars ?? PREVIEW_MAX_CHARS;
    return { ts: Date.now(), previews: p.keys.map((k) => previewOf(s, k, limit, maxChars)) };
  },

  "sessions.resolve": (p: { key?: string; sessionId?: string; label?: string; agentId?: string; spawnedBy?: string }, { services: s }) => {
    const given = (["key", "sessionId", "label"] as const).filter((f) => p[f] !== undefined);
    if (given.length !== 1) throw new GatewayError("INVALID_REQUEST", "sessions.resolve needs exactly one of key, sessionId, label");
    const by = given[0]!;
    let matches: SessionEntry[];
    if (p.key !== undefined) {
      const entry = s.sessions.get(s.agent.resolveKey(p.key, p.agentId));
      matches = entry && (p.spawnedBy === undefined || entry.spawnedBy === p.spawnedBy) ? [entry] : [];
    } else {
      if (p.agentId !== undefined) s.agent.resolveKey(undefined, p.agentId); // an unknown agent id is INVALID_REQUEST
      matches = s.sessions.find({ sessionId: p.sessionId, label: p.label, spawnedBy: p.spawnedBy, ...(p.agentId !== undefined && { agentId: "main" }) });
    }
    if (matches.length === 0) throw new GatewayError("INVALID_REQUEST", `no session matches ${by} ${JSON.stringify(p[by])}`);
    if (matches.length > 1) {
      throw new GatewayError("INVALID_REQUEST", `${by} ${JSON.stringify(p[by])} matches ${matches.length} sessions (${matches.map((m) => m.key).sort().join(", ")}); resolve by key`);
    }
    const entry = matches[0]!;
    return { ok: true, key: entry.key, entry };
  },

  "sessions.compact": (p: { key: string; maxLines?: number }, { services: s }) => {
    const key = s.agent.resolveKey(p.key);
    if (!s.sessions.get(key)) return { ok: true, key, compacted: false, reason: "no session" };
    const r = s.sessions.compact(key, p.maxLines ?? COMPACT_MAX_LINES);
    if (r.compacted) return { ok: true, key, compacted: true, kept: r.kept, removed: r.removed };
    return { ok: true, key, compacted: false, kept: r.kept, ...(r.kept === 0 && { reason: "no transcript" }) };
  },

  "sessions.usage": (p: { key?: string; agentId?: string; limit?: number } | undefined, { services: s }) => {
    if (p?.agentId !== undefined) s.agent.resolveKey(undefined, p.agentId); // an unknown agent id is INVALID_REQUEST
    const agentId = p?.agentId === undefined ? undefined : "main";
    const entries = p?.key !== undefined
      ? [s.sessions.get(s.agent.resolveKey(p.key, p.agentId))].filter((e): e is SessionEntry => e !== undefined)
      : s.sessions.list({ limit: p?.limit, agentId });
    const sessions = entries.flatMap((e) => {
      const usage = s.sessions.usage(e.key);
      return usage ? [{ key: e.key, sessionId: e.sessionId, agentId: e.agentId, updatedAt: e.updatedAt, ...usage }] : [];
    });
    const totals = { inputTokens: 0, outputTokens: 0, totalTokens: 0, cacheRead: 0, cacheWrite: 0 };
    for (const row of sessions) for (const f of Object.keys(totals) as Array<keyof typeof totals>) totals[f] += row[f];
    return { ts: Date.now(), sessions, totals };
  },
};
