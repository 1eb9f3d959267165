/**
 * @module The iMessage conventions both transports (BlueBubbles and the local `imsg` CLI) share: iMessage has
 * no mentions, so a group message "mentions" the bot when its text names it; attachments become media by
 * MIME type; message text loses the object-replacement characters that stand for attachments; outgoing
 * Markdown is sent as plain text, chunked, with media links in a last piece.
 */
import { markdownToPlain } from "../plain.ts";
import { chunkText, type InboundMessage, type OutboundMessage } from "../types.ts";

/** iMessage has no hard limit; this keeps one bubble readable. */
export const IMESSAGE_TEXT_LIMIT = 2000;

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** Whether `text` names the bot: the word "mayros" or `botName`, whole words, case-insensitive. */
export function mentionsBotName(text: string, botName?: string): boolean {
  const names = ["mayros", ...(botName?.trim() ? [botName.trim()] : [])];
  return names.some((n) => new RegExp(`(^|[^\\p{L}\\p{N}_])@?${escapeRegExp(n)}($|[^\\p{L}\\p{N}_])`, "iu").test(text));
}

/** The media kind of an attachment's MIME type (`file` when unknown). */
export function mediaKind(mime: string | null | undefined): NonNullable<InboundMessage["media"]>[number]["kind"] {
  const top = mime?.split("/")[0];
  return top === "image" || top === "audio" || top === "video" ? top : "file";
}

/** A message's text without the U+FFFC placeholders of its attachments, trimmed. */
export function messageText(raw: string | null | undefined): string {
  return (raw ?? "").replace(/\uFFFC/g, "").trim();
}

/**
 * The plain-text bubbles of one outgoing message: its Markdown stripped ({@link markdownToPlain}) and chunked
 * at {@link IMESSAGE_TEXT_LIMIT}, then one piece listing the media links (`name: url`), empty pieces dropped.
 */
export function plainPieces(message: OutboundMessage): string[] {
  const links = (message.media ?? []).map((m) => (m.name ? `${m.name}: ${m.url}` : m.url));
  const pieces = chunkText(markdownToPlain(message.text), IMESSAGE_TEXT_LIMIT);
  if (links.length > 0) pieces.push(links.join("\n"));
  return pieces.filter((p) => p.length > 0);
}
