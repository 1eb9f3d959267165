/**
 * @module BlueBubbles webhook events → {@link InboundMessage}. Only `new-message` events count; our own
 * messages (`isFromMe`) and tapbacks / reactions (a non-empty, non-zero `associatedMessageType`) are dropped.
 * A chat with `style` 45 (or, without a style, a `;-;` guid) is a dm, `style` 43 (or a `;+;` guid) a group;
 * chatId is the chat guid, senderId the handle address (phone or email); `threadOriginatorGuid` →
 * replyToMessageId; attachments → media.
 *
 * iMessage has no mentions, so in a group `mentionsBot` is true when the text contains the configured
 * bot name or the word "mayros" (both whole words, case-insensitive; {@link mentionsBotName}).
 */
import type { InboundMessage } from "../types.ts";
import { mediaKind, mentionsBotName, messageText } from "./common.ts";

/** BlueBubbles chat styles. */
export const CHAT_STYLE = { group: 43, dm: 45 } as const;

/** The fields of a BlueBubbles attachment this adapter reads. */
export interface BlueBubblesAttachment {
  guid?: string;
  mimeType?: string | null;
  transferName?: string | null;
}

/** The fields of a BlueBubbles message (a webhook event's `data`) this adapter reads. */
export interface BlueBubblesMessage {
  guid?: string;
  text?: string | null;
  isFromMe?: boolean;
  dateCreated?: number;
  handle?: { address?: string } | null;
  chats?: Array<{ guid?: string; style?: number; displayName?: string | null }>;
  associatedMessageType?: string | number | null;
  threadOriginatorGuid?: string | null;
  attachments?: BlueBubblesAttachment[];
}

/** A webhook event: `{type, data}`. */
export interface BlueBubblesEvent {
  type?: string;
  data?: BlueBubblesMessage;
}

/**
 * Normalizes one webhook event, or returns `undefined` when it is not someone else's new message.
 * @param opts.accountId Gateway account; `opts.botName` an extra name that counts as a mention in groups.
 */
export function normalizeBlueBubblesEvent(event: BlueBubblesEvent, opts: { accountId: string; botName?: string }): InboundMessage | undefined {
  const data = event.data;
  if (event.type !== "new-message" || !data || data.isFromMe) return undefined;
  const tapback = data.associatedMessageType;
  if (tapback !== undefined && tapback !== null && tapback !== 0 && tapback !== "" && tapback !== "0") return undefined;
  const chat = data.chats?.[0];
  const sender = data.handle?.address;
  if (!data.guid || !chat?.guid || !sender) return undefined;
  const media = (data.attachments ?? []).map((a) => ({
    kind: mediaKind(a.mimeType),
    ...(a.mimeType ? { mimeType: a.mimeType } : {}),
    ...(a.transferName ? { name: a.transferName } : a.guid ? { name: a.guid } : {}),
  }));
  const text = messageText(data.text);
  if (!text && media.length === 0) return undefined;
  const group = chat.style !== undefined ? chat.style === CHAT_STYLE.group : chat.guid.includes(";+;");
  return {
    channel: "imessage",
    accountId: opts.accountId,
    chatId: chat.guid,
    chatType: group ? "group" : "dm",
    messageId: data.guid,
    senderId: sender,
    text,
    mentionsBot: group && mentionsBotName(text, opts.botName),
    ...(data.threadOriginatorGuid ? { replyToMessageId: data.threadOriginatorGuid } : {}),
    ...(media.length > 0 ? { media } : {}),
    timestamp: data.dateCreated ?? Date.now(),
  };
}
