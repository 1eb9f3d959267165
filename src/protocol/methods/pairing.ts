/** @module `pairing.list` and `pairing.approve` (channels.md §2): DM pairing codes of channel senders. */
import { Type, type Static } from "@sinclair/typebox";

const Opt = Type.Optional;
const Closed = { additionalProperties: false } as const;
const Str = Type.String({ minLength: 1 });

/** One pending channel pairing request. */
export const ChannelPairingRequest = Type.Object(
  {
    channel: Type.String(),
    accountId: Type.String(),
    senderId: Type.String(),
    senderName: Opt(Type.String()),
    code: Type.String(),
    createdAt: Type.Integer(),
    lastSeenAt: Type.Integer(),
    expiresAt: Type.Integer(),
  },
  { ...Closed, $id: "ChannelPairingRequest" },
);
/** One pending channel pairing request. */
export type ChannelPairingRequest = Static<typeof ChannelPairingRequest>;

/** `pairing.list` params. */
export const PairingListParams = Opt(Type.Object({ channel: Opt(Str) }, { ...Closed, $id: "PairingListParams" }));
/** `pairing.list` params. */
export type PairingListParams = Static<typeof PairingListParams>;

/** `pairing.list` result. */
export const PairingListResult = Type.Object({ requests: Type.Array(ChannelPairingRequest) }, { ...Closed, $id: "PairingListResult" });
/** `pairing.list` result. */
export type PairingListResult = Static<typeof PairingListResult>;

/** `pairing.approve` params. */
export const PairingApproveParams = Type.Object({ channel: Str, code: Type.String({ minLength: 1, maxLength: 32 }) }, { ...Closed, $id: "PairingApproveParams" });
/** `pairing.approve` params. */
export type PairingApproveParams = Static<typeof PairingApproveParams>;

/** `pairing.approve` result: the sender now admitted. */
export const PairingApproveResult = Type.Object(
  { channel: Type.String(), accountId: Type.String(), senderId: Type.String(), senderName: Opt(Type.String()) },
  { ...Closed, $id: "PairingApproveResult" },
);
/** `pairing.approve` result. */
export type PairingApproveResult = Static<typeof PairingApproveResult>;
