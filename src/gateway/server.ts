/** @module The one `Bun.serve` of the gateway: WebSocket upgrade for the control plane, Hono for HTTP, one port. */
import type { Server, ServerWebSocket } from "bun";
import type { Hono } from "hono";
import type { SocketData } from "./connection.ts";

/** WebSocket callbacks of the control plane. */
export interface SocketHandlers {
  open(ws: ServerWebSocket<SocketData>): void;
  message(ws: ServerWebSocket<SocketData>, message: string | Buffer): void;
  close(ws: ServerWebSocket<SocketData>, code: number, reason: string): void;
  pong(ws: ServerWebSocket<SocketData>): void;
  drain(ws: ServerWebSocket<SocketData>): void;
}

/** Options of {@link startServer}. */
export interface ServerOptions {
  host: string;
  port: number;
  /** Largest inbound frame. */
  maxPayload: number;
  /** Bun's own per-socket buffer cap; kept above our hard limit so Bun never drops silently first. */
  backpressureLimit: number;
  app: Hono;
  sockets: SocketHandlers;
  /** Decides what a WebSocket upgrade request becomes; a Response refuses it; null lets Hono answer it as plain HTTP. */
  classifyUpgrade: (req: Request, url: URL, remoteAddress: string) => SocketData | Response | null;
  /** PEM certificate and key: serve wss:// and https://. */
  tls?: { cert: string; key: string };
}

/**
 * Starts listening.
 * @throws {Error} with a readable message when the port is taken.
 */
export function startServer({ host, port, maxPayload, backpressureLimit, app, sockets, classifyUpgrade, tls }: ServerOptions): Server<SocketData> {
  try {
    return Bun.serve<SocketData>({
      hostname: host,
      port,
      ...(tls && { tls }),
      fetch(req, server) {
        let url: URL;
        try {
          url = new URL(req.url);
        } catch {
          return new Response("bad request: malformed Host header", { status: 400 }); // Bun builds req.url from Host
        }
        if (req.headers.get("upgrade")?.toLowerCase() === "websocket") {
          const data = classifyUpgrade(req, url, server.requestIP(req)?.address ?? "unknown");
          if (data instanceof Response) return data;
          if (data) {
            if (server.upgrade(req, { data })) return undefined;
            return new Response("websocket upgrade failed", { status: 400 });
          }
        }
        return app.fetch(req, { server });
      },
      websocket: {
        maxPayloadLength: maxPayload,
        backpressureLimit,
        closeOnBackpressureLimit: false,
        perMessageDeflate: false,
        // Our own ping loop detects dead peers; Bun's idle timer is a generous backstop.
        idleTimeout: 255,
        sendPings: false,
        ...sockets,
      },
    });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "EADDRINUSE") throw new Error(`cannot listen on ${host}:${port}: the address is in use or not available on this host (another gateway running? try --port or --bind)`);
    throw err;
  }
}
