/**
 * @module Bodies of the webhook endpoints (agent.md §7): `POST <hooks.path>/wake` and
 * `POST <hooks.path>/agent`, and their replies. Unknown fields are refused by name.
 */
import { Type, type Static } from "@sinclair/typebox";
import { WakeMode } from "./heartbeat.ts";

const Opt = Type.Optional;
const Closed = { additionalProperties: false } as const;
const Str = Type.String({ minLength: 1 });

/** Largest accepted hook body. */
export const MAX_HOOK_BODY_BYTES = 256 * 1024;

/** `POST /hooks/wake`: a system event for the main session; `mode` defaults to `now`. */
export const HookWakeBody = Type.Object(
  { text: Type.String({ minLength: 1, maxLength: 20_000 }), mode: Opt(WakeMode) },
  { ...Closed, $id: "HookWakeBody" },
);
/** `POST /hooks/wake` body. */
export type HookWakeBody = Static<typeof HookWakeBody>;

/**
 * `POST /hooks/agent`: an isolated agent run (`hook:<uuid>`), its summary posted to the main
 * session. `sessionKey` only with `hooks.allowRequestSessionKey`; `wakeMode` (default `now`)
 * says when the main session acts on the summary. Delivery fields are accepted for compatibility.
 */
export const HookAgentBody = Type.Object(
  {
    message: Type.String({ minLength: 1, maxLength: 100_000 }),
    name: Opt(Type.String({ minLength: 1, maxLength: 200 })),
    agentId: Opt(Str),
    sessionKey: Opt(Str),
    wakeMode: Opt(WakeMode),
    deliver: Opt(Type.Boolean()),
    channel: Opt(Str),
    to: Opt(Str),
    model: Opt(Str),
    thinking: Opt(Str),
    timeoutSeconds: Opt(Type.Integer({ minimum: 1, maximum: 86_400 })),
  },
  { ...Closed, $id: "HookAgentBody" },
);
/** `POST /hooks/agent` body. */
export type HookAgentBody = Static<typeof HookAgentBody>;

/** 202 reply of `POST /hooks/agent`. */
export const HookAgentAccepted = Type.Object(
  { ok: Type.Literal(true), runId: Type.String(), sessionKey: Type.String() },
  { ...Closed, $id: "HookAgentAccepted" },
);
/** 202 reply of `POST /hooks/agent`. */
export type HookAgentAccepted = Static<typeof HookAgentAccepted>;
