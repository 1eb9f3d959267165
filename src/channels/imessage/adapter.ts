/**
 * @module The iMessage channel adapter over a BlueBubbles server: inbound from BlueBubbles' webhook
 * (`webhookHandler`, mounted by the gateway at `POST /channels/imessage/webhook`), outbound through
 * `POST /api/v1/message/text` (Markdown stripped to plain text, replies via `selectedMessageGuid`).
 * `start()` pings the server: connected once it answers, otherwise disconnected (with `lastError`) and
 * retried with backoff until it does.
 */
import { randomUUID } from "node:crypto";
import { markdownToPlain } from "../plain.ts";
import { chunkText, type ChannelAdapter, type ChannelContext, type ChannelStatus, type OutboundMessage, type OutboundTarget } from "../types.ts";
import { backoffDelay } from "../backoff.ts";
import { normalizeBlueBubblesEvent } from "./normalize.ts";
import { createBlueBubblesRest, type BlueBubblesSendMethod } from "./rest.ts";
import { createWebhookHandler } from "./webhook.ts";

/** iMessage has no hard limit; this keeps one bubble readable. */
export const IMESSAGE_TEXT_LIMIT = 2000;
/** How many inbound message guids are remembered to drop webhook redeliveries. */
const SEEN_MEMORY = 500;

/** Options of {@link createIMessageAdapter}. */
export interface IMessageAdapterOptions {
  /** Gateway account id. Default: `"default"`. */
  accountId?: string;
  /** Base URL of the BlueBubbles server, e.g. `http://127.0.0.1:1234`. Required. */
  serverUrl: string;
  /** The BlueBubbles server password. Required. */
  password: string;
  /** Also accepted on the webhook as the `x-mayros-token` header. */
  webhookSecret?: string;
  /** A name that counts as a mention in groups (besides "mayros"). */
  botName?: string;
  /** Send method. Default: `"private-api"` (replies need it; with `"apple-script"` replies are sent unthreaded). */
  method?: BlueBubblesSendMethod;
  /** Ping retry delays: doubling from `initialMs` (default 1000) up to `maxMs` (default 10 000), ±20 % jitter. */
  backoff?: { initialMs?: number; maxMs?: number };
}

/** An iMessage account, with the webhook entry point the gateway mounts. */
export type IMessageAdapter = ChannelAdapter & { webhookHandler(req: Request): Promise<Response> };

/**
 * Creates the adapter for one BlueBubbles server. Does no I/O until `start()`.
 * @throws {Error} naming the missing option (`serverUrl`, `password`).
 */
export function createIMessageAdapter(options: IMessageAdapterOptions): IMessageAdapter {
  const { accountId = "default", serverUrl, password, webhookSecret, botName, method = "private-api", backoff = {} } = options;
  if (!serverUrl) throw new Error(`channels.imessage.serverUrl: required (account ${accountId})`);
  if (!password) throw new Error(`channels.imessage.password: required (account ${accountId})`);
  const rest = createBlueBubblesRest(serverUrl.replace(/\/+$/, ""), password);
  const initialMs = backoff.initialMs ?? 1000;
  const maxMs = backoff.maxMs ?? 10_000;
  const seen = new Set<string>();

  let ctx: ChannelContext | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let generation = 0;
  let failures = 0;
  let current: ChannelStatus = { channel: "imessage", accountId, state: "stopped", since: Date.now() };

  function setStatus(state: ChannelStatus["state"], lastError?: string): void {
    current = { channel: "imessage", accountId, state, ...(botName ? { botName } : {}), ...(lastError ? { lastError } : {}), since: Date.now() };
    ctx?.onStatus(current);
  }

  async function attempt(gen: number): Promise<void> {
    setStatus("connecting");
    try {
      await rest.ping();
      if (gen !== generation) return;
      failures = 0;
      setStatus("connected");
    } catch (err) {
      if (gen !== generation) return;
      const raw = err instanceof Error ? err.message : String(err);
      const msg = raw.startsWith("bluebubbles") ? raw : `bluebubbles ping: ${raw}`;
      ctx?.log.warn("bluebubbles unreachable", { accountId, error: msg });
      setStatus("disconnected", msg);
      const delay = backoffDelay(failures, { initialMs, maxMs });
      failures += 1;
      clearTimeout(timer);
      timer = setTimeout(() => {
        timer = undefined;
        if (gen === generation) void attempt(gen);
      }, delay);
    }
  }

  const webhookHandler = createWebhookHandler({
    password,
    ...(webhookSecret ? { webhookSecret } : {}),
    onEvent(event) {
      const message = normalizeBlueBubblesEvent(event, { accountId, ...(botName ? { botName } : {}) });
      if (!ctx || current.state === "stopped" || !message || seen.has(message.messageId)) return;
      seen.add(message.messageId);
      if (seen.size > SEEN_MEMORY) seen.delete(seen.values().next().value as string);
      ctx.onMessage(message);
    },
  });

  const format = (markdown: string) => markdownToPlain(markdown);

  const adapter: IMessageAdapter = {
    channel: "imessage",
    accountId,
    textLimit: IMESSAGE_TEXT_LIMIT,
    webhookHandler,
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
      if (current.state === "stopped" && !timer) return;
      generation += 1;
      clearTimeout(timer);
      timer = undefined;
      setStatus("stopped");
    },
    async send(target: OutboundTarget, message: OutboundMessage): Promise<{ messageId: string }> {
      const links = (message.media ?? []).map((m) => (m.name ? `${m.name}: ${m.url}` : m.url));
      const pieces = chunkText(format(message.text), IMESSAGE_TEXT_LIMIT);
      if (links.length > 0) pieces.push(links.join("\n"));
      const ids: string[] = [];
      for (const text of pieces) {
        if (!text) continue;
        const reply = ids.length === 0 && target.replyToMessageId && method === "private-api" ? { selectedMessageGuid: target.replyToMessageId } : {};
        const sent = await rest.sendText({ chatGuid: target.chatId, message: text, tempGuid: `temp-${randomUUID()}`, method, ...reply });
        ids.push(sent.guid);
      }
      return { messageId: ids[0] ?? "" };
    },
    format,
    status: () => current,
  };
  return adapter;
}
