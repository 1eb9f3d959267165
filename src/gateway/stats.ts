/**
 * @module Gateway counters for `/metrics` (extensions.md §4, issue 10): frames in and out, events dropped for slow
 * clients, and per-method call counts, errors and latency histograms. Updated on the hot path with plain
 * additions; read as a snapshot by the observability plugin through `runtime.gatewayStats()`.
 */
import type { GatewayStatsSnapshot } from "../plugins/api.ts";

/** Upper bounds (ms) of the method latency histogram buckets; a last `+Inf` bucket is implied. */
export const LATENCY_BUCKETS_MS = [1, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10_000] as const;

interface MethodStats {
  count: number;
  errors: number;
  sumMs: number;
  /** Non-cumulative counts per bucket, the last one for +Inf. */
  buckets: number[];
}

/** The counters of one gateway. */
export class GatewayStats {
  framesIn = 0;
  framesOut = 0;
  eventsDropped = 0;
  private readonly methods = new Map<string, MethodStats>();

  /** Records one finished method call. */
  recordCall(method: string, ms: number, ok: boolean): void {
    let m = this.methods.get(method);
    if (!m) this.methods.set(method, (m = { count: 0, errors: 0, sumMs: 0, buckets: new Array(LATENCY_BUCKETS_MS.length + 1).fill(0) }));
    m.count += 1;
    if (!ok) m.errors += 1;
    m.sumMs += ms;
    let i = LATENCY_BUCKETS_MS.findIndex((le) => ms <= le);
    if (i < 0) i = LATENCY_BUCKETS_MS.length;
    m.buckets[i]! += 1;
  }

  /** A copy of every counter; `connections` and `channels` come from the caller. */
  snapshot(connections: number, channels: GatewayStatsSnapshot["channels"]): GatewayStatsSnapshot {
    return {
      connections, framesIn: this.framesIn, framesOut: this.framesOut, eventsDropped: this.eventsDropped, channels,
      latencyBucketsMs: [...LATENCY_BUCKETS_MS],
      methods: [...this.methods].map(([method, m]) => ({ method, count: m.count, errors: m.errors, sumMs: m.sumMs, buckets: [...m.buckets] })),
    };
  }
}
