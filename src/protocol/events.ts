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
