/**
 * @module The observability plugin end to end in a running gateway with the fake model: `/metrics` parsed by a real
 * Prometheus text-format parser (parse-prometheus-text-format) and its counters moving after a run with one tool
 * call; the run's decision graph (tool call → LLM call → run start) through `observe.explain`, `observe.graph`, the
 * `trace_explain` tool the model calls, and `mayros observe explain` against the running gateway; the metrics
 * route's auth off loopback; buffered events written when the gateway stops; and a bad plugin config refused with
 * the field named.
 */
import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import type { ParsedFamily } from "parse-prometheus-text-format";
import { startAgentHarness, startAgentRun, type AgentHarness } from "../helpers/agent.ts";
import { fakeModelConfig, restartableGateway } from "../cron/gateway-harness.ts";
import { startAnthropicFake } from "../fakes/anthropic-fake.ts";
import { startTestGateway, TEST_TOKEN } from "../helpers/gateway.ts";
import { TestSocket } from "../helpers/ws-client.ts";
import { runCli } from "../cli/spawn.ts";
import { histogramSeries, parseExposition, sampleValue as valueOf } from "../helpers/prometheus.ts";

const SESSION = "agent:main:observability";

/** Scrapes `/metrics`: its text and every family by name. */
async function scrape(h: AgentHarness, headers: Record<string, string> = {}): Promise<Map<string, ParsedFamily> & { text: string }> {
  const res = await fetch(`${h.gw.url.replace(/^ws/, "http")}/metrics`, { headers });
  expect(res.status).toBe(200);
  expect(res.headers.get("content-type")).toBe("text/plain; version=0.0.4; charset=utf-8");
  const text = await res.text();
  return Object.assign(parseExposition(text), { text });
}

describe("the observability plugin in a running gateway", () => {
  let h: AgentHarness;
  let sock: TestSocket;
  let toolEventId = "";

  beforeAll(async () => {
    h = await startAgentHarness("anthropic", {
      gateway: { trustedProxies: ["127.0.0.1"] },
      plugins: { entries: { observability: { enabled: true, config: { tracing: { flushIntervalMs: 100 } } } } },
    });
    sock = await h.connect();
  });
  afterAll(async () => {
    await h?.stop();
  });

  it("should serve /metrics that a Prometheus parser reads, with counters moving after a run with one tool call", async () => {
    const before = await scrape(h);
    expect(before.get("mayros_tool_calls_total")?.type).toBe("COUNTER");
    expect(before.get("mayros_active_skills")?.type).toBe("GAUGE");
    expect(valueOf(before, "mayros_tool_calls_total", { tool_name: "list" })).toBe(0);

    h.fake.script({ toolCalls: [{ id: "call-list-1", name: "list", args: ['{"path":"."}'] }], usage: { input: 20, output: 4, cacheRead: 5 } }, { text: ["done"] });
    const { final } = await startAgentRun(sock, { message: "list the workspace", sessionKey: SESSION, idempotencyKey: "obs-run-1" }, "obs-req-1");
    expect((await final).payload).toMatchObject({ status: "ok", result: { payloads: [{ text: "done" }] } });

    const after = await scrape(h);
    expect(valueOf(after, "mayros_tool_calls_total", { tool_name: "list" })).toBe(1);
    expect(valueOf(after, "mayros_llm_calls_total", { model: "anthropic/fake-model" })).toBe(2);
    // 20 input + 5 cache read, then the fake's default 10 input; 4 + 3 output.
    expect(valueOf(after, "mayros_llm_tokens_total", { direction: "prompt" }) - valueOf(before, "mayros_llm_tokens_total", { direction: "prompt" })).toBe(35);
    expect(valueOf(after, "mayros_llm_tokens_total", { direction: "completion" }) - valueOf(before, "mayros_llm_tokens_total", { direction: "completion" })).toBe(7);
    expect(valueOf(after, "mayros_gateway_connections")).toBeGreaterThanOrEqual(1);
    expect(valueOf(after, "mayros_gateway_frames_total", { direction: "in" })).toBeGreaterThan(valueOf(before, "mayros_gateway_frames_total", { direction: "in" }));
    expect(valueOf(after, "mayros_gateway_frames_total", { direction: "out" })).toBeGreaterThan(valueOf(before, "mayros_gateway_frames_total", { direction: "out" }));
    expect(after.get("mayros_gateway_method_duration_seconds")!.type).toBe("HISTOGRAM");
    const agent = histogramSeries(after.text, "mayros_gateway_method_duration_seconds", { method: "agent" });
    expect(Number(agent.count)).toBeGreaterThanOrEqual(1);
    expect(agent.bucketCounts).toHaveLength(13);
    expect(agent.bucketCounts).toEqual([...agent.bucketCounts].sort((a, b) => a - b));
    expect(agent.bucketCounts.at(-1)).toBe(Number(agent.count));
    expect(valueOf(after, "mayros_cortex_requests_total", { status: "error" })).toBe(0);
  });

  it("should explain the tool call as tool call → LLM call → run start, and build a session graph of depth ≥ 2", async () => {
    const listed = await sock.request("observe.events", { sessionKey: SESSION, types: ["tool_call"] });
    expect(listed.ok).toBe(true);
    const [tool] = listed.payload.events;
    expect(tool).toMatchObject({ type: "tool_call", agentId: "main", session: SESSION, fields: { toolName: "list", toolCallId: "call-list-1", input: '{"path":"."}' } });
    toolEventId = tool.id;

    const explained = await sock.request("observe.explain", { eventId: toolEventId });
    const chain = explained.payload.chain as Array<{ id: string; type: string; parentEvent?: string; fields: Record<string, string> }>;
    expect(explained.payload.end).toBe("root");
    expect(chain.map((e) => e.type)).toEqual(["decision", "llm_call", "tool_call"]);
    expect(chain[0]!.fields).toMatchObject({ description: "run_start", chosen: "anthropic/fake-model" });
    expect(chain[1]!.fields).toMatchObject({ model: "anthropic/fake-model", round: "1", promptTokens: "25", completionTokens: "4", toolCallIds: "[]" });
    expect(chain[1]!.parentEvent).toBe(chain[0]!.id);
    expect(chain[2]!.parentEvent).toBe(chain[1]!.id);

    const graph = (await sock.request("observe.graph", { sessionKey: SESSION })).payload;
    expect(graph.depth).toBeGreaterThanOrEqual(2);
    expect(graph.roots).toHaveLength(1);
    // run start → first LLM call → the tool call → the LLM call that carried its result.
    const second = graph.roots[0].children[0].children[0].children[0];
    expect(second.event).toMatchObject({ type: "llm_call", fields: { round: "2", toolCallIds: '["call-list-1"]' } });
    expect(graph.depth).toBe(4);
  });

  it("should report statistics and its status, and refuse a bad time naming the field", async () => {
    const stats = (await sock.request("observe.stats", { sessionKey: SESSION, slowThresholdMs: 0 })).payload;
    expect(stats.stats).toMatchObject({ totalEvents: 4, llmCalls: 2, toolCalls: 1, decisions: 1, errors: 0, tokens: { prompt: 35, completion: 7 } });
    expect(stats.stats.tools).toEqual([expect.objectContaining({ toolName: "list", calls: 1, errors: 0 })]);
    expect(stats.slowOps).toHaveLength(3);
    const status = (await sock.request("observe.status", {})).payload;
    expect(status).toMatchObject({ tracing: { enabled: true, flushIntervalMs: 100 }, metrics: { enabled: true, path: "/metrics" }, openRuns: 0, buffer: { pending: 0, dropped: 0 } });
    expect(status.store.events).toBeGreaterThanOrEqual(4);
    const bad = await sock.request("observe.events", { from: "yesterday" });
    expect(bad.error).toMatchObject({ code: "INVALID_REQUEST" });
    expect(bad.error.message).toContain("/from");
  });

  it("should answer the trace_explain tool the model calls with the chain", async () => {
    const before = h.fake.requests.length;
    h.fake.script({ toolCalls: [{ id: "call-explain", name: "trace_explain", args: [JSON.stringify({ eventId: toolEventId })] }] }, { text: ["explained"] });
    const { final } = await startAgentRun(sock, { message: "why did you list?", sessionKey: "agent:main:observability-2", idempotencyKey: "obs-run-2" }, "obs-req-2");
    expect((await final).payload.status).toBe("ok");
    const body = JSON.stringify(h.fake.requests[before + 1]!.body);
    expect(body).toContain("Decision: run_start -> anthropic/fake-model");
    expect(body).toContain("LLM call: anthropic/fake-model round 1");
    expect(body).toContain("Tool call: list (");
  });

  it("should print the chain with `mayros observe explain` against the running gateway", async () => {
    const r = await runCli(["observe", "explain", toolEventId, "--url", h.gw.url, "--token", h.gw.token], { stateDir: h.gw.stateDir });
    expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: "" });
    const lines = r.stdout.trim().split("\n");
    expect(lines).toHaveLength(3);
    expect(lines[0]).toStartWith("Decision: run_start -> anthropic/fake-model");
    expect(lines[1]).toStartWith("└─ LLM call: anthropic/fake-model round 1");
    expect(lines[2]).toStartWith("   └─ Tool call: list (");
    expect(lines[2]).toEndWith(`[${toolEventId}]`);

    const json = await runCli(["observe", "explain", toolEventId, "--json", "--url", h.gw.url, "--token", h.gw.token], { stateDir: h.gw.stateDir });
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout).chain.map((e: { type: string }) => e.type)).toEqual(["decision", "llm_call", "tool_call"]);

    const missing = await runCli(["observe", "explain", "no-such-event", "--url", h.gw.url, "--token", h.gw.token], { stateDir: h.gw.stateDir });
    expect({ code: missing.code, stderr: missing.stderr }).toEqual({ code: 1, stderr: "error: no trace event no-such-event\n" });
  });

  it("should ask a scrape from beyond a trusted proxy for the gateway token", async () => {
    const url = `${h.gw.url.replace(/^ws/, "http")}/metrics`;
    const remote = { "x-forwarded-for": "203.0.113.9" };
    expect((await fetch(url, { headers: remote })).status).toBe(401);
    expect((await fetch(url, { headers: { ...remote, authorization: "Bearer wrong" } })).status).toBe(401);
    await scrape(h, { ...remote, authorization: `Bearer ${h.gw.token}` });
  });
});

describe("the observability plugin across a restart", () => {
  it("should write the events still buffered when the gateway stops, and find them after a restart", async () => {
    const fake = startAnthropicFake();
    const gw = restartableGateway(fakeModelConfig(fake.url, { plugins: { entries: { observability: { enabled: true, config: { tracing: { flushIntervalMs: 60_000 } } } } } }));
    try {
      const first = await gw.start();
      const { sock } = await TestSocket.handshake(first.url, { token: TEST_TOKEN, scopes: ["operator.admin"] });
      fake.script({ text: ["hello"] });
      const { final } = await startAgentRun(sock, { message: "hi", sessionKey: SESSION, idempotencyKey: "obs-restart-1" }, "obs-restart-req");
      expect((await final).payload.status).toBe("ok");
      await sock.close();
      await first.stop("restart");

      const second = await gw.start();
      const { sock: again } = await TestSocket.handshake(second.url, { token: TEST_TOKEN, scopes: ["operator.read"] });
      const { events } = (await again.request("observe.events", { sessionKey: SESSION })).payload;
      expect(events.map((e: { type: string }) => e.type)).toEqual(["decision", "llm_call"]);
      expect(events[1].parentEvent).toBe(events[0].id);
      await again.close();
    } finally {
      await gw.dispose();
      await fake.stop();
    }
  });
});

describe("the observability plugin's config", () => {
  it("should refuse unknown keys and a too short flush interval, naming the field", async () => {
    for (const [config, reason] of [
      [{ tracing: { bogus: true } }, "plugins.entries.observability.config.tracing: must NOT have additional properties (bogus)"],
      [{ tracing: { flushIntervalMs: 50 } }, "plugins.entries.observability.config.tracing.flushIntervalMs: must be >= 100"],
      [{ metrics: { path: "/healthz" } }, "plugins.entries.observability.config.metrics.path: /healthz is served by the gateway itself; choose another path"],
    ] as const) {
      const gw = await startTestGateway({ plugins: { entries: { observability: { enabled: true, config } } } });
      try {
        expect(gw.gateway.services.plugins!.records.find((r) => r.id === "observability")).toMatchObject({ status: "error", reason });
      } finally {
        await gw.stop();
      }
    }
  });
});
