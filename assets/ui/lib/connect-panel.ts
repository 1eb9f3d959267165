/**
 * @module The connection panel both pages show: the state (`data-state` on the panel), the token
 * form, "waiting for approval" with the pairing request id, and retry.
 */
import { h, replace } from "./dom.ts";
import { takeTokenFromFragment } from "./credentials.ts";
import { GatewayConnection, type ClientIdentity, type ConnState } from "./gateway-client.ts";

/**
 * Creates the connection (after taking a `#token=…` from the address) and a panel that follows
 * its state. The connection is not started.
 */
export function createConnection(client: ClientIdentity): { conn: GatewayConnection; panel: HTMLElement; badge: HTMLElement } {
  takeTokenFromFragment();
  const conn = new GatewayConnection(client);
  const panel = h("section", { class: "connect-panel", "aria-live": "polite" });
  const badge = h("span", { class: "badge", title: "connection" });
  conn.onState((state) => {
    panel.dataset.state = state.kind;
    badge.dataset.state = state.kind;
    replace(badge, badgeText(state));
    if (conn.keys) badge.title = `device ${conn.keys.deviceId}`;
    replace(panel, ...panelContent(conn, state));
    panel.hidden = state.kind === "connected";
  });
  return { conn, panel, badge };
}

function badgeText(state: ConnState): string {
  switch (state.kind) {
    case "connected": return "connected";
    case "connecting": return "connecting…";
    case "pairing": return "awaiting approval";
    case "token-required": return "token needed";
    case "offline": return "offline";
    case "unsupported": return "unsupported";
  }
}

function panelContent(conn: GatewayConnection, state: ConnState): Node[] {
  const device = conn.keys
    ? h("p", { class: "muted" }, "This browser's device id: ", h("code", { class: "device-id", "data-device-id": conn.keys.deviceId }, conn.keys.deviceId))
    : null;
  switch (state.kind) {
    case "connected":
      return [];
    case "connecting":
      return [h("p", {}, "Connecting to the gateway…")];
    case "token-required":
      return [h("h2", {}, "Gateway token"), h("p", {}, state.message), tokenForm(conn), ...(device ? [device] : [])];
    case "pairing":
      return [
        h("h2", {}, "Waiting for approval"),
        h("p", {}, "This device must be approved by the gateway's owner before it can connect."),
        h("p", {}, "Pairing request: ", h("code", { class: "request-id", "data-request-id": state.requestId }, state.requestId)),
        h("p", { class: "muted" }, "Approve it in the Devices view of an approved control UI, or on the gateway host with ",
          h("code", {}, `mayros devices approve ${state.requestId}`), ". This page retries on its own."),
        ...(device ? [device] : []),
      ];
    case "offline":
      return [
        h("h2", {}, "Not connected"),
        h("p", { class: "error" }, state.message),
        h("p", { class: "muted" }, `Retrying in ${Math.max(1, Math.round((state.retryAtMs - Date.now()) / 1000))} s. `,
          h("button", { type: "button", onclick: () => conn.retryNow() }, "Retry now")),
        h("p", { class: "muted" }, "Behind a reverse proxy? Add this page's origin (", h("code", {}, location.origin),
          ") to gateway.controlUi.allowedOrigins."),
      ];
    case "unsupported":
      return [h("h2", {}, "This browser cannot connect"), h("p", { class: "error" }, state.message)];
  }
}

function tokenForm(conn: GatewayConnection): HTMLElement {
  const input = h("input", {
    type: "password", name: "token", autocomplete: "current-password", required: true,
    placeholder: "gateway token or password", "aria-label": "gateway token",
  });
  return h("form", {
    class: "token-form",
    onsubmit: (ev: Event) => {
      ev.preventDefault();
      if (input.value) conn.useToken(input.value);
    },
  }, input, h("button", { type: "submit", class: "primary" }, "Connect"));
}
