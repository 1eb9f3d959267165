/** @module Logs: the gateway log tailed with `logs.tail`, polled every two seconds while shown. */
import { h } from "../lib/dom.ts";
import { errorText, section, type View, type ViewContext } from "./view.ts";

const POLL_MS = 2000;
const MAX_LINES = 1000;
let timer: ReturnType<typeof setTimeout> | undefined;

async function render(ctx: ViewContext, root: HTMLElement): Promise<void> {
  clearTimeout(timer);
  const pre = h("pre", { class: "logs", "aria-live": "off" });
  const status = h("p", { class: "muted" });
  root.replaceChildren(section("Gateway log", [status, pre]));
  let cursor: number | undefined;
  const poll = async () => {
    try {
      const page = await ctx.conn.request<{ file: string; cursor: number; lines: string[]; reset?: boolean }>("logs.tail", { ...(cursor !== undefined && { cursor }), limit: 500 });
      if (page.reset) pre.textContent = "";
      cursor = page.cursor;
      if (page.lines.length) {
        const stick = pre.scrollTop + pre.clientHeight >= pre.scrollHeight - 4;
        pre.append(...page.lines.map((l) => `${l}\n`));
        while (pre.childNodes.length > MAX_LINES) pre.firstChild!.remove();
        if (stick) pre.scrollTop = pre.scrollHeight;
      }
      status.textContent = page.file;
    } catch (err) {
      status.textContent = errorText(err);
    }
    if (root.isConnected) timer = setTimeout(() => void poll(), POLL_MS);
  };
  await poll();
}

/** The logs view. */
export const logsView: View = { id: "logs", title: "Logs", render, stop: () => clearTimeout(timer) };
