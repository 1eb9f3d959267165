/** @module Overview: version, uptime, health, connections and presence. */
import { facts, h, table } from "../lib/dom.ts";
import { duration, when } from "../lib/format.ts";
import { fill, section, type View } from "./view.ts";

let uptimeTimer: ReturnType<typeof setInterval> | undefined;

/** The overview view. */
export const overviewView: View = {
  id: "overview",
  title: "Overview",
  render: (ctx, root) => fill(root, async () => {
    const [status, health, presence] = await Promise.all([
      ctx.conn.request("status"), ctx.conn.request("health"), ctx.conn.request<Array<Record<string, any>>>("system-presence"),
    ]);
    const startedAt = Date.now() - status.uptimeMs;
    const uptime = h("span", { class: "uptime" }, duration(status.uptimeMs));
    clearInterval(uptimeTimer);
    uptimeTimer = setInterval(() => { uptime.textContent = duration(Date.now() - startedAt); }, 1000);
    const conns = status.connections ?? {};
    return [
      section("Gateway", [facts([
        ["Version", h("span", { class: "version" }, `${status.runtimeVersion}${status.commit ? ` (${status.commit})` : ""}`)],
        ["Uptime", uptime],
        ["Health", h("span", { class: health.ok === false ? "bad" : "good", "data-health": health.ok === false ? "bad" : "ok" }, health.ok === false ? "problem" : "ok")],
        ["Listening", status.listen ? `${status.listen.host}:${status.listen.port}` : "–"],
        ["Auth", status.authMode ?? "–"],
        ["Protocol", `${status.protocol?.min}–${status.protocol?.max} (this page: v${ctx.hello.protocol})`],
        ["Connections", Object.entries(conns).map(([k, v]) => `${k}: ${v}`).join(", ") || "–"],
        ["State dir", status.stateDir ?? "–"],
      ]), h("p", {}, h("a", { href: "/metrics", target: "_blank", rel: "noopener" }, "Prometheus metrics (/metrics)"), " · ", h("a", { href: "/chat" }, "Open WebChat"))]),
      section("Presence", [table<Record<string, any>>([
        { title: "Client", cell: (p) => p.host ?? p.instanceId ?? p.deviceId ?? "–" },
        { title: "Mode", cell: (p) => p.mode ?? "–" },
        { title: "Platform", cell: (p) => p.platform ?? "–" },
        { title: "Roles", cell: (p) => (p.roles ?? []).join(", ") },
        { title: "Seen", cell: (p) => when(p.ts) },
      ], presence, "No clients are present.")]),
    ];
  }),
  stop: () => clearInterval(uptimeTimer),
};
