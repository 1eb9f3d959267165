/**
 * @module The WebChat page: session picker (`sessions.list`), history (`chat.history`, fetched
 * again after a reconnect or a seq gap), send (`chat.send`, with attached or pasted images) with
 * the reply streamed from `chat` events, and stop (`chat.abort`).
 */
import { h } from "../lib/dom.ts";
import type { GatewayConnection, GatewayEvent, Hello } from "../lib/gateway-client.ts";
import { AttachmentTray, toAttachment } from "./attachment-tray.ts";
import { DEFAULT_MAX_ATTACHMENT_BYTES } from "./images.ts";
import { Transcript, textOf, type ChatMessage } from "./messages.ts";

const LAST_SESSION_KEY = "mayros.chat.session";

/** The WebChat view bound to a connection. */
export class ChatView {
  readonly transcript = new Transcript();
  readonly picker = h("select", { class: "session-picker", "aria-label": "session", onchange: () => this.switchTo(this.picker.value) });
  readonly tray = new AttachmentTray((message) => { this.error.textContent = message; });
  readonly input = h("textarea", {
    class: "composer-input", rows: 2, placeholder: "Message", "aria-label": "message",
    onkeydown: (ev: Event) => this.onKey(ev as KeyboardEvent), onpaste: (ev: Event) => this.tray.onPaste(ev as ClipboardEvent),
  });
  readonly sendButton = h("button", { type: "submit", class: "primary send" }, "Send");
  readonly stopButton = h("button", { type: "button", class: "stop", hidden: true, onclick: () => void this.stop() }, "Stop");
  readonly error = h("p", { class: "error composer-error", role: "alert" });
  readonly main: HTMLElement;
  private sessionKey = "";
  private activeRun: string | null = null;

  constructor(private readonly conn: GatewayConnection, badge: HTMLElement) {
    const form = h("form", { class: "composer", onsubmit: (ev: Event) => { ev.preventDefault(); void this.send(); } },
      this.tray.button, this.tray.input, this.input, this.sendButton, this.stopButton);
    this.main = h("main", { class: "chat" },
      h("header", { class: "chat-header" },
        h("h1", {}, "Mayros"),
        this.picker,
        h("button", { type: "button", class: "new-session", onclick: () => this.newSession() }, "New"),
        h("nav", {}, h("a", { href: "/" }, "Control")),
        badge),
      this.transcript.el, this.error, this.tray.previews, form);
    conn.onReady((hello) => void this.ready(hello));
    conn.onGap(() => void this.loadHistory());
    conn.onEvent((e) => this.onEvent(e));
  }

  private async ready(hello: Hello): Promise<void> {
    this.tray.maxBytes = hello.policy.attachments?.maxBytes ?? DEFAULT_MAX_ATTACHMENT_BYTES;
    const requested = new URLSearchParams(location.search).get("session");
    this.sessionKey ||= requested ?? localStorage.getItem(LAST_SESSION_KEY) ?? hello.snapshot.sessionDefaults?.mainSessionKey ?? "agent:main:main";
    await Promise.all([this.loadSessions(), this.loadHistory()]);
  }

  private async loadSessions(): Promise<void> {
    try {
      const { sessions } = await this.conn.request<{ sessions: Array<{ key: string; label?: string; displayName?: string }> }>("sessions.list", { limit: 100 });
      const keys = new Map(sessions.map((s) => [s.key, s.label ?? s.displayName ?? s.key]));
      if (!keys.has(this.sessionKey)) keys.set(this.sessionKey, this.sessionKey);
      this.picker.replaceChildren(...[...keys].map(([key, label]) => h("option", { value: key, selected: key === this.sessionKey }, label)));
    } catch (err) {
      this.showError(err);
    }
  }

  /** Fetches the current session's history and shows it. */
  async loadHistory(): Promise<void> {
    try {
      const res = await this.conn.request<{ sessionKey: string; messages: ChatMessage[] }>("chat.history", { sessionKey: this.sessionKey, limit: 200 });
      this.sessionKey = res.sessionKey;
      this.transcript.showHistory(res.messages);
      this.error.textContent = "";
    } catch (err) {
      this.showError(err);
    }
  }

  private switchTo(key: string): void {
    this.sessionKey = key;
    localStorage.setItem(LAST_SESSION_KEY, key);
    const url = new URL(location.href);
    url.searchParams.set("session", key);
    history.replaceState(history.state, "", url);
    this.setRun(null);
    void this.loadHistory();
  }

  private newSession(): void {
    const agent = this.sessionKey.split(":")[1] ?? "main";
    const key = `agent:${agent}:webchat-${crypto.randomUUID().slice(0, 8)}`;
    this.picker.appendChild(h("option", { value: key }, key));
    this.picker.value = key;
    this.switchTo(key);
  }

  private onKey(ev: KeyboardEvent): void {
    if (ev.key === "Enter" && !ev.shiftKey && !ev.isComposing) {
      ev.preventDefault();
      void this.send();
    }
  }

  private async send(): Promise<void> {
    const message = this.input.value.trim();
    if (this.conn.state.kind !== "connected") return;
    if (!message) {
      // chat.send needs text; images go with it.
      if (this.tray.size > 0) this.error.textContent = "Add a message to send with the images.";
      return;
    }
    const images = this.tray.take();
    const runId = crypto.randomUUID();
    this.input.value = "";
    this.error.textContent = "";
    this.transcript.addUser(message, images.map((i) => i.block));
    this.transcript.updateRun(runId, "pending");
    this.setRun(runId);
    try {
      const attachments = images.map(toAttachment);
      await this.conn.request("chat.send", { sessionKey: this.sessionKey, message, idempotencyKey: runId, ...(attachments.length > 0 && { attachments }) });
    } catch (err) {
      this.transcript.updateRun(runId, "error", undefined, (err as Error).message);
      this.setRun(null);
    }
  }

  private async stop(): Promise<void> {
    if (!this.activeRun) return;
    try {
      await this.conn.request("chat.abort", { sessionKey: this.sessionKey, runId: this.activeRun });
    } catch (err) {
      this.showError(err);
    }
  }

  private onEvent(e: GatewayEvent): void {
    if (e.event !== "chat" || e.payload?.sessionKey !== this.sessionKey) return;
    const { runId, state, message, errorMessage } = e.payload as { runId: string; state: string; message?: ChatMessage; errorMessage?: string };
    const text = message ? textOf(message) : undefined;
    if (state === "delta") this.transcript.updateRun(runId, "streaming", text);
    else if (state === "final") this.transcript.updateRun(runId, "final", text ?? "");
    else if (state === "aborted") this.transcript.updateRun(runId, "aborted", text, "stopped");
    else if (state === "error") this.transcript.updateRun(runId, "error", text, errorMessage ?? "the run failed");
    if (state !== "delta" && runId === this.activeRun) this.setRun(null);
  }

  private setRun(runId: string | null): void {
    this.activeRun = runId;
    this.stopButton.hidden = runId === null;
    this.sendButton.hidden = runId !== null;
  }

  private showError(err: unknown): void {
    this.error.textContent = (err as Error).message;
  }
}
