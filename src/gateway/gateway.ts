/** @module Starts and stops one gateway: lock, database, token, logger, services, the server and its timers. */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { Server } from "bun";
import type { Database } from "bun:sqlite";
import { CloseCode } from "../protocol/index.ts";
import { createConfigService } from "../config/service.ts";
import type { LoadedConfig } from "../config/index.ts";
import { createLogger, type Logger } from "../logging/logger.ts";
import { RotatingFile } from "../logging/rotating-file.ts";
import { acquireGatewayLock, openDatabase, settingsRepo } from "../store/index.ts";
import { VERSION, COMMIT } from "../version.ts";
import type { AuthSettings } from "./auth.ts";
import { Broadcaster } from "./broadcast.ts";
import type { SocketData } from "./connection.ts";
import type { GatewayServices, MethodTable } from "./context.ts";
import { Dispatcher } from "./dispatch.ts";
import { HealthMonitor } from "./health.ts";
import { createHttpApp } from "./http.ts";
import { DedupeCache } from "./idempotency.ts";
import { startMaintenance } from "./maintenance.ts";
import { configMethods } from "./methods/config.ts";
import { logsMethods } from "./methods/logs.ts";
import { systemMethods } from "./methods/system.ts";
import { resolveBindHost } from "./net.ts";
import { PresenceRegistry } from "./presence.ts";
import { AuthRateLimiter } from "./rate-limit.ts";
import { ConnectionRegistry } from "./registry.ts";
import { startServer } from "./server.ts";
import { createSocketHandlers } from "./sockets.ts";
import { resolveGatewayToken } from "./token.ts";

/** Options of {@link startGateway}. */
export interface GatewayOptions {
  loaded: LoadedConfig;
  /** Log every frame (never their secrets). */
  verbose?: boolean;
  /** Write readable log lines to stderr too. @default true */
  logToStderr?: boolean;
}

/** A running gateway. */
export interface Gateway {
  url: string;
  host: string;
  port: number;
  /** The shared token in token mode. */
  token?: string;
  /** True when the token was generated on this start (show it once). */
  tokenGenerated: boolean;
  log: Logger;
  services: GatewayServices;
  /** Sends `shutdown`, closes every socket with 1012 and releases the state dir. Idempotent. */
  stop(reason?: string, restartExpectedMs?: number): Promise<void>;
}

/** How long a stop waits for sockets to close before cutting them. */
const STOP_GRACE_MS = 2000;

const HANDLERS: MethodTable = { ...systemMethods, ...logsMethods, ...configMethods };

/** Starts a gateway from a loaded config. */
export async function startGateway({ loaded, verbose = false, logToStderr = true }: GatewayOptions): Promise<Gateway> {
  const { config, paths, authMode } = loaded;
  const gw = config.gateway;
  mkdirSync(paths.stateDir, { recursive: true, mode: 0o700 });
  const lock = acquireGatewayLock(paths.stateDir, gw.port);
  let db: Database | undefined;
  try {
    db = openDatabase(join(paths.stateDir, "state.db"));
    const logFile = join(paths.stateDir, "logs", "gateway.log");
    const level = verbose ? "debug" : config.logging.level;
    const log = createLogger("gateway", { level, stderr: logToStderr, file: new RotatingFile(logFile, { maxBytes: config.logging.maxFileBytes, maxFiles: config.logging.maxFiles }) });
    const resolved = authMode === "token" ? resolveGatewayToken(gw.auth.token, settingsRepo(db)) : undefined;
    const auth: AuthSettings = { mode: authMode, token: resolved?.token, password: gw.auth.password };
    log.addSecret(auth.token);
    log.addSecret(auth.password);

    const startedAt = Date.now();
    const bootId = crypto.randomUUID();
    const registry = new ConnectionRegistry();
    const presence = new PresenceRegistry(VERSION, bootId);
    const health = new HealthMonitor();
    const host = resolveBindHost(gw.bind);
    const services: GatewayServices = {
      version: VERSION, commit: COMMIT, bootId, startedAt, listen: { host, port: gw.port }, stateDir: paths.stateDir,
      authMode, logFile, log, registry, broadcaster: new Broadcaster(registry), presence, health,
      config: createConfigService(loaded), systemEvents: [],
      stateVersion: () => ({ presence: presence.version, health: health.version }),
    };
    const dispatcher = new Dispatcher(HANDLERS, services, new DedupeCache());
    const hardBytes = gw.maxBufferedBytes * 2;
    let ready = false;
    const server: Server<SocketData> = startServer({
      host, port: gw.port, maxPayload: gw.maxPayload, backpressureLimit: hardBytes + gw.maxPayload,
      app: createHttpApp({ version: VERSION, startedAt, isReady: () => ready }),
      sockets: createSocketHandlers({
        services, dispatcher, verbose,
        handshake: {
          rateLimiter: new AuthRateLimiter(gw.auth.rateLimit),
          auth: () => auth,
          policy: () => ({ maxPayload: gw.maxPayload, maxBufferedBytes: gw.maxBufferedBytes, tickIntervalMs: gw.tickIntervalMs }),
        },
        limits: () => ({ softBytes: gw.maxBufferedBytes, hardBytes }),
        handshakeTimeoutMs: () => gw.handshakeTimeoutMs,
      }),
    });
    const port = server.port ?? gw.port;
    services.listen = { host, port };
    const stopTimers = startMaintenance(services, gw);
    ready = true;
    const url = `ws://${host.includes(":") ? `[${host}]` : host}:${port}`;
    log.info("gateway listening", { url, authMode, pid: process.pid, version: VERSION });

    let stopping: Promise<void> | null = null;
    const stop = (reason = "gateway stopping", restartExpectedMs?: number): Promise<void> => {
      stopping ??= (async () => {
        ready = false;
        stopTimers();
        services.broadcaster.broadcast("shutdown", { reason, ...(restartExpectedMs !== undefined && { restartExpectedMs }) });
        // Unregister first: each close runs the close handler at once, whose presence broadcast must
        // not reach the sockets still to be closed (`shutdown` is the last event a client gets).
        const conns = [...registry.values()];
        for (const conn of conns) registry.remove(conn);
        for (const conn of conns) conn.close(CloseCode.SERVICE_RESTART, "service restart");
        // Let sockets finish their close handshakes, but never wait on a dead peer for long.
        await Promise.race([server.stop(), Bun.sleep(STOP_GRACE_MS)]);
        await server.stop(true);
        log.info("gateway stopped", { reason });
        db?.close();
        lock.release();
      })();
      return stopping;
    };
    return { url, host, port, token: resolved?.token, tokenGenerated: resolved?.generated ?? false, log, services, stop };
  } catch (err) {
    db?.close();
    lock.release();
    throw err;
  }
}
