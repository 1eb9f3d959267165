/**
 * @module Params and results of device pairing and device tokens (protocol.md §4.1):
 * `device.pair.list/approve/reject/remove`, `device.token.rotate/revoke`. Tokens are returned only
 * by `device.token.rotate`; lists summarize them without the secret.
 */
import { Type, type Static } from "@sinclair/typebox";

const Opt = Type.Optional;
const Closed = { additionalProperties: false } as const;
const Id = Type.String({ minLength: 1, maxLength: 256 });
const Str = Type.String();
const Ms = Type.Integer({ minimum: 0 });
const Strings = Type.Array(Type.String());

/** A role a device token is issued for. */
export const DeviceRole = Type.Union([Type.Literal("operator"), Type.Literal("node")], { $id: "DeviceRole" });

/** A pairing request waiting for a decision (5 min TTL, one per device); payload of `device.pair.requested`. */
export const DevicePendingRequest = Type.Object(
  {
    requestId: Str, deviceId: Str, publicKey: Str,
    displayName: Opt(Str), platform: Opt(Str), deviceFamily: Opt(Str),
    clientId: Str, clientMode: Str, role: Str, scopes: Strings,
    remoteIp: Str,
    /** Local connect approved without asking. */
    silent: Type.Boolean(),
    /** The device was already paired (new key, role or scopes). */
    isRepair: Type.Boolean(),
    ts: Ms,
  },
  { ...Closed, $id: "DevicePendingRequest" },
);
/** A pending device pairing request. */
export type DevicePendingRequest = Static<typeof DevicePendingRequest>;

/** A device token's metadata; the token itself is never listed. */
export const DeviceTokenSummary = Type.Object(
  { role: Str, scopes: Strings, createdAtMs: Ms, rotatedAtMs: Opt(Ms), revokedAtMs: Opt(Ms), lastUsedAtMs: Opt(Ms) },
  { ...Closed, $id: "DeviceTokenSummary" },
);
/** A device token's metadata. */
export type DeviceTokenSummary = Static<typeof DeviceTokenSummary>;

/** A paired device with its token summaries. */
export const PairedDeviceSummary = Type.Object(
  {
    deviceId: Str, publicKey: Str,
    displayName: Opt(Str), platform: Opt(Str), deviceFamily: Opt(Str),
    clientId: Str, clientMode: Str,
    roles: Strings,
    /** The approved scopes (same as `approvedScopes`; OpenClaw clients read this name). */
    scopes: Strings,
    approvedScopes: Strings,
    remoteIp: Str,
    createdAtMs: Ms, approvedAtMs: Ms,
    tokens: Type.Array(DeviceTokenSummary),
  },
  { ...Closed, $id: "PairedDeviceSummary" },
);
/** A paired device with its token summaries. */
export type PairedDeviceSummary = Static<typeof PairedDeviceSummary>;

/** `device.pair.list` params (none). */
export const DevicePairListParams = Opt(Type.Object({}, { ...Closed, $id: "DevicePairListParams" }));
/** `device.pair.list` result: pending requests and paired devices. */
export const DevicePairListResult = Type.Object(
  { pending: Type.Array(DevicePendingRequest), paired: Type.Array(PairedDeviceSummary) },
  { ...Closed, $id: "DevicePairListResult" },
);
/** `device.pair.list` result. */
export type DevicePairListResult = Static<typeof DevicePairListResult>;

/** Params naming one pairing request: `device.pair.approve/reject`, `node.pair.approve/reject`. */
export const PairingRequestIdParams = Type.Object({ requestId: Id }, { ...Closed, $id: "PairingRequestIdParams" });
/** Params naming one pairing request. */
export type PairingRequestIdParams = Static<typeof PairingRequestIdParams>;

/** `device.pair.approve` params. */
export const DevicePairApproveParams = PairingRequestIdParams;
/** `device.pair.approve` params. */
export type DevicePairApproveParams = Static<typeof DevicePairApproveParams>;
/** `device.pair.approve` result: the paired record (no token is minted; the device gets one on its next connect). */
export const DevicePairApproveResult = Type.Object(
  { requestId: Str, device: PairedDeviceSummary },
  { ...Closed, $id: "DevicePairApproveResult" },
);
/** `device.pair.approve` result. */
export type DevicePairApproveResult = Static<typeof DevicePairApproveResult>;

/** `device.pair.reject` params. */
export const DevicePairRejectParams = PairingRequestIdParams;
/** `device.pair.reject` params. */
export type DevicePairRejectParams = Static<typeof DevicePairRejectParams>;
/** `device.pair.reject` result. */
export const DevicePairRejectResult = Type.Object({ requestId: Str, deviceId: Str }, { ...Closed, $id: "DevicePairRejectResult" });
/** `device.pair.reject` result. */
export type DevicePairRejectResult = Static<typeof DevicePairRejectResult>;

/** `device.pair.remove` params. */
export const DevicePairRemoveParams = Type.Object({ deviceId: Id }, { ...Closed, $id: "DevicePairRemoveParams" });
/** `device.pair.remove` params. */
export type DevicePairRemoveParams = Static<typeof DevicePairRemoveParams>;
/** `device.pair.remove` result. */
export const DevicePairRemoveResult = Type.Object(
  { deviceId: Str, removed: Type.Literal(true) },
  { ...Closed, $id: "DevicePairRemoveResult" },
);
/** `device.pair.remove` result. */
export type DevicePairRemoveResult = Static<typeof DevicePairRemoveResult>;

/** `device.token.rotate` params; `scopes` (within the device's approved scopes) replaces the token's scopes. */
export const DeviceTokenRotateParams = Type.Object(
  { deviceId: Id, role: DeviceRole, scopes: Opt(Type.Array(Type.String({ minLength: 1, maxLength: 128 }), { maxItems: 64 })) },
  { ...Closed, $id: "DeviceTokenRotateParams" },
);
/** `device.token.rotate` params. */
export type DeviceTokenRotateParams = Static<typeof DeviceTokenRotateParams>;
/** `device.token.rotate` result: the new token, shown once. */
export const DeviceTokenRotateResult = Type.Object(
  { deviceId: Str, role: Str, token: Str, scopes: Strings, rotatedAtMs: Ms },
  { ...Closed, $id: "DeviceTokenRotateResult" },
);
/** `device.token.rotate` result. */
export type DeviceTokenRotateResult = Static<typeof DeviceTokenRotateResult>;

/** `device.token.revoke` params. */
export const DeviceTokenRevokeParams = Type.Object({ deviceId: Id, role: DeviceRole }, { ...Closed, $id: "DeviceTokenRevokeParams" });
/** `device.token.revoke` params. */
export type DeviceTokenRevokeParams = Static<typeof DeviceTokenRevokeParams>;
/** `device.token.revoke` result. */
export const DeviceTokenRevokeResult = Type.Object(
  { deviceId: Str, role: Str, revokedAtMs: Ms },
  { ...Closed, $id: "DeviceTokenRevokeResult" },
);
/** `device.token.revoke` result. */
export type DeviceTokenRevokeResult = Static<typeof DeviceTokenRevokeResult>;
