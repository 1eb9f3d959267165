/**
 * @module The composer's image attachments: an attach button (a file input taking images), images
 * pasted into the message box, and a row of thumbnails with remove buttons until the message is
 * sent. Files are checked before they are read: an accepted image type, and all of them together
 * within the gateway's `policy.attachments.maxBytes`.
 */
import { h } from "../lib/dom.ts";
import { bytes } from "../lib/format.ts";
import { DEFAULT_MAX_ATTACHMENT_BYTES, IMAGE_TYPES, imageThumb, type ImageBlock } from "./images.ts";

/** An image waiting to be sent. */
export interface PendingImage {
  fileName: string;
  origin: "file" | "paste";
  size: number;
  block: ImageBlock & { mediaType: string; data: string };
}

/** The attachment of `image` as `chat.send` takes it. */
export function toAttachment(image: PendingImage): Record<string, unknown> {
  const { fileName, origin, size, block } = image;
  return { type: "image", mimeType: block.mediaType, fileName, origin, sizeBytes: size, content: block.data };
}

/** The attach button, its file input and the thumbnails of the images waiting to be sent. */
export class AttachmentTray {
  readonly input = h("input", {
    type: "file", accept: IMAGE_TYPES.join(","), multiple: true, hidden: true, class: "attach-input", "aria-label": "image files",
    onchange: () => void this.add([...(this.input.files ?? [])], "file"),
  });
  readonly button = h("button", { type: "button", class: "attach", title: "Attach images", "aria-label": "attach images", onclick: () => this.input.click() }, "+");
  readonly previews = h("ul", { class: "attachments", "aria-label": "attachments", hidden: true });
  /** Decoded bytes all images may total (set from hello-ok v4 `policy.attachments.maxBytes`). */
  maxBytes = DEFAULT_MAX_ATTACHMENT_BYTES;
  private items: PendingImage[] = [];

  /** @param onError shows a refusal (wrong type, too large) to the user. */
  constructor(private readonly onError: (message: string) => void) {}

  /** Whether images are waiting. */
  get size(): number {
    return this.items.length;
  }

  /** Takes the images pasted into the message box (text pastes are left alone). */
  onPaste(ev: ClipboardEvent): void {
    const files = [...(ev.clipboardData?.files ?? [])].filter((f) => f.type.startsWith("image/"));
    if (files.length === 0) return;
    ev.preventDefault();
    void this.add(files, "paste");
  }

  /** Adds `files` that are accepted images and still fit; says why any other is left out. */
  async add(files: File[], origin: PendingImage["origin"]): Promise<void> {
    this.input.value = ""; // choosing the same file again fires change again
    for (const file of files) {
      const name = file.name || "pasted image";
      if (!IMAGE_TYPES.includes(file.type)) {
        this.onError(`${name} is not a PNG, JPEG, GIF or WebP image`);
        continue;
      }
      const total = this.items.reduce((sum, i) => sum + i.size, 0) + file.size;
      if (total > this.maxBytes) {
        this.onError(`${name} does not fit: images may total ${bytes(this.maxBytes)} per message`);
        continue;
      }
      const data = await base64Of(file);
      this.items.push({ fileName: name, origin, size: file.size, block: { type: "image", mediaType: file.type, data } });
      this.render();
    }
  }

  /** Hands over the waiting images and empties the tray. */
  take(): PendingImage[] {
    const items = this.items;
    this.items = [];
    this.render();
    return items;
  }

  private render(): void {
    this.previews.hidden = this.items.length === 0;
    this.previews.replaceChildren(...this.items.map((item) =>
      h("li", { class: "attachment", title: `${item.fileName} · ${bytes(item.size)}` },
        imageThumb(item.block),
        h("button", { type: "button", class: "remove", "aria-label": `remove ${item.fileName}`, onclick: () => this.remove(item) }, "×"))));
  }

  private remove(item: PendingImage): void {
    this.items = this.items.filter((i) => i !== item);
    this.render();
  }
}

/** The file's bytes in base64 (the part of its data: URL after the comma). */
async function base64Of(file: File): Promise<string> {
  const url = await new Promise<string>((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result));
    reader.onerror = () => reject(reader.error ?? new Error(`cannot read ${file.name}`));
    reader.readAsDataURL(file);
  });
  return url.slice(url.indexOf(",") + 1);
}
