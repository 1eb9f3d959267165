/**
 * @module Telegram `Message` → {@link InboundMessage}: chat type, forum topic, mention detection,
 * sender, reply-to and media (as `tg-file:<file_id>` URLs). Only grammY *types* are used here.
 */
import type { Message, MessageEntity, UserFromGetMe } from "grammy/types";
import type { ChatType, InboundMessage } from "../types.ts";

/** Scheme of inbound media URLs: `tg-file:<file_id>` (resolve with the Bot API `getFile`). */
export const TELEGRAM_FILE_SCHEME = "tg-file:";

/** Forum topic id of the "General" topic, which is addressed without `message_thread_id`. */
export const GENERAL_TOPIC_ID = "1";

/** Identity of the bot, as answered by `getMe`. */
export type BotIdentity = Pick<UserFromGetMe, "id" | "username">;

function chatTypeOf(message: Message): ChatType {
  switch (message.chat.type) {
    case "private":
      return "dm";
    case "channel":
      return "channel";
    default:
      return "group";
  }
}

/** The forum topic of a message: its `message_thread_id`, or General ("1") in a forum without one. */
function threadIdOf(message: Message): string | undefined {
  if (!("is_forum" in message.chat) || message.chat.is_forum !== true) return undefined;
  if (message.message_thread_id !== undefined && message.is_topic_message === true) return String(message.message_thread_id);
  return GENERAL_TOPIC_ID;
}

/** The message this one really replies to (in forums every message "replies" to the topic root). */
function replyOf(message: Message): Message["reply_to_message"] {
  const reply = message.reply_to_message;
  if (!reply) return undefined;
  if (message.is_topic_message === true && reply.message_id === message.message_thread_id) return undefined;
  return reply;
}

/** Entities that address the bot: `@username`, a text mention of it, or `/command@username`. */
function botEntities(text: string, entities: MessageEntity[], bot: BotIdentity): MessageEntity[] {
  const handle = `@${bot.username}`.toLowerCase();
  return entities.filter((e) => {
    const part = text.slice(e.offset, e.offset + e.length).toLowerCase();
    if (e.type === "mention") return part === handle;
    if (e.type === "text_mention") return e.user.id === bot.id;
    if (e.type === "bot_command") return part.endsWith(handle);
    return false;
  });
}

function senderNameOf(message: Message): string | undefined {
  if (message.from) {
    const full = [message.from.first_name, message.from.last_name].filter(Boolean).join(" ");
    return full || message.from.username;
  }
  return message.sender_chat && "title" in message.sender_chat ? message.sender_chat.title : undefined;
}

function mediaOf(message: Message): InboundMessage["media"] {
  const media: NonNullable<InboundMessage["media"]> = [];
  const url = (fileId: string) => `${TELEGRAM_FILE_SCHEME}${fileId}`;
  if (message.photo && message.photo.length > 0) {
    const largest = message.photo.reduce((a, b) => ((b.width * b.height) > (a.width * a.height) ? b : a));
    media.push({ kind: "image", url: url(largest.file_id), mimeType: "image/jpeg" });
  }
  const doc = message.document;
  if (doc) {
    const kind = doc.mime_type?.startsWith("image/") ? "image" : "file";
    media.push({ kind, url: url(doc.file_id), mimeType: doc.mime_type, name: doc.file_name });
  }
  if (message.video) media.push({ kind: "video", url: url(message.video.file_id), mimeType: message.video.mime_type, name: message.video.file_name });
  if (message.audio) media.push({ kind: "audio", url: url(message.audio.file_id), mimeType: message.audio.mime_type, name: message.audio.file_name });
  if (message.voice) media.push({ kind: "audio", url: url(message.voice.file_id), mimeType: message.voice.mime_type });
  return media.length > 0 ? media : undefined;
}

/**
 * Normalizes one Telegram message. Returns `undefined` for messages the router must not see: the
 * bot's own messages and service messages without text or media. A DM always counts as addressed
 * to the bot (`mentionsBot: true`); in groups the bot's own `@mention` markup is stripped from `text`.
 */
export function normalizeMessage(message: Message, bot: BotIdentity, accountId: string): InboundMessage | undefined {
  if (message.from?.id === bot.id) return undefined;
  const rawText = message.text ?? message.caption ?? "";
  const entities = message.entities ?? message.caption_entities ?? [];
  const media = mediaOf(message);
  if (rawText === "" && !media) return undefined;

  const chatType = chatTypeOf(message);
  const reply = replyOf(message);
  const mentions = bot.username ? botEntities(rawText, entities, bot) : [];
  let text = rawText;
  for (const e of [...mentions].sort((a, b) => b.offset - a.offset)) {
    if (e.type !== "mention") continue;
    text = text.slice(0, e.offset) + text.slice(e.offset + e.length);
  }
  if (text !== rawText) text = text.replace(/[ \t]{2,}/g, " ").trim();

  const threadId = threadIdOf(message);
  const senderName = senderNameOf(message);
  return {
    channel: "telegram",
    accountId,
    chatId: String(message.chat.id),
    chatType,
    ...(threadId !== undefined ? { threadId } : {}),
    messageId: String(message.message_id),
    senderId: String(message.from?.id ?? message.sender_chat?.id ?? message.chat.id),
    ...(senderName !== undefined ? { senderName } : {}),
    text,
    mentionsBot: chatType === "dm" || mentions.length > 0 || reply?.from?.id === bot.id,
    ...(reply ? { replyToMessageId: String(reply.message_id) } : {}),
    ...(media ? { media } : {}),
    timestamp: message.date * 1000,
  };
}
