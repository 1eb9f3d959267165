/**
 * @module signal-cli `{envelope, account}` events → {@link InboundMessage}: a `dataMessage` with
 * `groupInfo.groupId` → group (chatId = groupId), otherwise dm (chatId = the sender's number);
 * a mention of our number → mentionsBot; `quote.id` → replyToMessageId; attachments → media.
 * Our own messages (syncMessage, or sent from our number), receipts, typing and stories are dropped.
 */
import type { InboundMessage } from "../types.ts";

/** The fields of a signal-cli attachment this adapter reads. */
export interface SignalAttachment {
  id?: string;
  contentType?: string;
  filename?: string;
  size?: number;
}

/** The fields of a signal-cli envelope this adapter reads. */
export interface SignalEnvelope {
  source?: string;
  sourceNumber?: string | null;
  sourceUuid?: string;
  sourceName?: string;
  timestamp?: number;
  dataMessage?: {
    timestamp?: number;
    message?: string | null;
    groupInfo?: { groupId?: string };
    quote?: { id?: number; author?: string; authorNumber?: string };
    mentions?: Array<{ number?: string | null; uuid?: string; name?: string }>;
    attachments?: SignalAttachment[];
  };
  syncMessage?: unknown;
  storyMessage?: unknown;
}

/** The sender id of an envelope: its number, else `uuid:<id>`. */
export function senderOf(envelope: SignalEnvelope): string | undefined {
  const number = envelope.sourceNumber ?? (envelope.source?.startsWith("+") ? envelope.source : undefined);
  if (number) return number;
  const uuid = envelope.sourceUuid ?? envelope.source;
  return uuid ? `uuid:${uuid}` : undefined;
}

function mediaKind(mime: string | undefined): "image" | "audio" | "video" | "file" {
  const top = mime?.split("/")[0];
  return top === "image" || top === "audio" || top === "video" ? top : "file";
}

/**
 * Normalizes one event, or returns `undefined` when it is not someone else's new message.
 * @param payload The parsed SSE `data` (`{envelope, account}`).
 * @param opts.accountId Gateway account of this bot; `opts.account` our number (loop guard, mentions).
 */
export function normalizeSignalEvent(payload: { envelope?: SignalEnvelope; account?: string }, opts: { accountId: string; account: string }): InboundMessage | undefined {
  const envelope = payload.envelope;
  const data = envelope?.dataMessage;
  if (!envelope || !data || envelope.syncMessage || envelope.storyMessage) return undefined;
  const sender = senderOf(envelope);
  if (!sender || sender === opts.account) return undefined;
  const timestamp = data.timestamp ?? envelope.timestamp;
  if (timestamp === undefined) return undefined;
  const media = (data.attachments ?? []).map((a) => ({
    kind: mediaKind(a.contentType),
    ...(a.contentType ? { mimeType: a.contentType } : {}),
    ...(a.filename ? { name: a.filename } : a.id ? { name: a.id } : {}),
  }));
  // Mentions arrive as U+FFFC placeholders in the text.
  const text = (data.message ?? "").replace(/\uFFFC/g, "").replace(/[ \t]{2,}/g, " ").trim();
  if (!text && media.length === 0) return undefined;
  const groupId = data.groupInfo?.groupId;
  const mentionsBot = (data.mentions ?? []).some((m) => m.number === opts.account);
  return {
    channel: "signal",
    accountId: opts.accountId,
    chatId: groupId ?? sender,
    chatType: groupId ? "group" : "dm",
    messageId: String(timestamp),
    senderId: sender,
    ...(envelope.sourceName ? { senderName: envelope.sourceName } : {}),
    text,
    mentionsBot,
    ...(data.quote?.id !== undefined ? { replyToMessageId: String(data.quote.id) } : {}),
    ...(media.length > 0 ? { media } : {}),
    timestamp: envelope.timestamp ?? timestamp,
  };
}
