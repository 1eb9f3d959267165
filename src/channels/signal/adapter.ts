/**
 * @module The Signal channel adapter over a `signal-cli` daemon in HTTP mode: inbound from the
 * `/api/v1/events` SSE stream (reconnecting with backoff while started), outbound through JSON-RPC
 * `send` (Markdown stripped to plain text, replies as quotes), optionally spawning the daemon (`autoStart`).
 */
import { chunkText, type ChannelAdapter, type ChannelContext, type OutboundMessage, type OutboundTarget } from "../types.ts";
import { createConnectionLoop } from "../connection-loop.ts";
import { spawnSignalDaemon, type SignalDaemon } from "./daemon.ts";
import { openSignalEvents, type SignalEventStream } from "./events.ts";
import { normalizeSignalEvent, type SignalEnvelope } from "./normalize.ts";
import { markdownToPlain } from "../plain.ts";
import { createSignalRpc } from "./rpc.ts";

/** Signal has no length limit; this keeps one message readable. */
export const SIGNAL_TEXT_LIMIT = 2000;
/** How many inbound messages' authors are remembered for quoting replies. */
const QUOTE_MEMORY = 500;

/** Options of {@link createSignalAdapter}. */
export interface SignalAdapterOptions {
  /** Gateway account id. Default: `"default"`. */
  accountId?: string;
  /** Base URL of the daemon's HTTP interface, e.g. `http://127.0.0.1:8080`. Required. */
  url: string;
  /** The bot's number (E.164). Required. */
  account: string;
  /** Spawn `signal-cli … daemon --http` when the binary is on PATH. Default: false. */
  autoStart?: boolean;
  /** Reconnect delays: doubling from `initialMs` (default 1000) up to `maxMs` (default 10 000), ±20 % jitter. */
  backoff?: { initialMs?: number; maxMs?: number };
}

/** A Signal account. */
export type SignalAdapter = ChannelAdapter;

/** Whether a chat id is a person (`+E.164`, `uuid:<id>` or a bare UUID) rather than a group id. */
function recipientOf(chatId: string): string | undefined {
  if (chatId.startsWith("+")) return chatId;
  if (chatId.startsWith("uuid:")) return chatId.slice("uuid:".length);
  if (/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(chatId)) return chatId;
  return undefined;
}

/**
 * Creates the adapter for one Signal account. Does no I/O until `start()`.
 * @throws {Error} naming the missing option (`url`, `account`).
 */
export function createSignalAdapter({ accountId = "default", url, account, autoStart = false, backoff }: SignalAdapterOptions): SignalAdapter {
  if (!url) throw new Error(`channels.signal.url: required (account ${accountId})`);
  if (!account) throw new Error(`channels.signal.account: required (account ${accountId})`);
  const baseUrl = url.replace(/\/+$/, "");
  const rpc = createSignalRpc(baseUrl, account);
  const authors = new Map<string, string>();
  let stream: SignalEventStream | undefined;
  let daemon: SignalDaemon | undefined;

  const loop = createConnectionLoop({
    channel: "signal", accountId, identity: { botId: account }, backoff, warning: "signal events unavailable",
    async connect(attempt) {
      try {
        const opened = await openSignalEvents(baseUrl, account, {
          onEvent: (payload) => {
            if (attempt.current) deliver(payload);
          },
          onEnd: (reason) => attempt.lost(reason),
        });
        if (!attempt.current) return opened.close();
        stream = opened;
      } catch (err) {
        const raw = err instanceof Error ? err.message : String(err);
        throw new Error(raw.startsWith("signal events:") ? raw : `signal events: ${raw}`);
      }
    },
    release() {
      stream?.close();
      stream = undefined;
    },
  });

  function deliver(payload: Record<string, unknown>): void {
    const ctx = loop.context();
    const message = normalizeSignalEvent(payload as { envelope?: SignalEnvelope; account?: string }, { accountId, account });
    if (!ctx || !message) return;
    authors.set(message.messageId, message.senderId);
    if (authors.size > QUOTE_MEMORY) authors.delete(authors.keys().next().value as string);
    ctx.onMessage(message);
  }

  const format = (markdown: string) => markdownToPlain(markdown);

  const adapter: SignalAdapter = {
    channel: "signal",
    accountId,
    textLimit: SIGNAL_TEXT_LIMIT,
    async start(context: ChannelContext): Promise<void> {
      await adapter.stop();
      if (context.signal.aborted) return;
      if (autoStart) daemon = spawnSignalDaemon(baseUrl, account, context.log);
      await loop.start(context);
    },
    async stop(): Promise<void> {
      await loop.stop();
      daemon?.stop();
      daemon = undefined;
    },
    async send(target: OutboundTarget, message: OutboundMessage): Promise<{ messageId: string }> {
      const recipient = recipientOf(target.chatId);
      const to = recipient ? { recipient: [recipient] } : { groupId: target.chatId.replace(/^group:/, "") };
      const links = (message.media ?? []).map((m) => (m.name ? `${m.name}: ${m.url}` : m.url));
      const pieces = chunkText(format(message.text), SIGNAL_TEXT_LIMIT);
      if (links.length > 0) pieces.push(links.join("\n"));
      const ids: string[] = [];
      for (const text of pieces) {
        if (!text) continue;
        const quoteAuthor = ids.length === 0 && target.replyToMessageId !== undefined ? authors.get(target.replyToMessageId) : undefined;
        const quote = quoteAuthor !== undefined ? { quoteTimestamp: Number(target.replyToMessageId), quoteAuthor: quoteAuthor.replace(/^uuid:/, "") } : {};
        const result = await rpc.call<{ timestamp?: number } | undefined>("send", { ...to, message: text, ...quote });
        ids.push(result?.timestamp !== undefined ? String(result.timestamp) : "");
      }
      return { messageId: ids[0] ?? "" };
    },
    async typing(target: OutboundTarget): Promise<void> {
      const recipient = recipientOf(target.chatId);
      await rpc.call("sendTyping", recipient ? { recipient: [recipient] } : { groupId: target.chatId }).catch(() => {});
    },
    format,
    status: () => loop.status(),
  };
  return adapter;
}
