/**
 * @module Entry of the control UI (`/`): navigation between the views (the address fragment names
 * the view, e.g. `#devices`), the connection panel, and re-rendering after a reconnect or seq gap.
 */
import { channelsView } from "./control/channels.ts";
import { configView } from "./control/config.ts";
import { devicesView } from "./control/devices.ts";
import { logsView } from "./control/logs.ts";
import { overviewView } from "./control/overview.ts";
import { cronView, nodesView, sessionsView, usageView } from "./control/tables.ts";
import type { View, ViewContext } from "./control/view.ts";
import { createConnection } from "./lib/connect-panel.ts";
import { h } from "./lib/dom.ts";

const VIEWS: View[] = [overviewView, channelsView, devicesView, nodesView, sessionsView, cronView, configView, logsView, usageView];

const { conn, panel, badge } = createConnection({ id: "mayros-control-ui", mode: "ui", displayName: "Mayros control UI" });
const nav = h("nav", { class: "tabs", "aria-label": "views" },
  ...VIEWS.map((v) => h("a", { href: `#${v.id}`, "data-view": v.id }, v.title)),
  h("a", { href: "/chat" }, "Chat"),
  h("a", { href: "/metrics", target: "_blank", rel: "noopener" }, "Metrics"));
const content = h("main", { class: "content" });
document.getElementById("app")!.replaceChildren(
  h("header", { class: "top" }, h("h1", {}, "Mayros"), badge), nav, panel, content);

let ctx: ViewContext | null = null;
let current: View | null = null;
let root: HTMLElement | null = null;

function viewFromHash(): View {
  const id = location.hash.replace(/^#/, "");
  return VIEWS.find((v) => v.id === id) ?? overviewView;
}

/** Shows the view named by the address (again, when `force`). */
function show(force = false): void {
  const next = viewFromHash();
  for (const a of nav.querySelectorAll<HTMLElement>("a[data-view]")) a.classList.toggle("active", a.dataset.view === next.id);
  if (!ctx || (!force && next === current)) return;
  current?.stop?.();
  current = next;
  root = h("div", { class: "view", "data-view": next.id });
  content.replaceChildren(root);
  void next.render(ctx, root);
}

conn.onReady((hello) => {
  ctx = { conn, hello, has: (m) => hello.features.methods.includes(m) };
  show(true);
});
conn.onGap(() => show(true));
conn.onEvent((e) => {
  if (ctx && root && current?.onEvent) current.onEvent(e, ctx, root);
});
window.addEventListener("hashchange", () => show());
show();
conn.start();
