/**
 * @module The fleet: the registry (SQLite, opened on first use — never at registration, since the CLI registers
 * plugins too), one {@link NodeLink} per node, and the health poll. A poll probes every node's `/health` directly,
 * once and in parallel (a probe is not held back by an open breaker, so a node that came back is seen at the next
 * poll, and its breaker turns half-open); for a node that answered it also reads info and stats through the breaker.
 */
import type { Database } from "bun:sqlite";
import type { CircuitSnapshot } from "../../plugins/api.ts";
import type { NodeInfo, NodeStats } from "./client.ts";
import { nodeSpec, type IotConfig, type NodeSpec } from "./config.ts";
import { FleetStore, type NodeRecord } from "./fleet-store.ts";
import { NodeLink, type BreakerFactory, type LinkDeps } from "./node-link.ts";

/** A node as every surface shows it: the stored row, its breaker, and what the last poll read. */
export interface FleetNode extends NodeRecord {
  online: boolean;
  breaker: CircuitSnapshot;
  info?: NodeInfo;
  stats?: NodeStats;
}

/** A rejected fleet change or an unknown node (a client mistake: `INVALID_REQUEST` on the wire). */
export class FleetError extends Error {
  readonly code = "INVALID_REQUEST";
}

/** What `iot.ping` answers. */
export interface PingResult {
  id: string;
  online: boolean;
  latencyMs: number;
  error?: string;
}

const message = (err: unknown) => (err instanceof Error ? err.message : String(err));

/** The fleet of one gateway. */
export class Fleet {
  private opened: FleetStore | undefined;
  private readonly links = new Map<string, NodeLink>();
  private readonly live = new Map<string, { info?: NodeInfo; stats?: NodeStats }>();
  private readonly now: () => number;

  /** @param createBreaker makes each node's breaker (the host's `api.createCircuitBreaker`) */
  constructor(private readonly config: IotConfig, private readonly database: () => Database, private readonly createBreaker: BreakerFactory, private readonly deps: LinkDeps = {}) {
    this.now = deps.now ?? Date.now;
  }

  /** Opens the registry and adds the config nodes never seeded before. */
  open(): void {
    this.store.seed(this.config.nodes, this.now());
  }

  /** Every node, oldest first. */
  list(): FleetNode[] {
    return this.store.list().map((r) => this.view(r));
  }

  /** One node. @throws {FleetError} for an unknown id */
  get(id: string): FleetNode {
    return this.view(this.record(id));
  }

  /**
   * Adds a node (port defaults to 19090, id to the host with dashes).
   * @throws {FleetError} for a bad or taken id, or a full fleet
   */
  add(raw: { host: string; port?: number; id?: string; label?: string }): FleetNode {
    let spec: NodeSpec;
    try {
      spec = nodeSpec(raw);
    } catch (err) {
      throw new FleetError(message(err));
    }
    if (this.store.get(spec.id)) throw new FleetError(`node "${spec.id}" is already in the fleet`);
    if (this.store.list().length >= this.config.maxNodes) throw new FleetError(`the fleet is full (maxNodes ${this.config.maxNodes})`);
    return this.view(this.store.insert(spec, this.now()));
  }

  /** Removes a node. @throws {FleetError} for an unknown id */
  remove(id: string): void {
    if (!this.store.delete(id)) throw new FleetError(`unknown node "${id}"`);
    this.links.delete(id);
    this.live.delete(id);
  }

  /**
   * A node's resilient link, for a call through its breaker with retries.
   * @throws {FleetError} for an unknown id
   */
  link(id: string): NodeLink {
    const record = this.record(id);
    let link = this.links.get(id);
    if (!link || link.client.baseUrl !== record.url) {
      link = new NodeLink(id, record.url, this.config.resilience, this.createBreaker, this.deps);
      this.links.set(id, link);
    }
    return link;
  }

  /** Probes every node at once and records each verdict; never throws. */
  async pollAll(): Promise<void> {
    await Promise.allSettled(this.store.list().map((r) => this.pollOne(r.id)));
  }

  /** Times one `/health` probe of a node (not through the breaker; not recorded). */
  async ping(id: string): Promise<PingResult> {
    const link = this.link(id);
    const started = performance.now();
    try {
      await link.client.health();
      return { id, online: true, latencyMs: Math.round(performance.now() - started) };
    } catch (err) {
      return { id, online: false, latencyMs: Math.round(performance.now() - started), error: message(err) };
    }
  }

  private async pollOne(id: string): Promise<void> {
    const link = this.link(id);
    try {
      await link.client.health();
    } catch (err) {
      link.breaker.failure();
      this.live.delete(id);
      if (this.store.get(id)) this.store.recordPoll(id, "offline", this.now(), message(err));
      return;
    }
    link.breaker.probeSucceeded();
    const [info, stats] = await Promise.allSettled([link.call((c) => c.info()), link.call((c) => c.stats())]);
    this.live.set(id, { ...(info.status === "fulfilled" && { info: info.value }), ...(stats.status === "fulfilled" && { stats: stats.value }) });
    const failed = [info, stats].find((r) => r.status === "rejected");
    if (this.store.get(id)) this.store.recordPoll(id, "online", this.now(), failed ? message(failed.reason) : null);
  }

  private record(id: string): NodeRecord {
    const record = this.store.get(id);
    if (!record) throw new FleetError(`unknown node "${id}"`);
    return record;
  }

  private view(record: NodeRecord): FleetNode {
    const live = this.live.get(record.id);
    const breaker = this.links.get(record.id)?.breaker.snapshot() ?? { state: "closed" as const, failures: 0 };
    return { ...record, online: record.lastStatus === "online", breaker, ...live };
  }

  private get store(): FleetStore {
    this.opened ??= new FleetStore(this.database());
    return this.opened;
  }
}
