/**
 * @module One observability instance per gateway: the metrics, the recorder feeding the trace buffer, the store
 * (opened by the service, never at registration: the CLI loads plugins too), and the queries every surface — tools,
 * gateway methods, `/metrics` — answers from. Every read flushes the buffer first, so it sees every event recorded;
 * the events it returns carry ISO 8601 timestamps (epoch ms up to here).
 */
import type { PluginRuntime } from "../../plugins/api.ts";
import type { ObservabilityConfig } from "./config.ts";
import { buildFromSession, explainAction, type DecisionGraph, type EventSource, type Explanation } from "./decision-graph.ts";
import type { TraceEventOut } from "./events.ts";
import { gatewayFamilies } from "./gateway-metrics.ts";
import { ObservabilityMetrics } from "./metrics.ts";
import type { ParsedQuery } from "./params.ts";
import { renderExposition } from "./prom-text.ts";
import { aggregateStats, findErrors, findSlowOps, type ErrorGroup, type TraceStats } from "./query-engine.ts";
import { TraceRecorder } from "./recorder.ts";
import { TraceBuffer, type BufferStatus } from "./trace-buffer.ts";
import { TraceStore, type TraceFilter } from "./trace-store.ts";
import { eventOut, explanationOut, graphOut } from "./wire.ts";

/** Most events a session graph is built from (the newest). */
const GRAPH_EVENT_LIMIT = 5000;

/** The store as the decision graph reads it. */
const graphSource = (s: TraceStore): EventSource => ({ get: (id) => s.get(id), session: (key) => s.session(key, GRAPH_EVENT_LIMIT) });

/** Default threshold of the slow-operations list. */
const DEFAULT_SLOW_MS = 1000;

/** What `observe.status` answers. */
export interface ObservabilityStatus {
  tracing: ObservabilityConfig["tracing"];
  metrics: ObservabilityConfig["metrics"];
  retention: ObservabilityConfig["retention"];
  /** Runs seen whose `agent_end` has not come yet. */
  openRuns: number;
  buffer?: BufferStatus;
  store: { events: number; oldest?: string; newest?: string };
}

/** The observability of one gateway. */
export class Observability {
  readonly metrics = new ObservabilityMetrics();
  /** Present when tracing is on. */
  readonly recorder: TraceRecorder | undefined;
  private readonly buffer: TraceBuffer | undefined;
  private opened: TraceStore | undefined;

  constructor(readonly config: ObservabilityConfig, private readonly runtime: PluginRuntime) {
    const t = config.tracing;
    if (!t.enabled) return;
    this.buffer = new TraceBuffer(() => this.store(), {
      capacity: t.bufferSize, intervalMs: t.flushIntervalMs, onFlush: ({ ok }) => this.metrics.storeRequest(ok),
    });
    const buffer = this.buffer;
    this.recorder = new TraceRecorder((event) => buffer.push(event), t);
  }

  /** Opens the store and starts the periodic flush. */
  start(): void {
    this.store();
    this.buffer?.start();
  }

  /** Stops the flush timer after a last flush. */
  stop(): void {
    this.buffer?.stop();
  }

  /** The newest `limit` events matching the filter, oldest first. */
  events(q: ParsedQuery): TraceEventOut[] {
    return this.read((s) => s.list(q.filter, q.limit)).map(eventOut);
  }

  /** Aggregates, the slowest calls and the grouped errors. */
  stats(filter: TraceFilter, slowThresholdMs = DEFAULT_SLOW_MS): { stats: TraceStats; slowOps: TraceEventOut[]; errors: ErrorGroup[] } {
    return this.read((s) => ({ stats: aggregateStats(s.db, filter), slowOps: findSlowOps(s.db, filter, slowThresholdMs).map(eventOut), errors: findErrors(s.db, filter) }));
  }

  /** The causal chain of an event. */
  explain(eventId: string): Explanation<TraceEventOut> {
    return explanationOut(this.read((s) => explainAction(graphSource(s), eventId)));
  }

  /** A session's decision graph. */
  graph(sessionKey: string): DecisionGraph<TraceEventOut> {
    return graphOut(this.read((s) => buildFromSession(graphSource(s), sessionKey)));
  }

  /** Settings, buffer counters and what the store holds. */
  status(): ObservabilityStatus {
    const { tracing, metrics, retention } = this.config;
    const buffer = this.buffer?.status();
    return { tracing, metrics, retention, openRuns: this.recorder?.openRuns() ?? 0, ...(buffer && { buffer }), store: this.read((s) => s.info()) };
  }

  /** The Prometheus text exposition of every metric. */
  exposition(): string {
    return renderExposition([...this.metrics.families(this.buffer?.status()), ...gatewayFamilies(this.runtime.gatewayStats())]);
  }

  private store(): TraceStore {
    this.opened ??= new TraceStore(this.runtime.database(), this.config.retention);
    return this.opened;
  }

  /** Flushes, then runs `fn` on the store; counted as one store request. */
  private read<T>(fn: (store: TraceStore) => T): T {
    this.buffer?.flush();
    try {
      const result = fn(this.store());
      this.metrics.storeRequest(true);
      return result;
    } catch (err) {
      this.metrics.storeRequest(false);
      throw err;
    }
  }
}
