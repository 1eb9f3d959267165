/**
 * @module `send` (protocol.md §6 "Messaging"): an outbound message on a channel. Deduped by its
 * required `idempotencyKey`; until channel adapters exist every target is unconfigured.
 */
import { Type, type Static } from "@sinclair/typebox";

const Opt = Type.Optional;
const Closed = { additionalProperties: false } as const;
const Str = Type.String({ minLength: 1 });

/** `send` params. */
export const SendParams = Type.Object(
  {
    to: Str,
    message: Opt(Type.String()),
    mediaUrl: Opt(Str),
    mediaUrls: Opt(Type.Array(Str, { maxItems: 32 })),
    gifPlayback: Opt(Type.Boolean()),
    /** Channel id (`telegram`, `whatsapp`…); default: the default channel. */
    channel: Opt(Str),
    accountId: Opt(Str),
    threadId: Opt(Str),
    sessionKey: Opt(Str),
    idempotencyKey: Type.String({ minLength: 1, maxLength: 256 }),
  },
  { ...Closed, $id: "SendParams" },
);
/** `send` params. */
export type SendParams = Static<typeof SendParams>;

/** `send` result: where the message went. */
export const SendResult = Type.Object(
  {
    runId: Type.String(),
    messageId: Opt(Type.String()),
    channel: Type.String(),
    chatId: Opt(Type.String()),
    toJid: Opt(Type.String()),
  },
  { ...Closed, $id: "SendResult" },
);
/** `send` result. */
export type SendResult = Static<typeof SendResult>;
