/** @module Payloads of the events this gateway pushes. */
import { Type, type Static } from "@sinclair/typebox";
import { PresenceEntry } from "./hello.ts";

/** `connect.challenge`: sent on open; the nonce must be echoed in the signed device block. */
export const ConnectChallengePayload = Type.Object(
  { nonce: Type.String(), ts: Type.Integer({ minimum: 0 }), capabilities: Type.Optional(Type.Array(Type.String())) },
  { additionalProperties: false, $id: "ConnectChallengePayload" },
);
/** `connect.challenge` payload. */
export type ConnectChallengePayload = Static<typeof ConnectChallengePayload>;

/** `tick`: keepalive every `policy.tickIntervalMs`. */
export const TickPayload = Type.Object({ ts: Type.Integer() }, { additionalProperties: false, $id: "TickPayload" });
/** `tick` payload. */
export type TickPayload = Static<typeof TickPayload>;

/** `shutdown`: the gateway is stopping; `restartExpectedMs` when it will be back. */
export const ShutdownPayload = Type.Object(
  { reason: Type.String(), restartExpectedMs: Type.Optional(Type.Integer({ minimum: 0 })) },
  { additionalProperties: false, $id: "ShutdownPayload" },
);
/** `shutdown` payload. */
export type ShutdownPayload = Static<typeof ShutdownPayload>;

/** `presence`: the whole presence list after a change (with `stateVersion`). */
export const PresencePayload = Type.Object(
  { presence: Type.Array(PresenceEntry) },
  { additionalProperties: false, $id: "PresencePayload" },
);

/** How a pairing request ended. */
export const PairingDecision = Type.Union(
  [Type.Literal("approved"), Type.Literal("rejected"), Type.Literal("expired")],
  { $id: "PairingDecision" },
);
/** How a pairing request ended. */
export type PairingDecision = Static<typeof PairingDecision>;

/** `device.pair.resolved`: a device pairing request was approved, rejected or expired. */
export const DevicePairResolvedPayload = Type.Object(
  { requestId: Type.String(), deviceId: Type.String(), decision: PairingDecision, ts: Type.Integer({ minimum: 0 }) },
  { additionalProperties: false, $id: "DevicePairResolvedPayload" },
);
/** `device.pair.resolved` payload. */
export type DevicePairResolvedPayload = Static<typeof DevicePairResolvedPayload>;

/** `node.pair.resolved`: a node pairing request was approved, rejected or expired. */
export const NodePairResolvedPayload = Type.Object(
  { requestId: Type.String(), nodeId: Type.String(), decision: PairingDecision, ts: Type.Integer({ minimum: 0 }) },
  { additionalProperties: false, $id: "NodePairResolvedPayload" },
);
/** `node.pair.resolved` payload. */
export type NodePairResolvedPayload = Static<typeof NodePairResolvedPayload>;

/** `node.invoke.request`: sent to one node only; it answers with `node.invoke.result`. */
export const NodeInvokeRequestPayload = Type.Object(
  {
    id: Type.String(), nodeId: Type.String(), command: Type.String(),
    paramsJSON: Type.Optional(Type.String()), timeoutMs: Type.Optional(Type.Integer({ minimum: 1 })),
    idempotencyKey: Type.Optional(Type.String()),
  },
  { additionalProperties: false, $id: "NodeInvokeRequestPayload" },
);
/** `node.invoke.request` payload. */
export type NodeInvokeRequestPayload = Static<typeof NodeInvokeRequestPayload>;
