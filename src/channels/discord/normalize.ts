/**
 * @module discord.js `Message` → `InboundMessage`: DMs → `dm`, guild text channels → `group`
 * (chatId = channel id), threads → `thread` (chatId = parent channel, threadId = thread id);
 * `mentionsBot` when the bot is `<@id>`-mentioned or the message replies to the bot.
 */
import type { Message } from "discord.js";
import type { ChatType, InboundMessage } from "../types.ts";

type Media = NonNullable<InboundMessage["media"]>[number];

/** `ChannelType.GroupDM` (a const here so discord.js stays a lazy import). */
const GROUP_DM = 3;

/** Removes `<@botId>` / `<@!botId>` mentions of the bot from the text. */
export function stripBotMention(text: string, botId: string): string {
  return text.replace(new RegExp(`<@!?${botId}>`, "g"), " ").replace(/[ \t]{2,}/g, " ").trim();
}

function mediaKind(contentType: string | null): Media["kind"] {
  if (contentType?.startsWith("image/")) return "image";
  if (contentType?.startsWith("audio/")) return "audio";
  if (contentType?.startsWith("video/")) return "video";
  return "file";
}

/** Where a message was posted, in normalized terms. */
export function locate(message: Message): { chatType: ChatType; chatId: string; threadId?: string } {
  const channel = message.channel;
  if (!message.inGuild()) {
    // Group DMs are "group" (the access layer ignores them by default); 1:1 DMs are "dm".
    return { chatType: channel.type === GROUP_DM ? "group" : "dm", chatId: message.channelId };
  }
  if (channel.isThread()) return { chatType: "thread", chatId: channel.parentId ?? message.channelId, threadId: channel.id };
  return { chatType: "group", chatId: message.channelId };
}

/**
 * Normalizes a discord.js message; returns `undefined` for the bot's own messages.
 * @param message The received message.
 * @param botId The bot's user id (`client.user.id`).
 * @param accountId This adapter's account id.
 */
export function normalizeMessage(message: Message, botId: string, accountId: string): InboundMessage | undefined {
  if (message.author.id === botId) return undefined;
  const where = locate(message);
  const mentioned = message.mentions.users.has(botId) || new RegExp(`<@!?${botId}>`).test(message.content);
  const repliedToBot = message.mentions.repliedUser?.id === botId;
  const media: Media[] = [...message.attachments.values()].map((a) => ({
    kind: mediaKind(a.contentType),
    url: a.url,
    ...(a.contentType ? { mimeType: a.contentType } : {}),
    name: a.name,
  }));
  const inbound: InboundMessage = {
    channel: "discord",
    accountId,
    chatId: where.chatId,
    chatType: where.chatType,
    messageId: message.id,
    senderId: message.author.id,
    senderName: message.member?.displayName ?? message.author.globalName ?? message.author.username,
    text: stripBotMention(message.content, botId),
    mentionsBot: mentioned || repliedToBot,
    timestamp: message.createdTimestamp,
  };
  if (where.threadId) inbound.threadId = where.threadId;
  if (message.reference?.messageId) inbound.replyToMessageId = message.reference.messageId;
  if (media.length > 0) inbound.media = media;
  return inbound;
}
