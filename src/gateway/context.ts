/** @module What method handlers see: the calling connection and the gateway's services. */
import type { ErrorShape, StateVersion } from "../protocol/index.ts";
import type { Logger } from "../logging/logger.ts";
import type { ConfigService } from "../config/service.ts";
import type { MayrosConfig } from "../config/index.ts";
import type { AgentService } from "../agent/agent-service.ts";
import type { RunRegistry } from "../agent/run-registry.ts";
import type { ExecApprovals } from "../agent/approvals/service.ts";
import type { SessionLanes } from "../sessions/lane.ts";
import type { SessionStore } from "../sessions/store.ts";
import type { CronScheduler } from "../cron/scheduler.ts";
import type { HeartbeatRunner } from "../cron/heartbeat.ts";
import type { CapabilityStore } from "../canvas/capabilities.ts";
import type { PairingStore } from "../devices/pairing-store.ts";
import type { NodePairingStore } from "../nodes/pairing-store.ts";
import type { NodeRegistry } from "../nodes/registry.ts";
import type { PluginRegistry } from "../plugins/registry.ts";
import type { GatewayStats } from "./stats.ts";
import type { ChannelManager } from "../channels/manager.ts";
import type { Broadcaster } from "./broadcast.ts";
import type { Connection } from "./connection.ts";
import type { HealthMonitor } from "./health.ts";
import type { PresenceRegistry } from "./presence.ts";
import type { ConnectionRegistry } from "./registry.ts";

/** Long-lived services of one running gateway. */
export interface GatewayServices {
  version: string;
  commit: string;
  bootId: string;
  startedAt: number;
  listen: { host: string; port: number };
  stateDir: string;
  authMode: "token" | "password" | "none";
  logFile: string;
  log: Logger;
  registry: ConnectionRegistry;
  broadcaster: Broadcaster;
  presence: PresenceRegistry;
  health: HealthMonitor;
  config: ConfigService;
  /** Device pairing: pending requests, paired devices, hashed device tokens. */
  pairing: PairingStore;
  /** Legacy node pairing (`node.pair.*`); does not gate the WebSocket handshake. */
  nodePairing: NodePairingStore;
  /** Connected nodes and in-flight `node.invoke` calls. */
  nodes: NodeRegistry;
  /** Canvas capability URLs for nodes. */
  canvas: {
    capabilities: CapabilityStore;
    /** The capability-scoped canvas host URL, on the host name `conn` used to reach us when given. */
    hostUrl(capability: string, conn?: Connection): string;
  };
  /** The agent runtime: runs on session lanes. */
  agent: AgentService;
  /** Session records and transcripts. */
  sessions: SessionStore;
  /** One run at a time per session, with the queue modes. */
  lanes: SessionLanes;
  /** Live and recently finished runs (`agent.wait`, aborts). */
  runs: RunRegistry;
  /** The agent workspace directory. */
  workspace: string;
  /** Exec approvals: the policy file and pending approval requests. */
  execApprovals: ExecApprovals;
  /** The effective config (agents, models, session settings). */
  agentConfig(): MayrosConfig;
  /** The agent's name and emoji from IDENTITY.md. */
  agentIdentity(): { name?: string; emoji?: string };
  /** System events queued for the main session (consumed by the agent runtime). */
  systemEvents: string[];
  /** Cron jobs: the scheduler over the gateway database. */
  cron: CronScheduler;
  /** The periodic main-session heartbeat; also `wake` and the system-event queue's consumer. */
  heartbeat: HeartbeatRunner;
  /** Current presence and health versions. */
  stateVersion(): StateVersion;
  /** Messaging channels: adapters, inbound routing, `send`, DM pairing. */
  channels: ChannelManager;
  /** Frame, event and method counters for `/metrics`. */
  stats: GatewayStats;
  /** What the loaded plugins registered (absent when the plugin system is off). */
  plugins?: PluginRegistry;
}

/** The context of one method call. */
export interface MethodContext {
  conn: Connection;
  services: GatewayServices;
}

/**
 * What a two-phase method returns (`agent`): the ack sent at once, and the final outcome sent later
 * on the same request id. A final that failed carries `payload` next to its `error`.
 */
export class TwoPhaseReply {
  constructor(
    readonly ack: unknown,
    readonly final: Promise<{ ok: true; payload: unknown } | { ok: false; error: ErrorShape; payload?: unknown }>,
  ) {}
}

/** A method implementation; params were already validated by dispatch. */
export type MethodHandler = (params: any, ctx: MethodContext) => unknown;

/** A table of handlers by method name, one per method group file. */
export type MethodTable = Record<string, MethodHandler>;
