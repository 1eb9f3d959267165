/**
 * @module Slack `message` / `app_mention` events → {@link InboundMessage}: `im` → dm, channels,
 * private channels and MPIMs → group, `thread_ts` → threadId, `<@BOT>` → mentionsBot (and stripped
 * from the text). Bot messages, the bot's own messages and edit/delete subtypes are dropped.
 */
import type { ChatType, InboundMessage } from "../types.ts";

/** The fields of a Slack message event this adapter reads (Events API `event`). */
export interface SlackMessageEvent {
  type: string;
  subtype?: string;
  channel?: string;
  channel_type?: string;
  user?: string;
  bot_id?: string;
  text?: string;
  ts?: string;
  thread_ts?: string;
  event_ts?: string;
  user_profile?: { display_name?: string; real_name?: string; name?: string };
  files?: Array<{ name?: string; mimetype?: string; url_private?: string }>;
}

/** Subtypes that still carry a user's new message. */
const USER_SUBTYPES = new Set(["file_share", "thread_broadcast"]);

/** Maps Slack's `channel_type` (or, for `app_mention`, the channel id prefix) to a chat type. */
function chatTypeOf(event: SlackMessageEvent): ChatType {
  const kind = event.channel_type ?? (event.channel?.startsWith("D") ? "im" : "channel");
  return kind === "im" ? "dm" : "group";
}

/** Maps a Slack mimetype to the media kind of {@link InboundMessage}. */
function mediaKind(mime: string | undefined): "image" | "audio" | "video" | "file" {
  const top = mime?.split("/")[0];
  return top === "image" || top === "audio" || top === "video" ? top : "file";
}

/**
 * Normalizes one Slack event, or returns `undefined` when it is not a user's new message
 * (other event types, bot messages, our own messages, `message_changed`/`message_deleted`/…).
 * @param event The Events API `event` object.
 * @param opts.accountId Gateway account of this bot.
 * @param opts.botUserId The bot's user id from `auth.test`, for mention detection and echo filtering.
 */
export function normalizeSlackEvent(
  event: SlackMessageEvent,
  opts: { accountId: string; botUserId?: string },
): InboundMessage | undefined {
  if (event.type !== "message" && event.type !== "app_mention") return undefined;
  if (event.subtype && !USER_SUBTYPES.has(event.subtype)) return undefined;
  if (event.bot_id || !event.user || !event.channel || !event.ts) return undefined;
  if (opts.botUserId && event.user === opts.botUserId) return undefined;
  const raw = event.text ?? "";
  const mention = opts.botUserId ? new RegExp(`<@${opts.botUserId}(?:\\|[^>]*)?>`, "g") : undefined;
  const mentionsBot = mention ? mention.test(raw) : false;
  const text = mention ? raw.replace(mention, "").replace(/\s{2,}/g, " ").trim() : raw;
  const profile = event.user_profile;
  const senderName = profile?.display_name || profile?.real_name || profile?.name || undefined;
  const media = (event.files ?? []).map((f) => ({
    kind: mediaKind(f.mimetype),
    ...(f.url_private ? { url: f.url_private } : {}),
    ...(f.mimetype ? { mimeType: f.mimetype } : {}),
    ...(f.name ? { name: f.name } : {}),
  }));
  return {
    channel: "slack",
    accountId: opts.accountId,
    chatId: event.channel,
    chatType: chatTypeOf(event),
    ...(event.thread_ts ? { threadId: event.thread_ts } : {}),
    messageId: event.ts,
    senderId: event.user,
    ...(senderName ? { senderName } : {}),
    text,
    mentionsBot,
    ...(media.length > 0 ? { media } : {}),
    timestamp: Math.round(Number.parseFloat(event.ts) * 1000),
  };
}
