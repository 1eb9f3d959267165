/**
 * @module A loopback Slack for adapter tests: a `Bun.serve` on 127.0.0.1:0 speaking the Web API
 * (`auth.test`, `apps.connections.open`, `chat.postMessage`, `conversations.open`, form or JSON
 * bodies, `{ok:true,…}` / `{ok:false,error}`) and Socket Mode on `/socket` (sends `hello`, pushes
 * `events_api` envelopes, records acks, can send `disconnect`). `down()` answers 503 and refuses
 * sockets until `up()`.
 */
import type { Server, ServerWebSocket } from "bun";

/** A recorded Web API call. */
export interface SlackFakeCall {
  method: string;
  /** Bearer token of the call. */
  token: string | undefined;
  body: Record<string, unknown>;
}

/** Options of {@link startSlackFake}. */
export interface SlackFakeOptions {
  /** The bot's user id returned by `auth.test`. Default: `UBOT`. */
  botUserId?: string;
}

type Waiter = { pred: () => boolean; resolve: () => void };

/** Starts the fake; `close()` it in `afterEach`. */
export function startSlackFake({ botUserId = "UBOT" }: SlackFakeOptions = {}) {
  const calls: SlackFakeCall[] = [];
  const acks: string[] = [];
  const sockets = new Set<ServerWebSocket<unknown>>();
  const failures = new Map<string, string>();
  let waiters: Waiter[] = [];
  let isDown = false;
  let tsCounter = 0;
  let envelopeCounter = 0;
  let eventCounter = 0;
  let connections = 0;

  const notify = () => {
    waiters = waiters.filter((w) => (w.pred() ? (w.resolve(), false) : true));
  };
  /** Resolves once `pred()` holds (checked after every recorded call, ack and connection). */
  const waitFor = (pred: () => boolean) =>
    new Promise<void>((resolve) => (pred() ? resolve() : waiters.push({ pred, resolve })));
  const nextTs = () => `1700000000.${String(++tsCounter).padStart(6, "0")}`;
  const ok = (body: Record<string, unknown>) => Response.json({ ok: true, ...body });

  async function readBody(req: Request): Promise<Record<string, unknown>> {
    const raw = await req.text();
    if (req.headers.get("content-type")?.includes("application/json")) return JSON.parse(raw || "{}");
    return Object.fromEntries(new URLSearchParams(raw));
  }

  const server: Server<unknown> = Bun.serve({
    port: 0,
    hostname: "127.0.0.1",
    async fetch(req, srv) {
      const path = new URL(req.url).pathname;
      if (isDown) return new Response("service unavailable", { status: 503 });
      if (path === "/socket") {
        if (srv.upgrade(req, { data: undefined })) return undefined;
        return new Response("upgrade failed", { status: 400 });
      }
      if (!path.startsWith("/api/")) return new Response("not found", { status: 404 });
      const method = path.slice("/api/".length);
      const body = await readBody(req);
      const token = req.headers.get("authorization")?.replace(/^Bearer /, "") ?? (body.token as string | undefined);
      calls.push({ method, token, body });
      notify();
      const failure = failures.get(method);
      if (failure) {
        failures.delete(method);
        return Response.json({ ok: false, error: failure });
      }
      switch (method) {
        case "auth.test":
          return ok({ url: "https://fake.slack.com/", team: "Fake", team_id: "T1", user: "mayros", user_id: botUserId, bot_id: "BBOT" });
        case "apps.connections.open":
          if (!token?.startsWith("xapp-")) return Response.json({ ok: false, error: "not_allowed_token_type" });
          return ok({ url: `ws://127.0.0.1:${server.port}/socket` });
        case "chat.postMessage": {
          const ts = nextTs();
          return ok({ channel: body.channel, ts, message: { type: "message", text: body.text, user: botUserId, ts } });
        }
        case "conversations.open":
          return ok({ channel: { id: `D${String(body.users ?? "X")}` } });
        default:
          return Response.json({ ok: false, error: "unknown_method" });
      }
    },
    websocket: {
      open(ws) {
        sockets.add(ws);
        connections += 1;
        ws.send(JSON.stringify({ type: "hello", num_connections: sockets.size, connection_info: { app_id: "A1" } }));
        notify();
      },
      message(_ws, data) {
        const msg = JSON.parse(String(data)) as { envelope_id?: string };
        if (msg.envelope_id) acks.push(msg.envelope_id);
        notify();
      },
      close(ws) {
        sockets.delete(ws);
        notify();
      },
    },
  });

  /** Pushes one `events_api` envelope wrapping `event` to every socket; returns ids. */
  function pushEvent(event: Record<string, unknown>): { envelopeId: string; eventId: string } {
    const envelopeId = `env-${++envelopeCounter}`;
    const eventId = `Ev${++eventCounter}`;
    const payload = eventCallback(event, eventId);
    for (const ws of sockets) ws.send(JSON.stringify({ envelope_id: envelopeId, type: "events_api", accepts_response_payload: false, retry_attempt: 0, payload }));
    return { envelopeId, eventId };
  }

  /** An Events API `event_callback` body around `event`. */
  function eventCallback(event: Record<string, unknown>, eventId = `Ev${++eventCounter}`) {
    return {
      token: "verification-token",
      team_id: "T1",
      api_app_id: "A1",
      type: "event_callback",
      event_id: eventId,
      event_time: 1_700_000_000,
      authorizations: [{ team_id: "T1", user_id: botUserId, is_bot: true }],
      event: { event_ts: event.ts, ...event },
    };
  }

  return {
    botUserId,
    get port() {
      return server.port as number;
    },
    /** Web API base URL for `createSlackAdapter({apiUrl})`. */
    get apiUrl() {
      return `http://127.0.0.1:${server.port}/api/`;
    },
    calls,
    acks,
    /** Recorded `chat.postMessage` bodies, in order. */
    get posts() {
      return calls.filter((c) => c.method === "chat.postMessage").map((c) => c.body);
    },
    /** Sockets that ever said hello. */
    get connections() {
      return connections;
    },
    get openSockets() {
      return sockets.size;
    },
    waitFor,
    /** Resolves once `envelopeId` was acked. */
    waitForAck: (envelopeId: string) => waitFor(() => acks.includes(envelopeId)),
    /** Makes the next call of `method` answer `{ok:false, error}`. */
    failNext(method: string, error: string) {
      failures.set(method, error);
    },
    pushEvent,
    eventCallback,
    /** A DM from `user`. */
    dm(text: string, { user = "U1", channel = "D1", ts = nextTs() } = {}) {
      return { ts, ...pushEvent({ type: "message", channel, channel_type: "im", user, text, ts }) };
    },
    /** A channel message mentioning the bot. */
    mention(text: string, { user = "U1", channel = "C1", ts = nextTs() } = {}) {
      return { ts, ...pushEvent({ type: "message", channel, channel_type: "channel", user, text: `<@${botUserId}> ${text}`, ts }) };
    },
    /** A reply inside the thread `threadTs`. */
    threadReply(text: string, threadTs: string, { user = "U1", channel = "C1", ts = nextTs() } = {}) {
      return { ts, ...pushEvent({ type: "message", channel, channel_type: "channel", user, text, ts, thread_ts: threadTs }) };
    },
    /** Sends a `disconnect` envelope to every socket (as Slack does before rotating a connection). */
    disconnect(reason = "refresh_requested") {
      for (const ws of sockets) ws.send(JSON.stringify({ type: "disconnect", reason, debug_info: { host: "fake" } }));
    },
    /** Closes every socket and answers 503 to everything until `up()`. */
    down() {
      isDown = true;
      for (const ws of sockets) ws.close(1011, "down");
    },
    up() {
      isDown = false;
    },
    close: () => server.stop(true),
  };
}

/** The fake returned by {@link startSlackFake}. */
export type SlackFake = ReturnType<typeof startSlackFake>;
