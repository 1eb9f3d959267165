/**
 * @module `imsg rpc` `message` notifications → {@link InboundMessage}. The notification's params are
 * `{subscription?, message: ImsgMessage}`; the accepted message shape is {@link ImsgMessage} (the fields of
 * imsg's `Message` object this adapter reads; anything else is ignored).
 *
 * - Dropped: our own messages (`is_from_me`), messages without an id (`guid` or `id`), a chat (`chat_id` or
 *   `chat_guid`) or a `sender`, and messages with neither text nor attachments.
 * - chatId = `chat_id` as a string (imsg's preferred routing handle), else `chat_guid`; messageId = `guid`, else
 *   `id`; senderId = `sender` (phone or email); replyToMessageId = `reply_to_guid` (alias `reply_to`).
 * - A group is `is_group: true`, or — without `is_group` — a `;+;` chat guid or more than one participant;
 *   everything else is a dm.
 * - `created_at` is an ISO 8601 string or ms since the epoch; attachments become media (kind from `mime_type`,
 *   name from `transfer_name` / `filename`).
 * - iMessage has no mentions: in a group `mentionsBot` is true when the text names the bot
 *   (the word "mayros" or `botName`, see {@link mentionsBotName}).
 */
import type { InboundMessage } from "../../types.ts";
import { mediaKind, mentionsBotName, messageText } from "../common.ts";

/** An attachment of an imsg message (the fields read here). */
export interface ImsgAttachment {
  filename?: string | null;
  transfer_name?: string | null;
  mime_type?: string | null;
}

/** An imsg message, as carried by a `message` notification (the fields read here). */
export interface ImsgMessage {
  /** The message's row id in the Messages database. */
  id?: number | string;
  /** The message GUID (preferred id: replies reference it). */
  guid?: string | null;
  /** The chat's row id (routing handle for `send {chat_id}`). */
  chat_id?: number | string | null;
  /** The chat GUID, e.g. `iMessage;+;chat123` (group) or `iMessage;-;+1555…` (DM). */
  chat_guid?: string | null;
  /** The sender's handle: phone number or email. */
  sender?: string | null;
  text?: string | null;
  is_from_me?: boolean | null;
  is_group?: boolean | null;
  /** The chat's other members' handles. */
  participants?: string[] | null;
  /** GUID of the message this one replies to. */
  reply_to_guid?: string | null;
  /** Alias of `reply_to_guid`. */
  reply_to?: string | null;
  attachments?: ImsgAttachment[] | null;
  /** ISO 8601, or ms since the epoch. */
  created_at?: string | number | null;
}

function timestampOf(created: ImsgMessage["created_at"]): number {
  const at = typeof created === "number" ? created : typeof created === "string" ? Date.parse(created) : NaN;
  return Number.isFinite(at) ? at : Date.now();
}

const nonEmpty = (v: unknown): v is string | number => (typeof v === "string" && v.length > 0) || typeof v === "number";

/**
 * Normalizes the params of one `message` notification, or returns `undefined` when they do not carry someone
 * else's message.
 * @param opts.accountId Gateway account; `opts.botName` an extra name that counts as a mention in groups.
 */
export function normalizeImsgNotification(params: unknown, opts: { accountId: string; botName?: string }): InboundMessage | undefined {
  const m = (params as { message?: ImsgMessage } | null | undefined)?.message;
  if (!m || typeof m !== "object" || m.is_from_me) return undefined;
  const messageId = nonEmpty(m.guid) ? m.guid : nonEmpty(m.id) ? String(m.id) : undefined;
  const chatId = nonEmpty(m.chat_id) ? String(m.chat_id) : nonEmpty(m.chat_guid) ? m.chat_guid : undefined;
  if (!messageId || !chatId || !nonEmpty(m.sender)) return undefined;
  const media = (m.attachments ?? []).map((a) => {
    const name = a.transfer_name ?? a.filename;
    return { kind: mediaKind(a.mime_type), ...(a.mime_type ? { mimeType: a.mime_type } : {}), ...(name ? { name } : {}) };
  });
  const text = messageText(m.text);
  if (!text && media.length === 0) return undefined;
  const group = typeof m.is_group === "boolean" ? m.is_group : (m.chat_guid ?? "").includes(";+;") || (m.participants?.length ?? 0) > 1;
  const replyTo = m.reply_to_guid ?? m.reply_to;
  return {
    channel: "imessage",
    accountId: opts.accountId,
    chatId,
    chatType: group ? "group" : "dm",
    messageId,
    senderId: String(m.sender),
    text,
    mentionsBot: group && mentionsBotName(text, opts.botName),
    ...(replyTo ? { replyToMessageId: replyTo } : {}),
    ...(media.length > 0 ? { media } : {}),
    timestamp: timestampOf(m.created_at),
  };
}
