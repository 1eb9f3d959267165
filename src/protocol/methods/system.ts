/** @module Params and results of the core status methods: `health`, `status`, `system-presence`, `system-event`, `logs.tail`. */
import { Type, type Static } from "@sinclair/typebox";
import { HealthSnapshot, PresenceEntry } from "../hello.ts";

const Opt = Type.Optional;
const Closed = { additionalProperties: false } as const;

/** `health` params: `probe` asks for a live recomputation instead of the cached snapshot. */
export const HealthParams = Opt(Type.Object({ probe: Opt(Type.Boolean()) }, { ...Closed, $id: "HealthParams" }));
/** `health` result. */
export const HealthResult = HealthSnapshot;

/** `status` params (none). */
export const StatusParams = Opt(Type.Object({}, { ...Closed, $id: "StatusParams" }));
/** `status` result: what this gateway is and how it is doing. */
export const StatusResult = Type.Object(
  {
    runtimeVersion: Type.String(),
    commit: Type.String(),
    pid: Type.Integer(),
    uptimeMs: Type.Integer({ minimum: 0 }),
    protocol: Type.Object({ min: Type.Integer(), max: Type.Integer() }, Closed),
    listen: Type.Object({ host: Type.String(), port: Type.Integer() }, Closed),
    stateDir: Opt(Type.String()),
    configPath: Opt(Type.String()),
    authMode: Type.String(),
    connections: Type.Object({ operators: Type.Integer(), nodes: Type.Integer(), pending: Type.Integer() }, Closed),
    processMemory: Type.Object({ rssBytes: Type.Integer(), heapUsedBytes: Type.Integer(), heapTotalBytes: Type.Integer() }, Closed),
    queuedSystemEvents: Type.Array(Type.String()),
    channelSummary: Type.Array(Type.Unknown()),
    sessions: Type.Object({ count: Type.Integer(), recent: Type.Array(Type.Unknown()) }, Closed),
  },
  { ...Closed, $id: "StatusResult" },
);
/** `status` result. */
export type StatusResult = Static<typeof StatusResult>;

/** `system-presence` params (none). */
export const SystemPresenceParams = Opt(Type.Object({}, { ...Closed, $id: "SystemPresenceParams" }));
/** `system-presence` result: every presence row. */
export const SystemPresenceResult = Type.Array(PresenceEntry, { $id: "SystemPresenceResult" });

/** `system-event` params: a line of text for the main session, optionally refreshing the sender's presence row. */
export const SystemEventParams = Type.Object(
  {
    text: Type.String({ minLength: 1, maxLength: 20_000 }),
    deviceId: Opt(Type.String()), instanceId: Opt(Type.String()), host: Opt(Type.String()),
    ip: Opt(Type.String()), mode: Opt(Type.String()), version: Opt(Type.String()),
    platform: Opt(Type.String()), deviceFamily: Opt(Type.String()), modelIdentifier: Opt(Type.String()),
    lastInputSeconds: Opt(Type.Number({ minimum: 0 })), reason: Opt(Type.String()),
    roles: Opt(Type.Array(Type.String())), scopes: Opt(Type.Array(Type.String())), tags: Opt(Type.Array(Type.String())),
    idempotencyKey: Opt(Type.String({ minLength: 1, maxLength: 256 })),
  },
  { ...Closed, $id: "SystemEventParams" },
);
/** `system-event` params. */
export type SystemEventParams = Static<typeof SystemEventParams>;
/** `system-event` result. */
export const SystemEventResult = Type.Object({ ok: Type.Literal(true), queued: Type.Integer() }, { ...Closed, $id: "SystemEventResult" });

/** `logs.tail` params: without a cursor, the last `limit` lines; with one, what follows it. */
export const LogsTailParams = Opt(Type.Object(
  {
    cursor: Opt(Type.Integer({ minimum: 0 })),
    limit: Opt(Type.Integer({ minimum: 1, maximum: 5000 })),
    maxBytes: Opt(Type.Integer({ minimum: 1, maximum: 1_000_000 })),
  },
  { ...Closed, $id: "LogsTailParams" },
));
/** `logs.tail` params. */
export type LogsTailParams = Static<typeof LogsTailParams>;
/** `logs.tail` result; `reset` means the file rotated since the cursor, so reading restarted at its top. */
export const LogsTailResult = Type.Object(
  {
    file: Type.String(),
    cursor: Type.Integer({ minimum: 0 }),
    size: Type.Integer({ minimum: 0 }),
    lines: Type.Array(Type.String()),
    truncated: Opt(Type.Boolean()),
    reset: Opt(Type.Boolean()),
  },
  { ...Closed, $id: "LogsTailResult" },
);
/** `logs.tail` result. */
export type LogsTailResult = Static<typeof LogsTailResult>;
