/**
 * @module The session tools (`group:sessions`): `sessions_list` (the calling agent's sessions,
 * newest first) and `sessions_history` (a session's recent messages as text). Read-only; an agent
 * only sees its own sessions.
 */
import { agentIdOf } from "../../sessions/keys.ts";
import type { SessionStore } from "../../sessions/store.ts";
import type { TranscriptRecord } from "../../sessions/types.ts";
import type { Tool, ToolResult } from "./registry.ts";

/** Rows or messages returned by default, and at most. */
const DEFAULT_LIMIT = 20;
const MAX_LIMIT = 100;
/** Characters kept of one message, and of the whole answer. */
const MAX_MESSAGE_CHARS = 4_000;
const MAX_RESULT_CHARS = 40_000;

const fail = (content: string): ToolResult => ({ content, isError: true });

/** A positive integer limit from model input, clamped. */
function limitOf(value: unknown): number {
  const n = Math.floor(Number(value));
  return Number.isFinite(n) && n > 0 ? Math.min(n, MAX_LIMIT) : DEFAULT_LIMIT;
}

function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max)}… [${text.length - max} more characters]` : text;
}

/** One transcript entry as plain text lines (tool calls and results only when asked for). */
function renderEntry(record: TranscriptRecord, includeTools: boolean): string | undefined {
  const e = record.entry;
  const when = new Date(record.createdAt).toISOString();
  if (e.type === "compaction") return `[${when}] (earlier conversation summarised) ${clip(e.summary, MAX_MESSAGE_CHARS)}`;
  const parts: string[] = [];
  for (const block of e.message.content) {
    if (block.type === "text" && typeof block.text === "string") parts.push(block.text);
    else if (includeTools && block.type === "tool_use") parts.push(`[tool call ${String(block.name)}: ${clip(JSON.stringify(block.input ?? {}), 500)}]`);
    else if (includeTools && block.type === "tool_result") {
      parts.push(`[tool result${block.isError ? " (error)" : ""}: ${clip(String(block.content ?? ""), 1_000)}]`);
    }
  }
  if (parts.length === 0) return undefined;
  const role = e.message.role === "toolResult" ? "tool" : e.message.role;
  return `[${when}] ${role}: ${clip(parts.join("\n"), MAX_MESSAGE_CHARS)}`;
}

/** The two session tools over `sessions`. */
export function sessionsTools(sessions: SessionStore): Tool[] {
  return [
    {
      name: "sessions_list", group: "group:sessions",
      description: "List this agent's sessions, most recently active first (key, label, channel, model, last activity).",
      inputSchema: {
        type: "object",
        properties: {
          limit: { type: "integer", minimum: 1, maximum: MAX_LIMIT, description: `Rows at most (default ${DEFAULT_LIMIT}).` },
          activeMinutes: { type: "integer", minimum: 1, description: "Only sessions active within the last N minutes." },
          search: { type: "string", description: "Substring of the key, label, display name or subject." },
        },
      },
      async execute(input, ctx) {
        const activeMinutes = Math.floor(Number(input.activeMinutes));
        const rows = sessions.list({
          agentId: agentIdOf(ctx.sessionKey), limit: limitOf(input.limit),
          ...(Number.isFinite(activeMinutes) && activeMinutes > 0 && { activeMinutes }),
          ...(typeof input.search === "string" && input.search.trim() && { search: input.search }),
        });
        if (rows.length === 0) return { content: "no sessions" };
        const list = rows.map((s) => ({
          key: s.key, ...(s.label && { label: s.label }), ...(s.displayName && { displayName: s.displayName }),
          ...(s.channel && { channel: s.channel }), ...(s.model && { model: s.model }),
          updatedAt: new Date(s.updatedAt).toISOString(), ...(s.key === ctx.sessionKey && { current: true }),
        }));
        return { content: JSON.stringify(list, null, 1) };
      },
    },
    {
      name: "sessions_history", group: "group:sessions",
      description: "Read the most recent messages of one of this agent's sessions, oldest first.",
      inputSchema: {
        type: "object",
        properties: {
          sessionKey: { type: "string", description: "A key from sessions_list." },
          limit: { type: "integer", minimum: 1, maximum: MAX_LIMIT, description: `Transcript entries at most (default ${DEFAULT_LIMIT}).` },
          includeTools: { type: "boolean", description: "Also show tool calls and results (default false)." },
        },
        required: ["sessionKey"],
      },
      async execute(input, ctx) {
        const key = typeof input.sessionKey === "string" ? input.sessionKey.trim() : "";
        if (!key) return fail("sessionKey is required");
        const session = sessions.get(key);
        if (!session || session.agentId !== agentIdOf(ctx.sessionKey)) return fail(`no such session: ${key}`);
        const lines = sessions.tail(key, limitOf(input.limit))
          .map((r) => renderEntry(r, input.includeTools === true))
          .filter((l): l is string => l !== undefined);
        if (lines.length === 0) return { content: `session ${key} has no messages` };
        // Keep the newest lines when the whole answer would be too long.
        let total = 0;
        let first = lines.length;
        while (first > 0 && total + lines[first - 1]!.length + 1 <= MAX_RESULT_CHARS) total += lines[--first]!.length + 1;
        const skipped = first > 0 ? `[${first} older entries left out]\n` : "";
        return { content: `${skipped}${lines.slice(first).join("\n")}` };
      },
    },
  ];
}
