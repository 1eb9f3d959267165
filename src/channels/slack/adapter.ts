/**
 * @module The Slack channel adapter: @slack/web-api (loaded in `start()`) for `auth.test` and
 * `chat.postMessage`, and either Socket Mode (`apps.connections.open` → WebSocket, reconnecting with
 * backoff) or the HTTP Events API (`eventsHandler`, mounted by the gateway on its webhook path).
 */
import type { WebClient } from "@slack/web-api";
import { chunkText, type ChannelAdapter, type ChannelContext, type ChannelStatus, type OutboundMessage, type OutboundTarget } from "../types.ts";
import { backoffDelay } from "../backoff.ts";
import { isFatalSlackError, toSlackError } from "./errors.ts";
import { createEventsEndpoint, RecentKeys } from "./events-http.ts";
import { markdownToMrkdwn } from "./mrkdwn.ts";
import { normalizeSlackEvent, type SlackMessageEvent } from "./normalize.ts";
import { connectSocketMode, type SocketConnection } from "./socket.ts";

/** Slack's advised maximum for one message's `text`. */
export const SLACK_TEXT_LIMIT = 4000;

/** Options of {@link createSlackAdapter}. */
export interface SlackAdapterOptions {
  /** Gateway account id. Default: `"default"`. */
  accountId?: string;
  /** Bot token (`xoxb-…`). Required. */
  botToken: string;
  /** App-level token (`xapp-…`, scope `connections:write`). Required in socket mode. */
  appToken?: string;
  /** Signing secret of the app. Required in http mode. */
  signingSecret?: string;
  /** Web API base URL, with a trailing slash. Default: `https://slack.com/api/`. */
  apiUrl?: string;
  /** `socket` (Socket Mode) or `http` (Events API request URL). Default: `"socket"`. */
  mode?: "socket" | "http";
  /** Reconnect delays: doubling from `initialMs` (default 500) up to `maxMs` (default 30 000), ±20 % jitter. */
  backoff?: { initialMs?: number; maxMs?: number };
}

/** A Slack account; in http mode it also has the Events API request handler. */
export interface SlackAdapter extends ChannelAdapter {
  /** Handles a POST to the Events API request URL (http mode only). */
  eventsHandler?(req: Request): Promise<Response>;
}

/**
 * Creates the adapter for one Slack account. Does no I/O until `start()`.
 * @throws {Error} naming the missing option (`botToken`, `appToken` in socket mode, `signingSecret` in http mode).
 */
export function createSlackAdapter({
  accountId = "default",
  botToken,
  appToken,
  signingSecret,
  apiUrl,
  mode = "socket",
  backoff = {},
}: SlackAdapterOptions): SlackAdapter {
  if (!botToken) throw new Error(`channels.slack.botToken: required (account ${accountId})`);
  if (mode === "socket" && !appToken) throw new Error(`channels.slack.appToken: required in socket mode (account ${accountId})`);
  if (mode === "http" && !signingSecret) throw new Error(`channels.slack.signingSecret: required in http mode (account ${accountId})`);
  if (apiUrl && !apiUrl.endsWith("/")) throw new Error(`channels.slack.apiUrl: must end with '/' (use '${apiUrl}/')`);
  const initialMs = backoff.initialMs ?? 500;
  const maxMs = backoff.maxMs ?? 30_000;

  let ctx: ChannelContext | undefined;
  let client: WebClient | undefined;
  let socket: SocketConnection | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let generation = 0;
  let failures = 0;
  let bot: { userId: string; botId?: string; name?: string } | undefined;
  let current: ChannelStatus = { channel: "slack", accountId, state: "stopped", since: Date.now() };
  const seenEvents = new RecentKeys();
  const seenMessages = new RecentKeys();

  function setStatus(state: ChannelStatus["state"], lastError?: string): void {
    current = {
      channel: "slack",
      accountId,
      state,
      ...(bot?.botId ? { botId: bot.botId } : bot ? { botId: bot.userId } : {}),
      ...(bot?.name ? { botName: bot.name } : {}),
      ...(lastError ? { lastError } : {}),
      since: Date.now(),
    };
    ctx?.onStatus(current);
  }

  async function getClient(): Promise<WebClient> {
    if (client) return client;
    const { WebClient } = await import("@slack/web-api");
    const log = () => ctx?.log;
    client = new WebClient(botToken, {
      ...(apiUrl ? { slackApiUrl: apiUrl } : {}),
      retryConfig: { retries: 0 },
      logger: {
        debug: (...m: unknown[]) => log()?.debug(m.map(String).join(" ")),
        info: (...m: unknown[]) => log()?.debug(m.map(String).join(" ")),
        warn: (...m: unknown[]) => log()?.warn(m.map(String).join(" ")),
        error: (...m: unknown[]) => log()?.warn(m.map(String).join(" ")),
        setLevel: () => {},
        getLevel: () => "debug" as never,
        setName: () => {},
      },
    });
    return client;
  }

  /** Runs one Web API call, mapping its failure to SlackApiError / SlackNetworkError. */
  async function call<T>(method: string, fn: (c: WebClient) => Promise<T>): Promise<T> {
    const c = await getClient();
    try {
      return await fn(c);
    } catch (err) {
      throw toSlackError(method, err);
    }
  }

  function deliver(body: Record<string, unknown>): void {
    const event = body.event as SlackMessageEvent | undefined;
    if (!ctx || !event) return;
    if (typeof body.event_id === "string" && !seenEvents.add(body.event_id)) return;
    const auths = body.authorizations as Array<{ user_id?: string }> | undefined;
    const botUserId = bot?.userId ?? auths?.[0]?.user_id;
    const message = normalizeSlackEvent(event, { accountId, ...(botUserId ? { botUserId } : {}) });
    // `message` and `app_mention` both arrive for a mention: keep the first.
    if (!message || !seenMessages.add(`${message.chatId}:${message.messageId}`)) return;
    ctx.onMessage(message);
  }

  async function connectOnce(gen: number): Promise<void> {
    setStatus("connecting");
    if (!bot) {
      const me = await call("auth.test", (c) => c.auth.test());
      bot = { userId: me.user_id ?? "", ...(me.bot_id ? { botId: me.bot_id } : {}), ...(me.user ? { name: me.user } : {}) };
    }
    if (gen !== generation) return;
    if (mode === "socket") {
      const opened = await call("apps.connections.open", (c) => c.apps.connections.open({ token: appToken }));
      if (!opened.url) throw new Error("apps.connections.open returned no url");
      if (gen !== generation) return;
      const conn = await connectSocketMode(opened.url, {
        onEnvelope: (env) => {
          if (env.type === "events_api" && env.payload) deliver(env.payload);
        },
        onEnd: (reason) => {
          if (gen !== generation) return;
          socket = undefined;
          setStatus("disconnected", reason);
          scheduleReconnect(gen);
        },
      });
      if (gen !== generation) return conn.close();
      socket = conn;
    }
    failures = 0;
    setStatus("connected");
  }

  async function attempt(gen: number): Promise<void> {
    try {
      await connectOnce(gen);
    } catch (err) {
      if (gen !== generation) return;
      const msg = err instanceof Error ? err.message : String(err);
      ctx?.log.warn("slack connect failed", { accountId, error: msg });
      if (isFatalSlackError(err)) return setStatus("error", msg);
      setStatus("disconnected", msg);
      scheduleReconnect(gen);
    }
  }

  function scheduleReconnect(gen: number): void {
    const delay = backoffDelay(failures, { initialMs, maxMs });
    failures += 1;
    clearTimeout(timer);
    timer = setTimeout(() => {
      if (gen === generation) void attempt(gen);
    }, delay);
  }

  const format = (markdown: string) => markdownToMrkdwn(markdown);

  const adapter: SlackAdapter = {
    channel: "slack",
    accountId,
    textLimit: SLACK_TEXT_LIMIT,
    async start(context: ChannelContext): Promise<void> {
      await adapter.stop();
      ctx = context;
      const gen = ++generation;
      failures = 0;
      context.signal.addEventListener("abort", () => void adapter.stop(), { once: true });
      if (context.signal.aborted) return;
      await attempt(gen);
    },
    async stop(): Promise<void> {
      if (current.state === "stopped" && !socket && !timer) return;
      generation += 1;
      clearTimeout(timer);
      timer = undefined;
      socket?.close();
      socket = undefined;
      setStatus("stopped");
    },
    async send(target: OutboundTarget, message: OutboundMessage): Promise<{ messageId: string }> {
      const links = (message.media ?? []).map((m) => `<${m.url}${m.name ? `|${m.name}` : ""}>`);
      const pieces = chunkText(message.text, SLACK_TEXT_LIMIT).flatMap((c) => chunkText(format(c), SLACK_TEXT_LIMIT));
      if (links.length > 0) pieces.push(links.join("\n"));
      const ids: string[] = [];
      for (const text of pieces) {
        if (!text) continue;
        const res = await call("chat.postMessage", (c) =>
          c.chat.postMessage({ channel: target.chatId, text, ...(target.threadId ? { thread_ts: target.threadId } : {}) }),
        );
        ids.push(res.ts ?? "");
      }
      return { messageId: ids[0] ?? "" };
    },
    async typing(): Promise<void> {
      // Slack has no typing indicator for bots.
    },
    format,
    status: () => current,
  };
  if (mode === "http" && signingSecret) {
    adapter.eventsHandler = createEventsEndpoint({
      signingSecret,
      onEvent: deliver,
      isRunning: () => ctx !== undefined && current.state !== "stopped",
      log: { debug: (m, f) => ctx?.log.debug(m, f) },
    });
  }
  return adapter;
}
