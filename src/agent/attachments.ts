/**
 * @module Image attachments of `chat.send` and `agent` (agent.md §1.1): each attachment's content
 * (base64, or a `data:` URL) is checked and becomes an image content block of the run's user
 * message. Only PNG, JPEG, GIF and WebP images are accepted, together at most
 * {@link MAX_ATTACHMENT_BYTES} decoded; a refusal is INVALID_REQUEST naming `attachments/<i>/…`.
 */
import { GatewayError, limits } from "../protocol/index.ts";
import type { ChatAttachment } from "../protocol/methods/attachments.ts";
import type { ImageBlock } from "./providers/types.ts";

const { MAX_ATTACHMENT_BYTES } = limits;

/** The image types models accept. */
export const IMAGE_MEDIA_TYPES = ["image/png", "image/jpeg", "image/gif", "image/webp"] as const;
/** An accepted image type. */
export type ImageMediaType = (typeof IMAGE_MEDIA_TYPES)[number];

const TYPE_LIST = IMAGE_MEDIA_TYPES.map((t) => JSON.stringify(t)).join(", ");
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
const DATA_URL_MARKER = ";base64,";

/**
 * The image blocks of `attachments`, in order (none for an absent or empty list). A declared
 * `mimeType` must be an accepted image type, but the image's own bytes decide the block's
 * `mediaType` (a PNG sent as `image/jpeg` goes to the model as `image/png`, which providers
 * require). `fileName`, `origin`, `sizeBytes` and the like are informational and ignored.
 * @param method named in the error (`chat.send`, `agent`).
 * @param maxBytes the decoded total allowed.
 * @throws {GatewayError} INVALID_REQUEST naming the field: `at /attachments/<i>/type: must be "image"`,
 * `…/mimeType: must be one of …`, `…/content: is not valid base64`, `…/content: the images total N bytes …`.
 */
export function imageBlocksOf(method: string, attachments: readonly ChatAttachment[] | undefined, maxBytes: number = MAX_ATTACHMENT_BYTES): ImageBlock[] {
  const blocks: ImageBlock[] = [];
  let total = 0;
  for (const [i, attachment] of (attachments ?? []).entries()) {
    const fail: (field: string, problem: string) => never = (field, problem) => {
      throw new GatewayError("INVALID_REQUEST", `invalid ${method} params: at /attachments/${i}/${field}: ${problem}`);
    };
    if (attachment.type !== undefined && attachment.type !== "image") fail("type", 'must be "image" (only images are accepted)');
    const declared = attachment.mimeType === undefined ? undefined : bareType(attachment.mimeType);
    if (declared !== undefined && !isImageType(declared)) fail("mimeType", `must be one of ${TYPE_LIST} (got ${JSON.stringify(attachment.mimeType)})`);
    const { content } = attachment;
    if (content === undefined) fail("content", "is required");
    if (typeof content !== "string") fail("content", "must be a base64 string or a data: URL");
    const data = base64Of(content, (problem) => fail("content", problem));
    if (data === "") fail("content", "must not be empty");
    if (data.length % 4 !== 0 || !BASE64.test(data)) fail("content", "is not valid base64");
    total += decodedLength(data);
    if (total > maxBytes) fail("content", `the images total ${total} bytes so far, more than the ${maxBytes} allowed`);
    const mediaType = sniffImageType(data);
    if (!mediaType) fail("content", "is not a PNG, JPEG, GIF or WebP image");
    blocks.push({ type: "image", mediaType, data });
  }
  return blocks;
}

/** The media type of base64 image data from its first bytes, or undefined when it is none of the accepted ones. */
export function sniffImageType(base64: string): ImageMediaType | undefined {
  const head = Buffer.from(base64.slice(0, 24), "base64");
  const ascii = (from: number, to: number) => head.subarray(from, to).toString("latin1");
  if (head.length >= 8 && head.subarray(0, 8).equals(PNG_SIGNATURE)) return "image/png";
  if (head.length >= 3 && head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff) return "image/jpeg";
  if (ascii(0, 6) === "GIF87a" || ascii(0, 6) === "GIF89a") return "image/gif";
  if (ascii(0, 4) === "RIFF" && ascii(8, 12) === "WEBP") return "image/webp";
  return undefined;
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

function isImageType(type: string): type is ImageMediaType {
  return (IMAGE_MEDIA_TYPES as readonly string[]).includes(type);
}

/** `image/PNG; charset=x` → `image/png`. */
function bareType(mimeType: string): string {
  return (mimeType.split(";")[0] ?? "").trim().toLowerCase();
}

/** The base64 payload of `content`: a `data:<image type>;base64,` URL's data, or the content itself; whitespace removed. */
function base64Of(content: string, fail: (problem: string) => never): string {
  const trimmed = content.trim();
  if (!trimmed.startsWith("data:")) return trimmed.replace(/\s+/g, "");
  // Index parsing, not a regex over the whole (multi-megabyte) URL.
  const marker = trimmed.indexOf(DATA_URL_MARKER);
  if (marker < 0) fail(`must be a base64 data: URL (data:<type>;base64,…)`);
  const type = bareType(trimmed.slice("data:".length, marker));
  if (!isImageType(type)) fail(`is a data: URL of ${JSON.stringify(type)}, not one of ${TYPE_LIST}`);
  return trimmed.slice(marker + DATA_URL_MARKER.length).replace(/\s+/g, "");
}

/** Bytes that padded base64 decodes to (the data of a stored image block, for instance). */
export function decodedLength(base64: string): number {
  const padding = base64.endsWith("==") ? 2 : base64.endsWith("=") ? 1 : 0;
  return Math.floor((base64.length * 3) / 4) - padding;
}
