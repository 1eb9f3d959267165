/** @module Read-only listings: nodes (`node.list`), sessions (`sessions.list`), cron jobs (`cron.list`) and usage (`sessions.usage`). */
import { h, table } from "../lib/dom.ts";
import { count, short, when } from "../lib/format.ts";
import { fill, section, type View, type ViewContext } from "./view.ts";

/** A view that lists what one method returns, or says the gateway does not offer it. */
function listing(id: string, title: string, method: string, build: (ctx: ViewContext) => Promise<Node[]>): View {
  return {
    id, title,
    render: (ctx, root) => fill(root, async () => (ctx.has(method)
      ? build(ctx)
      : [section(title, [h("p", { class: "muted" }, `Not available on this gateway (no ${method} method).`)])])),
  };
}

/** Nodes. */
export const nodesView = listing("nodes", "Nodes", "node.list", async ({ conn }) => {
  const { nodes } = await conn.request<{ nodes: Array<Record<string, any>> }>("node.list");
  return [section("Nodes", [table<Record<string, any>>([
    { title: "Node", cell: (n) => `${n.displayName ?? short(n.nodeId)}` },
    { title: "Platform", cell: (n) => n.platform ?? "–" },
    { title: "Status", cell: (n) => (n.connected ? "connected" : n.paired ? "offline" : "unpaired") },
    { title: "Commands", cell: (n) => (n.commands ?? []).join(", ") || "–" },
    { title: "Connected at", cell: (n) => when(n.connectedAtMs) },
  ], nodes, "No nodes. Run `mayros node` on a machine to add one.")])];
});

/** Sessions. */
export const sessionsView = listing("sessions", "Sessions", "sessions.list", async ({ conn }) => {
  const { sessions } = await conn.request<{ sessions: Array<Record<string, any>> }>("sessions.list", { limit: 200 });
  return [section("Sessions", [table<Record<string, any>>([
    { title: "Key", cell: (s) => h("a", { href: `/chat?session=${encodeURIComponent(s.key)}` }, s.label ?? s.key) },
    { title: "Kind", cell: (s) => s.kind ?? "–" },
    { title: "Updated", cell: (s) => when(s.updatedAt) },
    { title: "Model", cell: (s) => s.model ?? "default" },
    { title: "Tokens", cell: (s) => count(s.totalTokens) },
  ], sessions, "No sessions yet.")])];
});

/** Cron jobs. */
export const cronView = listing("cron", "Cron", "cron.list", async ({ conn }) => {
  const { jobs } = await conn.request<{ jobs: Array<Record<string, any>> }>("cron.list", { includeDisabled: true });
  const schedule = (s: Record<string, any>) => (s.kind === "cron" ? `${s.expr}${s.tz ? ` (${s.tz})` : ""}` : s.kind === "every" ? `every ${Math.round(s.everyMs / 1000)} s` : `at ${s.at}`);
  return [section("Cron jobs", [table<Record<string, any>>([
    { title: "Name", cell: (j) => j.name },
    { title: "Schedule", cell: (j) => schedule(j.schedule ?? {}) },
    { title: "Enabled", cell: (j) => (j.enabled ? "yes" : "no") },
    { title: "Next run", cell: (j) => when(j.state?.nextRunAtMs) },
    { title: "Last", cell: (j) => (j.state?.lastStatus ? `${j.state.lastStatus} ${when(j.state.lastRunAtMs)}` : "–") },
  ], jobs, "No cron jobs.")])];
});

/** Token usage per session; costs need prices the gateway does not know yet. */
export const usageView = listing("usage", "Usage", "sessions.usage", async ({ conn }) => {
  const { sessions, totals } = await conn.request<{ sessions: Array<Record<string, any>>; totals: Record<string, number> }>("sessions.usage", { limit: 200 });
  return [section("Token usage", [
    h("p", {}, `Input ${count(totals.inputTokens)} · output ${count(totals.outputTokens)} · cache read ${count(totals.cacheRead)} · total ${count(totals.totalTokens)}`),
    h("p", { class: "muted" }, "Cost in money is not available: the gateway records tokens, not prices."),
    table<Record<string, any>>([
      { title: "Session", cell: (s) => s.key },
      { title: "Model", cell: (s) => s.model ?? "–" },
      { title: "Input", cell: (s) => count(s.inputTokens) },
      { title: "Output", cell: (s) => count(s.outputTokens) },
      { title: "Total", cell: (s) => count(s.totalTokens) },
    ], sessions, "No usage recorded yet."),
  ])];
});
