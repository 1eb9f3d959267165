import { describe, expect, it } from "bun:test";
import type { GatewayStatsSnapshot, PluginHookEvent } from "../../../src/plugins/api.ts";
import { gatewayFamilies } from "../../../src/extensions/observability/gateway-metrics.ts";
import { ObservabilityMetrics } from "../../../src/extensions/observability/metrics.ts";
import { renderExposition } from "../../../src/extensions/observability/prom-text.ts";
import { histogramSeries, parseExposition, sampleValue } from "../../helpers/prometheus.ts";

const llmOutput = (model: string, usage?: PluginHookEvent<"llm_output">["usage"]): PluginHookEvent<"llm_output"> => ({
  runId: "r", sessionId: "s", sessionKey: "agent:main:main", provider: "anthropic", model, assistantTexts: [], callId: "c", round: 1, durationMs: 5, ...(usage && { usage }),
});

describe("the mayros_* metrics", () => {
  it("should count tool calls, skill queries, model calls and tokens from the hook fields", () => {
    const m = new ObservabilityMetrics();
    m.toolCall("list");
    m.toolCall("list");
    m.toolCall("skill_graph_query");
    m.llmCall(llmOutput("claude", { input: 100, output: 20, cacheRead: 30, cacheWrite: 5, total: 120 }));
    m.llmCall(llmOutput("claude"));
    m.storeRequest(true);
    m.storeRequest(false);
    const f = parseExposition(renderExposition(m.families()));
    expect(sampleValue(f, "mayros_tool_calls_total", { tool_name: "list" })).toBe(2);
    expect(sampleValue(f, "mayros_skill_queries_total", { tool: "skill_graph_query" })).toBe(1);
    expect(f.get("mayros_skill_queries_total")!.metrics).toHaveLength(1);
    expect(sampleValue(f, "mayros_llm_calls_total", { model: "anthropic/claude" })).toBe(2);
    expect(sampleValue(f, "mayros_llm_tokens_total", { direction: "prompt" })).toBe(135);
    expect(sampleValue(f, "mayros_llm_tokens_total", { direction: "completion" })).toBe(20);
    expect(sampleValue(f, "mayros_cortex_requests_total", { status: "success" })).toBe(1);
    expect(sampleValue(f, "mayros_cortex_requests_total", { status: "error" })).toBe(1);
    expect(f.get("mayros_active_skills")).toMatchObject({ type: "GAUGE", metrics: [{ value: "0" }] });
  });

  it("should expose both token directions and both request statuses at 0 before anything happened", () => {
    const f = parseExposition(renderExposition(new ObservabilityMetrics().families()));
    expect(f.get("mayros_llm_tokens_total")!.metrics.map((s) => s.labels)).toEqual([{ direction: "completion" }, { direction: "prompt" }]);
    expect(f.get("mayros_cortex_requests_total")!.metrics.map((s) => [s.labels!.status, s.value])).toEqual([["error", "0"], ["success", "0"]]);
    expect([...f.keys()]).toEqual(["mayros_tool_calls_total", "mayros_llm_calls_total", "mayros_llm_tokens_total", "mayros_skill_queries_total", "mayros_cortex_requests_total", "mayros_active_skills"]);
  });

  it("should add the trace buffer's counters when tracing is on", () => {
    const f = parseExposition(renderExposition(new ObservabilityMetrics().families({ pending: 2, dropped: 7, written: 40, pruned: 0, flushes: 3, failedFlushes: 0 })));
    expect(sampleValue(f, "mayros_trace_events_written_total")).toBe(40);
    expect(sampleValue(f, "mayros_trace_events_dropped_total")).toBe(7);
    expect(sampleValue(f, "mayros_trace_events_pending")).toBe(2);
  });
});

describe("the gateway metrics", () => {
  const stats: GatewayStatsSnapshot = {
    connections: 3, framesIn: 120, framesOut: 450, eventsDropped: 2, latencyBucketsMs: [1, 10, 100],
    methods: [
      { method: "health", count: 5, errors: 0, sumMs: 2.5, buckets: [5, 0, 0, 0] },
      { method: "agent", count: 4, errors: 1, sumMs: 350, buckets: [0, 1, 2, 1] },
    ],
    channels: [{ channel: "telegram", accountId: "default", state: "connected" }, { channel: "slack", accountId: "work \"x\"", state: "error" }],
  };

  it("should be none outside a gateway", () => {
    expect(gatewayFamilies(undefined)).toEqual([]);
  });

  it("should expose connections, frames, errors, drops and channel states", () => {
    const f = parseExposition(renderExposition(gatewayFamilies(stats)));
    expect(sampleValue(f, "mayros_gateway_connections")).toBe(3);
    expect(sampleValue(f, "mayros_gateway_frames_total", { direction: "in" })).toBe(120);
    expect(sampleValue(f, "mayros_gateway_frames_total", { direction: "out" })).toBe(450);
    expect(sampleValue(f, "mayros_gateway_events_dropped_total")).toBe(2);
    expect(sampleValue(f, "mayros_gateway_method_errors_total", { method: "agent" })).toBe(1);
    expect(sampleValue(f, "mayros_gateway_method_errors_total", { method: "health" })).toBe(0);
    expect(f.get("mayros_gateway_channel_status")!.metrics).toEqual([
      { labels: { channel: "telegram", account: "default", state: "connected" }, value: "1" },
      { labels: { channel: "slack", account: 'work "x"', state: "error" }, value: "1" },
    ]);
  });

  it("should turn the per-method counts into a cumulative histogram in seconds", () => {
    const text = renderExposition(gatewayFamilies(stats));
    expect(text).toContain('mayros_gateway_method_duration_seconds_bucket{method="agent",le="0.001"} 0\n');
    expect(text).toContain('mayros_gateway_method_duration_seconds_bucket{method="agent",le="0.01"} 1\n');
    expect(histogramSeries(text, "mayros_gateway_method_duration_seconds", { method: "agent" })).toMatchObject({ bucketCounts: [0, 1, 3, 4], sum: "0.35", count: "4" });
    expect(histogramSeries(text, "mayros_gateway_method_duration_seconds", { method: "health" })).toMatchObject({ bucketCounts: [5, 5, 5, 5], sum: "0.0025", count: "5" });
    // Methods sorted by name, so the output is stable between scrapes.
    expect(text.indexOf('method="agent"')).toBeLessThan(text.indexOf('method="health"'));
  });
});
