/** @module Params and results of `sessions.list/patch/reset/delete/preview/resolve/compact/usage`. */
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

/** `sessions.preview` params: the last `limit` (5) items of each session, texts cut at `maxChars` (200). */
export const SessionsPreviewParams = Type.Object(
  {
    keys: Type.Array(SessionKey, { minItems: 1, maxItems: 100 }),
    limit: Opt(Type.Integer({ minimum: 1, maximum: 100 })),
    maxChars: Opt(Type.Integer({ minimum: 1, maximum: 20_000 })),
  },
  { ...Closed, $id: "SessionsPreviewParams" },
);
/** One preview item: the role (`user`, `assistant`, `tool`, `system`) and a one-line text. */
const PreviewItem = Type.Object({ role: Type.String(), text: Type.String() }, { ...Closed, $id: "SessionPreviewItem" });
/** `sessions.preview` result: one preview per requested key, in order. */
export const SessionsPreviewResult = Type.Object(
  {
    ts: Type.Integer(),
    previews: Type.Array(Type.Object(
      {
        key: Type.String(),
        status: Type.Union([Type.Literal("ok"), Type.Literal("empty"), Type.Literal("missing"), Type.Literal("error")]),
        items: Type.Array(PreviewItem),
        error: Opt(Type.String()),
      },
      { ...Closed, $id: "SessionPreview" },
    )),
  },
  { ...Closed, $id: "SessionsPreviewResult" },
);

/** `sessions.resolve` params: exactly one of `key`, `sessionId`, `label`; `agentId`/`spawnedBy` narrow a lookup. */
export const SessionsResolveParams = Type.Object(
  {
    key: Opt(SessionKey), sessionId: Opt(Type.String({ minLength: 1, maxLength: 128 })), label: Opt(Type.String({ minLength: 1, maxLength: 256 })),
    agentId: Opt(Type.String({ minLength: 1, maxLength: 64 })), spawnedBy: Opt(Type.String({ minLength: 1, maxLength: 512 })),
  },
  { ...Closed, $id: "SessionsResolveParams" },
);
/** `sessions.resolve` result. */
export const SessionsResolveResult = Type.Object(
  { ok: Type.Literal(true), key: Type.String(), entry: Type.Record(Type.String(), Type.Unknown()) },
  { ...Closed, $id: "SessionsResolveResult" },
);

/** `sessions.compact` params: keep the last `maxLines` (400) transcript entries. */
export const SessionsCompactParams = Type.Object(
  { key: SessionKey, maxLines: Opt(Type.Integer({ minimum: 1, maximum: 1_000_000 })) },
  { ...Closed, $id: "SessionsCompactParams" },
);
/** `sessions.compact` result: `kept` entries remain; `reason` says why nothing was compacted when there was no transcript. */
export const SessionsCompactResult = Type.Object(
  {
    ok: Type.Literal(true), key: Type.String(), compacted: Type.Boolean(),
    kept: Opt(Type.Integer()), removed: Opt(Type.Integer()), reason: Opt(Type.String()),
  },
  { ...Closed, $id: "SessionsCompactResult" },
);

/** `sessions.usage` params: one session (`key`), or every session (newest first, at most `limit`, of `agentId`). */
export const SessionsUsageParams = Opt(Type.Object(
  { key: Opt(SessionKey), agentId: Opt(Type.String({ minLength: 1, maxLength: 64 })), limit: Opt(Type.Integer({ minimum: 1, maximum: 10_000 })) },
  { ...Closed, $id: "SessionsUsageParams" },
));
const Counter = Type.Integer({ minimum: 0 });
/** Token counters (the store's `SessionUsage`). */
const UsageCounters = {
  inputTokens: Counter, outputTokens: Counter, totalTokens: Counter, cacheRead: Counter, cacheWrite: Counter,
};
/** `sessions.usage` result: per-session counters and their totals. */
export const SessionsUsageResult = Type.Object(
  {
    ts: Type.Integer(),
    sessions: Type.Array(Type.Object(
      {
        key: Type.String(), sessionId: Type.String(), agentId: Type.String(), updatedAt: Type.Integer(), ...UsageCounters,
        compactionCount: Counter, contextTokens: Opt(Type.Integer()), model: Opt(Type.String()), modelProvider: Opt(Type.String()),
      },
      { ...Closed, $id: "SessionUsageRow" },
    )),
    totals: Type.Object(UsageCounters, { ...Closed, $id: "SessionUsageTotals" }),
  },
  { ...Closed, $id: "SessionsUsageResult" },
);
