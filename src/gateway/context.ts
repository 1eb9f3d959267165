/** @module What method handlers see: the calling connection and the gateway's services. */
import type { StateVersion } from "../protocol/index.ts";
import type { Logger } from "../logging/logger.ts";
import type { ConfigService } from "../config/service.ts";
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
  /** System events queued for the main session (consumed by the agent runtime). */
  systemEvents: string[];
  /** Current presence and health versions. */
  stateVersion(): StateVersion;
}

/** The context of one method call. */
export interface MethodContext {
  conn: Connection;
  services: GatewayServices;
}

/** A method implementation; params were already validated by dispatch. */
export type MethodHandler = (params: any, ctx: MethodContext) => unknown;

/** A table of handlers by method name, one per method group file. */
export type MethodTable = Record<string, MethodHandler>;
