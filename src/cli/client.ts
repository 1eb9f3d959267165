/** @module A small gateway client for the CLI, speaking the same protocol module as the server. */
import {
  CLI_DEFAULT_SCOPES, EventFrame, MAX_PROTOCOL_VERSION, MIN_PROTOCOL_VERSION, ResponseFrame, matches,
  type ConnectParams, type ErrorShape, type HelloOkV4,
} from "../protocol/index.ts";
import { VERSION } from "../version.ts";

/** Where and how to connect. */
export interface ClientOptions {
  url: string;
  token?: string;
  password?: string;
  /** Per request and for the handshake. @default 10000 */
  timeoutMs?: number;
  scopes?: string[];
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
  private closeInfo: { code: number; reason: string } | null = null;
  hello!: HelloOkV4 | (Omit<HelloOkV4, "protocol" | "auth"> & { protocol: 3 });

  private constructor(private readonly ws: WebSocket, private readonly timeoutMs: number) {}

  /**
   * Connects, waits for the challenge, sends `connect` and waits for `hello-ok`.
   * @throws {GatewayCallError} when the gateway refuses the handshake; Error when it cannot be reached.
   */
  static async connect({ url, token, password, timeoutMs = 10_000, scopes = CLI_DEFAULT_SCOPES }: ClientOptions): Promise<GatewayClient> {
    const ws = new WebSocket(url);
    const client = new GatewayClient(ws, timeoutMs);
    const challenge = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no answer from ${url} within ${timeoutMs} ms`)), timeoutMs);
      ws.addEventListener("message", (ev) => {
        const frame = parse(ev.data);
        if (matches(EventFrame, frame) && frame.event === "connect.challenge") { clearTimeout(timer); resolve(); }
        else client.onFrame(frame);
      });
      ws.addEventListener("error", () => { clearTimeout(timer); reject(new Error(`cannot connect to ${url} (is the gateway running?)`)); });
      ws.addEventListener("close", (ev) => {
        clearTimeout(timer);
        client.onClose(ev.code, ev.reason);
        reject(new Error(`connection to ${url} closed (${ev.code}${ev.reason ? ` ${ev.reason}` : ""})`));
      });
    });
    await challenge;
    const params: ConnectParams = {
      minProtocol: MIN_PROTOCOL_VERSION,
      maxProtocol: MAX_PROTOCOL_VERSION,
      client: { id: "cli", version: VERSION, platform: process.platform, mode: "cli" },
      role: "operator",
      scopes,
      auth: { ...(token !== undefined && { token }), ...(password !== undefined && { password }) },
    };
    client.hello = (await client.request("connect", params)) as GatewayClient["hello"];
    return client;
  }

  /** Calls `method` and resolves with its payload. */
  request(method: string, params?: unknown): Promise<unknown> {
    if (this.closeInfo) return Promise.reject(new Error(`connection closed (${this.closeInfo.code} ${this.closeInfo.reason})`));
    const id = String(this.nextId++);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`${method} timed out after ${this.timeoutMs} ms`));
      }, this.timeoutMs);
      this.pending.set(id, { resolve, reject, method, timer });
      this.ws.send(JSON.stringify({ type: "req", id, method, ...(params !== undefined && { params }) }));
    });
  }

  /** Closes the connection. */
  close(): void {
    this.ws.close(1000);
  }

  private onFrame(frame: unknown): void {
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

  private onClose(code: number, reason: string): void {
    this.closeInfo = { code, reason };
    for (const [id, call] of this.pending) {
      clearTimeout(call.timer);
      call.reject(new Error(`connection closed (${code}${reason ? ` ${reason}` : ""}) before ${call.method} answered`));
      this.pending.delete(id);
    }
  }
}

function parse(data: unknown): unknown {
  try {
    return JSON.parse(String(data));
  } catch {
    return undefined;
  }
}
