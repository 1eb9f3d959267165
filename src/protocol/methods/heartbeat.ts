/**
 * @module The heartbeat surface (agent.md §6.2, protocol.md §6): the `heartbeat` event payload,
 * `last-heartbeat`, `set-heartbeats` and `wake`.
 */
import { Type, type Static } from "@sinclair/typebox";

const Opt = Type.Optional;
const Closed = { additionalProperties: false } as const;

/** How a heartbeat ended. */
export const HeartbeatStatus = Type.Union(
  [Type.Literal("sent"), Type.Literal("ok-empty"), Type.Literal("ok-token"), Type.Literal("skipped"), Type.Literal("failed")],
  { $id: "HeartbeatStatus" },
);
/** How a heartbeat ended. */
export type HeartbeatStatus = Static<typeof HeartbeatStatus>;

/**
 * Payload of the `heartbeat` event and result of `last-heartbeat`: `sent` (an alert for the user),
 * `ok-empty` (nothing said), `ok-token` (`HEARTBEAT_OK` ack, nothing delivered), `skipped`
 * (`reason`: disabled, quiet-hours, empty-heartbeat-file, requests-in-flight, duplicate) or `failed`.
 */
export const HeartbeatEvent = Type.Object(
  {
    ts: Type.Integer({ minimum: 0 }),
    status: HeartbeatStatus,
    to: Opt(Type.String()),
    accountId: Opt(Type.String()),
    channel: Opt(Type.String()),
    /** The start of the reply (at most 200 characters). */
    preview: Opt(Type.String()),
    durationMs: Opt(Type.Integer({ minimum: 0 })),
    hasMedia: Opt(Type.Boolean()),
    reason: Opt(Type.String()),
    silent: Opt(Type.Boolean()),
    indicatorType: Opt(Type.Union([Type.Literal("ok"), Type.Literal("alert"), Type.Literal("error")])),
  },
  { ...Closed, $id: "HeartbeatEvent" },
);
/** A heartbeat outcome. */
export type HeartbeatEvent = Static<typeof HeartbeatEvent>;

/** `last-heartbeat` params (none). */
export const LastHeartbeatParams = Opt(Type.Object({}, { ...Closed, $id: "LastHeartbeatParams" }));
/** `last-heartbeat` result: the last heartbeat event, or null before the first one. */
export const LastHeartbeatResult = Type.Union([HeartbeatEvent, Type.Null()], { $id: "LastHeartbeatResult" });

/** `set-heartbeats` params: turn the periodic heartbeat on or off. */
export const SetHeartbeatsParams = Type.Object({ enabled: Type.Boolean() }, { ...Closed, $id: "SetHeartbeatsParams" });
/** `set-heartbeats` params. */
export type SetHeartbeatsParams = Static<typeof SetHeartbeatsParams>;
/** `set-heartbeats` result. */
export const SetHeartbeatsResult = Type.Object(
  { ok: Type.Literal(true), enabled: Type.Boolean() },
  { ...Closed, $id: "SetHeartbeatsResult" },
);

/** When a queued system event is acted on: a heartbeat now, or at the next periodic one. */
export const WakeMode = Type.Union([Type.Literal("now"), Type.Literal("next-heartbeat")], { $id: "WakeMode" });
/** Wake mode. */
export type WakeMode = Static<typeof WakeMode>;

/** `wake` params: a system event for the main session, and when to act on it. */
export const WakeParams = Type.Object(
  { mode: WakeMode, text: Type.String({ minLength: 1, maxLength: 20_000 }) },
  { ...Closed, $id: "WakeParams" },
);
/** `wake` params. */
export type WakeParams = Static<typeof WakeParams>;
/** `wake` result. */
export const WakeResult = Type.Object({ ok: Type.Literal(true) }, { ...Closed, $id: "WakeResult" });
