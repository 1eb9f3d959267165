/**
 * @module A loopback Discord (channels.md §5.2): REST under `/api/v10` (gateway/bot, users/@me, channels,
 * messages, typing) and the JSON gateway WebSocket at `/gateway` (HELLO → IDENTIFY → READY + GUILD_CREATE,
 * heartbeats ACKed, RESUME → RESUMED, MESSAGE_CREATE dispatches with increasing `s`). Helpers inject
 * DM/guild/thread messages and simulate the service going down and coming back.
 */
import type { Server, ServerWebSocket } from "bun";

/** A Discord user object. */
export interface FakeUser { id: string; username: string; global_name: string | null; discriminator: string; avatar: null; bot?: boolean }
/** A recorded REST call. */
export interface FakeRequest { method: string; path: string; auth: string | null; body: unknown }
/** Events tests can await with `fake.next(kind)`. */
export type FakeEvent =
  | { kind: "identify"; token: string; intents: number }
  | { kind: "resume"; sessionId: string }
  | { kind: "close"; code: number; reason: string }
  | { kind: "request"; request: FakeRequest };

interface Conn { identified: boolean; seq: number }
type Ws = ServerWebSocket<Conn>;

const EPOCH = 1_420_070_400_000n;
let counter = 0n;
/** A fresh, time-ordered snowflake. */
export function snowflake(): string {
  return (((BigInt(Date.now()) - EPOCH) << 22n) | (counter++ & 0xfffn)).toString();
}

const user = (id: string, username: string, bot = false): FakeUser => ({ id, username, global_name: null, discriminator: "0", avatar: null, ...(bot ? { bot } : {}) });

/** Options of {@link startDiscordFake}. */
export interface DiscordFakeOptions { token?: string }

/** Starts the fake on 127.0.0.1, port 0. */
export function startDiscordFake({ token = "fake-discord-token" }: DiscordFakeOptions = {}) {
  const bot = user("100000000000000001", "mayros-bot", true);
  const alice = user("200000000000000002", "alice");
  const ids = { guild: "300000000000000003", channel: "400000000000000004", thread: "500000000000000005", dm: "600000000000000006" };
  const sockets = new Set<Ws>();
  const requests: FakeRequest[] = [];
  const sent: Array<{ channelId: string; body: Record<string, unknown>; id: string }> = [];
  const waiters: Array<{ kind: FakeEvent["kind"]; resolve: (e: FakeEvent) => void }> = [];
  const events: FakeEvent[] = [];
  let down = false;

  function emit(event: FakeEvent): void {
    events.push(event);
    const i = waiters.findIndex((w) => w.kind === event.kind);
    if (i >= 0) waiters.splice(i, 1)[0]?.resolve(event);
  }

  const json = (body: unknown, status = 200): Response => Response.json(body, { status });
  const send = (ws: Ws, op: number, d: unknown, t: string | null = null): void => {
    const s = op === 0 ? ++ws.data.seq : null;
    ws.send(JSON.stringify({ op, d, s, t }));
  };
  const dispatch = (ws: Ws, t: string, d: unknown): void => send(ws, 0, d, t);

  const guildChannel = { id: ids.channel, type: 0, name: "general", guild_id: ids.guild, position: 0, permission_overwrites: [], nsfw: false, parent_id: null };
  const thread = {
    id: ids.thread, type: 11, name: "a thread", guild_id: ids.guild, parent_id: ids.channel, owner_id: alice.id,
    thread_metadata: { archived: false, auto_archive_duration: 60, archive_timestamp: new Date().toISOString(), locked: false },
    message_count: 0, member_count: 1,
  };
  const guild = {
    id: ids.guild, name: "Fake Guild", unavailable: false, owner_id: alice.id, member_count: 2, large: false, joined_at: new Date().toISOString(),
    roles: [{ id: ids.guild, name: "@everyone", permissions: "1024", position: 0, color: 0, hoist: false, managed: false, mentionable: false }],
    channels: [guildChannel], threads: [thread], members: [], presences: [], voice_states: [], emojis: [], stickers: [], features: [],
    stage_instances: [], guild_scheduled_events: [], soundboard_sounds: [],
  };

  function rest(req: Request, path: string, body: unknown): Response {
    const request: FakeRequest = { method: req.method, path, auth: req.headers.get("authorization"), body };
    requests.push(request);
    emit({ kind: "request", request });
    if (down) return json({ message: "503: Service Unavailable", code: 0 }, 503);
    if (request.auth !== `Bot ${token}`) return json({ message: "401: Unauthorized", code: 0 }, 401);
    if (req.method === "GET" && path === "/gateway/bot") {
      return json({ url: `ws://127.0.0.1:${server.port}/gateway`, shards: 1, session_start_limit: { total: 1000, remaining: 999, reset_after: 60_000, max_concurrency: 1 } });
    }
    if (req.method === "GET" && path === "/users/@me") return json(bot);
    const m = /^\/channels\/(\d+)(\/messages|\/typing)?$/.exec(path);
    if (m && req.method === "GET" && !m[2]) {
      if (m[1] === ids.channel) return json(guildChannel);
      if (m[1] === ids.thread) return json(thread);
      return json({ id: m[1], type: 1, recipients: [alice], last_message_id: null });
    }
    if (m && req.method === "POST" && m[2] === "/typing") return new Response(null, { status: 204 });
    if (m && req.method === "POST" && m[2] === "/messages") {
      const id = snowflake();
      sent.push({ channelId: m[1] ?? "", body: body as Record<string, unknown>, id });
      const b = body as { content?: string; message_reference?: unknown };
      return json(messagePayload({ id, channel_id: m[1] ?? "", author: bot, content: b.content ?? "", message_reference: b.message_reference }));
    }
    return json({ message: "404: Not Found", code: 0 }, 404);
  }

  function messagePayload(p: { id?: string; channel_id: string; guild_id?: string; author: FakeUser; content: string; mentions?: FakeUser[]; message_reference?: unknown; referenced_message?: unknown }) {
    return {
      id: p.id ?? snowflake(), channel_id: p.channel_id, ...(p.guild_id ? { guild_id: p.guild_id, member: { roles: [], joined_at: new Date().toISOString(), nick: null, deaf: false, mute: false, flags: 0 } } : {}),
      author: p.author, content: p.content, timestamp: new Date().toISOString(), edited_timestamp: null, tts: false,
      mention_everyone: false, mentions: p.mentions ?? [], mention_roles: [], attachments: [], embeds: [], pinned: false,
      type: p.message_reference ? 19 : 0, ...(p.message_reference ? { message_reference: p.message_reference } : {}),
      ...(p.referenced_message ? { referenced_message: p.referenced_message } : {}),
    };
  }

  const server: Server<Conn> = Bun.serve<Conn>({
    hostname: "127.0.0.1",
    port: 0,
    async fetch(req, srv) {
      const url = new URL(req.url);
      if (url.pathname === "/gateway") {
        if (srv.upgrade(req, { data: { identified: false, seq: 0 } })) return undefined;
        return new Response("upgrade failed", { status: 400 });
      }
      if (!url.pathname.startsWith("/api/v10/")) return json({ message: "404: Not Found", code: 0 }, 404);
      const text = req.method === "GET" ? "" : await req.text();
      return rest(req, url.pathname.slice("/api/v10".length), text ? JSON.parse(text) : undefined);
    },
    websocket: {
      open(ws) {
        if (down) return ws.close(1011, "fake is down");
        sockets.add(ws);
        send(ws, 10, { heartbeat_interval: 41_250 });
      },
      message(ws, raw) {
        const frame = JSON.parse(String(raw)) as { op: number; d: Record<string, unknown> | null };
        if (frame.op === 1) return send(ws, 11, null);
        if (frame.op === 2) {
          const d = frame.d as { token: string; intents: number };
          emit({ kind: "identify", token: d.token, intents: d.intents });
          if (d.token !== token) return ws.close(4004, "Authentication failed.");
          ws.data.identified = true;
          dispatch(ws, "READY", {
            v: 10, user: bot, guilds: [{ id: ids.guild, unavailable: true }], session_id: `session-${snowflake()}`,
            resume_gateway_url: `ws://127.0.0.1:${server.port}/gateway`, shard: [0, 1], application: { id: bot.id, flags: 0 },
            private_channels: [], relationships: [], user_settings: {},
          });
          return dispatch(ws, "GUILD_CREATE", guild);
        }
        if (frame.op === 6) {
          const d = frame.d as { session_id: string; seq: number | null };
          emit({ kind: "resume", sessionId: d.session_id });
          ws.data.identified = true;
          ws.data.seq = d.seq ?? 0;
          return dispatch(ws, "RESUMED", {});
        }
      },
      close(ws, code, reason) {
        sockets.delete(ws);
        emit({ kind: "close", code, reason });
      },
    },
  });

  /** Sends a MESSAGE_CREATE to every identified connection; returns the payload. */
  function inject(p: Parameters<typeof messagePayload>[0]) {
    // Discord adds `channel_type` to gateway MESSAGE_CREATE; discord.js needs it to build an uncached DM channel.
    const channelType = !p.guild_id ? 1 : p.channel_id === ids.thread ? 11 : 0;
    const payload = { ...messagePayload(p), channel_type: channelType };
    for (const ws of sockets) if (ws.data.identified) dispatch(ws, "MESSAGE_CREATE", payload);
    return payload;
  }

  return {
    token, bot, alice, ids, requests, sent, events,
    get port(): number { return server.port ?? 0; },
    /** REST base for `rest.api` / `restApi`. */
    get restApi(): string { return `http://127.0.0.1:${server.port}/api`; },
    /** Open gateway connections. */
    get connections(): number { return sockets.size; },
    /** Resolves with the next event of this kind (call it before triggering the event). */
    next<K extends FakeEvent["kind"]>(kind: K): Promise<Extract<FakeEvent, { kind: K }>> {
      return new Promise((resolve) => waiters.push({ kind, resolve: resolve as (e: FakeEvent) => void }));
    },
    /** A DM from alice (no guild). */
    injectDm(content: string, author: FakeUser = alice) {
      return inject({ channel_id: ids.dm, author, content });
    },
    /** A guild text-channel message; `mentionBot` adds `<@bot>` and the mention; `replyTo` replies to that bot message id. */
    injectGuildMessage(content: string, o: { mentionBot?: boolean; replyTo?: string; author?: FakeUser; channelId?: string } = {}) {
      const channelId = o.channelId ?? ids.channel;
      const ref = o.replyTo ? { message_id: o.replyTo, channel_id: channelId, guild_id: ids.guild } : undefined;
      const referenced = o.replyTo ? messagePayload({ id: o.replyTo, channel_id: channelId, guild_id: ids.guild, author: bot, content: "earlier" }) : undefined;
      return inject({
        channel_id: channelId, guild_id: ids.guild, author: o.author ?? alice,
        content: o.mentionBot ? `<@${bot.id}> ${content}` : content,
        mentions: o.mentionBot || o.replyTo ? [bot] : [], message_reference: ref, referenced_message: referenced,
      });
    },
    /** A message inside the fake thread (parent = the guild channel). */
    injectThreadMessage(content: string, o: { mentionBot?: boolean; author?: FakeUser } = {}) {
      return this.injectGuildMessage(content, { ...o, channelId: ids.thread });
    },
    /** Service down: REST answers 503, open gateway connections close with 1011, new ones are refused. */
    down(): void {
      down = true;
      for (const ws of sockets) ws.close(1011, "fake is down");
    },
    /** Service back up. */
    up(): void {
      down = false;
    },
    async stop(): Promise<void> {
      for (const ws of sockets) ws.close(1001, "fake stopping");
      await server.stop(true);
    },
  };
}

/** The running fake. */
export type DiscordFake = ReturnType<typeof startDiscordFake>;
