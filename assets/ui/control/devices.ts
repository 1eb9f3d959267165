/** @module Devices and pairing: pending requests (approve/reject), paired devices (revoke a token, remove). */
import { h, table } from "../lib/dom.ts";
import { short, when } from "../lib/format.ts";
import { actionButton, fill, section, type View, type ViewContext } from "./view.ts";

interface Pending { requestId: string; deviceId: string; displayName?: string; clientId: string; platform?: string; role: string; scopes: string[]; remoteIp: string; ts: number }
interface Paired {
  deviceId: string; displayName?: string; clientId: string; platform?: string; roles: string[]; approvedScopes: string[]; remoteIp: string;
  approvedAtMs: number; tokens: Array<{ role: string; revokedAtMs?: number; lastUsedAtMs?: number }>;
}

function render(ctx: ViewContext, root: HTMLElement): Promise<void> {
  const again = () => render(ctx, root);
  const call = (method: string, params: unknown) => async () => { await ctx.conn.request(method, params); await again(); };
  return fill(root, async () => {
    const { pending, paired } = await ctx.conn.request<{ pending: Pending[]; paired: Paired[] }>("device.pair.list");
    const self = ctx.conn.keys?.deviceId;
    return [
      section("Pending pairing requests", [table<Pending>([
        { title: "Request", cell: (p) => h("code", { "data-request-id": p.requestId }, p.requestId) },
        { title: "Device", cell: (p) => `${p.displayName ?? p.clientId} (${short(p.deviceId)})` },
        { title: "From", cell: (p) => p.remoteIp },
        { title: "Scopes", cell: (p) => p.scopes.join(", ") || "–" },
        { title: "Asked", cell: (p) => when(p.ts) },
        { title: "", cell: (p) => h("span", { class: "actions" },
          actionButton("Approve", call("device.pair.approve", { requestId: p.requestId }), { class: "primary approve", "data-request-id": p.requestId }),
          actionButton("Reject", call("device.pair.reject", { requestId: p.requestId }), { class: "danger reject", "data-request-id": p.requestId })) },
      ], pending, "No device is waiting for approval.")], [actionButton("Refresh", again)]),
      section("Paired devices", [table<Paired>([
        { title: "Device", cell: (d) => h("span", {}, `${d.displayName ?? d.clientId} `, h("code", { title: d.deviceId }, short(d.deviceId)), d.deviceId === self ? " (this browser)" : "") },
        { title: "Platform", cell: (d) => d.platform ?? "–" },
        { title: "Scopes", cell: (d) => d.approvedScopes.join(", ") || "–" },
        { title: "Approved", cell: (d) => when(d.approvedAtMs) },
        { title: "Tokens", cell: (d) => d.tokens.map((t) => `${t.role}${t.revokedAtMs ? " (revoked)" : ""}`).join(", ") || "–" },
        { title: "", cell: (d) => h("span", { class: "actions" },
          ...d.tokens.filter((t) => !t.revokedAtMs).map((t) => actionButton(`Revoke ${t.role} token`, call("device.token.revoke", { deviceId: d.deviceId, role: t.role }), { class: "danger" })),
          actionButton("Remove", call("device.pair.remove", { deviceId: d.deviceId }), { class: "danger" })) },
      ], paired, "No paired devices.")]),
    ];
  });
}

/** The devices view; it refreshes when a pairing request arrives or is resolved. */
export const devicesView: View = {
  id: "devices",
  title: "Devices",
  render,
  onEvent: (e, ctx, root) => {
    if (e.event === "device.pair.requested" || e.event === "device.pair.resolved") void render(ctx, root);
  },
};
