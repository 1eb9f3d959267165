/**
 * @module Baileys `messages.upsert` messages → {@link InboundMessage}: DMs keyed by the peer's JID, groups
 * (`@g.us`) by the group JID; the sender as E.164 when WhatsApp tells the number (else its `@lid` id);
 * `contextInfo.mentionedJid` naming us (or a reply to our message) → mentionsBot, our `@<number>` token
 * removed from the text; `stanzaId` → replyToMessageId; image/video/audio/document/sticker → media.
 * Our own messages, status broadcasts, lists, newsletters and protocol messages are dropped.
 */
import type { proto, WAMessage, WAMessageKey } from "@whiskeysockets/baileys";
import type { InboundMessage } from "../types.ts";
import { bareJid, isGroupJid, isIgnoredJid, jidToE164 } from "./jid.ts";

/** The message fields this adapter reads (Baileys' `WAMessage`). */
export type WhatsAppMessage = Pick<WAMessage, "key" | "message" | "pushName" | "messageTimestamp">;

/** Who we are on WhatsApp (`sock.user`). */
export interface WhatsAppSelf {
  /** `<number>:<device>@s.whatsapp.net` */
  id: string;
  /** `<id>:<device>@lid` */
  lid?: string;
}

type Content = proto.IMessage;
type MediaEntry = NonNullable<InboundMessage["media"]>[number];

/** Unwraps ephemeral / view-once / edited envelopes to the content message. */
export function contentOf(message: Content | null | undefined): Content | undefined {
  let m = message ?? undefined;
  for (let i = 0; i < 4 && m; i++) {
    const inner = m.ephemeralMessage?.message ?? m.viewOnceMessage?.message ?? m.viewOnceMessageV2?.message ?? m.documentWithCaptionMessage?.message;
    if (!inner) break;
    m = inner;
  }
  return m;
}

/** The media part of a message, if any. */
export function mediaOf(content: Content): MediaEntry | undefined {
  if (content.imageMessage) return { kind: "image", mimeType: content.imageMessage.mimetype ?? "image/jpeg" };
  if (content.videoMessage) return { kind: "video", mimeType: content.videoMessage.mimetype ?? "video/mp4" };
  if (content.audioMessage) return { kind: "audio", mimeType: content.audioMessage.mimetype ?? "audio/ogg" };
  if (content.stickerMessage) return { kind: "image", mimeType: content.stickerMessage.mimetype ?? "image/webp" };
  const doc = content.documentMessage;
  if (doc) return { kind: "file", mimeType: doc.mimetype ?? "application/octet-stream", ...(doc.fileName ? { name: doc.fileName } : {}) };
  return undefined;
}

function textOf(content: Content): string {
  return content.conversation ?? content.extendedTextMessage?.text ?? content.imageMessage?.caption ?? content.videoMessage?.caption ?? content.documentMessage?.caption ?? "";
}

function contextOf(content: Content): proto.IContextInfo | undefined {
  return content.extendedTextMessage?.contextInfo ?? content.imageMessage?.contextInfo ?? content.videoMessage?.contextInfo ??
    content.audioMessage?.contextInfo ?? content.documentMessage?.contextInfo ?? content.stickerMessage?.contextInfo ?? undefined;
}

function senderJid(key: WAMessageKey, group: boolean): string {
  // Baileys 7 carries the phone-number JID beside a lid in the *Alt fields.
  const primary = (group ? key.participant : key.remoteJid) ?? "";
  const alt = (group ? key.participantAlt : key.remoteJidAlt) ?? "";
  return primary.endsWith("@lid") && alt.endsWith("@s.whatsapp.net") ? alt : primary;
}

/**
 * Normalizes one message, or returns `undefined` when it is not someone else's new message.
 * @param opts.self our own ids (mentions, replies to us); `opts.botName` also counts as a mention when written as `@name`.
 */
export function normalizeWhatsAppMessage(msg: WhatsAppMessage, opts: { accountId: string; self?: WhatsAppSelf; botName?: string }): InboundMessage | undefined {
  const key = msg.key;
  const chatId = key?.remoteJid;
  if (!key || !chatId || key.fromMe || !key.id || isIgnoredJid(chatId)) return undefined;
  const content = contentOf(msg.message);
  if (!content || content.protocolMessage || content.reactionMessage) return undefined;
  const media = mediaOf(content);
  let text = textOf(content);
  if (!text && !media) return undefined;
  const group = isGroupJid(chatId);
  const sender = senderJid(key, group);
  if (!sender) return undefined;

  const ours = [opts.self?.id, opts.self?.lid].filter((j): j is string => Boolean(j)).map(bareJid);
  const context = contextOf(content);
  const mentioned = (context?.mentionedJid ?? []).map(bareJid).some((j) => ours.includes(j));
  const repliedToUs = Boolean(context?.participant && ours.includes(bareJid(context.participant)));
  for (const jid of ours) text = text.replaceAll(`@${jid.split("@")[0]}`, "");
  const named = Boolean(opts.botName && new RegExp(`@${opts.botName.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}\\b`, "i").test(text));
  text = text.replace(/[ \t]{2,}/g, " ").trim();

  return {
    channel: "whatsapp",
    accountId: opts.accountId,
    chatId,
    chatType: group ? "group" : "dm",
    messageId: key.id,
    senderId: jidToE164(sender),
    ...(msg.pushName ? { senderName: msg.pushName } : {}),
    text,
    mentionsBot: mentioned || repliedToUs || named,
    ...(context?.stanzaId ? { replyToMessageId: context.stanzaId } : {}),
    ...(media ? { media: [media] } : {}),
    timestamp: msg.messageTimestamp ? Number(msg.messageTimestamp) * 1000 : Date.now(),
  };
}
