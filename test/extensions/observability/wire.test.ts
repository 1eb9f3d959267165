import { describe, expect, it } from "bun:test";
import { buildFromSession, explainAction, type EventSource } from "../../../src/extensions/observability/decision-graph.ts";
import type { TraceEvent } from "../../../src/extensions/observability/events.ts";
import { eventOut, explanationOut, graphOut } from "../../../src/extensions/observability/wire.ts";

const T = Date.UTC(2026, 4, 1, 12);
const ev = (id: string, at: number, parentEvent?: string): TraceEvent => ({ id, type: "decision", agentId: "main", timestamp: at, session: "s1", ...(parentEvent && { parentEvent }), fields: {} });
const EVENTS = [ev("root", T), ev("child", T + 1, "root")];
const source: EventSource = { get: (id) => EVENTS.find((e) => e.id === id), session: () => EVENTS };

describe("trace events as they leave the process", () => {
  it("should turn the epoch ms timestamp into ISO 8601 and keep every other field", () => {
    expect(eventOut(EVENTS[1]!)).toEqual({ ...EVENTS[1]!, timestamp: "2026-05-01T12:00:00.001Z" });
  });

  it("should convert every event of a causal chain and of a session graph", () => {
    expect(explanationOut(explainAction(source, "child")).chain.map((e) => e.timestamp)).toEqual(["2026-05-01T12:00:00.000Z", "2026-05-01T12:00:00.001Z"]);
    const g = graphOut(buildFromSession(source, "s1"));
    expect(g).toMatchObject({ sessionKey: "s1", rootEventId: "root", depth: 2, events: 2 });
    expect(g.roots[0]!.event.timestamp).toBe("2026-05-01T12:00:00.000Z");
    expect(g.roots[0]!.children[0]!.event.timestamp).toBe("2026-05-01T12:00:00.001Z");
  });
});
