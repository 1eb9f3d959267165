/** @module What happens when a node connects and leaves: registry entry, canvas capability. */
import type { Connection } from "./connection.ts";
import type { GatewayServices } from "./context.ts";

/** Registers an authenticated node connection and mints its canvas capability (before hello-ok). */
export function registerNode(conn: Connection, s: GatewayServices): void {
  const id = conn.identity!;
  const nodeId = id.deviceId ?? conn.id;
  const declared = [...id.commands];
  s.nodes.add(
    {
      nodeId, connId: conn.id, displayName: id.client.displayName, platform: id.client.platform, version: id.client.version,
      deviceFamily: id.client.deviceFamily, modelIdentifier: id.client.modelIdentifier, caps: [...id.caps],
      declaredCommands: declared,
      permissions: { ...id.permissions }, remoteIp: conn.remoteAddress, connectedAtMs: Date.now(),
    },
    { id: conn.id, sendEvent: (event, payload) => s.broadcaster.sendTo(conn, event, payload) },
  );
  id.canvasCapability = s.canvas.capabilities.mint(nodeId);
}

/** Removes a node when its connection closes: pending invokes fail at once, its capabilities lapse. */
export function unregisterNode(conn: Connection, s: GatewayServices): void {
  const node = s.nodes.removeConnection(conn.id);
  if (node) s.canvas.capabilities.revokeNode(node.nodeId);
}
