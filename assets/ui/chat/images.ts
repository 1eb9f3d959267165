/**
 * @module Image blocks in the WebChat transcript: a thumbnail (`img` with a `data:` URL, built
 * through the DOM, allowed by the page's `img-src data:`) when the block carries its data — the
 * user's own just-sent images — or a placeholder naming the size for history blocks, whose data
 * `chat.history` leaves out.
 */
import { h } from "../lib/dom.ts";
import { bytes } from "../lib/format.ts";

/** The image types the gateway accepts (agent.md §1.1). */
export const IMAGE_TYPES: readonly string[] = ["image/png", "image/jpeg", "image/gif", "image/webp"];

/** What the images of one message may total, decoded, when the gateway does not say (hello-ok v3). */
export const DEFAULT_MAX_ATTACHMENT_BYTES = 5_000_000;

/** An image content block: `data` (base64) when present, else `omitted` with its size in `bytes`. */
export interface ImageBlock {
  type: "image";
  mediaType?: string;
  data?: string;
  omitted?: boolean;
  bytes?: number;
}

/** The thumbnail of `block`, or a placeholder when its data is not here (or its type is not an accepted image type). */
export function imageThumb(block: ImageBlock): HTMLElement {
  if (block.data && block.mediaType && IMAGE_TYPES.includes(block.mediaType)) {
    return h("img", { class: "thumb", alt: "image", src: `data:${block.mediaType};base64,${block.data}` });
  }
  const size = typeof block.bytes === "number" ? ` · ${bytes(block.bytes)}` : "";
  return h("span", { class: "thumb omitted", title: "the history does not carry image data" }, `image${size}`);
}

/** The thumbnails of `blocks` in one row, or nothing when there are none. */
export function imageRow(blocks: readonly ImageBlock[]): HTMLElement | null {
  return blocks.length > 0 ? h("div", { class: "images" }, ...blocks.map(imageThumb)) : null;
}
