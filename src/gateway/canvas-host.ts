/** @module Wires the canvas host into the gateway: routes, capability URLs for nodes, live reload. */
import type { Context } from "hono";
import type { Hono } from "hono";
import {
  buildScopedCanvasHostUrl, CapabilityStore, createCanvasRoutes, ensureCanvasRoot, LiveReloadHub, matchLiveReloadUpgrade,
} from "../canvas/index.ts";
import type { Logger } from "../logging/logger.ts";
import { safeEqual } from "../crypto/primitives.ts";
import type { AuthSettings } from "./auth.ts";
import type { Connection } from "./connection.ts";
import { clientOrigin } from "./net.ts";

/** Options of {@link createCanvasHost}. */
export interface CanvasHostOptions {
  stateDir: string;
  enabled: boolean;
  liveReload: boolean;
  auth: () => AuthSettings;
  trustedProxies: readonly string[];
  /** `http` or `https`, and the listen address used when a client gave no Host header. */
  scheme: "http" | "https";
  fallbackHost: () => string;
  log: Logger;
}

/** The running canvas host. */
export interface CanvasHost {
  capabilities: CapabilityStore;
  hub: LiveReloadHub;
  routes: Hono | null;
  hostUrl(capability: string, conn?: Connection): string;
  /** Whether a live-reload WebSocket upgrade for `url` may proceed. */
  admitsReload(url: URL, isLocal: boolean): boolean;
  close(): void;
}

/**
 * Creates the canvas root (with its default page), the routes and the live-reload watcher.
 * Canvas routes need a local client, the gateway token/password as a Bearer credential, or a capability.
 */
export async function createCanvasHost(o: CanvasHostOptions): Promise<CanvasHost> {
  const capabilities = new CapabilityStore();
  const hub = new LiveReloadHub({ onError: (e) => o.log.warn("canvas live reload failed", { error: e.message }) });
  let routes: Hono | null = null;
  if (o.enabled) {
    const canvasRoot = await ensureCanvasRoot(o.stateDir);
    if (o.liveReload) hub.watch(canvasRoot);
    routes = createCanvasRoutes({
      canvasRoot, capabilities, liveReload: o.liveReload,
      authorize: (c) => isLocalRequest(c, o.trustedProxies) || hasGatewayCredential(c.req.header("authorization"), o.auth()),
    });
  }
  return {
    capabilities, hub, routes,
    hostUrl: (capability, conn) => {
      const host = conn?.ws.data.host;
      try {
        if (host) return buildScopedCanvasHostUrl(`${o.scheme}://${host}`, capability);
      } catch {
        // a Host header that is no URL authority: use the listen address
      }
      return buildScopedCanvasHostUrl(`${o.scheme}://${o.fallbackHost()}`, capability);
    },
    admitsReload: (url, isLocal) => {
      const match = matchLiveReloadUpgrade(url);
      return match !== null && o.enabled && (isLocal || (match.capability !== null && capabilities.verify(match.capability) !== null));
    },
    close: () => hub.close(),
  };
}

function isLocalRequest(c: Context, trustedProxies: readonly string[]): boolean {
  const server = (c.env as { server?: { requestIP(req: Request): { address: string } | null } } | undefined)?.server;
  const remote = server?.requestIP(c.req.raw)?.address;
  return remote !== undefined && clientOrigin(remote, c.req.raw.headers, trustedProxies).isLocal;
}

function hasGatewayCredential(header: string | undefined, auth: AuthSettings): boolean {
  const presented = header?.match(/^Bearer\s+(.+)$/i)?.[1];
  if (auth.mode === "none") return true;
  const secret = auth.mode === "password" ? auth.password : auth.token;
  return presented !== undefined && secret !== undefined && safeEqual(presented, secret);
}
