/**
 * @module A loopback fake of an `aingle_minimal` edge node: `Bun.serve` on 127.0.0.1 answering `GET /health`,
 * `GET /api/v1/{info,stats,peers}`, `POST /api/v1/entries {data}` and `GET /api/v1/entries/:hash` with the node's
 * `{success, data | error}` envelope, keeping entries in memory and recording every request. It can go down —
 * `"refuse"` (nothing listens: connection refused) or `"close"` (a TCP listener that drops every connection) — and
 * come back on the same port; `failWith(status)` answers every request with that HTTP status, `delayMs` slows
 * every answer.
 */
import type { Server, TCPSocketListener } from "bun";

/** A recorded request. */
export interface AingleRequest {
  method: string;
  path: string;
  body?: any;
}

/** How the fake is down. */
export type DownMode = "refuse" | "close";

/** A running fake node. */
export interface AingleFake {
  /** `http://127.0.0.1:<port>`. */
  url: string;
  port: number;
  requests: AingleRequest[];
  /** The published entries by hash. */
  entries: Map<string, { data: unknown; seq: number }>;
  /** Connections dropped while down in `"close"` mode. */
  dropped: number;
  /** Delay of every answer in ms (default 0). */
  delayMs: number;
  /** Answer every request with this status (null: normal answers). */
  failWith(status: number | null): void;
  /** Stops answering. */
  down(mode?: DownMode): Promise<void>;
  /** Serves again on the same port. */
  up(): void;
  stop(): Promise<void>;
}

const ok = (data: unknown, status = 200) => Response.json({ success: true, data }, { status });
const fail = (error: string, status: number) => Response.json({ success: false, error }, { status });

/**
 * Starts a fake node called `nodeId` (on `port`, default a free one).
 */
export function startAingleFake({ nodeId = "fake-node", port = 0 }: { nodeId?: string; port?: number } = {}): AingleFake {
  const requests: AingleRequest[] = [];
  const entries = new Map<string, { data: unknown; seq: number }>();
  let failure: number | null = null;
  let server: Server<unknown> | undefined;
  let dropper: TCPSocketListener<unknown> | undefined;

  const answer = async (req: Request): Promise<Response> => {
    const path = new URL(req.url).pathname;
    const body = req.method === "POST" ? ((await req.json().catch(() => undefined)) as { data?: unknown } | undefined) : undefined;
    requests.push({ method: req.method, path, ...(body !== undefined && { body }) });
    if (fake.delayMs > 0) await Bun.sleep(fake.delayMs);
    if (failure !== null) return fail(`injected failure ${failure}`, failure);
    if (req.method === "GET" && path === "/health") return new Response("ok");
    if (req.method === "GET" && path === "/api/v1/info") {
      return ok({ node_id: nodeId, version: "0.3.1", uptime_secs: 42, entries_count: entries.size, peers_count: 1, storage_backend: "sqlite", features: ["dag", "gossip"] });
    }
    if (req.method === "GET" && path === "/api/v1/stats") {
      return ok({ entries_count: entries.size, actions_count: entries.size, storage_used: 1024, peer_count: 1, uptime_secs: 42, gossip_rounds: 7, sync_success: 5, sync_failed: 0 });
    }
    if (req.method === "GET" && path === "/api/v1/peers") return ok([{ addr: "10.0.0.9:19091", quality: 0.9, latest_seq: 3, last_seen_secs: 4 }]);
    if (req.method === "POST" && path === "/api/v1/entries") {
      if (body?.data === undefined) return fail("missing data", 400);
      const seq = entries.size + 1;
      const hash = new Bun.CryptoHasher("sha256").update(JSON.stringify(body.data)).digest("hex");
      entries.set(hash, { data: body.data, seq });
      return ok({ hash, seq, timestamp: 1_700_000_000 + seq }, 201);
    }
    const entry = path.match(/^\/api\/v1\/entries\/([^/]+)$/);
    if (req.method === "GET" && entry) {
      const hash = decodeURIComponent(entry[1]!);
      const found = entries.get(hash);
      if (!found) return fail(`no entry ${hash}`, 404);
      const content = JSON.stringify(found.data);
      return ok({ hash, entry_type: (found.data as { type?: string })?.type ?? "app", content: found.data, size: content.length });
    }
    return fail(`no route ${req.method} ${path}`, 404);
  };

  const serve = (on: number) => {
    server = Bun.serve({ hostname: "127.0.0.1", port: on, idleTimeout: 0, fetch: answer });
    return server.port!;
  };

  const fake: AingleFake = {
    url: "", port: 0, requests, entries, dropped: 0, delayMs: 0,
    failWith(status) {
      failure = status;
    },
    async down(mode = "refuse") {
      await server?.stop(true);
      server = undefined;
      if (mode === "close") {
        dropper = Bun.listen({ hostname: "127.0.0.1", port: fake.port, socket: { open: (s) => void (fake.dropped++, s.end()), data: () => {} } });
      }
    },
    up() {
      dropper?.stop(true);
      dropper = undefined;
      if (!server) serve(fake.port);
    },
    async stop() {
      dropper?.stop(true);
      await server?.stop(true);
    },
  };
  fake.port = serve(port);
  fake.url = `http://127.0.0.1:${fake.port}`;
  return fake;
}
