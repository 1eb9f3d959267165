/** @module Params and results of `agent`, `agent.wait`, `agent.identity.get`, `models.list`, `agents.list`, and the `agent` event. */
import { Type, type Static } from "@sinclair/typebox";
import { ChatAttachments } from "./attachments.ts";

const Opt = Type.Optional;
const Closed = { additionalProperties: false } as const;
const Key = Type.String({ minLength: 1, maxLength: 256 });

/** `agent` params: run the agent on a message; the idempotency key becomes the run id. */
export const AgentParams = Type.Object(
  {
    message: Type.String({ minLength: 1, maxLength: 200_000 }),
    agentId: Opt(Type.String({ minLength: 1, maxLength: 64 })),
    sessionKey: Opt(Type.String({ minLength: 1, maxLength: 512 })),
    sessionId: Opt(Type.String()),
    thinking: Opt(Type.Union(["off", "minimal", "low", "medium", "high", "xhigh"].map((l) => Type.Literal(l)))),
    timeout: Opt(Type.Integer({ minimum: 1, maximum: 86_400 })),
    extraSystemPrompt: Opt(Type.String({ maxLength: 20_000 })),
    label: Opt(Type.String({ maxLength: 256 })),
    deliver: Opt(Type.Boolean()),
    attachments: Opt(ChatAttachments),
    channel: Opt(Type.String()), to: Opt(Type.String()), replyTo: Opt(Type.String()), accountId: Opt(Type.String()),
    threadId: Opt(Type.String()), lane: Opt(Type.String()), spawnedBy: Opt(Type.String()),
    idempotencyKey: Key,
  },
  { ...Closed, $id: "AgentParams" },
);
/** `agent` params. */
export type AgentParams = Static<typeof AgentParams>;

/** `agent` results: the ack, then the final response on the same request id. */
export const AgentResult = Type.Object(
  {
    runId: Type.String(),
    status: Type.Union([Type.Literal("accepted"), Type.Literal("ok"), Type.Literal("error")]),
    acceptedAt: Opt(Type.Integer()),
    summary: Opt(Type.String()),
    result: Opt(Type.Unknown()),
  },
  { ...Closed, $id: "AgentResult" },
);
/** `agent` result. */
export type AgentResult = Static<typeof AgentResult>;

/** `agent.wait` params. */
export const AgentWaitParams = Type.Object(
  { runId: Key, timeoutMs: Opt(Type.Integer({ minimum: 0, maximum: 600_000 })) },
  { ...Closed, $id: "AgentWaitParams" },
);
/** `agent.wait` result. */
export const AgentWaitResult = Type.Object(
  {
    runId: Type.String(),
    status: Type.Union([Type.Literal("ok"), Type.Literal("error"), Type.Literal("timeout")]),
    startedAt: Opt(Type.Integer()), endedAt: Opt(Type.Integer()), error: Opt(Type.String()),
  },
  { ...Closed, $id: "AgentWaitResult" },
);

/** `agent.identity.get` params. */
export const AgentIdentityParams = Opt(Type.Object({ agentId: Opt(Type.String()), sessionKey: Opt(Type.String()) }, { ...Closed, $id: "AgentIdentityParams" }));
/** `agent.identity.get` result. */
export const AgentIdentityResult = Type.Object(
  { agentId: Type.String(), name: Opt(Type.String()), emoji: Opt(Type.String()), avatar: Opt(Type.String()) },
  { ...Closed, $id: "AgentIdentityResult" },
);

/** `models.list` params (none). */
export const ModelsListParams = Opt(Type.Object({}, { ...Closed, $id: "ModelsListParams" }));
/** `models.list` result. */
export const ModelsListResult = Type.Object(
  {
    models: Type.Array(Type.Object(
      { id: Type.String(), name: Type.String(), provider: Type.String(), contextWindow: Opt(Type.Integer()), reasoning: Opt(Type.Boolean()) },
      Closed,
    )),
  },
  { ...Closed, $id: "ModelsListResult" },
);

/** `agents.list` params (none). */
export const AgentsListParams = Opt(Type.Object({}, { ...Closed, $id: "AgentsListParams" }));
/** `agents.list` result. */
export const AgentsListResult = Type.Object(
  {
    defaultId: Type.String(),
    agents: Type.Array(Type.Object({ id: Type.String(), name: Opt(Type.String()), emoji: Opt(Type.String()), workspace: Type.String(), model: Type.String() }, Closed)),
  },
  { ...Closed, $id: "AgentsListResult" },
);

/** `agent` event payload: one step of a run, `seq` per run from 1. */
export const AgentEventPayload = Type.Object(
  {
    runId: Type.String(),
    seq: Type.Integer({ minimum: 1 }),
    stream: Type.Union(["lifecycle", "assistant", "tool", "compaction", "error"].map((s) => Type.Literal(s))),
    ts: Type.Integer(),
    data: Type.Record(Type.String(), Type.Unknown()),
    sessionKey: Opt(Type.String()),
  },
  { ...Closed, $id: "AgentEventPayload" },
);
