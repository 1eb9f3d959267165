import { describe, expect, it } from "bun:test";
import { buildFromSession, explainAction, type EventSource } from "../../../src/extensions/observability/decision-graph.ts";
import type { TraceEvent, TraceEventType } from "../../../src/extensions/observability/events.ts";
import { renderChain, renderGraph } from "../../../src/extensions/observability/render.ts";

const FIELDS: Record<TraceEventType, Record<string, string>> = {
  decision: { description: "run_start", chosen: "anthropic/m", alternatives: "[]" },
  llm_call: { model: "anthropic/m", round: "1", promptTokens: "10", completionTokens: "3" },
  tool_call: { toolName: "list", input: "{}", output: "a" },
  delegation: { parentId: "r1", childId: "r2", task: "research" },
  error: { error: "boom", context: "agent_end" },
};

/** An event at second `t` of a fixed minute. */
function ev(id: string, type: TraceEventType, t: number, parentEvent?: string, session = "s1"): TraceEvent {
  return { id, type, agentId: "main", timestamp: Date.UTC(2026, 0, 1, 12, 0, t), session, ...(parentEvent && { parentEvent }), durationMs: 5, fields: FIELDS[type] };
}

function source(events: TraceEvent[]): EventSource {
  const byId = new Map(events.map((e) => [e.id, e]));
  return { get: (id) => byId.get(id), session: (key) => events.filter((e) => e.session === key) };
}

/** run → llm1 → (tool1, tool2) → llm2 (parent tool2) → tool3 → llm3; a second run; an event from another session. */
const RUN = [
  ev("run", "decision", 0), ev("llm1", "llm_call", 1, "run"), ev("tool1", "tool_call", 2, "llm1"), ev("tool2", "tool_call", 3, "llm1"),
  ev("llm2", "llm_call", 4, "tool2"), ev("tool3", "tool_call", 5, "llm2"), ev("llm3", "llm_call", 6, "tool3"),
  ev("run2", "decision", 7), ev("err2", "error", 8, "run2"), ev("other", "llm_call", 9, "run", "s2"),
];

describe("buildFromSession", () => {
  it("should build the session's forest from the parent links, with its depth in levels", () => {
    const g = buildFromSession(source(RUN), "s1");
    expect(g.events).toBe(9);
    expect(g.rootEventId).toBe("run");
    expect(g.roots.map((r) => r.event.id)).toEqual(["run", "run2"]);
    const llm1 = g.roots[0]!.children[0]!;
    expect(llm1.children.map((c) => c.event.id)).toEqual(["tool1", "tool2"]);
    expect(llm1.children[1]!.children[0]!.event.id).toBe("llm2");
    // run → llm1 → tool2 → llm2 → tool3 → llm3
    expect(g.depth).toBe(6);
  });

  it("should make an event whose parent is in another session or missing a root", () => {
    const g = buildFromSession(source([...RUN, ev("orphan", "tool_call", 10, "gone"), ev("child-root", "decision", 11, "other")]), "s1");
    expect(g.roots.map((r) => r.event.id)).toEqual(["run", "run2", "orphan", "child-root"]);
  });

  it("should order children by time whatever order the events come in", () => {
    const g = buildFromSession(source([...RUN].reverse()), "s1");
    expect(g.roots.map((r) => r.event.id)).toEqual(["run", "run2"]);
    expect(g.roots[0]!.children[0]!.children.map((c) => c.event.id)).toEqual(["tool1", "tool2"]);
  });

  it("should not loop on a cycle: the link that would close it is dropped and the event becomes a root", () => {
    const cyclic = [ev("a", "llm_call", 0, "c"), ev("b", "tool_call", 1, "a"), ev("c", "llm_call", 2, "b"), ev("self", "error", 3, "self")];
    const g = buildFromSession(source(cyclic), "s1");
    expect(g.events).toBe(4);
    const ids = (n: { event: TraceEvent; children: any[] }): string[] => [n.event.id, ...n.children.flatMap(ids)];
    expect(g.roots.flatMap(ids).sort()).toEqual(["a", "b", "c", "self"]);
    expect(g.depth).toBe(3);
  });

  it("should be empty for an unknown session", () => {
    expect(buildFromSession(source(RUN), "nope")).toEqual({ sessionKey: "nope", roots: [], depth: 0, events: 0 });
    expect(renderGraph(buildFromSession(source(RUN), "nope"))).toBe("No trace events in session nope.");
  });

  it("should render the forest as an indented tree", () => {
    const text = renderGraph(buildFromSession(source(RUN.slice(0, 5)), "s1"));
    expect(text.split("\n")).toEqual([
      "Session s1: 5 events, 1 root(s), depth 4",
      "Decision: run_start -> anthropic/m  [run]",
      "└─ LLM call: anthropic/m round 1 (5 ms, 10 prompt + 3 completion tokens)  [llm1]",
      "   ├─ Tool call: list (5 ms)  [tool1]",
      "   └─ Tool call: list (5 ms)  [tool2]",
      "      └─ LLM call: anthropic/m round 1 (5 ms, 10 prompt + 3 completion tokens)  [llm2]",
    ]);
  });
});

describe("explainAction", () => {
  it("should walk from an event to its root cause, root first", () => {
    const x = explainAction(source(RUN), "llm3");
    expect(x.chain.map((e) => e.id)).toEqual(["run", "llm1", "tool2", "llm2", "tool3", "llm3"]);
    expect(x.end).toBe("root");
  });

  it("should follow links across sessions (a delegated run's root points into its parent's session)", () => {
    expect(explainAction(source(RUN), "other").chain.map((e) => e.id)).toEqual(["run", "other"]);
  });

  it("should stop on a cycle with every event once", () => {
    const cyclic = [ev("a", "llm_call", 0, "c"), ev("b", "tool_call", 1, "a"), ev("c", "llm_call", 2, "b")];
    const x = explainAction(source(cyclic), "b");
    expect(x).toMatchObject({ end: "cycle" });
    expect(x.chain.map((e) => e.id)).toEqual(["c", "a", "b"]);
    expect(renderChain(x).split("\n")[0]).toBe("(the parent links loop; the chain stops where they would repeat)");
    expect(explainAction(source([ev("self", "error", 0, "self")]), "self")).toMatchObject({ end: "cycle", chain: [{ id: "self" }] });
  });

  it("should stop at a parent no longer stored and say which", () => {
    const x = explainAction(source([ev("t", "tool_call", 0, "pruned")]), "t");
    expect(x).toMatchObject({ end: "missing-parent", missing: "pruned", chain: [{ id: "t" }] });
  });

  it("should say when the event does not exist", () => {
    const x = explainAction(source(RUN), "nope");
    expect(x).toEqual({ eventId: "nope", chain: [], end: "not-found" });
    expect(renderChain(x)).toBe("No trace event nope.");
  });

  it("should render the chain one step per line, each under its cause", () => {
    expect(renderChain(explainAction(source(RUN), "err2")).split("\n")).toEqual([
      "Decision: run_start -> anthropic/m  [run2]",
      "└─ Error: boom (agent_end)  [err2]",
    ]);
    expect(renderChain(explainAction(source(RUN), "tool1")).split("\n")).toEqual([
      "Decision: run_start -> anthropic/m  [run]",
      "└─ LLM call: anthropic/m round 1 (5 ms, 10 prompt + 3 completion tokens)  [llm1]",
      "   └─ Tool call: list (5 ms)  [tool1]",
    ]);
  });
});
