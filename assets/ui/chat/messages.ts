/**
 * @module The WebChat transcript: history messages and live runs as bubbles. A run's bubble is
 * found by `data-run-id` and re-rendered from each `chat` event (a delta carries the whole text so
 * far), so the reply grows token by token; markdown is rendered with the safe renderer. A user
 * bubble shows its images above the text.
 */
import { h } from "../lib/dom.ts";
import { renderMarkdown } from "../lib/markdown-dom.ts";
import { imageRow, type ImageBlock } from "./images.ts";

/** A transcript message as `chat.history` and `chat` events carry it. */
export interface ChatMessage {
  role: string;
  content?: Array<{ type: string; text?: string; name?: string; omitted?: boolean; mediaType?: string; data?: string; bytes?: number }> | string;
  timestamp?: number;
}

/** A leading `[Dow YYYY-MM-DD HH:MM zone]` stamp the gateway puts before user text. */
const STAMP = /^\[[A-Z][a-z]{2} \d{4}-\d{2}-\d{2} \d{2}:\d{2}[^\]]*\]\s*/;

/** The text of a message's text blocks. */
export function textOf(message: ChatMessage | undefined): string {
  if (!message?.content) return "";
  if (typeof message.content === "string") return message.content;
  return message.content.filter((b) => b.type === "text").map((b) => b.text ?? "").join("");
}

function imagesOf(message: ChatMessage): ImageBlock[] {
  if (typeof message.content === "string" || !message.content) return [];
  return message.content.filter((b): b is ImageBlock => b.type === "image");
}

function toolNote(message: ChatMessage): string {
  if (typeof message.content === "string" || !message.content) return "";
  const tools = message.content.filter((b) => b.type === "tool_use" || b.type === "toolCall").map((b) => b.name ?? "tool");
  return tools.length ? `used ${tools.join(", ")}` : "";
}

/** The list of bubbles. */
export class Transcript {
  readonly el = h("ol", { class: "messages", "aria-label": "messages" });

  /** Replaces everything with `messages` (user and assistant turns; tool results are left out). */
  showHistory(messages: ChatMessage[]): void {
    this.el.replaceChildren();
    for (const m of messages) {
      if (m.role === "user") this.addUser(textOf(m).replace(STAMP, ""), imagesOf(m));
      else if (m.role === "assistant") {
        const text = textOf(m);
        if (text) this.bubble("assistant", text, "final");
        else if (toolNote(m)) this.el.appendChild(h("li", { class: "note" }, toolNote(m)));
      }
    }
    if (messages.length === 0) this.el.appendChild(h("li", { class: "note empty" }, "No messages yet. Say hello."));
    this.scroll();
  }

  /** Adds the user's own message, with its images. */
  addUser(text: string, images: readonly ImageBlock[] = []): void {
    this.el.querySelector(".empty")?.remove();
    const li = this.bubble("user", text, "final");
    const row = imageRow(images);
    if (row) li.prepend(row);
    this.scroll();
  }

  /**
   * Shows the state of run `runId`: `pending` (sent, nothing yet), `streaming`, `final`, `aborted`
   * or `error`; `text` (the reply so far) replaces the bubble's content when given.
   */
  updateRun(runId: string, state: string, text?: string, note?: string): void {
    let li = this.el.querySelector<HTMLElement>(`li[data-run-id="${CSS.escape(runId)}"]`);
    if (!li) {
      li = this.bubble("assistant", "", state);
      li.dataset.runId = runId;
    }
    li.dataset.state = state;
    const body = li.querySelector<HTMLElement>(".body")!;
    if (text !== undefined) body.replaceChildren(renderMarkdown(text));
    if (state === "pending" && !body.textContent) body.replaceChildren(h("span", { class: "typing" }, "…"));
    li.querySelector(".run-note")?.remove();
    if (note) li.appendChild(h("div", { class: "run-note" }, note));
    this.scroll();
  }

  private bubble(role: "user" | "assistant", text: string, state: string): HTMLElement {
    const body = h("div", { class: "body" });
    if (role === "assistant") body.appendChild(renderMarkdown(text));
    else body.textContent = text;
    const li = h("li", { class: `msg ${role}`, "data-role": role, "data-state": state }, body);
    this.el.appendChild(li);
    return li;
  }

  private scroll(): void {
    this.el.scrollTop = this.el.scrollHeight;
  }
}
