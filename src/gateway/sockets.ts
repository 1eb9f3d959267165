/**
 * @module WebSocket lifecycle: for the control plane, challenge on open, handshake, dispatch, presence
 * and node registration; canvas live-reload sockets only subscribe to reload messages.
 */
import type { ServerWebSocket } from "bun";
import { CloseCode, limits } from "../protocol/index.ts";
import { Connection, type SendLimits, type SocketData } from "./connection.ts";
import type { GatewayServices } from "./context.ts";
import type { Dispatcher } from "./dispatch.ts";
import { handleFirstFrame, type HandshakeDeps } from "./handshake.ts";
import type { LiveReloadHub } from "../canvas/index.ts";
import { registerNode, unregisterNode } from "./node-session.ts";
import type { SocketHandlers } from "./server.ts";

/** What the socket handlers need. */
export interface SocketDeps {
  services: GatewayServices;
  dispatcher: Dispatcher;
  handshake: Omit<HandshakeDeps, "onOpen" | "onAuthenticated" | "services" | "methods">;
  reloadHub: LiveReloadHub;
  limits: () => SendLimits;
  handshakeTimeoutMs: () => number;
  verbose: boolean;
}

/** Frames a client may send while its `connect` is being verified (a pipelining client). */
const MAX_QUEUED_FRAMES = 16;

function queueWhileAuthenticating(conn: Connection, text: string): void {
  if (conn.queued.length >= MAX_QUEUED_FRAMES || Buffer.byteLength(text) > limits.MAX_PREAUTH_PAYLOAD_BYTES) {
    conn.close(CloseCode.POLICY_VIOLATION, "too many frames before hello-ok");
    return;
  }
  conn.queued.push(text);
}

/** Builds the Bun websocket handlers. */
export function createSocketHandlers(deps: SocketDeps): SocketHandlers {
  const { services: s, dispatcher } = deps;
  const connOf = new WeakMap<ServerWebSocket<SocketData>, Connection>();
  const handshakeDeps: HandshakeDeps = {
    ...deps.handshake,
    services: s,
    methods: () => dispatcher.methods(),
    onAuthenticated: (conn) => {
      if (conn.identity!.role === "node") registerNode(conn, s);
    },
    onOpen: (conn) => {
      s.log.info("client connected", {
        conn: conn.id, ip: conn.remoteAddress, client: conn.identity!.client.id, mode: conn.identity!.client.mode,
        role: conn.identity!.role, protocol: conn.identity!.protocol,
      });
      if (s.presence.connected(conn)) s.broadcaster.broadcast("presence", { presence: s.presence.list() }, s.stateVersion());
      for (const text of conn.queued.splice(0)) void dispatcher.handle(conn, text);
    },
  };
  const onSlow = (conn: Connection, buffered: number) => s.log.warn("slow consumer closed", { conn: conn.id, buffered });

  return {
    open(ws) {
      if (ws.data.kind === "reload") return void deps.reloadHub.subscribe(ws);
      const conn = new Connection(ws, deps.limits(), onSlow, s.stats);
      connOf.set(ws, conn);
      s.registry.add(conn);
      conn.sendUnsequencedEvent("connect.challenge", { nonce: conn.nonce, ts: Date.now(), capabilities: [] });
      conn.handshakeTimer = setTimeout(() => {
        s.log.info("handshake timeout", { conn: conn.id, ip: conn.remoteAddress });
        conn.close(CloseCode.POLICY_VIOLATION, "handshake timeout");
      }, deps.handshakeTimeoutMs());
    },
    message(ws, message) {
      const conn = connOf.get(ws);
      if (!conn || conn.state === "closed") return;
      conn.awaitingPong = false;
      s.stats.framesIn += 1;
      if (typeof message !== "string") {
        if (conn.state === "handshake") conn.close(CloseCode.POLICY_VIOLATION, "invalid frame: binary frames are not supported");
        return;
      }
      if (deps.verbose) s.log.debug("frame in", { conn: conn.id, bytes: message.length, state: conn.state });
      if (conn.state === "handshake") void handleFirstFrame(conn, message, handshakeDeps);
      else if (conn.state === "authenticating") queueWhileAuthenticating(conn, message);
      else void dispatcher.handle(conn, message);
    },
    close(ws, code) {
      if (ws.data.kind === "reload") return deps.reloadHub.unsubscribe(ws);
      const conn = connOf.get(ws);
      if (!conn) return;
      const wasOpen = conn.identity !== null;
      conn.state = "closed";
      conn.clearHandshakeTimer();
      s.registry.remove(conn);
      if (wasOpen) {
        if (conn.identity!.role === "node") unregisterNode(conn, s);
        s.log.info("client disconnected", { conn: conn.id, code, dropped: conn.droppedEvents });
        if (s.presence.disconnected(conn)) s.broadcaster.broadcast("presence", { presence: s.presence.list() }, s.stateVersion());
      }
    },
    pong(ws) {
      const conn = connOf.get(ws);
      if (conn) conn.awaitingPong = false;
    },
    drain() {
      // Bun flushes its own buffer; our send path reads getBufferedAmount() on every send.
    },
  };
}
