/** Unit tests of the image attachments of chat.send / agent: decoding, type checks, the size budget and field-naming errors. */
import { describe, expect, it } from "bun:test";
import { decodedLength, imageBlocksOf, sniffImageType } from "../../src/agent/attachments.ts";
import { GatewayError, limits } from "../../src/protocol/index.ts";
import type { ChatAttachment } from "../../src/protocol/methods/attachments.ts";
import { IMAGE_HEADS, imageAttachment, solidPng } from "../helpers/images.ts";

const png = solidPng(4, 4);
const png64 = png.toString("base64");

/** The error `imageBlocksOf` throws for `attachments`. */
function refusal(attachments: unknown[], method = "chat.send"): GatewayError {
  try {
    imageBlocksOf(method, attachments as ChatAttachment[]);
  } catch (err) {
    expect(err).toBeInstanceOf(GatewayError);
    return err as GatewayError;
  }
  throw new Error("expected a refusal");
}

describe("imageBlocksOf", () => {
  it("should give no blocks for absent or empty attachments", () => {
    expect(imageBlocksOf("chat.send", undefined)).toEqual([]);
    expect(imageBlocksOf("chat.send", [])).toEqual([]);
  });

  it("should turn base64 and data: URL content into image blocks, in order", () => {
    const blocks = imageBlocksOf("agent", [imageAttachment(png), imageAttachment(IMAGE_HEADS["image/jpeg"], "image/jpeg", true)]);
    expect(blocks).toEqual([
      { type: "image", mediaType: "image/png", data: png64 },
      { type: "image", mediaType: "image/jpeg", data: IMAGE_HEADS["image/jpeg"].toString("base64") },
    ]);
  });

  it("should take the media type from the image's bytes, with or without a declared one", () => {
    for (const [type, bytes] of Object.entries(IMAGE_HEADS)) {
      expect(imageBlocksOf("chat.send", [{ content: bytes.toString("base64") }])[0]!.mediaType).toBe(type);
    }
    // A PNG declared as JPEG goes to the model as what it is (providers refuse a mismatch).
    expect(imageBlocksOf("chat.send", [imageAttachment(png, "image/jpeg")])[0]!.mediaType).toBe("image/png");
    expect(imageBlocksOf("chat.send", [{ type: "image", mimeType: "IMAGE/PNG; x=y", content: png64 }])[0]!.mediaType).toBe("image/png");
  });

  it("should accept line-wrapped base64 and ignore the informational fields", () => {
    const wrapped = png64.replace(/(.{20})/g, "$1\r\n");
    const extra = { extra: true };
    const [block] = imageBlocksOf("chat.send", [{ type: "image", content: wrapped, fileName: "a.png", origin: "paste", sizeBytes: 1, width: 4, height: 4, ...extra }]);
    expect(block).toEqual({ type: "image", mediaType: "image/png", data: png64 });
  });

  it("should refuse what is not an image, naming the field", () => {
    expect(refusal([{ type: "file", mimeType: "application/pdf", content: "JVBERi0=" }]).message)
      .toBe('invalid chat.send params: at /attachments/0/type: must be "image" (only images are accepted)');
    expect(refusal([imageAttachment(png), { mimeType: "application/pdf", content: "JVBERi0=" }], "agent").message)
      .toBe('invalid agent params: at /attachments/1/mimeType: must be one of "image/png", "image/jpeg", "image/gif", "image/webp" (got "application/pdf")');
    expect(refusal([{ type: "image", mimeType: "image/svg+xml", content: "PHN2Zy8+" }]).message).toContain("at /attachments/0/mimeType: must be one of");
    expect(refusal([{ content: "data:text/plain;base64,aGk=" }]).message)
      .toBe('invalid chat.send params: at /attachments/0/content: is a data: URL of "text/plain", not one of "image/png", "image/jpeg", "image/gif", "image/webp"');
    expect(refusal([{ type: "image", mimeType: "image/png", content: Buffer.from("plain text, not a picture").toString("base64") }]).message)
      .toBe("invalid chat.send params: at /attachments/0/content: is not a PNG, JPEG, GIF or WebP image");
  });

  it("should refuse missing, non-string, empty and malformed content", () => {
    const problem = (content: unknown) => refusal([{ type: "image", mimeType: "image/png", ...(content !== undefined && { content }) }]).message.replace("invalid chat.send params: at /attachments/0/content: ", "");
    expect(problem(undefined)).toBe("is required");
    expect(problem(42)).toBe("must be a base64 string or a data: URL");
    expect(problem({ data: png64 })).toBe("must be a base64 string or a data: URL");
    expect(problem("   ")).toBe("must not be empty");
    expect(problem("data:image/png;base64,")).toBe("must not be empty");
    expect(problem("iVBO!w0K")).toBe("is not valid base64");
    expect(problem(png64.slice(0, -1))).toBe("is not valid base64");
    expect(problem(`data:image/png,${png64}`)).toBe("must be a base64 data: URL (data:<type>;base64,…)");
    expect(refusal([{ content: 5 }]).code).toBe("INVALID_REQUEST");
  });

  it("should allow images totalling the limit and refuse one byte more, naming the attachment that crossed it", () => {
    const half = limits.MAX_ATTACHMENT_BYTES / 2;
    const pngOf = (size: number) => Buffer.concat([png, Buffer.alloc(size - png.length)]);
    expect(imageBlocksOf("chat.send", [imageAttachment(pngOf(half)), imageAttachment(pngOf(half))])).toHaveLength(2);
    expect(refusal([imageAttachment(pngOf(half)), imageAttachment(pngOf(half + 1))]).message)
      .toBe(`invalid chat.send params: at /attachments/1/content: the images total ${limits.MAX_ATTACHMENT_BYTES + 1} bytes so far, more than the ${limits.MAX_ATTACHMENT_BYTES} allowed`);
    expect(refusal([imageAttachment(pngOf(limits.MAX_ATTACHMENT_BYTES + 1), "image/png", true)]).message).toContain("at /attachments/0/content: the images total 5000001 bytes");
  });
});

describe("sniffImageType and decodedLength", () => {
  it("should recognise the four accepted formats only", () => {
    expect(sniffImageType(png64)).toBe("image/png");
    for (const [type, bytes] of Object.entries(IMAGE_HEADS)) expect(sniffImageType(bytes.toString("base64"))).toBe(type as never);
    expect(sniffImageType(Buffer.from("BM not a bitmap we take").toString("base64"))).toBeUndefined();
    expect(sniffImageType("")).toBeUndefined();
  });

  it("should count the decoded bytes of padded base64", () => {
    for (const n of [0, 1, 2, 3, 4, 5, 1000]) expect(decodedLength(Buffer.alloc(n).toString("base64"))).toBe(n);
  });
});
