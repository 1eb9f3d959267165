/** @module Decides what a WebSocket upgrade becomes: the control plane (`/`, `/ws`) or a canvas live-reload socket. */
import type { SocketData } from "./connection.ts";
import { clientOrigin } from "./net.ts";

/** Paths on which the control-plane WebSocket is accepted. */
const CONTROL_PATHS = new Set(["/", "/ws"]);

/** What the classifier needs. */
export interface UpgradeDeps {
  trustedProxies: () => readonly string[];
  /** Whether a canvas live-reload upgrade is admitted (local, or a valid capability). */
  admitsReload: (url: URL, isLocal: boolean) => boolean;
}

/** Builds the `classifyUpgrade` callback of the server. */
export function createUpgradeClassifier(deps: UpgradeDeps): (req: Request, url: URL, remote: string) => SocketData | null {
  return function classifyUpgrade(req, url, remote) {
    const origin = clientOrigin(remote, req.headers, deps.trustedProxies());
    const base = {
      connId: crypto.randomUUID(), remoteAddress: origin.address, isLoopback: origin.isLoopback, isLocal: origin.isLocal,
      origin: req.headers.get("origin"), host: req.headers.get("host"),
    };
    if (CONTROL_PATHS.has(url.pathname)) return { ...base, kind: "control" };
    if (deps.admitsReload(url, origin.isLocal)) return { ...base, kind: "reload" };
    return null;
  };
}
