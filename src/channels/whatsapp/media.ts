/**
 * @module WhatsApp media: inbound media downloaded (size-capped) into the channel's media folder and referenced
 * by `file://` URL; outbound media sent by URL (Baileys fetches it), the text as the first item's caption.
 */
import type { AnyMessageContent, WAMessage } from "@whiskeysockets/baileys";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import type { InboundMessage, OutboundMessage } from "../types.ts";
import { contentOf } from "./normalize.ts";
import type { DownloadWhatsAppMedia, WhatsAppSocket } from "./socket.ts";

const EXTENSIONS: Record<string, string> = {
  "image/jpeg": "jpg", "image/png": "png", "image/webp": "webp", "image/gif": "gif", "video/mp4": "mp4",
  "audio/ogg": "ogg", "audio/mpeg": "mp3", "audio/mp4": "m4a", "application/pdf": "pdf",
};

/** The declared size of a message's media (`fileLength`), if any. */
function declaredSize(raw: WAMessage): number | undefined {
  const c = contentOf(raw.message);
  const media = c?.imageMessage ?? c?.videoMessage ?? c?.audioMessage ?? c?.documentMessage ?? c?.stickerMessage;
  return media?.fileLength === undefined || media.fileLength === null ? undefined : Number(media.fileLength);
}

/**
 * Downloads the media of `message` (already normalized from `raw`) into `dir` and sets its `url` to the file.
 * Media over `maxBytes` (declared or actual) is not stored; the entry keeps no `url`.
 */
export async function saveInboundMedia({ message, raw, socket, dir, maxBytes, download }: {
  message: InboundMessage; raw: WAMessage; socket: WhatsAppSocket; dir: string; maxBytes: number; download: DownloadWhatsAppMedia;
}): Promise<void> {
  const media = message.media?.[0];
  if (!media) return;
  const declared = declaredSize(raw);
  if (declared !== undefined && declared > maxBytes) throw new Error(`media of ${message.messageId} is ${declared} bytes, over the ${maxBytes}-byte cap`);
  const bytes = await download(raw, socket);
  if (bytes.byteLength > maxBytes) throw new Error(`media of ${message.messageId} is ${bytes.byteLength} bytes, over the ${maxBytes}-byte cap`);
  mkdirSync(dir, { recursive: true });
  const ext = EXTENSIONS[media.mimeType?.split(";")[0] ?? ""] ?? "bin";
  const safeId = message.messageId.replace(/[^A-Za-z0-9_-]/g, "_");
  const path = join(dir, `${safeId}.${ext}`);
  writeFileSync(path, bytes);
  media.url = pathToFileURL(path).href;
}

/** The messages one outbound message becomes: media items (the first captioned with the text), else the text. */
export function outboundContent(text: string, media: NonNullable<OutboundMessage["media"]>): AnyMessageContent[] {
  if (media.length === 0) return [{ text }];
  return media.map((m, i): AnyMessageContent => {
    const caption = i === 0 && text ? { caption: text } : {};
    return m.kind === "image"
      ? { image: { url: m.url }, ...caption }
      : { document: { url: m.url }, mimetype: "application/octet-stream", fileName: m.name ?? m.url.split("/").pop() ?? "file", ...caption };
  });
}
