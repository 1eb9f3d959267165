/** @module Builds the long-lived services of one gateway from its config, database and logger. */
import type { Database } from "bun:sqlite";
import { createConfigService, type LoadedConfig } from "../config/index.ts";
import { PairingStore } from "../devices/pairing-store.ts";
import type { Logger } from "../logging/logger.ts";
import { NodePairingStore } from "../nodes/pairing-store.ts";
import { NodeRegistry } from "../nodes/registry.ts";
import { VERSION, COMMIT } from "../version.ts";
import { Broadcaster } from "./broadcast.ts";
import type { CanvasHost } from "./canvas-host.ts";
import type { GatewayServices } from "./context.ts";
import { HealthMonitor } from "./health.ts";
import { PresenceRegistry } from "./presence.ts";
import { ConnectionRegistry } from "./registry.ts";

/** What {@link createServices} is built from. */
export interface ServiceInputs {
  loaded: LoadedConfig;
  db: Database;
  log: Logger;
  logFile: string;
  host: string;
  canvas: CanvasHost;
}

/** Creates the services; `listen.port` is updated once the server is bound. */
export function createServices({ loaded, db, log, logFile, host, canvas }: ServiceInputs): GatewayServices {
  const { config, paths, authMode } = loaded;
  const bootId = crypto.randomUUID();
  const registry = new ConnectionRegistry();
  const presence = new PresenceRegistry(VERSION, bootId);
  const health = new HealthMonitor();
  return {
    version: VERSION, commit: COMMIT, bootId, startedAt: Date.now(), listen: { host, port: config.gateway.port },
    stateDir: paths.stateDir, authMode, logFile, log, registry, broadcaster: new Broadcaster(registry), presence, health,
    config: createConfigService(loaded), systemEvents: [],
    pairing: new PairingStore(db), nodePairing: new NodePairingStore(db), nodes: new NodeRegistry(),
    nodeCommandPolicy: () => config.gateway.nodes,
    canvas: { capabilities: canvas.capabilities, hostUrl: canvas.hostUrl },
    stateVersion: () => ({ presence: presence.version, health: health.version }),
  };
}
