/**
 * @module Decides what a WebSocket upgrade becomes: the control plane (`/`, `/ws`), refused (403)
 * for a browser page from a foreign Origin, or a canvas live-reload socket.
 */
import type { SocketData } from "./connection.ts";
import { isOriginAllowed, originRefused } from "./control-ui/origin.ts";
import { clientOrigin } from "./net.ts";

/** Paths on which the control-plane WebSocket is accepted. */
const CONTROL_PATHS = new Set(["/", "/ws"]);

/** What the classifier needs. */
export interface UpgradeDeps {
  trustedProxies: () => readonly string[];
  /** Whether a canvas live-reload upgrade is admitted (local, or a valid capability). */
  admitsReload: (url: URL, isLocal: boolean) => boolean;
  /** `gateway.controlUi.allowedOrigins`: browser origins admitted besides the gateway's own host. @default none */
  allowedOrigins?: () => readonly string[];
  /** Told about every refused browser origin (for the log). */
  onOriginRefused?: (origin: string, remote: string) => void;
}

/** Builds the `classifyUpgrade` callback of the server (a Response refuses the upgrade). */
export function createUpgradeClassifier(deps: UpgradeDeps): (req: Request, url: URL, remote: string) => SocketData | Response | null {
  return function classifyUpgrade(req, url, remote) {
    const origin = clientOrigin(remote, req.headers, deps.trustedProxies());
    const base = {
      connId: crypto.randomUUID(), remoteAddress: origin.address, isLoopback: origin.isLoopback, isLocal: origin.isLocal,
      origin: req.headers.get("origin"), host: req.headers.get("host"),
    };
    if (CONTROL_PATHS.has(url.pathname)) {
      if (base.origin !== null && !isOriginAllowed(base.origin, base.host, deps.allowedOrigins?.() ?? [])) {
        deps.onOriginRefused?.(base.origin, origin.address);
        return originRefused(base.origin);
      }
      return { ...base, kind: "control" };
    }
    if (deps.admitsReload(url, origin.isLocal)) return { ...base, kind: "reload" };
    return null;
  };
}
