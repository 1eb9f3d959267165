/**
 * @module Handlers of device pairing and device tokens: `device.pair.list/approve/reject/remove`,
 * `device.token.rotate/revoke`. Removing a device or revoking its token also closes the sockets
 * that depended on it (close 4001 "client invalidated: …", protocol-v4.md §6).
 */
import type { PairedDevice, PairingStore } from "../../devices/pairing-store.ts";
import { CloseCode, GatewayError } from "../../protocol/index.ts";
import type {
  DevicePairApproveParams, DevicePairApproveResult, DevicePairListResult, DevicePairRejectParams, DevicePairRejectResult,
  DevicePairRemoveParams, DevicePairRemoveResult, DeviceTokenRevokeParams, DeviceTokenRevokeResult, DeviceTokenRotateParams,
  DeviceTokenRotateResult, PairedDeviceSummary,
} from "../../protocol/methods/devices.ts";
import type { Connection } from "../connection.ts";
import type { GatewayServices, MethodTable } from "../context.ts";

/** Close code of an authenticated socket whose credential was taken away (protocol-v4.md §6). */

/** A paired device as listed on the wire: its token metadata, never the tokens. */
function deviceSummary(pairing: PairingStore, device: PairedDevice): PairedDeviceSummary {
  const tokens = pairing.listTokens(device.deviceId).map(({ deviceId: _, ...token }) => token);
  return { ...device, scopes: device.approvedScopes, tokens };
}

/**
 * Closes every open connection of `deviceId` that `match` selects.
 * @returns how many were closed.
 */
export function closeDeviceConnections(
  services: GatewayServices, deviceId: string, reason: string, match: (conn: Connection) => boolean = () => true,
): number {
  let closed = 0;
  for (const conn of [...services.registry.open()]) {
    if (conn.identity?.deviceId !== deviceId || !match(conn)) continue;
    conn.close(CloseCode.CLIENT_INVALIDATED, `client invalidated: ${reason}`);
    closed++;
  }
  return closed;
}

const unknownRequest = (requestId: string) => new GatewayError("INVALID_REQUEST", `unknown requestId: ${requestId}`);

/** Device pairing handlers. */
export const devicesMethods: MethodTable = {
  "device.pair.list": (_params, { services: s }): DevicePairListResult => ({
    pending: s.pairing.listPending(),
    paired: s.pairing.listDevices().map((d) => deviceSummary(s.pairing, d)),
  }),

  "device.pair.approve": ({ requestId }: DevicePairApproveParams, { conn, services: s }): DevicePairApproveResult => {
    const device = s.pairing.approve(requestId);
    if (!device) throw unknownRequest(requestId);
    s.broadcaster.broadcast("device.pair.resolved", { requestId, deviceId: device.deviceId, decision: "approved", ts: Date.now() });
    s.log.info("device pairing approved", { conn: conn.id, deviceId: device.deviceId, roles: device.roles });
    return { requestId, device: deviceSummary(s.pairing, device) };
  },

  "device.pair.reject": ({ requestId }: DevicePairRejectParams, { conn, services: s }): DevicePairRejectResult => {
    const pending = s.pairing.reject(requestId);
    if (!pending) throw unknownRequest(requestId);
    s.broadcaster.broadcast("device.pair.resolved", { requestId, deviceId: pending.deviceId, decision: "rejected", ts: Date.now() });
    s.log.info("device pairing rejected", { conn: conn.id, deviceId: pending.deviceId });
    return { requestId, deviceId: pending.deviceId };
  },

  "device.pair.remove": ({ deviceId }: DevicePairRemoveParams, { conn, services: s }): DevicePairRemoveResult => {
    if (!s.pairing.removeDevice(deviceId)) throw new GatewayError("INVALID_REQUEST", `unknown deviceId: ${deviceId}`);
    const closed = closeDeviceConnections(s, deviceId, "device removed");
    const capabilities = s.canvas.capabilities.revokeNode(deviceId);
    s.log.info("device removed", { conn: conn.id, deviceId, closed, capabilities });
    return { deviceId, removed: true };
  },

  "device.token.rotate": ({ deviceId, role, scopes }: DeviceTokenRotateParams, { conn, services: s }): DeviceTokenRotateResult => {
    const device = s.pairing.getDevice(deviceId);
    if (!device) throw new GatewayError("INVALID_REQUEST", `unknown deviceId: ${deviceId}`);
    if (!device.roles.includes(role)) throw new GatewayError("INVALID_REQUEST", `device ${deviceId} is not paired for role: ${role}`);
    const beyond = (scopes ?? []).filter((scope) => !device.approvedScopes.includes(scope));
    if (beyond.length > 0) throw new GatewayError("INVALID_REQUEST", `scopes not approved for device ${deviceId}: ${beyond.join(", ")}`);
    const issued = s.pairing.rotate(deviceId, role, scopes);
    if (!issued) throw new GatewayError("INVALID_REQUEST", `device ${deviceId} is not paired for role: ${role}`);
    s.log.info("device token rotated", { conn: conn.id, deviceId, role });
    return { deviceId, role, token: issued.token, scopes: issued.scopes, rotatedAtMs: issued.rotatedAtMs ?? issued.createdAtMs };
  },

  "device.token.revoke": ({ deviceId, role }: DeviceTokenRevokeParams, { conn, services: s }): DeviceTokenRevokeResult => {
    if (!s.pairing.revoke(deviceId, role)) throw new GatewayError("INVALID_REQUEST", `no active ${role} token for device: ${deviceId}`);
    const revokedAtMs = s.pairing.listTokens(deviceId).find((t) => t.role === role)?.revokedAtMs ?? Date.now();
    const closed = closeDeviceConnections(s, deviceId, "device token revoked",
      (c) => c.identity?.role === role && c.identity.authMethod === "device-token");
    s.log.info("device token revoked", { conn: conn.id, deviceId, role, closed });
    return { deviceId, role, revokedAtMs };
  },
};
