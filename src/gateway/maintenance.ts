/** @module The gateway's timers: `tick`, WebSocket pings to detect dead peers, and health refresh. */
import type { GatewayServices } from "./context.ts";

/** Timer intervals. */
export interface MaintenanceIntervals {
  tickIntervalMs: number;
  pingIntervalMs: number;
  healthRefreshMs: number;
}

/** Starts the timers; returns a function that stops them. */
export function startMaintenance(s: GatewayServices, { tickIntervalMs, pingIntervalMs, healthRefreshMs }: MaintenanceIntervals): () => void {
  const timers = [
    setInterval(() => s.broadcaster.broadcast("tick", { ts: Date.now() }), tickIntervalMs),
    setInterval(() => pingRound(s), pingIntervalMs),
    setInterval(() => {
      if (s.health.refresh()) s.broadcaster.broadcast("health", s.health.snapshot(), s.stateVersion());
    }, healthRefreshMs),
  ];
  return () => timers.forEach(clearInterval);
}

/** Terminates peers that did not answer the previous ping, then pings the rest. */
function pingRound(s: GatewayServices): void {
  for (const conn of s.registry.open()) {
    if (conn.awaitingPong) {
      s.log.info("dead peer terminated", { conn: conn.id });
      conn.terminate();
      continue;
    }
    conn.awaitingPong = true;
    conn.ws.ping();
  }
}
