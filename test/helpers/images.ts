/** @module Small real images for attachment tests: PNGs drawn with pngjs, and the leading bytes of the other accepted formats. */
import { PNG } from "pngjs";

/** A `width`×`height` PNG of one colour. */
export function solidPng(width = 16, height = 16, rgb: [number, number, number] = [40, 120, 220]): Buffer {
  const png = new PNG({ width, height });
  for (let i = 0; i < width * height; i++) png.data.set([...rgb, 255], i * 4);
  return PNG.sync.write(png);
}

/** Leading bytes of a JPEG, a GIF and a WebP file (enough for type sniffing), padded with zeros. */
export const IMAGE_HEADS = {
  "image/jpeg": Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(28)]),
  "image/gif": Buffer.concat([Buffer.from("GIF89a", "latin1"), Buffer.alloc(26)]),
  "image/webp": Buffer.concat([Buffer.from("RIFF", "latin1"), Buffer.from([0x24, 0, 0, 0]), Buffer.from("WEBPVP8 ", "latin1"), Buffer.alloc(20)]),
} as const;

/** An image attachment as clients send it (`content` in base64, or as a data: URL when `dataUrl`). */
export function imageAttachment(bytes: Buffer, mimeType = "image/png", dataUrl = false): Record<string, unknown> {
  const base64 = bytes.toString("base64");
  return { type: "image", mimeType, content: dataUrl ? `data:${mimeType};base64,${base64}` : base64 };
}
