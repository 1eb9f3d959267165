/**
 * @module The channel adapter contract: what every messaging surface (Telegram, Discord, Slack, …)
 * implements, and the normalized inbound and outbound messages the router works with.
 * Channel libraries stay inside their adapter folder and are imported lazily in `start()`.
 */
import type { ChannelAuthStore } from "./auth-store.ts";

/** Kinds of chat a message can come from. */
export type ChatType = "dm" | "group" | "channel" | "thread";

/** A message received on a channel, normalized. */
export interface InboundMessage {
  /** Channel id: `telegram`, `discord`, `slack`, … */
  channel: string;
  /** Account of this gateway on that channel (several bots per channel). @default "default" */
  accountId: string;
  /** Chat (conversation) id on the channel. */
  chatId: string;
  chatType: ChatType;
  /** Thread/topic inside the chat, when the channel has them (Telegram topic, Slack thread_ts, Discord thread). */
  threadId?: string;
  /** The channel's id of this message (for replies). */
  messageId: string;
  senderId: string;
  senderName?: string;
  text: string;
  /** Whether the bot was mentioned (or replied to) in a group message. */
  mentionsBot: boolean;
  /** The message this one replies to. */
  replyToMessageId?: string;
  media?: Array<{ kind: "image" | "audio" | "video" | "file"; url?: string; mimeType?: string; name?: string }>;
  /** ms since the epoch. */
  timestamp: number;
}

/** Where a reply or a `send` goes. */
export interface OutboundTarget {
  accountId: string;
  chatId: string;
  threadId?: string;
  /** Reply to this message (when the channel supports reply threading). */
  replyToMessageId?: string;
}

/** A message to send. `text` is Markdown, already chunked to `textLimit`; the adapter converts it to its dialect in `send`. */
export interface OutboundMessage {
  text: string;
  media?: Array<{ kind: "image" | "file"; url: string; name?: string }>;
}

/** A channel connection's state, for `channels.status`. */
export interface ChannelStatus {
  channel: string;
  accountId: string;
  state: "connecting" | "connected" | "disconnected" | "stopped" | "error";
  /** The bot's identity on the channel once connected. */
  botId?: string;
  botName?: string;
  lastError?: string;
  /** Channels with a linked device (WhatsApp): whether its credentials are stored. Absent on the other channels. */
  linked?: boolean;
  /** When the last (re)connect attempt started or succeeded. */
  since: number;
}

/** What an adapter receives from the gateway. */
export interface ChannelContext {
  /** Called for every inbound message (after the adapter dropped the bot's own messages). */
  onMessage(message: InboundMessage): void;
  /** Called whenever the connection state changes. */
  onStatus(status: ChannelStatus): void;
  /** Aborted when the gateway stops the channel. */
  signal: AbortSignal;
  log: { debug(msg: string, f?: Record<string, unknown>): void; info(msg: string, f?: Record<string, unknown>): void; warn(msg: string, f?: Record<string, unknown>): void };
  /** This account's login state in the gateway database (channels with a login: WhatsApp). */
  auth?: ChannelAuthStore;
  /** Folder for downloaded inbound media (`<state>/media/<channel>`); absent: media is not downloaded. */
  mediaDir?: string;
}

/** What a QR login step reports (`web.login.start` / `web.login.wait`). */
export interface LoginStep {
  message: string;
  /** The QR text to render (scan it in the app); absent once linked or when the attempt ended. */
  qr?: string;
  connected?: boolean;
}

/** One channel account. Constructors do no I/O; `start` connects (and keeps reconnecting with backoff). */
export interface ChannelAdapter {
  readonly channel: string;
  readonly accountId: string;
  /** Largest text of one outgoing message; longer replies are chunked. */
  readonly textLimit: number;
  /** Connects and begins delivering inbound messages; resolves once the first attempt settled (connected or failed). */
  start(ctx: ChannelContext): Promise<void>;
  /** Disconnects; idempotent. */
  stop(): Promise<void>;
  /** Sends one message (Markdown, already chunked to `textLimit`; formatted here, never by the caller); returns the channel's message id. */
  send(target: OutboundTarget, message: OutboundMessage): Promise<{ messageId: string }>;
  /** Shows "typing…" where the channel has it (best effort). */
  typing?(target: OutboundTarget): Promise<void>;
  /** Converts Markdown to the channel's dialect (Telegram MarkdownV2/HTML, Slack mrkdwn, Discord markdown). */
  format(markdown: string): string;
  /** Current state. */
  status(): ChannelStatus;
  /** Unlinks and forgets stored credentials/sessions where the channel has a login (`channels.logout`); called while running. */
  logout?(): Promise<void>;
  /** Starts a QR login (WhatsApp): resolves with the first QR, or `connected` when already linked and not `force`. */
  loginStart?(options: { force?: boolean; timeoutMs?: number }): Promise<LoginStep>;
  /** Waits for the login to finish (`connected: true`), a QR other than `currentQr`, the attempt ending, or the timeout. */
  loginWait?(options: { timeoutMs?: number; currentQr?: string }): Promise<LoginStep & { connected: boolean }>;
}

/**
 * Splits text into chunks of at most `limit` characters, preferring paragraph, then line, then word
 * boundaries; never splits inside a surrogate pair.
 */
export function chunkText(text: string, limit: number): string[] {
  if (limit <= 0) throw new Error("chunk limit must be positive");
  const chunks: string[] = [];
  let rest = text;
  while (rest.length > limit) {
    const window = rest.slice(0, limit);
    let cut = Math.max(window.lastIndexOf("\n\n"), -1);
    if (cut < limit / 2) cut = window.lastIndexOf("\n");
    if (cut < limit / 2) cut = window.lastIndexOf(" ");
    if (cut < limit / 2) cut = limit;
    // Keep a surrogate pair together.
    const code = rest.charCodeAt(cut - 1);
    if (code >= 0xd800 && code <= 0xdbff) cut -= 1;
    chunks.push(rest.slice(0, cut).trimEnd());
    rest = rest.slice(cut).replace(/^\s+/, "");
  }
  if (rest.length > 0 || chunks.length === 0) chunks.push(rest);
  return chunks.filter((c, i) => c.length > 0 || i === 0);
}
