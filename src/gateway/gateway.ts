/** @module Starts and stops one gateway: lock, database, token, logger, TLS, canvas host, services, the server and its timers. */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { Server } from "bun";
import type { Database } from "bun:sqlite";
import { CloseCode } from "../protocol/index.ts";
import type { LoadedConfig } from "../config/index.ts";
import { createLogger, type Logger } from "../logging/logger.ts";
import { RotatingFile } from "../logging/rotating-file.ts";
import { acquireGatewayLock, openDatabase, settingsRepo } from "../store/index.ts";
import { VERSION } from "../version.ts";
import type { AuthSettings } from "./auth.ts";
import { createCanvasHost, type CanvasHost } from "./canvas-host.ts";
import { createControlUiRoutes } from "./control-ui/routes.ts";
import { createUiBundleLoader } from "./control-ui/source.ts";
import type { SocketData } from "./connection.ts";
import type { GatewayServices, MethodTable } from "./context.ts";
import { Dispatcher } from "./dispatch.ts";
import { createHttpApp } from "./http.ts";
import { DedupeCache } from "./idempotency.ts";
import { startMaintenance } from "./maintenance.ts";
import { agentMethods } from "./methods/agent.ts";
import { chatMethods } from "./methods/chat.ts";
import { configMethods } from "./methods/config.ts";
import { sessionsMethods } from "./methods/sessions.ts";
import { cronMethods } from "./methods/cron.ts";
import { heartbeatMethods } from "./methods/heartbeat.ts";
import { sendMethods } from "./methods/send.ts";
import { channelsMethods } from "./methods/channels.ts";
import { webLoginMethods } from "./methods/web-login.ts";
import { pluginsMethods } from "./methods/plugins.ts";
import { loadConfiguredPlugins, pluginRoutes, startPluginServices } from "./plugin-host.ts";
import { defaultAccessPolicy } from "../channels/config.ts";
import { pairingMethods } from "./methods/pairing.ts";
import type { ChannelFactory } from "../channels/manager.ts";
import { createGatewayHooks } from "./hooks.ts";
import { startAutomation, stopAutomation } from "../cron/automation.ts";
import { execApprovalsMethods } from "./methods/exec-approvals.ts";
import { agentsFilesMethods } from "./methods/agents-files.ts";
import { devicesMethods } from "./methods/devices.ts";
import { logsMethods } from "./methods/logs.ts";
import { nodePairingMethods } from "./methods/node-pairing.ts";
import { nodesMethods } from "./methods/nodes.ts";
import { systemMethods } from "./methods/system.ts";
import { isLoopbackAddress, resolveBindHost } from "./net.ts";
import { AuthRateLimiter } from "./rate-limit.ts";
import { startServer } from "./server.ts";
import { createServices, workspaceOf } from "./services.ts";
import { createSocketHandlers } from "./sockets.ts";
import { resolveServerTls } from "./tls.ts";
import { resolveGatewayToken } from "./token.ts";
import { createUpgradeClassifier } from "./upgrade.ts";

/** Options of {@link startGateway}. */
export interface GatewayOptions {
  loaded: LoadedConfig;
  /** Log every frame (never their secrets). */
  verbose?: boolean;
  /** Write readable log lines to stderr too. @default true */
  logToStderr?: boolean;
  /** Channel adapter factories replacing the built-in ones, by channel id (tests). */
  channelFactories?: Record<string, ChannelFactory>;
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
  /** SHA-256 fingerprint of the TLS certificate, when serving wss://. */
  tlsFingerprint?: string;
  log: Logger;
  services: GatewayServices;
  /** Sends `shutdown`, closes every socket with 1012 and releases the state dir. Idempotent. */
  stop(reason?: string, restartExpectedMs?: number): Promise<void>;
}

/** How long a stop waits for sockets to close before cutting them. */
const STOP_GRACE_MS = 2000;

const HANDLERS: MethodTable = {
  ...systemMethods, ...logsMethods, ...configMethods, ...devicesMethods, ...nodesMethods, ...nodePairingMethods,
  ...agentMethods, ...chatMethods, ...sessionsMethods,
  ...cronMethods, ...heartbeatMethods, ...sendMethods,
  ...execApprovalsMethods, ...agentsFilesMethods, ...channelsMethods, ...webLoginMethods, ...pluginsMethods, ...pairingMethods,
};

/** Starts a gateway from a loaded config. */
export async function startGateway({ loaded, verbose = false, logToStderr = true, channelFactories }: GatewayOptions): Promise<Gateway> {
  const { config, paths, authMode } = loaded;
  const gw = config.gateway;
  mkdirSync(paths.stateDir, { recursive: true, mode: 0o700 });
  const lock = acquireGatewayLock(paths.stateDir, gw.port);
  let db: Database | undefined;
  let canvas: CanvasHost | undefined;
  let logSink: RotatingFile | undefined;
  try {
    db = openDatabase(join(paths.stateDir, "state.db"));
    const logFile = join(paths.stateDir, "logs", "gateway.log");
    const level = verbose ? "debug" : config.logging.level;
    logSink = new RotatingFile(logFile, { maxBytes: config.logging.maxFileBytes, maxFiles: config.logging.maxFiles });
    const log = createLogger("gateway", { level, stderr: logToStderr, file: logSink });
    const resolved = authMode === "token" ? resolveGatewayToken(gw.auth.token, settingsRepo(db)) : undefined;
    const auth: AuthSettings = { mode: authMode, token: resolved?.token, password: gw.auth.password };
    log.addSecret(auth.token);
    log.addSecret(auth.password);

    const host = resolveBindHost(gw.bind);
    const tls = await resolveServerTls(gw.tls, paths.stateDir, host);
    let port = gw.port;
    canvas = await createCanvasHost({
      stateDir: paths.stateDir, enabled: config.canvasHost.enabled, liveReload: config.canvasHost.liveReload, auth: () => auth,
      trustedProxies: gw.trustedProxies, scheme: tls ? "https" : "http", fallbackHost: () => hostPort(host, port), log,
    });
    let dispatcher: Dispatcher | undefined;
    let running: GatewayServices | undefined;
    const workspace = workspaceOf(loaded);
    const plugins = await loadConfiguredPlugins({
      loaded, workspace, log,
      call: async (method, params) => {
        if (!dispatcher) throw new Error("the gateway is still starting");
        return dispatcher.invoke(method, params);
      },
      gatewayStats: () => running?.stats.snapshot(running.registry.size, running.channels.status().map(({ channel, accountId, state }) => ({ channel, accountId, state }))),
    });
    const services = createServices({ loaded, db, log, logFile, host, canvas, channelFactories, plugins: plugins.registry });
    running = services;
    const hooks = createGatewayHooks(services, config, auth.token);
    dispatcher = new Dispatcher(HANDLERS, services, new DedupeCache(), plugins.registry.methods);
    const hardBytes = gw.maxBufferedBytes * 2;
    let ready = false;
    const server: Server<SocketData> = startServer({
      host, port: gw.port, maxPayload: gw.maxPayload, backpressureLimit: hardBytes + gw.maxPayload,
      ...(tls && { tls: { cert: tls.cert, key: tls.key } }),
      app: createHttpApp({ version: VERSION, startedAt: services.startedAt, isReady: () => ready, mounts: [
        canvas.routes, hooks, services.channels.routes,
        pluginRoutes(plugins.registry, { token: () => auth.token, loopbackBind: isLoopbackAddress(host), trustedProxies: gw.trustedProxies }),
        createControlUiRoutes({ load: createUiBundleLoader() }),
      ].filter((r) => r !== null) }),
      classifyUpgrade: createUpgradeClassifier({
        trustedProxies: () => gw.trustedProxies, admitsReload: canvas.admitsReload, allowedOrigins: () => gw.controlUi.allowedOrigins,
        onOriginRefused: (origin, ip) => log.warn("websocket refused: origin not allowed", { origin, ip }),
      }),
      sockets: createSocketHandlers({
        services, dispatcher, verbose, reloadHub: canvas.hub,
        handshake: {
          credentials: {
            auth: () => auth, pairing: services.pairing,
            sharedLimiter: new AuthRateLimiter(gw.auth.rateLimit), deviceTokenLimiter: new AuthRateLimiter(gw.auth.rateLimit),
            onLockout: (ip, lockoutMs) => log.warn("auth lockout", { ip, lockoutMs }),
          },
          deviceGate: { pairing: services.pairing, broadcaster: services.broadcaster, autoApproveLocal: () => gw.pairing.autoApproveLocal },
          policy: () => ({ maxPayload: gw.maxPayload, maxBufferedBytes: gw.maxBufferedBytes, tickIntervalMs: gw.tickIntervalMs }),
        },
        limits: () => ({ softBytes: gw.maxBufferedBytes, hardBytes }),
        handshakeTimeoutMs: () => gw.handshakeTimeoutMs,
      }),
    });
    port = server.port ?? gw.port;
    services.listen = { host, port };
    const stopTimers = startMaintenance(services, gw);
    const stopPluginServices = await startPluginServices(plugins.registry, { stateDir: paths.stateDir, workspaceDir: workspace }, log);
    for (const channel of plugins.registry.channels) {
      services.channels.registerFactory(channel.id, channel.factory as ChannelFactory);
      void services.channels.startAccount({ channel: channel.id, accountId: "default", enabled: true, configured: true, policy: defaultAccessPolicy(), options: { accountId: "default", ...channel.options } });
    }
    ready = true;
    await startAutomation(services);
    void plugins.registry.hooks.emit("gateway_start", { port });
    // Channels connect in the background: a slow or failing channel never holds up the gateway.
    void services.channels.start();
    const url = `${tls ? "wss" : "ws"}://${hostPort(host, port)}`;
    log.info("gateway listening", { url, authMode, pid: process.pid, version: VERSION, ...(tls && { tlsFingerprint: tls.fingerprint256 }) });

    const runningCanvas = canvas;
    const database = db;
    let stopping: Promise<void> | null = null;
    const stop = (reason = "gateway stopping", restartExpectedMs?: number): Promise<void> => {
      stopping ??= (async () => {
        ready = false;
        stopTimers();
        await plugins.registry.hooks.emit("gateway_stop", { reason });
        await stopPluginServices();
        await services.channels.stop();
        plugins.registry.close();
        await stopAutomation(services, services.lanes);
        services.execApprovals.close();
        runningCanvas.close();
        services.broadcaster.broadcast("shutdown", { reason, ...(restartExpectedMs !== undefined && { restartExpectedMs }) });
        // Unregister first: each close runs the close handler at once, whose presence broadcast must
        // not reach the sockets still to be closed (`shutdown` is the last event a client gets).
        const conns = [...services.registry.values()];
        for (const conn of conns) services.registry.remove(conn);
        for (const conn of conns) conn.close(CloseCode.SERVICE_RESTART, "service restart");
        // Let sockets finish their close handshakes, but never wait on a dead peer for long.
        await Promise.race([server.stop(), Bun.sleep(STOP_GRACE_MS)]);
        await server.stop(true);
        log.info("gateway stopped", { reason });
        logSink?.close();
        database.close();
        lock.release();
      })();
      return stopping;
    };
    return {
      url, host, port, token: resolved?.token, tokenGenerated: resolved?.generated ?? false,
      tlsFingerprint: tls?.fingerprint256, log, services, stop,
    };
  } catch (err) {
    canvas?.close();
    logSink?.close();
    db?.close();
    lock.release();
    throw err;
  }
}

/** `host:port`, with IPv6 hosts bracketed. */
function hostPort(host: string, port: number): string {
  return `${host.includes(":") ? `[${host}]` : host}:${port}`;
}
