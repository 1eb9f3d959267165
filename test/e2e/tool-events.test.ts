/**
 * Tool-event targeting (protocol.md §7.2): tool events go only to tool-events operators with
 * `operator.read` that started the run or watch its session — tested on the sink with hand-made
 * connections, and end to end with runs whose caller is recorded.
 */
import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import type { AgentEventPayload } from "../../src/agent/run-events.ts";
import type { Broadcaster } from "../../src/gateway/broadcast.ts";
import type { Connection } from "../../src/gateway/connection.ts";
import { ConnectionRegistry } from "../../src/gateway/registry.ts";
import { MAX_TRACKED_RUNS, ToolEventAudience, runEventSink, toolEventAudience, watchSession } from "../../src/gateway/run-event-sink.ts";
import { isAgentEvent, isRunEnd, startAgentHarness, type AgentHarness } from "../helpers/agent.ts";
import { TestSocket } from "../helpers/ws-client.ts";

const KEY = "agent:main:watched";

/** A hand-made open connection. */
function conn(id: string, caps: string[] = ["tool-events"], scopes = ["operator.read"], role = "operator"): Connection {
  return { id, state: "open", identity: { role, caps, scopes: new Set(scopes) } } as unknown as Connection;
}

/** A sink over hand-made connections, recording who got what. */
function sinkWith(conns: Connection[]) {
  const registry = new ConnectionRegistry();
  for (const c of conns) registry.add(c);
  const sent: Array<[string, AgentEventPayload]> = [];
  const broadcasts: unknown[] = [];
  const broadcaster = {
    broadcast: (_event: string, payload: unknown) => (broadcasts.push(payload), conns.length),
    sendTo: (c: Connection, _event: string, payload: AgentEventPayload) => (sent.push([c.id, payload]), true),
  } as unknown as Broadcaster;
  const audience = toolEventAudience(registry);
  const sink = runEventSink(registry, broadcaster);
  const tool = (runId: string, sessionKey = KEY): string[] => {
    sent.length = 0;
    sink.agent({ runId, seq: 1, stream: "tool", ts: 0, data: { phase: "start" }, sessionKey }, true);
    return sent.map(([id]) => id);
  };
  return { registry, audience, sink, tool, broadcasts };
}

describe("runEventSink tool-event targeting", () => {
  it("should send tool events to every tool-events reader until anything registered (the fallback)", () => {
    const { audience, tool } = sinkWith([conn("a"), conn("b"), conn("plain", []), conn("approver", ["tool-events"], ["operator.approvals"]), conn("node", ["tool-events"], ["operator.read"], "node")]);
    expect(audience.targeted).toBe(false);
    expect(tool("r1")).toEqual(["a", "b"]);
  });

  it("should send them only to the run's callers and the session's watchers once registration is in use", () => {
    const { audience, registry, tool } = sinkWith([conn("a"), conn("b"), conn("c"), conn("plain", [])]);
    audience.addCaller("r1", "a");
    audience.addCaller("r1", "plain");
    expect(audience.targeted).toBe(true);
    expect(tool("r1")).toEqual(["a"]);
    expect(tool("r2")).toEqual([]);
    watchSession(registry, { id: "b" }, KEY);
    expect(tool("r1")).toEqual(["a", "b"]);
    expect(tool("r2")).toEqual(["b"]);
    expect(tool("r3", "agent:main:other")).toEqual([]);
  });

  it("should forget a run's callers at its lifecycle end, and still broadcast the other streams", () => {
    const { audience, sink, tool, broadcasts } = sinkWith([conn("a"), conn("b")]);
    audience.addCaller("r1", "a");
    expect(tool("r1")).toEqual(["a"]);
    sink.agent({ runId: "r1", seq: 2, stream: "assistant", ts: 0, data: { text: "x", delta: "x" }, sessionKey: KEY }, false);
    expect(tool("r1")).toEqual(["a"]);
    sink.agent({ runId: "r1", seq: 3, stream: "lifecycle", ts: 0, data: { phase: "end" }, sessionKey: KEY }, false);
    expect(broadcasts).toHaveLength(2);
    expect(tool("r1")).toEqual([]);
  });

  it("should turn targeting on explicitly, bound the runs it tracks and sweep closed watchers", () => {
    const explicit = new ToolEventAudience();
    explicit.enableTargeting();
    expect(explicit.includes("a", "r", KEY)).toBe(false);

    const open = new Set(["live"]);
    const audience = new ToolEventAudience((id) => open.has(id));
    for (let i = 0; i <= MAX_TRACKED_RUNS; i++) audience.addCaller(`run-${i}`, "a");
    expect(audience.includes("a", "run-0", undefined)).toBe(false);
    expect(audience.includes("a", `run-${MAX_TRACKED_RUNS}`, undefined)).toBe(true);
    for (let i = 0; i < 300; i++) audience.watchSession(`gone-${i}`, KEY);
    audience.watchSession("live", KEY);
    audience.watchSession("late", KEY);
    expect(audience.includes("gone-0", "r", KEY)).toBe(false);
    expect(audience.includes("gone-299", "r", KEY)).toBe(true);
    expect(audience.includes("live", "r", KEY)).toBe(true);
  });
});

describe("tool events end to end", () => {
  let h: AgentHarness;
  let caller: TestSocket;
  let callerId: string;
  let bystander: TestSocket;
  let bystanderId: string;
  beforeAll(async () => {
    h = await startAgentHarness("anthropic");
    const open = async () => {
      const { sock, res } = await TestSocket.handshake(h.gw.url, { token: h.gw.token, scopes: ["operator.admin"], extra: { caps: ["tool-events"] } });
      expect(res.ok).toBe(true);
      return { sock, id: res.payload.server.connId as string };
    };
    ({ sock: caller, id: callerId } = await open());
    ({ sock: bystander, id: bystanderId } = await open());
  });
  afterAll(async () => {
    await Promise.all([caller.close(), bystander.close()]);
    await h.stop();
  });

  /** Runs a `read` tool round started by `callerConnId` and returns when both sockets saw its end. */
  async function toolRun(runId: string, callerConnId?: string): Promise<void> {
    h.fake.script({ toolCalls: [{ id: `toolu_${runId}`, name: "read", args: ['{"path":"missing.txt"}'] }] }, { text: ["No such file."] });
    const outcome = await h.gw.gateway.services.agent.run({ runId, sessionKey: KEY, message: "read it", ...(callerConnId && { callerConnId }) });
    expect(outcome.status).toBe("ok");
    await Promise.all([caller.next((f) => isRunEnd(f, runId)), bystander.next((f) => isRunEnd(f, runId))]);
  }
  const toolEventsOf = (sock: TestSocket, runId: string) => sock.received.filter((f) => isAgentEvent(f, runId, "tool")).map((f) => f.payload.data.phase);

  it("should send the tool events to the caller only, not to another tool-events client", async () => {
    await toolRun("te-1", callerId);
    expect(toolEventsOf(caller, "te-1")).toEqual(["start", "result"]);
    expect(toolEventsOf(bystander, "te-1")).toEqual([]);
    // The bystander still sees the run itself.
    const seen = bystander.received.filter((f) => isAgentEvent(f, "te-1")).map((f) => f.payload.stream);
    expect(seen).toEqual(["lifecycle", "assistant", "lifecycle"]);
  });

  it("should include a client that joined the session later, and nobody for a run without caller or watchers", async () => {
    watchSession(h.gw.gateway.services.registry, { id: bystanderId }, KEY);
    await toolRun("te-2", callerId);
    expect(toolEventsOf(caller, "te-2")).toEqual(["start", "result"]);
    expect(toolEventsOf(bystander, "te-2")).toEqual(["start", "result"]);
    await toolRun("te-3");
    expect(toolEventsOf(caller, "te-3")).toEqual([]);
    expect(toolEventsOf(bystander, "te-3")).toEqual(["start", "result"]);
  });
});
