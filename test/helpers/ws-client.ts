/** A raw protocol test client: every frame is queued and awaited (no sleeps), close codes are observable. */

/** A parsed frame from the gateway. */
export type Frame = Record<string, any>;

/** Options of {@link TestSocket.handshake}. */
export interface HandshakeOptions {
  token?: string;
  password?: string;
  minProtocol?: number;
  maxProtocol?: number;
  scopes?: string[];
  role?: string;
  client?: Record<string, unknown>;
  extra?: Record<string, unknown>;
  /** Headers of the upgrade request (e.g. X-Forwarded-For through a trusted proxy). */
  headers?: Record<string, string>;
}

/** One WebSocket to the gateway. */
export class TestSocket {
  private readonly queue: Frame[] = [];
  private waiters: Array<{ match: (f: Frame) => boolean; resolve: (f: Frame) => void }> = [];
  private nextId = 1;
  /** Every frame received, in order. */
  readonly received: Frame[] = [];
  /** Resolves with the close code and reason. */
  readonly closed: Promise<{ code: number; reason: string }>;

  private constructor(readonly ws: WebSocket) {
    ws.addEventListener("message", (ev) => {
      const frame = JSON.parse(String(ev.data)) as Frame;
      this.received.push(frame);
      const i = this.waiters.findIndex((w) => w.match(frame));
      if (i >= 0) this.waiters.splice(i, 1)[0]!.resolve(frame);
      else this.queue.push(frame);
    });
    this.closed = new Promise((resolve) => ws.addEventListener("close", (ev) => resolve({ code: ev.code, reason: ev.reason })));
  }

  /** Opens a socket and waits for it to be open (`headers` are sent with the upgrade request). */
  static async open(url: string, headers?: Record<string, string>): Promise<TestSocket> {
    const ws = headers ? new WebSocket(url, { headers } as unknown as string[]) : new WebSocket(url);
    const sock = new TestSocket(ws);
    await new Promise<void>((resolve, reject) => {
      ws.addEventListener("open", () => resolve(), { once: true });
      ws.addEventListener("error", () => reject(new Error(`cannot open ${url}`)), { once: true });
    });
    return sock;
  }

  /** Opens a socket, waits for the challenge and sends `connect`; returns the socket and the connect response. */
  static async handshake(url: string, opts: HandshakeOptions = {}): Promise<{ sock: TestSocket; res: Frame; challenge: Frame }> {
    const sock = await TestSocket.open(url, opts.headers);
    const challenge = await sock.next((f) => f.type === "event" && f.event === "connect.challenge");
    const res = await sock.request("connect", connectParams(opts));
    return { sock, res, challenge };
  }

  /** Waits for the next frame matching `match` (already received frames count). */
  next(match: (f: Frame) => boolean = () => true, timeoutMs = 5000): Promise<Frame> {
    const i = this.queue.findIndex(match);
    if (i >= 0) return Promise.resolve(this.queue.splice(i, 1)[0]!);
    return new Promise((resolve, reject) => {
      const waiter = { match, resolve: (f: Frame) => { clearTimeout(timer); resolve(f); } };
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        reject(new Error(`no matching frame within ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiters.push(waiter);
    });
  }

  /** Waits for the next event named `event`. */
  nextEvent(event: string, timeoutMs?: number): Promise<Frame> {
    return this.next((f) => f.type === "event" && f.event === event, timeoutMs);
  }

  /** Sends a raw string or a JSON value. */
  send(data: string | object): void {
    this.ws.send(typeof data === "string" ? data : JSON.stringify(data));
  }

  /** Sends a request and waits for its response frame. */
  request(method: string, params?: unknown, id = `r${this.nextId++}`): Promise<Frame> {
    const res = this.next((f) => f.type === "res" && f.id === id);
    this.send({ type: "req", id, method, ...(params !== undefined && { params }) });
    return res;
  }

  /** Closes the socket and waits for the close. */
  async close(): Promise<void> {
    this.ws.close(1000);
    await this.closed;
  }
}

/** Builds connect params like a v4 CLI client, with overrides. */
export function connectParams(opts: HandshakeOptions = {}): Record<string, unknown> {
  return {
    minProtocol: opts.minProtocol ?? 4,
    maxProtocol: opts.maxProtocol ?? 4,
    client: { id: "test", version: "0.0.1", platform: "linux", mode: "test", ...opts.client },
    role: opts.role ?? "operator",
    scopes: opts.scopes ?? ["operator.admin"],
    auth: { ...(opts.token !== undefined && { token: opts.token }), ...(opts.password !== undefined && { password: opts.password }) },
    ...opts.extra,
  };
}
