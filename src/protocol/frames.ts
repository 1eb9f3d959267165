/** @module The three frame kinds on the wire, discriminated on `type` (protocol.md §1, protocol-v4.md §2). */
import { Type, type Static } from "@sinclair/typebox";
import { ErrorShape } from "./errors.ts";

/** A request: client → gateway (nodes also answer invokes with requests). */
export const RequestFrame = Type.Object(
  {
    type: Type.Literal("req"),
    id: Type.String({ minLength: 1, maxLength: 256 }),
    method: Type.String({ minLength: 1, maxLength: 256 }),
    params: Type.Optional(Type.Unknown()),
    /** v4: W3C trace context, ignored on `connect`. */
    traceparent: Type.Optional(Type.String({ maxLength: 128 })),
    /** v4: only meaningful with the server capability `profile-binding-v1`. */
    expectedProfileId: Type.Optional(Type.String({ minLength: 1, maxLength: 128 })),
  },
  { additionalProperties: false, $id: "RequestFrame" },
);
/** A request frame. */
export type RequestFrame = Static<typeof RequestFrame>;

/** A response; a two-phase method may send more than one for the same id. */
export const ResponseFrame = Type.Object(
  {
    type: Type.Literal("res"),
    id: Type.String(),
    ok: Type.Boolean(),
    payload: Type.Optional(Type.Unknown()),
    error: Type.Optional(ErrorShape),
  },
  { additionalProperties: false, $id: "ResponseFrame" },
);
/** A response frame. */
export type ResponseFrame = Static<typeof ResponseFrame>;

/** Monotonic counters that let clients drop stale presence and health snapshots. */
export const StateVersion = Type.Object(
  { presence: Type.Integer({ minimum: 0 }), health: Type.Integer({ minimum: 0 }) },
  { additionalProperties: false, $id: "StateVersion" },
);
/** Presence and health state counters. */
export type StateVersion = Static<typeof StateVersion>;

/** A server push. `seq` counts per connection from 1; a gap means events were missed. */
export const EventFrame = Type.Object(
  {
    type: Type.Literal("event"),
    event: Type.String({ minLength: 1 }),
    payload: Type.Optional(Type.Unknown()),
    seq: Type.Optional(Type.Integer({ minimum: 0 })),
    stateVersion: Type.Optional(StateVersion),
  },
  { additionalProperties: false, $id: "EventFrame" },
);
/** An event frame. */
export type EventFrame = Static<typeof EventFrame>;
