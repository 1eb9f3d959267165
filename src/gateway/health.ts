/** @module The health snapshot, recomputed on a timer and versioned when it changes. */
import type { HealthSnapshot } from "../protocol/index.ts";
import { serializeOnce } from "./serialized.ts";

/** Produces the parts of health that other modules own (channels, agents, sessions). */
export type HealthContributor = () => Partial<HealthSnapshot>;

/** Holds the current health snapshot and its version counter. */
export class HealthMonitor {
  private current: HealthSnapshot = {};
  private signature = "";
  /** Bumped whenever the snapshot changes (ignoring timestamps); sent as `stateVersion.health`. */
  version = 0;

  constructor(private readonly contributors: HealthContributor[] = []) {
    this.refresh();
  }

  /** The cached snapshot. */
  snapshot(): HealthSnapshot {
    return this.current;
  }

  /**
   * Recomputes the snapshot.
   * @returns true when it changed (ignoring `ts` and `durationMs`).
   */
  refresh(): boolean {
    const started = performance.now();
    let next: HealthSnapshot = {
      ok: true, channels: {}, channelOrder: [], channelLabels: {}, heartbeatSeconds: 0,
      defaultAgentId: "main", agents: [{ agentId: "main", isDefault: true }], sessions: { count: 0, recent: [] },
    };
    for (const contribute of this.contributors) next = { ...next, ...contribute() };
    const signature = JSON.stringify(next);
    // Frozen and serialized once: every health response and event until the next refresh sends this text.
    this.current = serializeOnce({ ...next, ts: Date.now(), durationMs: Math.round((performance.now() - started) * 1000) / 1000 });
    if (signature === this.signature) return false;
    this.signature = signature;
    this.version++;
    return true;
  }
}
