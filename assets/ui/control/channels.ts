/**
 * @module Channels: account status (`channels.status`), logout, and the WhatsApp QR login panel
 * (`web.login.start` shows a QR code, `web.login.wait` waits for the scan). A gateway without the
 * `web.login.*` methods gets a note instead of the panel.
 */
import { h, replace, table } from "../lib/dom.ts";
import { when } from "../lib/format.ts";
import { actionButton, errorText, fill, section, type View, type ViewContext } from "./view.ts";

interface Account { channel: string; accountId: string; state: string; botName?: string; lastError?: string; since: number; enabled: boolean; configured: boolean; dmPolicy: string }

/** A QR image only from a `data:image/…` URL (never a remote address). */
function qrImage(dataUrl: unknown): HTMLElement | null {
  return typeof dataUrl === "string" && /^data:image\/(png|svg\+xml|jpeg|gif|webp);base64,[A-Za-z0-9+/=]+$/.test(dataUrl)
    ? h("img", { class: "qr", src: dataUrl, alt: "WhatsApp login QR code", width: 264, height: 264 })
    : null;
}

function qrPanel(ctx: ViewContext): HTMLElement {
  if (!ctx.has("web.login.start") || !ctx.has("web.login.wait")) {
    return section("WhatsApp QR login", [h("p", { class: "muted qr-unavailable" }, "QR login is not available on this gateway (no web.login.start / web.login.wait).")]);
  }
  const account = h("input", { name: "accountId", placeholder: "account id (optional)", "aria-label": "account id" });
  const force = h("input", { type: "checkbox", name: "force" });
  const out = h("div", { class: "qr-out", "aria-live": "polite" });
  const start = async () => {
    const accountId = account.value.trim() || undefined;
    replace(out, h("p", {}, "Asking the gateway for a QR code…"));
    type Step = { qrDataUrl?: string; message?: string; connected?: boolean; sessionKey?: string };
    let step = await ctx.conn.request<Step>("web.login.start", { accountId, force: force.checked, timeoutMs: 30_000 });
    const sessionKey = step.sessionKey;
    // Each wait returns when linked, or with a fresh QR code when the old one expired.
    while (!step.connected && step.qrDataUrl) {
      replace(out, qrImage(step.qrDataUrl), h("p", { class: "qr-message" }, step.message ?? "Scan the code."));
      try {
        const next = await ctx.conn.request<Step>("web.login.wait", { accountId, sessionKey, timeoutMs: 120_000, currentQrDataUrl: step.qrDataUrl });
        step = next.qrDataUrl === step.qrDataUrl ? { ...next, qrDataUrl: undefined } : next;
      } catch (err) {
        replace(out, h("p", { class: "error" }, errorText(err)));
        return;
      }
    }
    replace(out, h("p", { class: step.connected ? "good" : "error" }, step.message ?? (step.connected ? "Linked." : "Not linked.")));
  };
  return section("WhatsApp QR login", [
    h("p", { class: "muted" }, "Scan the code with WhatsApp on your phone (Linked devices → Link a device)."),
    h("div", { class: "row" }, account, h("label", {}, force, " relink"), actionButton("Show QR code", start, { class: "primary" })),
    out,
  ]);
}

async function render(ctx: ViewContext, root: HTMLElement): Promise<void> {
  await fill(root, async () => {
    const { channels } = await ctx.conn.request<{ channels: Account[] }>("channels.status");
    const logout = (a: Account) => async () => {
      await ctx.conn.request("channels.logout", { channel: a.channel, accountId: a.accountId });
      await render(ctx, root);
    };
    return [
      section("Channels", [table<Account>([
        { title: "Channel", cell: (a) => a.accountId === "default" ? a.channel : `${a.channel} (${a.accountId})` },
        { title: "State", cell: (a) => h("span", { class: `state-${a.state}` }, a.state) },
        { title: "Bot", cell: (a) => a.botName ?? "–" },
        { title: "DM policy", cell: (a) => a.dmPolicy },
        { title: "Since", cell: (a) => when(a.since) },
        { title: "Last error", cell: (a) => a.lastError ?? "" },
        { title: "", cell: (a) => actionButton("Log out", logout(a), { class: "danger" }) },
      ], channels, "No channel is configured.")], [actionButton("Refresh", () => render(ctx, root))]),
      qrPanel(ctx),
    ];
  });
}

/** The channels view. */
export const channelsView: View = { id: "channels", title: "Channels", render };
