/**
 * @module One IoT bridge per gateway: the fleet and its non-overlapping health poller, started and stopped by the
 * plugin's service, and the composite reads every surface (tools, methods) shares.
 */
import type { Database } from "bun:sqlite";
import type { IotConfig } from "./config.ts";
import { Fleet, type FleetNode } from "./fleet.ts";
import type { BreakerFactory, LinkDeps } from "./node-link.ts";
import { Poller, type Timers } from "./poller.ts";
import { fleetSummary, type NodeStatusReport } from "./render.ts";

/** Injectable time: the clock, sleeps between retries, jitter and the poll timer. */
export interface BridgeDeps extends LinkDeps {
  timers?: Timers;
}

/** The fleet and its poller. */
export class IotBridge {
  readonly fleet: Fleet;
  private readonly poller: Poller;

  /** @param createBreaker makes each node's breaker (the host's `api.createCircuitBreaker`) */
  constructor(readonly config: IotConfig, database: () => Database, createBreaker: BreakerFactory, deps: BridgeDeps = {}) {
    this.fleet = new Fleet(config, database, createBreaker, deps);
    this.poller = new Poller(() => this.fleet.pollAll(), config.pollIntervalMs, deps.timers);
  }

  /** Opens the registry (seeding the config nodes) and starts polling: a first poll at once. */
  start(): void {
    this.fleet.open();
    this.poller.start();
  }

  /** Stops polling, waiting for a poll in progress. */
  stop(): Promise<void> {
    return this.poller.stop();
  }

  /** Runs a poll now (after the one in progress, never beside it) and answers the fleet it saw. */
  async pollNow(): Promise<FleetNode[]> {
    await this.poller.pollNow();
    return this.fleet.list();
  }

  /** Resolves when the next poll completes. */
  nextPoll(): Promise<void> {
    return this.poller.nextPoll();
  }

  /** The prompt line (empty when context injection is off or the fleet is empty). */
  summary(): string {
    return this.config.injectContext ? fleetSummary(this.fleet.list()) : "";
  }

  /** A node's info, stats and peers, read through its breaker. */
  async status(id: string): Promise<NodeStatusReport> {
    const link = this.fleet.link(id);
    const info = await link.call((c) => c.info());
    const stats = await link.call((c) => c.stats());
    const peers = await link.call((c) => c.peers());
    return { node: this.fleet.get(id), info, stats, peers };
  }
}
