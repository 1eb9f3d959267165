/**
 * @module The query engine (extensions.md §4): aggregate statistics, slow operations and errors grouped by message,
 * computed by SQLite over the trace table (indexes on agent, session, type and time) instead of fetching every event
 * into memory as the reference did.
 */
import type { TraceEvent } from "./events.ts";
import { fromRow, where, type TraceDatabase, type TraceFilter, type TraceRow } from "./trace-store.ts";

/** Aggregates over the selected events. */
export interface TraceStats {
  totalEvents: number;
  toolCalls: number;
  llmCalls: number;
  decisions: number;
  delegations: number;
  errors: number;
  /** Mean duration of tool calls (0 without any). */
  avgToolDurationMs: number;
  avgLLMDurationMs: number;
  tokens: { prompt: number; completion: number };
  /** Per tool, most called first. */
  tools: Array<{ toolName: string; calls: number; errors: number; avgMs: number }>;
  /** Per model ref, most called first. */
  models: Array<{ model: string; calls: number; promptTokens: number; completionTokens: number; avgMs: number }>;
}

/** Errors with the same message. */
export interface ErrorGroup {
  error: string;
  count: number;
  /** ISO time of the latest one. */
  lastSeen: string;
  /** The event type(s) it was recorded on (`error`, or `tool_call` for a failed tool call). */
  types: string[];
  /** The latest event's id, to explain it. */
  lastEventId: string;
}

const round1 = (x: number | null) => Math.round((x ?? 0) * 10) / 10;

/** Counts, mean durations, tokens, and the per-tool and per-model breakdown of the events `filter` selects. */
export function aggregateStats(db: TraceDatabase, filter: TraceFilter): TraceStats {
  const w = where(filter);
  const byType = new Map((db.query(`SELECT type, count(*) AS n, avg(duration_ms) AS avg FROM trace_events WHERE ${w.sql} GROUP BY type`).all(...w.params) as Array<{ type: string; n: number; avg: number | null }>)
    .map((r) => [r.type, r]));
  const count = (type: string) => byType.get(type)?.n ?? 0;
  const tools = db.query(
    `SELECT json_extract(fields, '$.toolName') AS toolName, count(*) AS calls, sum(json_extract(fields, '$.error') IS NOT NULL) AS errors, avg(duration_ms) AS avgMs
     FROM trace_events WHERE ${w.sql} AND type = 'tool_call' GROUP BY toolName ORDER BY calls DESC, toolName`,
  ).all(...w.params) as TraceStats["tools"];
  const models = db.query(
    `SELECT json_extract(fields, '$.model') AS model, count(*) AS calls, sum(CAST(json_extract(fields, '$.promptTokens') AS INTEGER)) AS promptTokens,
       sum(CAST(json_extract(fields, '$.completionTokens') AS INTEGER)) AS completionTokens, avg(duration_ms) AS avgMs
     FROM trace_events WHERE ${w.sql} AND type = 'llm_call' GROUP BY model ORDER BY calls DESC, model`,
  ).all(...w.params) as TraceStats["models"];
  return {
    totalEvents: [...byType.values()].reduce((n, r) => n + r.n, 0),
    toolCalls: count("tool_call"), llmCalls: count("llm_call"), decisions: count("decision"), delegations: count("delegation"), errors: count("error"),
    avgToolDurationMs: round1(byType.get("tool_call")?.avg ?? 0), avgLLMDurationMs: round1(byType.get("llm_call")?.avg ?? 0),
    tokens: { prompt: models.reduce((n, m) => n + m.promptTokens, 0), completion: models.reduce((n, m) => n + m.completionTokens, 0) },
    tools: tools.map((t) => ({ ...t, avgMs: round1(t.avgMs) })),
    models: models.map((m) => ({ ...m, avgMs: round1(m.avgMs) })),
  };
}

/** Tool and model calls that took at least `thresholdMs`, slowest first (at most `limit`). */
export function findSlowOps(db: TraceDatabase, filter: TraceFilter, thresholdMs: number, limit = 10): TraceEvent[] {
  const w = where({ ...filter, types: filter.types?.length ? filter.types : ["tool_call", "llm_call"] });
  const rows = db.query(`SELECT * FROM trace_events WHERE ${w.sql} AND duration_ms >= ? ORDER BY duration_ms DESC LIMIT ?`).all(...w.params, thresholdMs, limit) as TraceRow[];
  return rows.map(fromRow);
}

/** Errors (error events and failed tool calls) grouped by message, most frequent first (at most `limit` groups). */
export function findErrors(db: TraceDatabase, filter: TraceFilter, limit = 20): ErrorGroup[] {
  const w = where({ ...filter, types: ["error", "tool_call"] });
  const rows = db.query(
    // With exactly one max() aggregate, SQLite takes the bare column `id` from the row holding the max: the latest one.
    `SELECT json_extract(fields, '$.error') AS error, count(*) AS count, max(ts) AS last, id AS lastEventId, group_concat(DISTINCT type) AS types
     FROM trace_events WHERE ${w.sql} AND json_extract(fields, '$.error') IS NOT NULL GROUP BY error ORDER BY count DESC, last DESC LIMIT ?`,
  ).all(...w.params, limit) as Array<{ error: string; count: number; last: number; types: string; lastEventId: string }>;
  return rows.map((r) => ({ error: r.error, count: r.count, lastSeen: new Date(r.last).toISOString(), types: r.types.split(","), lastEventId: r.lastEventId }));
}
