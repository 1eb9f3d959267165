/**
 * @module The headless node host: connects to a gateway as `role: "node"` with its persisted device
 * identity, answers `node.invoke.request` events with `node.invoke.result` requests, and reconnects
 * with backoff (1 s → 30 s) until stopped.
 */
import { hostname } from "node:os";
import { Type } from "@sinclair/typebox";
import { GatewayCallError, GatewayClient, type CloseInfo } from "../cli/client.ts";
import { loadOrCreateIdentity, type DeviceIdentity } from "../devices/client-identity.ts";
import { matches } from "../protocol/validate.ts";
import type { EventFrame } from "../protocol/index.ts";
import { VERSION } from "../version.ts";
import { executeCommand, NODE_HOST_CAPS, NODE_HOST_COMMANDS, silentLog, type CommandOutcome, type NodeHostLog } from "./commands.ts";

/** Options of {@link runNodeHost}. */
export interface NodeHostOptions {
  /** Gateway WebSocket URL. */
  url: string;
  token?: string;
  password?: string;
  /** Shown in `node.list`. @default the host name */
  displayName?: string;
  /** Holds the identity, device tokens and the exec allowlist. */
  stateDir: string;
  /** Stops the host (closes the connection, kills running commands). */
  signal?: AbortSignal;
  /** @default silent */
  log?: NodeHostLog;
  /** Called after every successful connect. */
  onConnected?: (info: { url: string; nodeId: string; reconnect: boolean }) => void;
  /** Reconnect delays. @default { initialMs: 1000, maxMs: 30000 } */
  backoff?: { initialMs?: number; maxMs?: number };
  /** Handshake and request timeout. @default 10000 */
  timeoutMs?: number;
  /** SHA-256 fingerprint the gateway's TLS certificate must have (wss:// only). */
  tlsFingerprint?: string;
  /** Allow plaintext ws:// to a remote host, or an unverified wss:// certificate. */
  insecure?: boolean;
}

/** A `node.invoke.request` payload (protocol.md §6). */
const InvokeRequest = Type.Object({
  id: Type.String({ minLength: 1 }),
  nodeId: Type.String(),
  command: Type.String({ minLength: 1 }),
  paramsJSON: Type.Optional(Type.Union([Type.String(), Type.Null()])),
  params: Type.Optional(Type.Unknown()),
  timeoutMs: Type.Optional(Type.Number({ minimum: 0 })),
  idempotencyKey: Type.Optional(Type.String()),
});

/**
 * Runs the node host until `signal` aborts.
 * @returns when stopped.
 * @throws Error only when the identity cannot be loaded or created.
 * @example await runNodeHost({ url: "ws://127.0.0.1:18789", token, stateDir, signal })
 */
export async function runNodeHost(opts: NodeHostOptions): Promise<void> {
  const { signal, log = silentLog } = opts;
  const initialMs = opts.backoff?.initialMs ?? 1_000;
  const maxMs = opts.backoff?.maxMs ?? 30_000;
  const identity = loadOrCreateIdentity(opts.stateDir);
  let delay = initialMs;
  let connectedBefore = false;
  while (!signal?.aborted) {
    let client: GatewayClient | null;
    try {
      client = await abortable(connectNode(opts, identity, log), signal);
    } catch (err) {
      const retryAfterMs = describeConnectFailure(err, opts.url, log);
      await sleep(Math.max(delay, retryAfterMs), signal);
      delay = Math.min(delay * 2, maxMs);
      continue;
    }
    if (!client) break; // stopped while connecting
    delay = initialMs;
    log.info("connected", { url: opts.url, nodeId: identity.deviceId });
    opts.onConnected?.({ url: opts.url, nodeId: identity.deviceId, reconnect: connectedBefore });
    connectedBefore = true;
    const info = await serve(client, signal, log);
    if (signal?.aborted) break;
    log.warn("disconnected; reconnecting", { code: info.code, reason: info.reason, inMs: delay });
    await sleep(delay, signal);
    delay = Math.min(delay * 2, maxMs);
  }
  log.info("node host stopped");
}

/** Connections that have received a `tick`: only those are watched for keepalive silence. */
const ticking = new WeakSet<GatewayClient>();

function connectNode(opts: NodeHostOptions, identity: DeviceIdentity, log: NodeHostLog): Promise<GatewayClient> {
  const inFlight = new Set<string>();
  return GatewayClient.connect({
    url: opts.url,
    token: opts.token,
    password: opts.password,
    timeoutMs: opts.timeoutMs,
    tlsFingerprint: opts.tlsFingerprint,
    insecure: opts.insecure,
    identity,
    stateDir: opts.stateDir,
    role: "node",
    scopes: [],
    client: { id: "node-host", mode: "node", platform: process.platform, version: VERSION, displayName: opts.displayName ?? hostname() },
    caps: [...NODE_HOST_CAPS],
    commands: [...NODE_HOST_COMMANDS],
    ...(process.env.PATH !== undefined && { pathEnv: process.env.PATH }),
    onEvent: (frame, client) => {
      if (frame.event === "tick") ticking.add(client);
      else if (frame.event === "node.invoke.request") void handleInvoke(client, frame, inFlight, opts, log);
    },
  });
}

/**
 * Waits until the connection closes, or closes it when stopped. Once the gateway has sent a `tick`,
 * a connection silent for more than twice `policy.tickIntervalMs` is closed with 4000 "tick timeout"
 * (a gateway that never ticks nodes is not watched, so it is not disconnected every minute).
 */
async function serve(client: GatewayClient, signal: AbortSignal | undefined, log: NodeHostLog): Promise<CloseInfo> {
  const tickMs = (client.hello.policy as { tickIntervalMs?: number } | undefined)?.tickIntervalMs ?? 30_000;
  let end!: (info: CloseInfo) => void;
  const ended = new Promise<CloseInfo>((resolve) => { end = resolve; });
  const onAbort = () => end({ code: 1000, reason: "node host stopping" });
  signal?.addEventListener("abort", onAbort, { once: true });
  const watchdog = setInterval(() => {
    if (!ticking.has(client) || Date.now() - client.lastFrameAtMs <= 2 * tickMs) return;
    log.warn("tick timeout: no frame from the gateway", { silentMs: Date.now() - client.lastFrameAtMs });
    client.close(4000, "tick timeout");
    end({ code: 4000, reason: "tick timeout" });
  }, tickMs > 0 ? tickMs : 30_000);
  try {
    const info = await Promise.race([client.closed, ended]);
    if (signal?.aborted) {
      client.close(1000, "node host stopping");
      await Promise.race([client.closed, new Promise((r) => setTimeout(r, 2_000))]);
    }
    return info;
  } finally {
    clearInterval(watchdog);
    signal?.removeEventListener("abort", onAbort);
  }
}

async function handleInvoke(client: GatewayClient, frame: EventFrame, inFlight: Set<string>, opts: NodeHostOptions, log: NodeHostLog): Promise<void> {
  const req = frame.payload;
  if (!matches(InvokeRequest, req)) {
    log.warn("ignoring malformed node.invoke.request");
    return;
  }
  if (inFlight.has(req.id)) return; // a repeated delivery of an invoke already running
  inFlight.add(req.id);
  try {
    let outcome: CommandOutcome;
    let params: unknown = req.params;
    try {
      if (typeof req.paramsJSON === "string") params = JSON.parse(req.paramsJSON);
      outcome = await executeCommand(req.command, params, {
        stateDir: opts.stateDir, log, signal: opts.signal, ...(req.timeoutMs !== undefined && req.timeoutMs > 0 && { timeoutCapMs: req.timeoutMs }),
      });
    } catch {
      outcome = { ok: false, error: { code: "INVALID_PARAMS", message: "paramsJSON is not valid JSON" } };
    }
    log.info("invoke", { id: req.id, command: req.command, ok: outcome.ok, ...(!outcome.ok && { code: outcome.error.code }) });
    const result = outcome.ok
      ? { id: req.id, nodeId: req.nodeId, ok: true, payloadJSON: JSON.stringify(outcome.payload ?? null) }
      : { id: req.id, nodeId: req.nodeId, ok: false, error: outcome.error };
    await client.request("node.invoke.result", result);
  } catch (err) {
    log.warn("could not send node.invoke.result", { id: req.id, error: (err as Error).message });
  } finally {
    inFlight.delete(req.id);
  }
}

/** Logs why a connect failed. @returns the gateway's `retryAfterMs`, or 0. */
function describeConnectFailure(err: unknown, url: string, log: NodeHostLog): number {
  if (err instanceof GatewayCallError) {
    const details = err.error.details as { requestId?: unknown } | undefined;
    if (err.error.code === "NOT_PAIRED") {
      log.warn("pairing required: approve this device on the gateway", { url, ...(details?.requestId !== undefined && { requestId: details.requestId }) });
    } else log.warn("gateway refused the connection", { url, code: err.error.code, message: err.error.message });
    return err.error.retryAfterMs ?? 0;
  }
  log.warn("cannot connect", { url, error: (err as Error).message });
  return 0;
}

/** Resolves with the value, or with null when `signal` aborts first (a late connection is closed). */
function abortable(connecting: Promise<GatewayClient>, signal: AbortSignal | undefined): Promise<GatewayClient | null> {
  if (!signal) return connecting;
  if (signal.aborted) {
    connecting.then((c) => c.close(1000, "node host stopping"), () => {});
    return Promise.resolve(null);
  }
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      connecting.then((c) => c.close(1000, "node host stopping"), () => {});
      resolve(null);
    };
    signal.addEventListener("abort", onAbort, { once: true });
    connecting.then(
      (c) => { signal.removeEventListener("abort", onAbort); resolve(c); },
      (err) => { signal.removeEventListener("abort", onAbort); reject(err); },
    );
  });
}

/** Waits `ms`, or less when `signal` aborts. */
function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  if (signal?.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => { clearTimeout(timer); signal?.removeEventListener("abort", done); resolve(); };
    const timer = setTimeout(done, ms);
    signal?.addEventListener("abort", done, { once: true });
  });
}
