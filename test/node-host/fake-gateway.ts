/**
 * A small fake gateway for node host tests (a `Bun.serve` on 127.0.0.1, port 0): it sends
 * `connect.challenge`, checks the connect params against the protocol schema and the device proof
 * with the real `verifyDeviceProof`, answers a v4 `hello-ok` (optionally issuing a device token),
 * records every request, and lets a test push `node.invoke.request` events. Tests await its state
 * changes with {@link FakeGateway.until} instead of sleeping.
 */
import type { ServerWebSocket } from "bun";
import { verifyDeviceProof } from "../../src/devices/identity.ts";
import { ConnectParams, firstError, type ErrorShape } from "../../src/protocol/index.ts";

/** One socket that reached the gateway. */
export interface FakeConnection {
  index: number;
  nonce: string;
  ts: number;
  /** The connect params as received (undefined until the connect request arrived). */
  params?: ConnectParams;
  /** The schema problem of the params, if any. */
  schemaError: string | null;
  /** The DEVICE_AUTH_* code when the proof failed, "missing" without a device block, else null. */
  proofError: string | null;
  /** Whether hello-ok was sent. */
  helloSent: boolean;
  /** Requests after connect. */
  requests: Array<{ id: string; method: string; params: unknown }>;
  /** Close code and reason once closed. */
  closed?: { code: number; reason: string };
  ws: ServerWebSocket<{ index: number }>;
}

/** How the fake answers a connect; the default is hello-ok. */
export type ConnectDecision =
  | { kind: "hello"; deviceToken?: string }
  | { kind: "error"; error: ErrorShape; close: [number, string] }
  | { kind: "close"; close: [number, string] };

/** Options of {@link startFakeGateway}. */
export interface FakeGatewayOptions {
  decide?: (conn: FakeConnection) => ConnectDecision;
  /** `policy.tickIntervalMs` in hello-ok (the fake never sends ticks). @default 30000 */
  tickIntervalMs?: number;
}

/** A running fake gateway. */
export interface FakeGateway {
  url: string;
  connections: FakeConnection[];
  /** Resolves with `check()`'s first non-undefined value, re-checked on every state change. */
  until<T>(check: () => T | undefined, timeoutMs?: number): Promise<T>;
  /** Sends an event to a connection. */
  sendEvent(conn: FakeConnection, event: string, payload: unknown): void;
  stop(): Promise<void>;
}

/** Starts a fake gateway. */
export function startFakeGateway({ decide = () => ({ kind: "hello" }), tickIntervalMs = 30_000 }: FakeGatewayOptions = {}): FakeGateway {
  const connections: FakeConnection[] = [];
  const listeners = new Set<() => void>();
  const changed = () => { for (const l of [...listeners]) l(); };

  const server = Bun.serve<{ index: number }>({
    hostname: "127.0.0.1",
    port: 0,
    fetch(req, srv) {
      return srv.upgrade(req, { data: { index: connections.length } }) ? undefined : new Response("websocket only", { status: 400 });
    },
    websocket: {
      open(ws) {
        const conn: FakeConnection = {
          index: ws.data.index, nonce: crypto.randomUUID(), ts: Date.now(), schemaError: null, proofError: null, helloSent: false, requests: [], ws,
        };
        connections[conn.index] = conn;
        ws.send(JSON.stringify({ type: "event", event: "connect.challenge", payload: { nonce: conn.nonce, ts: conn.ts } }));
        changed();
      },
      message(ws, message) {
        const conn = connections[ws.data.index]!;
        const frame = JSON.parse(String(message)) as { type: string; id: string; method: string; params?: unknown };
        if (!conn.params) void onConnect(conn, frame).then(changed);
        else {
          conn.requests.push({ id: frame.id, method: frame.method, params: frame.params });
          ws.send(JSON.stringify({ type: "res", id: frame.id, ok: true, payload: { ok: true } }));
        }
        changed();
      },
      close(ws, code, reason) {
        connections[ws.data.index]!.closed = { code, reason };
        changed();
      },
    },
  });

  async function onConnect(conn: FakeConnection, frame: { id: string; method: string; params?: unknown }): Promise<void> {
    conn.params = frame.params as ConnectParams;
    conn.schemaError = frame.method === "connect" ? firstError(ConnectParams, frame.params) : `first request was ${frame.method}`;
    const p = conn.params;
    if (!p?.device) conn.proofError = "missing";
    else {
      try {
        await verifyDeviceProof({ device: p.device, client: p.client, role: p.role ?? "operator", scopes: p.scopes ?? [], auth: p.auth, nonce: conn.nonce });
      } catch (err) {
        conn.proofError = ((err as { options?: { details?: { code?: string } } }).options?.details?.code) ?? String(err);
      }
    }
    const decision = decide(conn);
    if (decision.kind === "close") {
      conn.ws.close(...decision.close);
      return;
    }
    if (decision.kind === "error") {
      conn.ws.send(JSON.stringify({ type: "res", id: frame.id, ok: false, error: decision.error }));
      conn.ws.close(...decision.close);
      return;
    }
    const role = p.role ?? "operator";
    conn.ws.send(JSON.stringify({
      type: "res", id: frame.id, ok: true,
      payload: {
        type: "hello-ok", protocol: 4,
        server: { version: "fake", connId: `conn-${conn.index}` },
        features: { methods: ["health", "node.invoke.result", "node.event"], events: ["tick", "node.invoke.request"] },
        snapshot: { presence: [], health: {}, stateVersion: { presence: 0, health: 0 }, uptimeMs: 0 },
        auth: {
          method: decision.deviceToken && p.auth?.deviceToken === decision.deviceToken ? "device-token" : "token", role, scopes: [],
          ...(decision.deviceToken && { deviceToken: decision.deviceToken, issuedAtMs: Date.now() }),
        },
        policy: { maxPayload: 25 * 1024 * 1024, maxBufferedBytes: 50 * 1024 * 1024, tickIntervalMs },
      },
    }));
    conn.helloSent = true;
    changed();
  }

  return {
    url: `ws://127.0.0.1:${server.port}`,
    connections,
    until<T>(check: () => T | undefined, timeoutMs = 10_000): Promise<T> {
      return new Promise((resolve, reject) => {
        const listener = () => {
          const value = check();
          if (value === undefined) return;
          cleanup();
          resolve(value);
        };
        const timer = setTimeout(() => { cleanup(); reject(new Error(`fake gateway: condition not met within ${timeoutMs} ms`)); }, timeoutMs);
        const cleanup = () => { clearTimeout(timer); listeners.delete(listener); };
        listeners.add(listener);
        listener();
      });
    },
    sendEvent(conn, event, payload) {
      conn.ws.send(JSON.stringify({ type: "event", event, payload }));
    },
    async stop() {
      await server.stop(true);
    },
  };
}
