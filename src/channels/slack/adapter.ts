/**
 * @module The Slack channel adapter: @slack/web-api (loaded in `start()`) for `auth.test` and
 * `chat.postMessage`, and either Socket Mode (`apps.connections.open` → WebSocket, reconnecting with
 * backoff through the shared connection loop) or the HTTP Events API (`eventsHandler`, mounted by the
 * gateway on its webhook path). Rejected credentials put the account in `error` without retrying.
 */
import type { WebClient } from "@slack/web-api";
import { chunkText, type ChannelAdapter, type ChannelStatus, type OutboundMessage, type OutboundTarget } from "../types.ts";
import { createConnectionLoop, type ConnectionAttempt } from "../connection-loop.ts";
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

  let client: WebClient | undefined;
  let socket: SocketConnection | undefined;
  let bot: { userId: string; botId?: string; name?: string } | undefined;
  const seenEvents = new RecentKeys();
  const seenMessages = new RecentKeys();
  /** The bot's identity in every status, filled in by the first successful `auth.test`. */
  const identity: Pick<ChannelStatus, "botId" | "botName"> = {};

  const loop = createConnectionLoop({
    channel: "slack",
    accountId,
    identity,
    backoff: { initialMs: backoff.initialMs ?? 500, maxMs: backoff.maxMs ?? 30_000 },
    warning: "slack connect failed",
    connect,
    isFatal: isFatalSlackError,
    release() {
      socket?.close();
      socket = undefined;
    },
  });

  async function getClient(): Promise<WebClient> {
    if (client) return client;
    const { WebClient } = await import("@slack/web-api");
    const log = () => loop.context()?.log;
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
    const ctx = loop.context();
    if (!ctx || !event) return;
    if (typeof body.event_id === "string" && !seenEvents.add(body.event_id)) return;
    const auths = body.authorizations as Array<{ user_id?: string }> | undefined;
    const botUserId = bot?.userId ?? auths?.[0]?.user_id;
    const message = normalizeSlackEvent(event, { accountId, ...(botUserId ? { botUserId } : {}) });
    // `message` and `app_mention` both arrive for a mention: keep the first.
    if (!message || !seenMessages.add(`${message.chatId}:${message.messageId}`)) return;
    ctx.onMessage(message);
  }

  /** One attempt: `auth.test` (once per adapter), then in socket mode a fresh Socket Mode connection. */
  async function connect(attempt: ConnectionAttempt): Promise<void> {
    if (!bot) {
      const me = await call("auth.test", (c) => c.auth.test());
      bot = { userId: me.user_id ?? "", ...(me.bot_id ? { botId: me.bot_id } : {}), ...(me.user ? { name: me.user } : {}) };
      identity.botId = bot.botId ?? bot.userId;
      if (bot.name) identity.botName = bot.name;
    }
    if (!attempt.current || mode !== "socket") return;
    const opened = await call("apps.connections.open", (c) => c.apps.connections.open({ token: appToken }));
    if (!opened.url) throw new Error("apps.connections.open returned no url");
    if (!attempt.current) return;
    const conn = await connectSocketMode(opened.url, {
      onEnvelope: (env) => {
        if (attempt.current && env.type === "events_api" && env.payload) deliver(env.payload);
      },
      onEnd: (reason) => attempt.lost(reason),
    });
    if (!attempt.current) return conn.close();
    socket = conn;
  }

  const format = (markdown: string) => markdownToMrkdwn(markdown);

  const adapter: SlackAdapter = {
    channel: "slack",
    accountId,
    textLimit: SLACK_TEXT_LIMIT,
    start: loop.start,
    stop: loop.stop,
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
    status: loop.status,
  };
  if (mode === "http" && signingSecret) {
    adapter.eventsHandler = createEventsEndpoint({
      signingSecret,
      onEvent: deliver,
      isRunning: () => loop.context() !== undefined && loop.status().state !== "stopped",
      log: { debug: (m, f) => loop.context()?.log.debug(m, f) },
    });
  }
  return adapter;
}
