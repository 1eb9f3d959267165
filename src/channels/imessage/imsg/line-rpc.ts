/**
 * @module Line-delimited JSON-RPC 2.0, client side, over any byte stream (the framing of `imsg rpc`): one JSON
 * object per `\n`-terminated line each way. Requests get increasing numeric ids and are matched to responses by
 * id (a string id equal to the number also matches); a response with `error` rejects with {@link LineRpcError}.
 * An object with a `method` and no `id` is a notification. Input may arrive in any chunks: partial lines are
 * buffered, a chunk may hold several lines, bytes of one UTF-8 character may be split, `\r\n` is accepted.
 * Blank lines are skipped; lines that are not JSON-RPC objects go to `onInvalid`. Every request times out
 * (default 15 s); `close(reason)` rejects every pending request — and any later one — with `reason`.
 */

/** An `error` answer of the other side. */
export class LineRpcError extends Error {
  constructor(
    /** The method of the failed request. */
    readonly method: string,
    message: string,
    /** The JSON-RPC error code, when given. */
    readonly code?: number,
    /** The error's `data`, when given. */
    readonly data?: unknown,
  ) {
    super(message);
    this.name = "LineRpcError";
  }
}

/** What {@link createLineRpc} needs. */
export interface LineRpcOptions {
  /** Writes one framed line (JSON text plus `\n`); a throw rejects that request. */
  write(line: string): void;
  /** Called for every notification (`{method, params}` without an `id`). */
  onNotification(method: string, params: unknown): void;
  /** Called for a line that is not a JSON-RPC object, or a response whose id matches no pending request. */
  onInvalid?(line: string, reason: string): void;
  /** Default per-request timeout in ms. @default 15000 */
  timeoutMs?: number;
  /** Prefix of error messages, e.g. `imsg`. @default "rpc" */
  name?: string;
}

/** One JSON-RPC connection. */
export interface LineRpc {
  /**
   * Sends a request and resolves with its `result`.
   * @throws {LineRpcError} on an `error` answer; an `Error` on timeout, write failure or after `close`.
   */
  request<T = unknown>(method: string, params?: unknown, timeoutMs?: number): Promise<T>;
  /** Hands the next chunk of the other side's output to the parser. */
  feed(chunk: Uint8Array | string): void;
  /** Ends the connection: pending and later requests reject with `reason`. Idempotent (the first reason wins). */
  close(reason: Error): void;
  /** How many requests await an answer. */
  readonly pending: number;
}

interface Pending {
  method: string;
  resolve(value: unknown): void;
  reject(error: Error): void;
  timer: ReturnType<typeof setTimeout>;
}

type Incoming = { id?: unknown; method?: unknown; params?: unknown; result?: unknown; error?: { code?: unknown; message?: unknown; data?: unknown } };

/** Creates a connection that writes with `options.write` and reads what is passed to `feed`. */
export function createLineRpc(options: LineRpcOptions): LineRpc {
  const { write, onNotification, onInvalid = () => {}, timeoutMs: defaultTimeout = 15_000, name = "rpc" } = options;
  const pending = new Map<string, Pending>();
  const decoder = new TextDecoder();
  let buffer = "";
  let nextId = 1;
  let closed: Error | undefined;

  function settle(id: string): Pending | undefined {
    const p = pending.get(id);
    if (!p) return undefined;
    pending.delete(id);
    clearTimeout(p.timer);
    return p;
  }

  function handleLine(line: string): void {
    if (!line.trim()) return;
    let msg: Incoming;
    try {
      msg = JSON.parse(line) as Incoming;
    } catch {
      return onInvalid(line, "not JSON");
    }
    if (!msg || typeof msg !== "object" || Array.isArray(msg)) return onInvalid(line, "not a JSON object");
    if (msg.id === undefined || msg.id === null) {
      if (typeof msg.method === "string") return onNotification(msg.method, msg.params);
      return onInvalid(line, "neither a response nor a notification");
    }
    const p = settle(String(msg.id));
    if (!p) return onInvalid(line, `no pending request with id ${JSON.stringify(msg.id)}`);
    if (msg.error !== undefined && msg.error !== null) {
      const e = typeof msg.error === "object" ? msg.error : { message: String(msg.error) };
      const code = typeof e.code === "number" ? e.code : undefined;
      const text = typeof e.message === "string" && e.message ? e.message : "error";
      p.reject(new LineRpcError(p.method, `${name} ${p.method}: ${text}${code !== undefined ? ` (code ${code})` : ""}`, code, e.data));
    } else {
      p.resolve(msg.result);
    }
  }

  return {
    request<T>(method: string, params?: unknown, timeoutMs = defaultTimeout): Promise<T> {
      if (closed) return Promise.reject(closed);
      const id = nextId++;
      return new Promise<T>((resolve, reject) => {
        const timer = setTimeout(() => {
          if (settle(String(id))) reject(new Error(`${name} ${method}: no answer within ${timeoutMs} ms`));
        }, timeoutMs);
        pending.set(String(id), { method, resolve: resolve as (v: unknown) => void, reject, timer });
        try {
          write(`${JSON.stringify({ jsonrpc: "2.0", id, method, ...(params !== undefined ? { params } : {}) })}\n`);
        } catch (err) {
          if (settle(String(id))) reject(new Error(`${name} ${method}: write failed: ${err instanceof Error ? err.message : String(err)}`));
        }
      });
    },
    feed(chunk) {
      buffer += typeof chunk === "string" ? chunk : decoder.decode(chunk, { stream: true });
      let newline = buffer.indexOf("\n");
      while (newline >= 0) {
        const line = buffer.slice(0, newline).replace(/\r$/, "");
        buffer = buffer.slice(newline + 1);
        handleLine(line);
        newline = buffer.indexOf("\n");
      }
    },
    close(reason) {
      closed ??= reason;
      for (const id of [...pending.keys()]) settle(id)?.reject(closed);
    },
    get pending() {
      return pending.size;
    },
  };
}
