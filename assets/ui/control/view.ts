/** @module What a control UI view is, and helpers to load data into one with errors shown in place. */
import { h, replace, type Child } from "../lib/dom.ts";
import type { GatewayConnection, GatewayEvent, Hello } from "../lib/gateway-client.ts";

/** What a view works with. */
export interface ViewContext {
  conn: GatewayConnection;
  hello: Hello;
  /** Whether the gateway offers `method` (from `hello-ok.features.methods`). */
  has(method: string): boolean;
}

/** One view (tab) of the control UI. */
export interface View {
  id: string;
  title: string;
  /** Renders into `root` (called when shown, after a reconnect and after a seq gap). */
  render(ctx: ViewContext, root: HTMLElement): Promise<void>;
  /** Gateway events while the view is shown. */
  onEvent?(e: GatewayEvent, ctx: ViewContext, root: HTMLElement): void;
  /** Called when the view is hidden (stop timers). */
  stop?(): void;
}

/** A section with a heading, an optional toolbar and content. */
export function section(title: string, content: Child[], toolbar: Child[] = []): HTMLElement {
  return h("section", { class: "card" }, h("div", { class: "card-head" }, h("h2", {}, title), ...toolbar), ...content);
}

/** The message of a failed call, for showing next to what failed. */
export function errorText(err: unknown): string {
  const e = err as { code?: string; message?: string };
  return e.code ? `${e.code}: ${e.message}` : (e.message ?? String(err));
}

/** A paragraph showing `err`. */
export function errorLine(err: unknown): HTMLElement {
  return h("p", { class: "error", role: "alert" }, errorText(err));
}

/** Runs `build` and shows its nodes in `root`, or the error it threw. */
export async function fill(root: HTMLElement, build: () => Promise<Child[]>): Promise<void> {
  try {
    replace(root, ...(await build()));
  } catch (err) {
    replace(root, errorLine(err));
  }
}

/** A button that runs `action`, disabled while it runs; a failure is shown after the button. */
export function actionButton(label: string, action: () => Promise<unknown>, attrs: Record<string, string> = {}): HTMLButtonElement {
  const button: HTMLButtonElement = h("button", {
    type: "button", ...attrs,
    onclick: async () => {
      button.disabled = true;
      button.nextElementSibling?.classList.contains("error") && button.nextElementSibling.remove();
      try {
        await action();
      } catch (err) {
        button.after(h("span", { class: "error" }, ` ${errorText(err)}`));
      } finally {
        button.disabled = false;
      }
    },
  }, label);
  return button;
}
