/**
 * @module The pairing gate of `connect` (protocol.md §2.4 steps 7–8): an unknown device, a new key,
 * a new role or broader scopes need approval. Local connects are approved silently (unless
 * `gateway.pairing.autoApproveLocal` is false); others get `NOT_PAIRED` and a `device.pair.requested`
 * broadcast. An admitted device gets a device token the first time (tokens are stored hashed).
 */
import { GatewayError, scopesCover, type ClientInfo, type ProtocolVersion } from "../protocol/index.ts";
import type { IssuedToken, PairedDevice, PairingStore } from "../devices/pairing-store.ts";
import type { Broadcaster } from "./broadcast.ts";

/** Why pairing is required. */
export type PairingReason = "not-paired" | "role-upgrade" | "scope-upgrade";

/** What the gate needs. */
export interface DeviceGateDeps {
  pairing: PairingStore;
  broadcaster: Broadcaster;
  autoApproveLocal: () => boolean;
}

/** A connect that signed with a device identity. */
export interface DeviceConnect {
  deviceId: string;
  publicKey: string;
  client: ClientInfo;
  role: string;
  scopes: string[];
  remoteIp: string;
  isLocal: boolean;
  protocol: ProtocolVersion;
  /** How the connect authenticated; a device token already proves pairing. */
  authMethod: string;
}

/** Raised when the device must wait for approval: the error and the close reason. */
export class PairingRequired extends Error {
  override readonly name = "PairingRequired";
  constructor(readonly error: GatewayError, readonly closeReason: string) {
    super(error.message);
  }
}

/** Why `device` needs (re-)pairing for this connect, or null when it is paired for it. */
export function pairingReason(device: PairedDevice | undefined, c: DeviceConnect): PairingReason | null {
  if (!device || device.publicKey !== c.publicKey) return "not-paired";
  if (!device.roles.includes(c.role)) return "role-upgrade";
  if (!scopesCover(device.approvedScopes, c.scopes)) return "scope-upgrade";
  return null;
}

/**
 * Admits a signed device, pairing it silently when local.
 * @returns a device token minted for this connect, if the device had none for the role.
 * @throws {PairingRequired} when an operator has to approve first.
 */
export function admitDevice(c: DeviceConnect, deps: DeviceGateDeps): IssuedToken | undefined {
  const paired = deps.pairing.getDevice(c.deviceId);
  const reason = c.authMethod === "device-token" ? null : pairingReason(paired, c);
  if (reason) {
    const silent = c.isLocal && deps.autoApproveLocal();
    const { request } = deps.pairing.request({
      deviceId: c.deviceId, publicKey: c.publicKey, displayName: c.client.displayName, platform: c.client.platform,
      deviceFamily: c.client.deviceFamily, clientId: c.client.id, clientMode: c.client.mode, role: c.role, scopes: c.scopes,
      remoteIp: c.remoteIp, silent, isRepair: paired !== undefined,
    });
    if (!silent) {
      deps.broadcaster.broadcast("device.pair.requested", request);
      throw pairingRequired(c, reason, request.requestId, paired);
    }
    deps.pairing.approve(request.requestId);
    deps.broadcaster.broadcast("device.pair.resolved", { requestId: request.requestId, deviceId: c.deviceId, decision: "approved", ts: Date.now() });
  }
  if (c.authMethod === "device-token") return undefined;
  return deps.pairing.ensureToken(c.deviceId, c.role, c.scopes);
}

function pairingRequired(c: DeviceConnect, reason: PairingReason, requestId: string, paired: PairedDevice | undefined): PairingRequired {
  const message = reason === "not-paired" ? "pairing required" : `pairing required: ${reason}`;
  const details = c.protocol === 3
    ? { requestId }
    : {
        code: "PAIRING_REQUIRED", reason, requestId,
        remediationHint: `approve this device on the gateway host: mayros devices approve ${requestId}`,
        recommendedNextStep: "wait_for_approval", retryable: true, pauseReconnect: true,
        deviceId: c.deviceId, requestedRole: c.role, requestedScopes: c.scopes,
        ...(paired && { approvedRoles: paired.roles, approvedScopes: paired.approvedScopes }),
      };
  return new PairingRequired(new GatewayError("NOT_PAIRED", message, { details }), `${message} (requestId: ${requestId})`);
}
