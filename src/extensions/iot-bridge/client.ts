/**
 * @module The REST client of one `aingle_minimal` node (extensions.md §7). Every reply is the envelope
 * `{success, data?, error?}`; each request has its own timeout (`AbortSignal.timeout`). A request that never got a
 * well-formed answer — refused or dropped connection, timeout, HTTP 5xx — throws an {@link IotRequestError} marked
 * `unreachable` (retried and counted by the breaker); a 4xx or a `success: false` answer means the node is up but
 * said no, and is not.
 */

/** `GET /api/v1/info`. */
export interface NodeInfo {
  node_id: string;
  version: string;
  uptime_secs: number;
  entries_count: number;
  peers_count: number;
  storage_backend: string;
  features: string[];
}

/** `GET /api/v1/stats`. */
export interface NodeStats {
  entries_count: number;
  actions_count: number;
  storage_used: number;
  peer_count: number;
  uptime_secs: number;
  gossip_rounds: number;
  sync_success: number;
  sync_failed: number;
}

/** One of `GET /api/v1/peers`. */
export interface NodePeer {
  addr: string;
  quality: number;
  latest_seq: number;
  last_seen_secs: number;
}

/** `POST /api/v1/entries`. */
export interface PublishedEntry {
  hash: string;
  seq: number;
  timestamp: number;
}

/** `GET /api/v1/entries/:hash`. */
export interface NodeEntry {
  hash: string;
  entry_type: string;
  content: unknown;
  size: number;
}

/** A sensor reading sent as a DAG entry (a "HOPE observation"). */
export interface Observation {
  obs_type: string;
  value: number;
  /** ms since the epoch. */
  timestamp: number;
  confidence?: number;
  metadata?: Record<string, unknown>;
}

/** A failed node request. */
export class IotRequestError extends Error {
  constructor(message: string, readonly unreachable: boolean, readonly status?: number) {
    super(message);
    this.name = "IotRequestError";
  }
}

/** True for an error meaning the node could not be reached (worth a retry; a breaker failure). */
export const isUnreachable = (err: unknown): boolean => err instanceof IotRequestError && err.unreachable;

/** The client's settings. */
export interface ClientOptions {
  /** Per-request timeout in ms. */
  timeoutMs: number;
  /** The fetch to use (default the global one). */
  fetch?: typeof fetch;
}

/** A client of the node at `baseUrl` (e.g. `http://127.0.0.1:19090`). */
export class AingleClient {
  private readonly fetch: typeof fetch;

  constructor(readonly baseUrl: string, private readonly options: ClientOptions) {
    this.fetch = options.fetch ?? fetch;
  }

  /** `GET /health`: resolves when the node answers 2xx. */
  async health(): Promise<void> {
    const res = await this.send("GET", "/health");
    await res.body?.cancel();
    if (!res.ok) throw new IotRequestError(`GET /health: HTTP ${res.status}`, true, res.status);
  }

  /** `GET /api/v1/info`. */
  info(): Promise<NodeInfo> {
    return this.json("GET", "/api/v1/info");
  }

  /** `GET /api/v1/stats`. */
  stats(): Promise<NodeStats> {
    return this.json("GET", "/api/v1/stats");
  }

  /** `GET /api/v1/peers`. */
  peers(): Promise<NodePeer[]> {
    return this.json("GET", "/api/v1/peers");
  }

  /** `POST /api/v1/entries {data}`. */
  publish(data: unknown): Promise<PublishedEntry> {
    return this.json("POST", "/api/v1/entries", { data });
  }

  /** `GET /api/v1/entries/:hash`; null when the node has no such entry (404). */
  async entry(hash: string): Promise<NodeEntry | null> {
    try {
      return await this.json<NodeEntry>("GET", `/api/v1/entries/${encodeURIComponent(hash)}`);
    } catch (err) {
      if (err instanceof IotRequestError && err.status === 404) return null;
      throw err;
    }
  }

  /** Publishes an observation: the entry `{type: "observation", obs_type, value, timestamp, confidence?, metadata?}`. */
  observe(observation: Observation): Promise<PublishedEntry> {
    return this.publish({ type: "observation", ...observation });
  }

  private async send(method: string, path: string, body?: unknown): Promise<Response> {
    const what = `${method} ${path}`;
    try {
      return await this.fetch(`${this.baseUrl}${path}`, {
        method,
        signal: AbortSignal.timeout(this.options.timeoutMs),
        ...(body !== undefined && { headers: { "content-type": "application/json" }, body: JSON.stringify(body) }),
      });
    } catch (err) {
      const timedOut = err instanceof Error && err.name === "TimeoutError";
      const reason = timedOut ? `timed out after ${this.options.timeoutMs} ms` : err instanceof Error ? err.message : String(err);
      throw new IotRequestError(`${what}: ${reason}`, true);
    }
  }

  /** Sends a request and unwraps the `{success, data, error}` envelope. */
  private async json<T>(method: string, path: string, body?: unknown): Promise<T> {
    const what = `${method} ${path}`;
    const res = await this.send(method, path, body);
    let envelope: { success?: unknown; data?: unknown; error?: unknown } | undefined;
    try {
      envelope = (await res.json()) as typeof envelope;
    } catch (err) {
      if (res.ok) throw new IotRequestError(`${what}: unreadable reply (${err instanceof Error ? err.message : String(err)})`, true, res.status);
    }
    const said = typeof envelope?.error === "string" ? `: ${envelope.error}` : "";
    if (res.status >= 500) throw new IotRequestError(`${what}: HTTP ${res.status}${said}`, true, res.status);
    if (!res.ok) throw new IotRequestError(`${what}: HTTP ${res.status}${said}`, false, res.status);
    if (envelope?.success !== true) throw new IotRequestError(`${what}: the node refused${said || " (success: false)"}`, false, res.status);
    return envelope.data as T;
  }
}
