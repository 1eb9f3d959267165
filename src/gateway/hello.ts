/** @module Builds `hello-ok` in the shape of the connection's negotiated protocol version (protocol-v4.md §5). */
import type { HelloOkV3, HelloOkV4, Policy } from "../protocol/index.ts";
import { ADVERTISED_EVENTS, limits } from "../protocol/index.ts";
import type { Connection } from "./connection.ts";
import type { GatewayServices } from "./context.ts";

/** The hello-ok payload for `conn`. */
export function buildHello(conn: Connection, s: GatewayServices, methods: string[], policy: Policy): HelloOkV3 | HelloOkV4 {
  const id = conn.identity!;
  const isAdmin = id.scopes.has("operator.admin");
  const snapshot = {
    presence: s.presence.list(),
    health: s.health.snapshot(),
    stateVersion: s.stateVersion(),
    uptimeMs: Date.now() - s.startedAt,
    sessionDefaults: { defaultAgentId: "main", mainKey: "main", mainSessionKey: "agent:main:main", scope: "main" },
    // Paths and auth mode are for administrators only (protocol-v4.md §5).
    ...(isAdmin && { configPath: s.config.path, stateDir: s.stateDir, authMode: s.authMode }),
  };
  const features = { methods: methods.filter((m) => m !== "connect"), events: ADVERTISED_EVENTS };
  const server = { version: s.version, connId: conn.id };
  const issued = id.issuedToken;
  // On the host the node used to reach us (like the refresh methods), not the listen address (0.0.0.0 on a LAN bind).
  const canvasUrl = id.canvasCapability ? s.canvas.hostUrl(id.canvasCapability, conn) : undefined;
  if (id.protocol === 3) {
    return {
      type: "hello-ok", protocol: 3, server, features, snapshot, policy,
      ...(canvasUrl && { canvasHostUrl: canvasUrl }),
      ...(issued && { auth: { deviceToken: issued.token, role: id.role, scopes: [...id.scopes], issuedAtMs: issued.issuedAtMs } }),
    };
  }
  return {
    type: "hello-ok",
    protocol: 4,
    server: { ...server, bootId: s.bootId },
    features: { ...features, capabilities: [] },
    snapshot: { ...snapshot, suspension: { phase: "accepting" } },
    auth: {
      method: id.authMethod as HelloOkV4["auth"]["method"], role: id.role, scopes: [...id.scopes],
      ...(issued && { deviceToken: issued.token, issuedAtMs: issued.issuedAtMs }),
    },
    // What the images of one chat.send / agent call may weigh, decoded (agent.md §1.1).
    policy: { ...policy, attachments: { maxBytes: limits.MAX_ATTACHMENT_BYTES, maxImageBytes: limits.MAX_ATTACHMENT_BYTES } },
    ...(canvasUrl && { pluginSurfaceUrls: { canvas: canvasUrl } }),
  };
}
