import { afterEach, describe, expect, it } from "bun:test";
import { Database } from "bun:sqlite";
import type { TraceEvent, TraceEventType } from "../../../src/extensions/observability/events.ts";
import { aggregateStats, findErrors, findSlowOps } from "../../../src/extensions/observability/query-engine.ts";
import { TraceStore, where } from "../../../src/extensions/observability/trace-store.ts";

const DAY = 86_400_000;
const T0 = Date.UTC(2026, 4, 1);
let n = 0;

function ev(type: TraceEventType, at: number, o: Partial<TraceEvent> = {}): TraceEvent {
  return { id: `e${++n}`, type, agentId: "main", timestamp: at, session: "s1", fields: {}, ...o };
}

const dbs: Database[] = [];
function open(retention = { maxEvents: 1000, maxAgeDays: 7 }, now = () => T0): TraceStore {
  const db = new Database(":memory:");
  dbs.push(db);
  return new TraceStore(db, retention, now);
}
afterEach(() => {
  for (const db of dbs.splice(0)) db.close();
});

describe("the trace store", () => {
  it("should round-trip events with every optional field", () => {
    const store = open();
    const full = ev("tool_call", T0, { runId: "r1", parentEvent: "p", durationMs: 12.5, fields: { toolName: "list", input: "{}" } });
    const bare = ev("decision", T0 + 1, { fields: { description: "run_start" } });
    delete bare.session;
    store.insert([full, bare]);
    expect(store.get(full.id)).toEqual(full);
    expect(store.get(bare.id)).toEqual(bare);
    expect(store.get("missing")).toBeUndefined();
  });

  it("should create its indexes", () => {
    const store = open();
    const names = (store.db.query("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'trace_events' AND name NOT LIKE 'sqlite_%'").all() as Array<{ name: string }>).map((r) => r.name).sort();
    expect(names).toEqual(["trace_events_agent_ts", "trace_events_session_ts", "trace_events_ts"]);
  });

  it("should list the newest events matching a filter, oldest first", () => {
    const store = open();
    store.insert([
      ev("llm_call", T0 + 1, { id: "a" }), ev("tool_call", T0 + 2, { id: "b" }), ev("tool_call", T0 + 3, { id: "c", agentId: "ops" }),
      ev("error", T0 + 4, { id: "d", session: "s2" }), ev("tool_call", T0 + 5, { id: "e" }),
    ]);
    expect(store.list({}, 100).map((e) => e.id)).toEqual(["a", "b", "c", "d", "e"]);
    expect(store.list({}, 2).map((e) => e.id)).toEqual(["d", "e"]);
    expect(store.list({ types: ["tool_call"] }, 100).map((e) => e.id)).toEqual(["b", "c", "e"]);
    expect(store.list({ agentId: "main", types: ["tool_call", "error"] }, 100).map((e) => e.id)).toEqual(["b", "d", "e"]);
    expect(store.list({ sessionKey: "s2" }, 100).map((e) => e.id)).toEqual(["d"]);
    expect(store.list({ from: T0 + 2, to: T0 + 4 }, 100).map((e) => e.id)).toEqual(["b", "c", "d"]);
  });

  it("should build SQL with bound parameters only", () => {
    expect(where({})).toEqual({ sql: "1", params: [] });
    expect(where({ agentId: "x'; DROP TABLE trace_events; --", types: ["error", "tool_call"], from: 5 })).toEqual({
      sql: "agent_id = ? AND ts >= ? AND type IN (?, ?)", params: ["x'; DROP TABLE trace_events; --", 5, "error", "tool_call"],
    });
  });

  it("should keep at most maxEvents, deleting the oldest on each write", () => {
    const store = open({ maxEvents: 3, maxAgeDays: 7 });
    expect(store.insert([1, 2].map((i) => ev("llm_call", T0 + i, { id: `old${i}` })))).toBe(0);
    expect(store.insert([3, 4, 5].map((i) => ev("llm_call", T0 + i, { id: `new${i}` })))).toBe(2);
    expect(store.list({}, 100).map((e) => e.id)).toEqual(["new3", "new4", "new5"]);
    expect(store.info().events).toBe(3);
  });

  it("should delete events older than maxAgeDays on each write", () => {
    let now = T0;
    const store = open({ maxEvents: 1000, maxAgeDays: 2 }, () => now);
    store.insert([ev("error", T0 - 3 * DAY, { id: "ancient" }), ev("error", T0 - DAY, { id: "recent" })]);
    expect(store.list({}, 100).map((e) => e.id)).toEqual(["recent"]);
    now = T0 + 1.5 * DAY;
    store.insert([ev("error", now, { id: "today" })]);
    expect(store.list({}, 100).map((e) => e.id)).toEqual(["today"]);
    expect(store.info()).toEqual({ events: 1, oldest: new Date(now).toISOString(), newest: new Date(now).toISOString() });
  });

  it("should count the rows already stored when reopened", () => {
    const db = new Database(":memory:");
    dbs.push(db);
    new TraceStore(db, { maxEvents: 3, maxAgeDays: 7 }, () => T0).insert([1, 2, 3].map((i) => ev("llm_call", T0 + i)));
    const again = new TraceStore(db, { maxEvents: 3, maxAgeDays: 7 }, () => T0);
    expect(again.info().events).toBe(3);
    expect(again.insert([ev("llm_call", T0 + 4)])).toBe(1);
  });

  it("should write a batch in one transaction: a bad event leaves none of the batch", () => {
    const store = open();
    store.insert([ev("error", T0, { id: "kept" })]);
    const bad = { ...ev("error", T0 + 2), type: null } as unknown as TraceEvent;
    expect(() => store.insert([ev("error", T0 + 1, { id: "rolled-back" }), bad])).toThrow("NOT NULL constraint failed: trace_events.type");
    expect(store.list({}, 100).map((e) => e.id)).toEqual(["kept"]);
    expect(store.info().events).toBe(1);
  });

  it("should ignore an event id written twice", () => {
    const store = open();
    const e = ev("error", T0);
    store.insert([e]);
    store.insert([e]);
    expect(store.info().events).toBe(1);
  });

  it("should report the oldest and newest timestamps whatever the insertion order, and none when empty", () => {
    const store = open();
    expect(store.info()).toEqual({ events: 0 });
    store.insert([ev("llm_call", T0 + 5), ev("error", T0 - 3), ev("tool_call", T0 + 9), ev("decision", T0)]);
    expect(store.info()).toEqual({ events: 4, oldest: new Date(T0 - 3).toISOString(), newest: new Date(T0 + 9).toISOString() });
  });
});

describe("the query engine", () => {
  const seed = (store: TraceStore) => store.insert([
    ev("decision", T0, { fields: { description: "run_start" } }),
    ev("llm_call", T0 + 1, { durationMs: 100, fields: { model: "anthropic/a", promptTokens: "30", completionTokens: "5" } }),
    ev("llm_call", T0 + 2, { durationMs: 300, fields: { model: "anthropic/a", promptTokens: "50", completionTokens: "7" } }),
    ev("llm_call", T0 + 3, { durationMs: 2000, fields: { model: "openai/b", promptTokens: "10", completionTokens: "1" } }),
    ev("tool_call", T0 + 4, { id: "t1", durationMs: 10, fields: { toolName: "list" } }),
    ev("tool_call", T0 + 5, { id: "t2", durationMs: 30, fields: { toolName: "list", error: "ENOENT" } }),
    ev("tool_call", T0 + 6, { id: "t3", durationMs: 1500, fields: { toolName: "exec" } }),
    ev("error", T0 + 7, { id: "x1", fields: { error: "ENOENT", context: "agent_end" } }),
    ev("error", T0 + 8, { id: "x2", fields: { error: "rate limited" } }),
    ev("delegation", T0 + 9, { agentId: "ops", fields: { childId: "r2" } }),
  ]);

  it("should aggregate counts, mean durations, tokens and per-tool and per-model figures", () => {
    const store = open();
    seed(store);
    const s = aggregateStats(store.db, { agentId: "main" });
    expect(s).toEqual({
      totalEvents: 9, toolCalls: 3, llmCalls: 3, decisions: 1, delegations: 0, errors: 2, avgToolDurationMs: 513.3, avgLLMDurationMs: 800,
      tokens: { prompt: 90, completion: 13 },
      tools: [{ toolName: "list", calls: 2, errors: 1, avgMs: 20 }, { toolName: "exec", calls: 1, errors: 0, avgMs: 1500 }],
      models: [{ model: "anthropic/a", calls: 2, promptTokens: 80, completionTokens: 12, avgMs: 200 }, { model: "openai/b", calls: 1, promptTokens: 10, completionTokens: 1, avgMs: 2000 }],
    });
    expect(aggregateStats(store.db, { agentId: "nobody" })).toMatchObject({ totalEvents: 0, avgToolDurationMs: 0, tools: [], models: [], tokens: { prompt: 0, completion: 0 } });
  });

  it("should list slow tool and model calls, slowest first", () => {
    const store = open();
    seed(store);
    expect(findSlowOps(store.db, {}, 1000).map((e) => e.durationMs)).toEqual([2000, 1500]);
    expect(findSlowOps(store.db, { types: ["tool_call"] }, 20).map((e) => e.id)).toEqual(["t3", "t2"]);
  });

  it("should group errors of error events and failed tool calls by message, with the latest event to explain", () => {
    const store = open();
    seed(store);
    expect(findErrors(store.db, {})).toEqual([
      { error: "ENOENT", count: 2, lastSeen: new Date(T0 + 7).toISOString(), types: expect.arrayContaining(["tool_call", "error"]), lastEventId: "x1" },
      { error: "rate limited", count: 1, lastSeen: new Date(T0 + 8).toISOString(), types: ["error"], lastEventId: "x2" },
    ]);
    expect(findErrors(store.db, {}, 1)).toHaveLength(1);
  });
});
