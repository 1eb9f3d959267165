/**
 * @module The iMessage channel adapter over a BlueBubbles server: inbound from BlueBubbles' webhook
 * (`webhookHandler`, mounted by the gateway at `POST /channels/imessage/webhook`), outbound through
 * `POST /api/v1/message/text` (Markdown stripped to plain text, replies via `selectedMessageGuid`).
 * `start()` pings the server: connected once it answers, otherwise disconnected (with `lastError`) and
 * retried with backoff until it does.
 */
import { randomUUID } from "node:crypto";
import { markdownToPlain } from "../plain.ts";
import type { ChannelAdapter, OutboundMessage, OutboundTarget } from "../types.ts";
import { createConnectionLoop } from "../connection-loop.ts";
import { IMESSAGE_TEXT_LIMIT, plainPieces } from "./common.ts";
import { normalizeBlueBubblesEvent } from "./normalize.ts";
import { createBlueBubblesRest, type BlueBubblesSendMethod } from "./rest.ts";
import { createWebhookHandler } from "./webhook.ts";

/** How many inbound message guids are remembered to drop webhook redeliveries. */
const SEEN_MEMORY = 500;

/** Options of {@link createBlueBubblesAdapter}. */
export interface BlueBubblesAdapterOptions {
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

/** An iMessage account on BlueBubbles, with the webhook entry point the gateway mounts. */
export type BlueBubblesAdapter = ChannelAdapter & { webhookHandler(req: Request): Promise<Response> };

/**
 * Creates the adapter for one BlueBubbles server. Does no I/O until `start()`.
 * @throws {Error} naming the missing option (`serverUrl`, `password`).
 */
export function createBlueBubblesAdapter(options: BlueBubblesAdapterOptions): BlueBubblesAdapter {
  const { accountId = "default", serverUrl, password, webhookSecret, botName, method = "private-api", backoff = {} } = options;
  if (!serverUrl) throw new Error(`channels.imessage.serverUrl: required (account ${accountId})`);
  if (!password) throw new Error(`channels.imessage.password: required (account ${accountId})`);
  const rest = createBlueBubblesRest(serverUrl.replace(/\/+$/, ""), password);
  const seen = new Set<string>();
  const loop = createConnectionLoop({
    channel: "imessage", accountId, identity: botName ? { botName } : {}, backoff, warning: "bluebubbles unreachable",
    async connect() {
      try {
        await rest.ping();
      } catch (err) {
        const raw = err instanceof Error ? err.message : String(err);
        throw new Error(raw.startsWith("bluebubbles") ? raw : `bluebubbles ping: ${raw}`);
      }
    },
  });

  const webhookHandler = createWebhookHandler({
    password,
    ...(webhookSecret ? { webhookSecret } : {}),
    onEvent(event) {
      const message = normalizeBlueBubblesEvent(event, { accountId, ...(botName ? { botName } : {}) });
      const ctx = loop.context();
      if (!ctx || loop.status().state === "stopped" || !message || seen.has(message.messageId)) return;
      seen.add(message.messageId);
      if (seen.size > SEEN_MEMORY) seen.delete(seen.values().next().value as string);
      ctx.onMessage(message);
    },
  });

  const adapter: BlueBubblesAdapter = {
    channel: "imessage",
    accountId,
    textLimit: IMESSAGE_TEXT_LIMIT,
    webhookHandler,
    start: loop.start,
    stop: loop.stop,
    async send(target: OutboundTarget, message: OutboundMessage): Promise<{ messageId: string }> {
      const ids: string[] = [];
      for (const text of plainPieces(message)) {
        const reply = ids.length === 0 && target.replyToMessageId && method === "private-api" ? { selectedMessageGuid: target.replyToMessageId } : {};
        const sent = await rest.sendText({ chatGuid: target.chatId, message: text, tempGuid: `temp-${randomUUID()}`, method, ...reply });
        ids.push(sent.guid);
      }
      return { messageId: ids[0] ?? "" };
    },
    format: markdownToPlain,
    status: loop.status,
  };
  return adapter;
}
