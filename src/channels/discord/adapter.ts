/**
 * @module The Discord channel adapter: one discord.js `Client` per account over the gateway WebSocket for
 * inbound messages and status, REST for sends and typing. discord.js is loaded lazily in `start()`;
 * it resumes dropped sessions itself, and this adapter re-logs in with backoff when a login fails or the
 * gateway closes for good (e.g. 4014 disallowed intents), until `stop()`.
 */
import type { Client, REST } from "discord.js";
import type { ChannelAdapter, ChannelContext, ChannelStatus, OutboundMessage, OutboundTarget } from "../types.ts";
import { backoffDelay } from "../backoff.ts";
import { describeCloseCode, describeError, requestError } from "./errors.ts";
import { formatDiscord } from "./format.ts";
import { normalizeMessage } from "./normalize.ts";

type DiscordLib = typeof import("discord.js");

/** Options of {@link createDiscordAdapter}. */
export interface DiscordAdapterOptions {
  /** Account id of this bot in the gateway config. @default "default" */
  accountId?: string;
  /** Bot token (`channels.discord.token` / `DISCORD_BOT_TOKEN`), without the `Bot ` prefix. */
  token: string;
  /** REST base URL without version (`channels.discord.restApi`). @default "https://discord.com/api" */
  restApi?: string;
}

/** Discord's `content` limit per message. */
export const DISCORD_TEXT_LIMIT = 2000;
/** First re-login delay; doubles per failed attempt up to {@link RETRY_MAX_MS}. */
const RETRY_BASE_MS = 500;
const RETRY_MAX_MS = 30_000;

/**
 * Creates the Discord adapter for one bot account. Does no I/O until `start()`.
 * @param options.accountId Account id. @default "default"
 * @param options.token Bot token.
 * @param options.restApi REST base URL (tests point it at a loopback fake). @default "https://discord.com/api"
 * @throws {Error} `channels.discord.token: expected a non-empty string` when the token is missing.
 */
export function createDiscordAdapter({ accountId = "default", token, restApi }: DiscordAdapterOptions): ChannelAdapter {
  if (typeof token !== "string" || token.trim() === "") throw new Error("channels.discord.token: expected a non-empty string");
  const botToken = token.trim().replace(/^Bot\s+/i, "");
  let ctx: ChannelContext | undefined;
  let lib: DiscordLib | undefined;
  let rest: REST | undefined;
  let client: Client | undefined;
  let stopped = true;
  let failures = 0;
  let retryTimer: ReturnType<typeof setTimeout> | undefined;
  let settleFirst: (() => void) | undefined;
  let current: ChannelStatus = { channel: "discord", accountId, state: "stopped", since: Date.now() };

  function setStatus(next: Pick<ChannelStatus, "state" | "lastError">): void {
    if (current.state === next.state && current.lastError === next.lastError) return;
    const user = client?.user;
    current = { channel: "discord", accountId, state: next.state, since: Date.now() };
    if (user) Object.assign(current, { botId: user.id, botName: user.username });
    if (next.lastError !== undefined) current.lastError = next.lastError;
    ctx?.onStatus({ ...current });
    if (next.state !== "connecting") settleFirst?.();
  }

  function scheduleRelogin(): void {
    if (stopped || retryTimer) return;
    const delay = backoffDelay(failures++, { initialMs: RETRY_BASE_MS, maxMs: RETRY_MAX_MS });
    ctx?.log.debug("discord re-login scheduled", { accountId, delayMs: delay });
    retryTimer = setTimeout(() => {
      retryTimer = undefined;
      void connect();
    }, delay);
  }

  /** Drops the current client (its events are ignored from now on) and logs in again after a backoff. */
  function relogin(): void {
    const old = client;
    client = undefined;
    void old?.destroy().catch(() => undefined);
    scheduleRelogin();
  }

  function wire(c: Client, d: DiscordLib): void {
    const mine = (): boolean => client === c && !stopped;
    const connected = (): void => {
      if (!mine()) return;
      failures = 0;
      setStatus({ state: "connected" });
    };
    c.on(d.Events.ClientReady, connected);
    c.on(d.Events.ShardReady, connected);
    c.on(d.Events.ShardResume, connected);
    c.on(d.Events.ShardReconnecting, () => mine() && setStatus({ state: "disconnected", lastError: current.lastError ?? "gateway connection closed; reconnecting" }));
    c.on(d.Events.ShardError, (error) => mine() && setStatus({ state: "disconnected", lastError: describeError(error) }));
    c.on(d.Events.ShardDisconnect, (event) => {
      if (!mine()) return;
      setStatus({ state: "disconnected", lastError: describeCloseCode(event.code) });
      relogin();
    });
    c.on(d.Events.Error, (error) => ctx?.log.warn("discord client error", { accountId, error: describeError(error) }));
    c.on(d.Events.MessageCreate, (message) => {
      const botId = c.user?.id;
      if (!mine() || !botId) return;
      try {
        const inbound = normalizeMessage(message, botId, accountId);
        if (inbound) ctx?.onMessage(inbound);
      } catch (error) {
        ctx?.log.warn("discord message dropped", { accountId, messageId: message.id, error: describeError(error) });
      }
    });
  }

  async function connect(): Promise<void> {
    if (stopped || !lib) return;
    const d = lib;
    const c = new d.Client({
      intents: [d.GatewayIntentBits.Guilds, d.GatewayIntentBits.GuildMessages, d.GatewayIntentBits.DirectMessages, d.GatewayIntentBits.MessageContent],
      partials: [d.Partials.Channel],
      ...(restApi ? { rest: { api: restApi } } : {}),
    });
    client = c;
    wire(c, d);
    setStatus({ state: "connecting", lastError: current.lastError });
    try {
      await c.login(botToken);
    } catch (error) {
      if (client !== c || stopped) return;
      client = undefined;
      ctx?.log.warn("discord login failed", { accountId, error: describeError(error) });
      setStatus({ state: "disconnected", lastError: `login failed: ${describeError(error)}` });
      await c.destroy().catch(() => undefined);
      scheduleRelogin();
    }
  }

  function restClient(): { rest: REST; d: DiscordLib } {
    if (!rest || !lib) throw new Error(`discord account ${accountId} is not started`);
    return { rest, d: lib };
  }

  return {
    channel: "discord",
    accountId,
    textLimit: DISCORD_TEXT_LIMIT,

    async start(context: ChannelContext): Promise<void> {
      if (!stopped) return;
      ctx = context;
      stopped = false;
      failures = 0;
      lib ??= await import("discord.js");
      rest = new lib.REST(restApi ? { api: restApi } : {}).setToken(botToken);
      if (context.signal.aborted) return this.stop();
      context.signal.addEventListener("abort", () => void this.stop(), { once: true });
      const first = new Promise<void>((resolve) => (settleFirst = resolve));
      void connect();
      await first;
      settleFirst = undefined;
    },

    async stop(): Promise<void> {
      if (stopped) return;
      stopped = true;
      if (retryTimer) clearTimeout(retryTimer);
      retryTimer = undefined;
      const c = client;
      client = undefined;
      await c?.destroy().catch(() => undefined);
      setStatus({ state: "stopped" });
      settleFirst?.();
    },

    async send(target: OutboundTarget, message: OutboundMessage): Promise<{ messageId: string }> {
      const { rest: r, d } = restClient();
      const channelId = target.threadId ?? target.chatId;
      // Like every adapter, send takes Markdown and converts it to the channel's dialect itself.
      const content = [formatDiscord(message.text), ...(message.media ?? []).map((m) => m.url)].filter((s) => s.length > 0).join("\n");
      const body: Record<string, unknown> = { content, allowed_mentions: { parse: ["users", "roles"], replied_user: true } };
      if (target.replyToMessageId) {
        body.message_reference = { message_id: target.replyToMessageId, channel_id: channelId, fail_if_not_exists: false };
      }
      try {
        const created = (await r.post(d.Routes.channelMessages(channelId), { body })) as { id: string };
        return { messageId: created.id };
      } catch (error) {
        throw requestError("createMessage", error);
      }
    },

    async typing(target: OutboundTarget): Promise<void> {
      const { rest: r, d } = restClient();
      try {
        await r.post(d.Routes.channelTyping(target.threadId ?? target.chatId));
      } catch (error) {
        ctx?.log.debug("discord typing failed", { accountId, error: describeError(error) });
      }
    },

    format: formatDiscord,

    status(): ChannelStatus {
      return { ...current };
    },
  };
}
