/**
 * @module The browser's gateway connection: challenge, signed `connect` with the device identity,
 * the device token stored from `hello-ok`, requests and events, reconnect with backoff (1 s → 30 s),
 * a tick watchdog, and seq-gap detection so views can re-fetch what they show. A device that waits
 * for approval (`NOT_PAIRED`) retries until an operator approves it.
 */
import {
  forgetDeviceToken, loadDeviceToken, loadOrCreateIdentity, saveDeviceToken, setSharedToken, sharedToken, forgetSharedToken,
} from "./credentials.ts";
import { signDeviceProof, type DeviceKeys } from "./device-proof.ts";

/** Scopes the UIs ask for: the owner's own tools, like the CLI. */
export const UI_SCOPES = ["operator.admin", "operator.read", "operator.write", "operator.approvals", "operator.pairing"];
/** How often a device waiting for approval asks again. */
export const PAIRING_RETRY_MS = 1500;
const BACKOFF_START_MS = 1000;
const BACKOFF_MAX_MS = 30_000;
const CHALLENGE_TIMEOUT_MS = 10_000;

/** The `hello-ok` fields the UIs read. */
export interface Hello {
  protocol: number;
  server: { version: string; connId: string; commit?: string };
  features: { methods: string[]; events: string[] };
  snapshot: {
    presence: Array<Record<string, unknown>>;
    health: Record<string, unknown>;
    uptimeMs: number;
    sessionDefaults?: { defaultAgentId: string; mainKey: string; mainSessionKey: string };
  };
  auth?: { deviceToken?: string; role?: string; scopes?: string[]; method?: string };
  policy: { tickIntervalMs: number; attachments?: { maxBytes: number; maxImageBytes: number } };
}

/** Where the connection stands. */
export type ConnState =
  | { kind: "connecting" }
  | { kind: "connected"; hello: Hello }
  | { kind: "token-required"; message: string }
  | { kind: "pairing"; requestId: string }
  | { kind: "offline"; message: string; retryAtMs: number }
  | { kind: "unsupported"; message: string };

/** An event frame. */
export interface GatewayEvent {
  event: string;
  payload: any;
  seq?: number;
}

/** A refused request: the gateway's error code, message and details. */
export class RequestError extends Error {
  override readonly name = "RequestError";
  constructor(readonly code: string, message: string, readonly details?: any) {
    super(message);
  }
}

/** Who this client is. */
export interface ClientIdentity {
  /** `mayros-control-ui` or `webchat-ui`. */
  id: string;
  mode: "ui" | "webchat";
  displayName: string;
}

type Pending = { resolve: (v: any) => void; reject: (e: Error) => void };

/** One gateway connection that keeps itself connected. */
export class GatewayConnection {
  state: ConnState = { kind: "connecting" };
  /** The device identity, once loaded. */
  keys: DeviceKeys | null = null;
  private ws: WebSocket | null = null;
  private nextId = 1;
  private readonly pending = new Map<string, Pending>();
  private backoffMs = BACKOFF_START_MS;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private watchdog: ReturnType<typeof setInterval> | undefined;
  private lastFrameAt = 0;
  private lastSeq: number | null = null;
  private connects = 0;
  /** The gateway said it uses a password: send the entered secret as `auth.password`. */
  private usePassword = false;
  private readonly stateListeners = new Set<(s: ConnState) => void>();
  private readonly eventListeners = new Set<(e: GatewayEvent) => void>();
  private readonly readyListeners = new Set<(hello: Hello, reconnect: boolean) => void>();
  private readonly gapListeners = new Set<(gap: { expected: number; received: number }) => void>();

  constructor(private readonly client: ClientIdentity, private readonly url = defaultUrl()) {}

  /** Called on every state change (and at once with the current state). */
  onState(fn: (s: ConnState) => void): void {
    this.stateListeners.add(fn);
    fn(this.state);
  }

  /** Called for every event after `hello-ok`. */
  onEvent(fn: (e: GatewayEvent) => void): void {
    this.eventListeners.add(fn);
  }

  /** Called after each `hello-ok`; `reconnect` is true after the first. */
  onReady(fn: (hello: Hello, reconnect: boolean) => void): void {
    this.readyListeners.add(fn);
  }

  /** Called when events were missed (a seq gap): re-fetch what is shown. */
  onGap(fn: (gap: { expected: number; received: number }) => void): void {
    this.gapListeners.add(fn);
  }

  /** Starts connecting (and keeps reconnecting). */
  start(): void {
    void this.attempt();
  }

  /** Uses a gateway token entered by the user and connects again at once. */
  useToken(token: string): void {
    setSharedToken(token);
    this.retryNow();
  }

  /** Connects again now instead of waiting for the backoff. */
  retryNow(): void {
    clearTimeout(this.retryTimer);
    this.ws?.close(1000);
    void this.attempt();
  }

  /**
   * Calls a gateway method.
   * @throws {RequestError} when the gateway refuses; Error when the connection is not open or closes first.
   */
  request<T = any>(method: string, params?: unknown): Promise<T> {
    const ws = this.ws;
    if (!ws || this.state.kind !== "connected") return Promise.reject(new Error("not connected to the gateway"));
    return this.send(ws, method, params);
  }

  private send<T>(ws: WebSocket, method: string, params?: unknown): Promise<T> {
    const id = `ui-${this.nextId++}`;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      ws.send(JSON.stringify({ type: "req", id, method, ...(params !== undefined && { params }) }));
    });
  }

  private setState(state: ConnState): void {
    this.state = state;
    for (const fn of this.stateListeners) fn(state);
  }

  private async attempt(): Promise<void> {
    clearTimeout(this.retryTimer);
    this.setState({ kind: "connecting" });
    try {
      this.keys ??= await loadOrCreateIdentity();
    } catch (err) {
      this.setState({ kind: "unsupported", message: (err as Error).message });
      return;
    }
    const ws = new WebSocket(this.url);
    this.ws = ws;
    let settled = false; // a rejection already chose what happens next
    const challengeTimer = setTimeout(() => ws.close(4000, "connect challenge timeout"), CHALLENGE_TIMEOUT_MS);
    ws.onmessage = (ev) => {
      this.lastFrameAt = Date.now();
      let frame: any;
      try {
        frame = JSON.parse(String(ev.data));
      } catch {
        return;
      }
      if (frame.type === "event" && frame.event === "connect.challenge") {
        clearTimeout(challengeTimer);
        void this.connect(ws, frame.payload).then((outcome) => { settled = outcome !== "open"; });
      } else if (frame.type === "res") this.onResponse(frame);
      else if (frame.type === "event" && this.state.kind === "connected") this.onEventFrame(frame);
    };
    ws.onclose = (ev) => {
      clearTimeout(challengeTimer);
      clearInterval(this.watchdog);
      for (const call of this.pending.values()) call.reject(new Error(`connection closed (${ev.code}${ev.reason ? ` ${ev.reason}` : ""})`));
      this.pending.clear();
      if (this.ws !== ws || settled) return;
      const wasOpen = this.state.kind === "connected";
      const message = wasOpen ? "connection lost" : ev.code === 1006 ? "cannot reach the gateway (or it refused this page's origin)" : `connection closed (${ev.code} ${ev.reason})`;
      this.scheduleRetry(message);
    };
  }

  /** Sends `connect`; returns what happened: open, or the rejection already handled. */
  private async connect(ws: WebSocket, challenge: { nonce: string; ts: number }): Promise<"open" | "rejected"> {
    const keys = this.keys!;
    const stored = await loadDeviceToken(keys.deviceId);
    const shared = sharedToken();
    const auth = stored ? { deviceToken: stored.token } : shared ? (this.usePassword ? { password: shared } : { token: shared }) : {};
    const client = { id: this.client.id, displayName: this.client.displayName, version: "web", platform: "web", mode: this.client.mode };
    const signedAt = Number.isSafeInteger(challenge.ts) ? challenge.ts : Date.now();
    const device = await signDeviceProof(keys, {
      client, role: "operator", scopes: UI_SCOPES, signedAt, token: stored?.token ?? (this.usePassword ? "" : shared) ?? "", nonce: challenge.nonce,
    });
    const params = {
      minProtocol: 3, maxProtocol: 4, client, role: "operator", scopes: UI_SCOPES, auth, device,
      locale: navigator.language, userAgent: navigator.userAgent,
    };
    try {
      const hello = await this.send<Hello>(ws, "connect", params);
      await this.opened(ws, hello);
      return "open";
    } catch (err) {
      if (!(err instanceof RequestError)) return "open"; // closed before answering: onclose decides
      await this.rejected(err, stored !== undefined);
      return "rejected";
    }
  }

  private async opened(ws: WebSocket, hello: Hello): Promise<void> {
    const token = hello.auth?.deviceToken;
    if (token && this.keys) {
      await saveDeviceToken({ deviceId: this.keys.deviceId, role: hello.auth?.role ?? "operator", token, scopes: hello.auth?.scopes ?? UI_SCOPES });
    }
    this.backoffMs = BACKOFF_START_MS;
    this.lastSeq = null;
    const tick = hello.policy?.tickIntervalMs ?? 30_000;
    clearInterval(this.watchdog);
    this.watchdog = setInterval(() => {
      if (Date.now() - this.lastFrameAt > tick * 2 + 5000) ws.close(4000, "tick timeout");
    }, Math.min(tick, 10_000));
    this.setState({ kind: "connected", hello });
    const reconnect = this.connects++ > 0;
    for (const fn of this.readyListeners) fn(hello, reconnect);
  }

  private async rejected(err: RequestError, usedDeviceToken: boolean): Promise<void> {
    const details = err.details ?? {};
    if (err.code === "NOT_PAIRED" && typeof details.requestId === "string") {
      this.setState({ kind: "pairing", requestId: details.requestId });
      this.retryTimer = setTimeout(() => void this.attempt(), PAIRING_RETRY_MS);
      return;
    }
    if (usedDeviceToken && (details.code === "AUTH_DEVICE_TOKEN_MISMATCH" || /device token mismatch/i.test(err.message))) {
      await forgetDeviceToken();
      if (sharedToken()) return void this.attempt();
      this.setState({ kind: "token-required", message: "This browser's device token is no longer valid. Enter the gateway token to pair again." });
      return;
    }
    if (details.authReason === "rate_limited") return this.scheduleRetry(err.message, err.details?.retryAfterMs);
    if (/^unauthorized/.test(err.message)) {
      this.usePassword = String(details.authReason).startsWith("password");
      if (details.authReason === "token_mismatch" || details.authReason === "password_mismatch") forgetSharedToken();
      this.setState({ kind: "token-required", message: tokenMessage(details.authReason) });
      return;
    }
    this.scheduleRetry(`${err.code}: ${err.message}`);
  }

  private scheduleRetry(message: string, delayMs = this.backoffMs): void {
    this.backoffMs = Math.min(this.backoffMs * 2, BACKOFF_MAX_MS);
    this.setState({ kind: "offline", message, retryAtMs: Date.now() + delayMs });
    this.retryTimer = setTimeout(() => void this.attempt(), delayMs);
  }

  private onResponse(frame: { id: string; ok: boolean; payload?: unknown; error?: { code: string; message: string; details?: unknown } }): void {
    const call = this.pending.get(frame.id);
    if (!call) return;
    this.pending.delete(frame.id);
    if (frame.ok) call.resolve(frame.payload);
    else call.reject(new RequestError(frame.error?.code ?? "UNAVAILABLE", frame.error?.message ?? "request failed", frame.error?.details));
  }

  private onEventFrame(frame: GatewayEvent): void {
    if (typeof frame.seq === "number") {
      if (this.lastSeq !== null && frame.seq > this.lastSeq + 1) {
        for (const fn of this.gapListeners) fn({ expected: this.lastSeq + 1, received: frame.seq });
      }
      this.lastSeq = frame.seq;
    }
    for (const fn of this.eventListeners) fn(frame);
  }
}

function tokenMessage(reason: unknown): string {
  if (reason === "token_mismatch") return "That gateway token was not accepted. Enter the token shown by `mayros gateway` (or in its config).";
  if (reason === "password_mismatch" || reason === "password_missing") return "This gateway uses a password. Enter it to connect.";
  return "Enter the gateway token to connect this browser.";
}

function defaultUrl(): string {
  return `${location.protocol === "https:" ? "wss" : "ws"}://${location.host}/`;
}
