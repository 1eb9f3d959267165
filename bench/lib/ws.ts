/** A lean WebSocket client for load generation: raw text frames, string-prefix matching, bounded waits. */

/** Prefix of the challenge event frame. */
export const CHALLENGE_PREFIX = '{"type":"event","event":"connect.challenge"';

/** Builds the `connect` params the bench sends (a v4 CLI operator with a shared token). */
export function connectParams(token: string, scopes: string[]): Record<string, unknown> {
  return {
    minProtocol: 4, maxProtocol: 4,
    client: { id: "cli", version: "bench", platform: "linux", mode: "cli" },
    role: "operator", scopes, auth: { token },
  };
}

/** Serializes a request frame exactly as the bench sends it. */
export function requestFrame(id: string, method: string, params?: unknown): string {
  return JSON.stringify({ type: "req", id, method, ...(params !== undefined && { params }) });
}

interface Waiter {
  match: (f: string) => boolean;
  resolve: (f: string) => void;
  reject: (e: Error) => void;
}

/** One client socket; frames are queued unless a {@link BenchSocket.sink} consumes them. */
export class BenchSocket {
  private readonly queue: string[] = [];
  private waiters: Waiter[] = [];
  private nextId = 1;
  /** When set, every frame goes here instead of the queue (used to count broadcast frames). */
  sink: ((frame: string) => void) | null = null;
  /** When true, event frames nobody waits for are dropped instead of queued. */
  dropEvents = false;
  /** Set once the socket closed. */
  closeCode: number | null = null;
  /** Resolves with the close code. */
  readonly closed: Promise<number>;

  private constructor(readonly ws: WebSocket) {
    ws.onmessage = (ev) => {
      const frame = ev.data as string;
      if (this.sink) return this.sink(frame);
      const i = this.waiters.findIndex((w) => w.match(frame));
      if (i >= 0) this.waiters.splice(i, 1)[0]!.resolve(frame);
      else if (!(this.dropEvents && frame.startsWith('{"type":"event"'))) this.queue.push(frame);
    };
    this.closed = new Promise((resolve) => {
      ws.onclose = (ev) => {
        this.closeCode = ev.code;
        const waiters = this.waiters;
        this.waiters = [];
        for (const w of waiters) w.reject(new Error(`socket closed (${ev.code} ${ev.reason})`));
        resolve(ev.code);
      };
    });
  }

  /** Opens a socket; rejects on error or after `timeoutMs`. */
  static open(url: string, timeoutMs = 5000): Promise<BenchSocket> {
    const ws = new WebSocket(url);
    const sock = new BenchSocket(ws);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => { ws.close(); reject(new Error(`open ${url}: timeout`)); }, timeoutMs);
      ws.onopen = () => { clearTimeout(timer); resolve(sock); };
      ws.onerror = () => { clearTimeout(timer); reject(new Error(`open ${url}: failed`)); };
    });
  }

  /**
   * Full handshake: open, wait for the challenge, send `connect`, wait for a successful `hello-ok`.
   * @returns the socket and the raw hello-ok frame
   */
  static async handshake(url: string, token: string, scopes = ["operator.admin"], timeoutMs = 5000): Promise<{ sock: BenchSocket; hello: string }> {
    const sock = await BenchSocket.open(url, timeoutMs);
    try {
      await sock.next((f) => f.startsWith(CHALLENGE_PREFIX), timeoutMs);
      const hello = await sock.request("connect", connectParams(token, scopes), timeoutMs);
      if (!hello.includes('"hello-ok"')) throw new Error(`connect refused: ${hello.slice(0, 300)}`);
      return { sock, hello };
    } catch (err) {
      sock.ws.close();
      throw err;
    }
  }

  /** Waits for the next frame matching `match` (queued frames count first). */
  next(match: (f: string) => boolean, timeoutMs = 5000): Promise<string> {
    const i = this.queue.findIndex(match);
    if (i >= 0) return Promise.resolve(this.queue.splice(i, 1)[0]!);
    if (this.closeCode !== null) return Promise.reject(new Error(`socket closed (${this.closeCode})`));
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        match,
        resolve: (f) => { clearTimeout(timer); resolve(f); },
        reject: (e) => { clearTimeout(timer); reject(e); },
      };
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        reject(new Error(`no matching frame within ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiters.push(waiter);
    });
  }

  /**
   * Sends a request and resolves with its successful response frame (raw text).
   * @throws when the response is an error or does not come within `timeoutMs`
   */
  async request(method: string, params?: unknown, timeoutMs = 5000): Promise<string> {
    const id = String(this.nextId++);
    const prefix = `{"type":"res","id":${JSON.stringify(id)},`;
    const res = this.next((f) => f.startsWith(prefix), timeoutMs);
    this.ws.send(requestFrame(id, method, params));
    const frame = await res;
    if (!frame.startsWith(`${prefix}"ok":true`)) throw new Error(`${method} failed: ${frame.slice(0, 300)}`);
    return frame;
  }

  /** Starts a close and waits for it (bounded). */
  async close(timeoutMs = 2000): Promise<void> {
    if (this.closeCode !== null) return;
    this.ws.close(1000);
    await Promise.race([this.closed, Bun.sleep(timeoutMs)]);
  }
}
