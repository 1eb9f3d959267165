/**
 * @module Handlers of the node methods: operator side `node.list`, `node.describe`, `node.rename`,
 * `node.invoke`; node side `node.invoke.result`, `node.event`, `node.canvas.capability.refresh` (v3)
 * and `node.pluginSurface.refresh` (v4).
 */
import { GatewayError, hasScope } from "../../protocol/index.ts";
import type {
  NodeDescribeParams, NodeDescribeResult, NodeEventParams, NodeInvokeParams, NodeInvokeResult, NodeInvokeResultParams,
  NodeListResult, NodePluginSurfaceRefreshParams, NodePluginSurfaceRefreshResult, NodeRenameParams, NodeRenameResult, NodeSummary,
} from "../../protocol/methods/nodes.ts";
import type { NodeInfo } from "../../nodes/registry.ts";
import type { Connection } from "../connection.ts";
import type { GatewayServices, MethodTable } from "../context.ts";
import { missingScopeError } from "../dispatch.ts";

/** Node commands an operator needs `operator.admin` for, even with `operator.write` (protocol-v4.md §7). */
export const ADMIN_NODE_COMMANDS: ReadonlySet<string> = new Set(["browser.proxy", "fs.listDir"]);

/** A node entry with the commands it declared (offline nodes: the commands they last claimed). */
type NodeEntry = NodeSummary & { declaredCommands: string[] };

/** Every known node by id: paired device nodes, legacy paired nodes, then connected ones on top. */
function nodeEntries(s: GatewayServices): Map<string, NodeEntry> {
  const entries = new Map<string, NodeEntry>();
  for (const d of s.pairing.listDevices()) {
    if (!d.roles.includes("node")) continue;
    entries.set(d.deviceId, {
      nodeId: d.deviceId, displayName: d.displayName, platform: d.platform, deviceFamily: d.deviceFamily, remoteIp: d.remoteIp,
      caps: [], commands: [], declaredCommands: [], connected: false, paired: true,
    });
  }
  for (const n of s.nodePairing.listPaired()) {
    if (entries.has(n.nodeId)) continue;
    const { createdAtMs: _c, approvedAtMs: _a, caps = [], commands = [], ...claims } = n;
    entries.set(n.nodeId, { ...claims, caps, commands, declaredCommands: commands, connected: false, paired: true });
  }
  for (const info of s.nodes.list()) entries.set(info.nodeId, liveEntry(info, entries.get(info.nodeId)));
  return entries;
}

/** A connected node; a paired record's display name (set by `node.rename`) wins over the node's own claim. */
function liveEntry(info: NodeInfo, paired: NodeEntry | undefined): NodeEntry {
  return {
    nodeId: info.nodeId, displayName: paired?.displayName ?? info.displayName, platform: info.platform, version: info.version,
    deviceFamily: info.deviceFamily, modelIdentifier: info.modelIdentifier, remoteIp: info.remoteIp,
    caps: info.caps, commands: info.commands, declaredCommands: info.declaredCommands, permissions: info.permissions,
    connected: true, paired: paired !== undefined, connectedAtMs: info.connectedAtMs,
  };
}

/** Connected first, then by name. */
function byConnectedThenName(a: NodeEntry, b: NodeEntry): number {
  if (a.connected !== b.connected) return a.connected ? -1 : 1;
  return (a.displayName ?? a.nodeId).localeCompare(b.displayName ?? b.nodeId);
}

/** The node id of a node-role caller: its registry entry, else its device id. */
function callerNodeId(conn: Connection, s: GatewayServices): string {
  const nodeId = s.nodes.nodeIdOf(conn.id) ?? conn.identity?.deviceId;
  if (!nodeId) throw new GatewayError("INVALID_REQUEST", "this connection is not a registered node");
  return nodeId;
}

/** Mints a canvas capability for a node: its URL and expiry. */
function canvasUrl(nodeId: string, s: GatewayServices, conn: Connection): { url: string; expiresAtMs: number } {
  const cap = s.canvas.capabilities.mint(nodeId);
  const expiresAtMs = s.canvas.capabilities.expiresAt(cap);
  if (expiresAtMs === null) throw new GatewayError("UNAVAILABLE", "canvas capability expired at once", { retryable: true });
  return { url: s.canvas.hostUrl(cap, conn), expiresAtMs };
}

/**
 * Renames a node's paired records: the legacy node record, and the device record of a device node.
 * A connected node needs no registry rename: `node.list` and `node.describe` show the paired record's name.
 * @returns whether any record was renamed.
 */
function renamePaired(s: GatewayServices, nodeId: string, displayName: string): boolean {
  const legacy = s.nodePairing.rename(nodeId, displayName) !== undefined;
  const device = s.pairing.getDevice(nodeId)?.roles.includes("node") === true && s.pairing.rename(nodeId, displayName);
  return legacy || device;
}

const unknownNode = (nodeId: string) => new GatewayError("INVALID_REQUEST", `unknown node: ${nodeId}`);

/** Node handlers. */
export const nodesMethods: MethodTable = {
  "node.list": (_params, { services: s }): NodeListResult => ({
    ts: Date.now(),
    nodes: [...nodeEntries(s).values()].sort(byConnectedThenName).map(({ declaredCommands: _, ...summary }) => summary),
  }),

  "node.describe": ({ nodeId }: NodeDescribeParams, { services: s }): NodeDescribeResult => {
    const entry = nodeEntries(s).get(nodeId);
    if (!entry) throw unknownNode(nodeId);
    return entry;
  },

  "node.rename": ({ nodeId, displayName }: NodeRenameParams, { conn, services: s }): NodeRenameResult => {
    if (!nodeEntries(s).has(nodeId)) throw unknownNode(nodeId);
    if (!renamePaired(s, nodeId, displayName)) {
      throw new GatewayError("INVALID_REQUEST", `node ${nodeId} is connected but not paired: nothing to rename`);
    }
    s.log.info("node renamed", { conn: conn.id, nodeId });
    return { nodeId, displayName };
  },

  "node.invoke": async ({ nodeId, command, params, timeoutMs, idempotencyKey }: NodeInvokeParams, { conn, services: s }): Promise<NodeInvokeResult> => {
    const identity = conn.identity!;
    if (ADMIN_NODE_COMMANDS.has(command) && !hasScope(identity.scopes, "operator.admin")) throw missingScopeError(identity.protocol, "operator.admin");
    // The registry checks the command against the allowlist as it is now, not as it was when the node connected.
    const payload = await s.nodes.invoke(nodeId, command, params, timeoutMs, idempotencyKey);
    return { ok: true, nodeId, command, payload };
  },

  "node.invoke.result": (params: NodeInvokeResultParams, { conn, services: s }) => {
    if (!s.nodes.complete(conn.id, params)) throw new GatewayError("INVALID_REQUEST", "unknown invoke id");
    return { ok: true };
  },

  "node.event": ({ event, payloadJSON }: NodeEventParams, { conn, services: s }) => {
    const nodeId = s.nodes.nodeIdOf(conn.id) ?? conn.identity?.deviceId;
    s.log.debug("node event", { conn: conn.id, nodeId, event, ...(payloadJSON !== undefined && { payloadBytes: payloadJSON.length }) });
    return { ok: true };
  },

  "node.canvas.capability.refresh": (_params, { conn, services: s }) => {
    const { url, expiresAtMs } = canvasUrl(callerNodeId(conn, s), s, conn);
    return { canvasHostUrl: url, expiresAtMs };
  },

  "node.pluginSurface.refresh": ({ surface }: NodePluginSurfaceRefreshParams, { conn, services: s }): NodePluginSurfaceRefreshResult => {
    if (surface !== "canvas") throw new GatewayError("INVALID_REQUEST", `unknown surface: ${surface}`);
    return { surface, ...canvasUrl(callerNodeId(conn, s), s, conn) };
  },
};
