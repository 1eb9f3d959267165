/**
 * @module The gateway's own metrics, from `runtime.gatewayStats()`: open connections, frames in and out, the
 * per-method latency histogram (seconds, cumulative buckets) and error counts, events dropped for slow clients, and
 * one gauge per channel account and state.
 */
import type { GatewayStatsSnapshot } from "../../plugins/api.ts";
import { histogramSamples, type MetricFamily } from "./prom-text.ts";

/**
 * The gateway families of `stats`.
 * @param stats the snapshot; undefined outside a gateway, which yields no families
 */
export function gatewayFamilies(stats: GatewayStatsSnapshot | undefined): MetricFamily[] {
  if (!stats) return [];
  const bounds = stats.latencyBucketsMs.map((ms) => ms / 1000);
  const methods = [...stats.methods].sort((a, b) => a.method.localeCompare(b.method));
  return [
    { name: "mayros_gateway_connections", type: "gauge", help: "Open WebSocket connections.", samples: [{ value: stats.connections }] },
    {
      name: "mayros_gateway_frames_total", type: "counter", help: "WebSocket frames: in (text frames received from clients) and out (frames sent).",
      samples: [{ labels: { direction: "in" }, value: stats.framesIn }, { labels: { direction: "out" }, value: stats.framesOut }],
    },
    {
      name: "mayros_gateway_method_duration_seconds", type: "histogram", help: "Gateway method latency, by method (unknown method names share the label \"unknown\").",
      samples: methods.flatMap((m) => histogramSamples({ method: m.method }, bounds, m.buckets, m.sumMs / 1000)),
    },
    {
      name: "mayros_gateway_method_errors_total", type: "counter", help: "Gateway method calls answered with an error, by method.",
      samples: methods.map((m) => ({ labels: { method: m.method }, value: m.errors })),
    },
    { name: "mayros_gateway_events_dropped_total", type: "counter", help: "Droppable events skipped for slow clients.", samples: [{ value: stats.eventsDropped }] },
    {
      name: "mayros_gateway_channel_status", type: "gauge", help: "1 for each channel account in its current state.",
      samples: stats.channels.map((c) => ({ labels: { channel: c.channel, account: c.accountId, state: c.state }, value: 1 })),
    },
  ];
}
