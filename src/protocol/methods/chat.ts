/** @module Params and results of the WebChat methods `chat.send`, `chat.history`, `chat.abort`, `chat.inject`, and the `chat` event. */
import { Type, type Static } from "@sinclair/typebox";
import { ChatAttachments } from "./attachments.ts";

const Opt = Type.Optional;
const Closed = { additionalProperties: false } as const;
const SessionKey = Type.String({ minLength: 1, maxLength: 512 });

/** `chat.send` params. */
export const ChatSendParams = Type.Object(
  {
    sessionKey: SessionKey,
    message: Type.String({ minLength: 1, maxLength: 200_000 }),
    thinking: Opt(Type.String()),
    deliver: Opt(Type.Boolean()),
    attachments: Opt(ChatAttachments),
    timeoutMs: Opt(Type.Integer({ minimum: 1 })),
    idempotencyKey: Type.String({ minLength: 1, maxLength: 256 }),
  },
  { ...Closed, $id: "ChatSendParams" },
);
/** `chat.send` params. */
export type ChatSendParams = Static<typeof ChatSendParams>;
/** `chat.send` result: the run started (or is already in flight); `/stop` answers the abort. */
export const ChatSendResult = Type.Object(
  {
    runId: Opt(Type.String()),
    status: Opt(Type.Union([Type.Literal("started"), Type.Literal("in_flight"), Type.Literal("queued")])),
    ok: Opt(Type.Boolean()), aborted: Opt(Type.Boolean()), runIds: Opt(Type.Array(Type.String())),
  },
  { ...Closed, $id: "ChatSendResult" },
);

/** `chat.history` params. */
export const ChatHistoryParams = Type.Object(
  { sessionKey: SessionKey, limit: Opt(Type.Integer({ minimum: 1, maximum: 1000 })) },
  { ...Closed, $id: "ChatHistoryParams" },
);
/** `chat.history` result. */
export const ChatHistoryResult = Type.Object(
  {
    sessionKey: Type.String(), sessionId: Type.String(), messages: Type.Array(Type.Unknown()),
    thinkingLevel: Opt(Type.String()), verboseLevel: Opt(Type.String()),
  },
  { ...Closed, $id: "ChatHistoryResult" },
);

/** `chat.abort` params. */
export const ChatAbortParams = Type.Object({ sessionKey: SessionKey, runId: Opt(Type.String()) }, { ...Closed, $id: "ChatAbortParams" });
/** `chat.abort` result. */
export const ChatAbortResult = Type.Object(
  { ok: Type.Literal(true), aborted: Type.Boolean(), runIds: Type.Array(Type.String()) },
  { ...Closed, $id: "ChatAbortResult" },
);

/** `chat.inject` params. */
export const ChatInjectParams = Type.Object(
  { sessionKey: SessionKey, message: Type.String({ minLength: 1, maxLength: 200_000 }), label: Opt(Type.String({ maxLength: 128 })), idempotencyKey: Opt(Type.String()) },
  { ...Closed, $id: "ChatInjectParams" },
);
/** `chat.inject` result. */
export const ChatInjectResult = Type.Object({ ok: Type.Literal(true), sessionId: Type.String() }, { ...Closed, $id: "ChatInjectResult" });

/** `chat` event payload (protocol.md §7.3). */
export const ChatEventPayload = Type.Object(
  {
    runId: Type.String(), sessionKey: Type.String(), seq: Type.Integer({ minimum: 1 }),
    state: Type.Union([Type.Literal("delta"), Type.Literal("final"), Type.Literal("aborted"), Type.Literal("error")]),
    message: Opt(Type.Unknown()), errorMessage: Opt(Type.String()), stopReason: Opt(Type.String()), usage: Opt(Type.Unknown()),
  },
  { ...Closed, $id: "ChatEventPayload" },
);
