/**
 * @module A small gateway client for the CLI and the node host, speaking the same protocol module
 * as the server: challenge, `connect` (optionally with a signed device identity and a stored device
 * token), requests with timeouts, and events after `hello-ok`.
 */
import { describeTlsFailure, prepareWebSocket } from "../tls/index.ts";
import { EventFrame, ResponseFrame, matches, type ErrorShape, type HelloOkV3, type HelloOkV4 } from "../protocol/index.ts";
import { ConnectChallengePayload } from "../protocol/events.ts";
import { clearDeviceToken, saveDeviceToken } from "../devices/device-auth-store.ts";
import {
  buildConnectParams, isDeviceTokenMismatchClose, isDeviceTokenMismatchError, type Challenge, type ConnectParamsOptions,
} from "./client-connect-params.ts";

/** Where and how to connect. */
export interface ClientOptions extends ConnectParamsOptions {
  url: string;
  /** Per request and for the handshake. @default 10000 */
  timeoutMs?: number;
  /** `--tls-fingerprint`: the SHA-256 fingerprint the gateway's certificate must have (wss:// only). */
  tlsFingerprint?: string;
  /** `--insecure`: allow plaintext ws:// to a remote host, or an unverified wss:// certificate. */
  insecure?: boolean;
  /** Called for every event after `hello-ok` (never for `connect.challenge`). */
  onEvent?: (frame: EventFrame, client: GatewayClient) => void;
  /** Called once when the socket closes, after pending requests were rejected. */
  onClose?: (info: CloseInfo) => void;
}

/** How a connection ended. */
export interface CloseInfo {
  code: number;
  reason: string;
}

/** A failed response from the gateway. */
export class GatewayCallError extends Error {
  override readonly name = "GatewayCallError";
  constructor(readonly method: string, readonly error: ErrorShape) {
    super(`${method} failed: ${error.code}: ${error.message}`);
  }
}

type Pending = { resolve: (payload: unknown) => void; reject: (err: Error) => void; method: string; timer: ReturnType<typeof setTimeout> };

/** An open, authenticated connection to a gateway. */
export class GatewayClient {
  private nextId = 1;
  private readonly pending = new Map<string, Pending>();
  private closeInfo: CloseInfo | null = null;
  private resolveClosed!: (info: CloseInfo) => void;
  /** The gateway's `hello-ok`. */
  hello!: HelloOkV4 | HelloOkV3;
  /** When the last frame arrived (ms epoch), for keepalive watchdogs. */
  lastFrameAtMs = Date.now();
  /** Resolves once the socket has closed. */
  readonly closed: Promise<CloseInfo> = new Promise((resolve) => { this.resolveClosed = resolve; });

  private constructor(private readonly ws: WebSocket, private readonly opts: ClientOptions, private readonly timeoutMs: number) {}

  /**
   * Connects, waits for the challenge, sends `connect` and waits for `hello-ok`. With `identity` and
   * `stateDir`, a stored device token is used when no token/password is given, a token issued in
   * `hello-ok.auth` is stored, and a token the gateway refuses as mismatched is deleted.
   * @throws {GatewayCallError} when the gateway refuses the handshake; Error when it cannot be reached.
   */
  static async connect(opts: ClientOptions): Promise<GatewayClient> {
    const { url, timeoutMs = 10_000 } = opts;
    const ws = new WebSocket(url, await prepareWebSocket(url, { pin: opts.tlsFingerprint, insecure: opts.insecure, timeoutMs }));
    const client = new GatewayClient(ws, opts, timeoutMs);
    const challenge = new Promise<Challenge>((resolve, reject) => {
      const timer = setTimeout(() => {
        reject(new Error(`no answer from ${url} within ${timeoutMs} ms`));
        ws.close(1000);
      }, timeoutMs);
      let challenged = false;
      ws.addEventListener("message", (ev) => {
        client.lastFrameAtMs = Date.now();
        const frame = parse(ev.data);
        if (!challenged && matches(EventFrame, frame) && frame.event === "connect.challenge") {
          challenged = true;
          clearTimeout(timer);
          const payload = matches(ConnectChallengePayload, frame.payload) ? frame.payload : undefined;
          resolve({ nonce: payload?.nonce, ts: payload?.ts });
        } else client.onFrame(frame);
      });
      ws.addEventListener("error", (ev) => {
        clearTimeout(timer);
        const hint = describeTlsFailure((ev as ErrorEvent).error, { pinned: opts.tlsFingerprint !== undefined });
        reject(new Error(hint ? `cannot connect to ${url}: ${hint}` : `cannot connect to ${url} (is the gateway running?)`));
      });
      ws.addEventListener("close", (ev) => {
        clearTimeout(timer);
        client.onSocketClose(ev.code, ev.reason);
        reject(new Error(`connection to ${url} closed (${ev.code}${ev.reason ? ` ${ev.reason}` : ""})`));
      });
    });
    const { params } = buildConnectParams(opts, await challenge);
    try {
      client.hello = (await client.request("connect", params)) as GatewayClient["hello"];
    } catch (err) {
      if (err instanceof GatewayCallError && isDeviceTokenMismatchError(err.error)) client.forgetDeviceToken();
      ws.close(1000);
      throw err;
    }
    client.storeDeviceToken();
    return client;
  }

  /** Calls `method` and resolves with its payload; `timeoutMs` overrides the client's timeout for long waits. */
  request(method: string, params?: unknown, timeoutMs = this.timeoutMs): Promise<unknown> {
    if (this.closeInfo) return Promise.reject(new Error(`connection closed (${this.closeInfo.code} ${this.closeInfo.reason})`));
    const id = String(this.nextId++);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`${method} timed out after ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(id, { resolve, reject, method, timer });
      this.ws.send(JSON.stringify({ type: "req", id, method, ...(params !== undefined && { params }) }));
    });
  }

  /** Whether the socket is still open. */
  get isOpen(): boolean {
    return this.closeInfo === null;
  }

  /** Closes the connection. */
  close(code = 1000, reason?: string): void {
    this.ws.close(code, reason);
  }

  private onFrame(frame: unknown): void {
    if (matches(EventFrame, frame)) {
      // hello is set before the next frame is read, so every event after hello-ok gets here.
      if (this.hello && this.opts.onEvent) this.opts.onEvent(frame, this);
      return;
    }
    if (!matches(ResponseFrame, frame)) return;
    const call = this.pending.get(frame.id);
    if (!call) return;
    // Two-phase methods answer "accepted" first; wait for the final response.
    if (frame.ok && (frame.payload as { status?: unknown } | undefined)?.status === "accepted") return;
    this.pending.delete(frame.id);
    clearTimeout(call.timer);
    if (frame.ok) call.resolve(frame.payload);
    else call.reject(new GatewayCallError(call.method, frame.error ?? { code: "UNAVAILABLE", message: "no error given" }));
  }

  private onSocketClose(code: number, reason: string): void {
    if (this.closeInfo) return;
    this.closeInfo = { code, reason };
    for (const [id, call] of this.pending) {
      clearTimeout(call.timer);
      call.reject(new Error(`connection closed (${code}${reason ? ` ${reason}` : ""}) before ${call.method} answered`));
      this.pending.delete(id);
    }
    if (isDeviceTokenMismatchClose(code, reason)) this.forgetDeviceToken();
    this.resolveClosed(this.closeInfo);
    this.opts.onClose?.(this.closeInfo);
  }

  /** Persists `hello-ok.auth.deviceToken` (when a state dir and identity are given). */
  private storeDeviceToken(): void {
    const { identity, stateDir, role = "operator" } = this.opts;
    const auth = this.hello.auth as { deviceToken?: string; role?: string; scopes?: string[] } | undefined;
    if (!identity || !stateDir || !auth?.deviceToken) return;
    saveDeviceToken(stateDir, { deviceId: identity.deviceId, role: auth.role ?? role, token: auth.deviceToken, scopes: auth.scopes ?? [] });
  }

  private forgetDeviceToken(): void {
    const { identity, stateDir, role = "operator" } = this.opts;
    if (identity && stateDir) clearDeviceToken(stateDir, identity.deviceId, role);
  }
}

function parse(data: unknown): unknown {
  try {
    return JSON.parse(String(data));
  } catch {
    return undefined;
  }
}
