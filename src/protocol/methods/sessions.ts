/** @module Params and results of `sessions.list`, `sessions.patch`, `sessions.reset`, `sessions.delete`. */
import { Type } from "@sinclair/typebox";

const Opt = Type.Optional;
const Closed = { additionalProperties: false } as const;
const SessionKey = Type.String({ minLength: 1, maxLength: 512 });

/** `sessions.list` params. */
export const SessionsListParams = Opt(Type.Object(
  {
    limit: Opt(Type.Integer({ minimum: 1, maximum: 1000 })), activeMinutes: Opt(Type.Integer({ minimum: 1 })),
    agentId: Opt(Type.String()), search: Opt(Type.String({ maxLength: 256 })),
    includeGlobal: Opt(Type.Boolean()), includeUnknown: Opt(Type.Boolean()), includeLastMessage: Opt(Type.Boolean()),
    includeDerivedTitles: Opt(Type.Boolean()), label: Opt(Type.String()), spawnedBy: Opt(Type.String()),
  },
  { ...Closed, $id: "SessionsListParams" },
));
/** `sessions.list` result: rows carry the session entry plus `kind` (`direct|group|global|unknown`). */
export const SessionsListResult = Type.Object(
  {
    ts: Type.Integer(),
    /** The database holding the sessions (`<stateDir>/state.db`). */
    path: Opt(Type.String()),
    count: Type.Integer(),
    defaults: Opt(Type.Object({ modelProvider: Type.String(), model: Type.String(), contextTokens: Type.Integer() }, Closed)),
    sessions: Type.Array(Type.Record(Type.String(), Type.Unknown())),
  },
  { ...Closed, $id: "SessionsListResult" },
);

/** `sessions.patch` params: per-session overrides; `null` clears a field. */
export const SessionsPatchParams = Type.Object(
  {
    key: SessionKey,
    label: Opt(Type.Union([Type.String({ maxLength: 256 }), Type.Null()])),
    thinkingLevel: Opt(Type.Union([Type.String(), Type.Null()])),
    verboseLevel: Opt(Type.Union([Type.String(), Type.Null()])),
    model: Opt(Type.Union([Type.String({ minLength: 3 }), Type.Null()])),
    sendPolicy: Opt(Type.Union([Type.Literal("allow"), Type.Literal("deny"), Type.Null()])),
    queueMode: Opt(Type.Union([Type.Literal("collect"), Type.Literal("followup"), Type.Literal("steer"), Type.Literal("interrupt"), Type.Null()])),
  },
  { ...Closed, $id: "SessionsPatchParams" },
);
/** `sessions.reset` params. */
export const SessionsResetParams = Type.Object(
  { key: SessionKey, reason: Opt(Type.Union([Type.Literal("new"), Type.Literal("reset")])) },
  { ...Closed, $id: "SessionsResetParams" },
);
/** `sessions.delete` params. */
export const SessionsDeleteParams = Type.Object(
  { key: SessionKey, deleteTranscript: Opt(Type.Boolean()) },
  { ...Closed, $id: "SessionsDeleteParams" },
);
/** `sessions.patch` / `sessions.reset` / `sessions.delete` result. */
export const SessionsChangeResult = Type.Object(
  { ok: Type.Literal(true), key: Type.String(), entry: Opt(Type.Unknown()), deleted: Opt(Type.Boolean()) },
  { ...Closed, $id: "SessionsChangeResult" },
);
