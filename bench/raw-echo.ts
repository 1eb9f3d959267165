/** The bench's baseline: a bare `Bun.serve` WebSocket server speaking just enough of the protocol's framing (the physical limit of our stack). */
// Usage: bun bench/raw-echo.ts --port P [--hello-bytes N] [--res-bytes N] [--event-bytes N]
// On open it sends a challenge-shaped event; every request gets a `res` frame of the configured
// size (hello-sized for `connect`); `broadcast` also publishes an event-sized frame to every socket
// (`server.publish`), `broadcast-each` sends one to every socket with its own `seq` (a `ws.send` loop).
import type { ServerWebSocket } from "bun";

const args = process.argv.slice(2);
const num = (name: string, fallback: number): number => {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const port = num("--port", 0);
const helloBytes = num("--hello-bytes", 2000);
const resBytes = num("--res-bytes", 300);
const eventBytes = num("--event-bytes", 600);

/** Pads a payload so the whole frame is about `bytes` long (`overhead` = bytes outside the payload). */
const padded = (bytes: number, overhead: number): string => JSON.stringify({ pad: "x".repeat(Math.max(0, bytes - overhead - 10)) });
const helloPayload = padded(helloBytes, 40);
const resPayload = padded(resBytes, 40);
let seq = 0;
/** Per-socket event counters of `broadcast-each`. */
const sockets = new Map<ServerWebSocket<undefined>, number>();
const eventHead = '{"type":"event","event":"presence","payload":';
const eventPayload = padded(eventBytes, eventHead.length + 12);

const server = Bun.serve<undefined>({
  hostname: "127.0.0.1",
  port,
  fetch(req, srv) {
    if (srv.upgrade(req, { data: undefined })) return undefined;
    return new Response("raw echo", { status: 200 });
  },
  websocket: {
    perMessageDeflate: false,
    open(ws) {
      ws.subscribe("all");
      sockets.set(ws, 0);
      ws.send(`{"type":"event","event":"connect.challenge","payload":{"nonce":"${crypto.randomUUID()}","ts":${Date.now()},"capabilities":[]}}`);
    },
    close(ws) {
      sockets.delete(ws);
    },
    message(ws, message) {
      let frame: { id?: unknown; method?: unknown };
      try {
        frame = JSON.parse(String(message));
      } catch {
        return;
      }
      const id = JSON.stringify(String(frame.id));
      if (frame.method === "broadcast") {
        server.publish("all", `${eventHead}${eventPayload},"seq":${++seq}}`);
        ws.send(`{"type":"res","id":${id},"ok":true,"payload":{"ok":true}}`);
        return;
      }
      if (frame.method === "broadcast-each") {
        for (const [peer, n] of sockets) {
          sockets.set(peer, n + 1);
          peer.send(`${eventHead}${eventPayload},"seq":${n + 1}}`);
        }
        ws.send(`{"type":"res","id":${id},"ok":true,"payload":{"ok":true}}`);
        return;
      }
      const payload = frame.method === "connect" ? helloPayload : resPayload;
      ws.send(`{"type":"res","id":${id},"ok":true,"payload":${frame.method === "connect" ? `{"type":"hello-ok",${payload.slice(1)}` : payload}}`);
    },
  },
});

process.on("SIGTERM", () => {
  server.stop(true);
  process.exit(0);
});
