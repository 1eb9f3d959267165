/**
 * @module Params, results and event payloads of the exec approval methods (protocol.md §6 "Exec
 * approvals"): the approvals policy file (`exec.approvals.get/set`) and one-off approval requests
 * (`exec.approval.request/waitDecision/resolve`, events `exec.approval.requested/resolved`).
 */
import { Type, type Static } from "@sinclair/typebox";

const Opt = Type.Optional;
const Closed = { additionalProperties: false } as const;
const Ms = Type.Integer({ minimum: 0 });
const Id = Type.String({ minLength: 1, maxLength: 256 });
const Nullable = <T extends ReturnType<typeof Type.String>>(t: T) => Type.Union([t, Type.Null()]);

/** Largest approval timeout a caller may ask for: 10 minutes. */
export const MAX_APPROVAL_TIMEOUT_MS = 600_000;

/** How exec is gated: never, only allowlisted binaries, or anything. */
export const ExecSecurity = Type.Union([Type.Literal("deny"), Type.Literal("allowlist"), Type.Literal("full")], { $id: "ExecSecurity" });
/** How exec is gated. */
export type ExecSecurity = Static<typeof ExecSecurity>;

/** When to ask an approver: never, when the allowlist misses, or for every command. */
export const ExecAsk = Type.Union([Type.Literal("off"), Type.Literal("on-miss"), Type.Literal("always")], { $id: "ExecAsk" });
/** When to ask an approver. */
export type ExecAsk = Static<typeof ExecAsk>;

/** An approver's answer. */
export const ExecApprovalDecision = Type.Union(
  [Type.Literal("allow-once"), Type.Literal("allow-always"), Type.Literal("deny")],
  { $id: "ExecApprovalDecision" },
);
/** An approver's answer. */
export type ExecApprovalDecision = Static<typeof ExecApprovalDecision>;

/** One allowlist entry: a glob over the resolved binary path (`*` within a path segment, `**` across), or over the file name when it has no `/`. */
export const ExecAllowlistEntry = Type.Object(
  {
    id: Opt(Type.String({ maxLength: 256 })),
    pattern: Type.String({ minLength: 1, maxLength: 1024 }),
    lastUsedAt: Opt(Ms),
    lastUsedCommand: Opt(Type.String({ maxLength: 8192 })),
    lastResolvedPath: Opt(Type.String({ maxLength: 4096 })),
  },
  { ...Closed, $id: "ExecAllowlistEntry" },
);
/** One allowlist entry. */
export type ExecAllowlistEntry = Static<typeof ExecAllowlistEntry>;

const PolicyFields = {
  security: Opt(ExecSecurity),
  ask: Opt(ExecAsk),
  /** What to do when an approval cannot be had (no approver, no answer in time). */
  askFallback: Opt(ExecSecurity),
  autoAllowSkills: Opt(Type.Boolean()),
};

/** Policy defaults of every agent. */
export const ExecApprovalsDefaults = Type.Object(
  { ...PolicyFields, security: ExecSecurity, ask: ExecAsk },
  { ...Closed, $id: "ExecApprovalsDefaults" },
);

/** One agent's overrides and its allowlist. */
export const ExecApprovalsAgent = Type.Object(
  { ...PolicyFields, allowlist: Opt(Type.Array(ExecAllowlistEntry, { maxItems: 1000 })) },
  { ...Closed, $id: "ExecApprovalsAgent" },
);
/** One agent's overrides and its allowlist. */
export type ExecApprovalsAgent = Static<typeof ExecApprovalsAgent>;

/** The approvals policy file. */
export const ExecApprovalsFile = Type.Object(
  {
    version: Type.Literal(1),
    defaults: Opt(ExecApprovalsDefaults),
    agents: Opt(Type.Record(Type.String({ minLength: 1, maxLength: 128 }), ExecApprovalsAgent)),
  },
  { ...Closed, $id: "ExecApprovalsFile" },
);
/** The approvals policy file. */
export type ExecApprovalsFile = Static<typeof ExecApprovalsFile>;

/** `exec.approvals.get` params (none). */
export const ExecApprovalsGetParams = Opt(Type.Object({}, { ...Closed, $id: "ExecApprovalsGetParams" }));
/** `exec.approvals.get` / `exec.approvals.set` result: the file (defaults filled in) and the hash to send back as `baseHash`. */
export const ExecApprovalsSnapshot = Type.Object(
  { exists: Type.Boolean(), hash: Type.String(), file: ExecApprovalsFile },
  { ...Closed, $id: "ExecApprovalsSnapshot" },
);
/** `exec.approvals.get` / `exec.approvals.set` result. */
export type ExecApprovalsSnapshot = Static<typeof ExecApprovalsSnapshot>;

/** `exec.approvals.set` params: the whole file; `baseHash` must equal the current hash once a file was saved. */
export const ExecApprovalsSetParams = Type.Object(
  { file: ExecApprovalsFile, baseHash: Opt(Type.String({ maxLength: 128 })) },
  { ...Closed, $id: "ExecApprovalsSetParams" },
);
/** `exec.approvals.set` params. */
export type ExecApprovalsSetParams = Static<typeof ExecApprovalsSetParams>;

/** `exec.approval.request` params: waits for a decision (or, with `twoPhase`, acks at once and answers again later). */
export const ExecApprovalRequestParams = Type.Object(
  {
    id: Opt(Id),
    command: Type.String({ minLength: 1, maxLength: 8192 }),
    commandArgv: Opt(Type.Array(Type.String({ maxLength: 8192 }), { maxItems: 1024 })),
    cwd: Opt(Type.String({ maxLength: 4096 })),
    nodeId: Opt(Type.String({ maxLength: 256 })),
    host: Opt(Type.String({ maxLength: 64 })),
    security: Opt(ExecSecurity),
    ask: Opt(ExecAsk),
    agentId: Opt(Type.String({ minLength: 1, maxLength: 128 })),
    resolvedPath: Opt(Type.String({ maxLength: 4096 })),
    sessionKey: Opt(Type.String({ maxLength: 512 })),
    timeoutMs: Opt(Type.Integer({ minimum: 1, maximum: MAX_APPROVAL_TIMEOUT_MS })),
    twoPhase: Opt(Type.Boolean()),
  },
  { ...Closed, $id: "ExecApprovalRequestParams" },
);
/** `exec.approval.request` params. */
export type ExecApprovalRequestParams = Static<typeof ExecApprovalRequestParams>;

/** What an approver is shown. */
export const ExecApprovalRequestInfo = Type.Object(
  {
    command: Type.String(),
    commandArgv: Opt(Type.Array(Type.String())),
    cwd: Nullable(Type.String()),
    host: Nullable(Type.String()),
    security: Nullable(Type.String()),
    ask: Nullable(Type.String()),
    agentId: Nullable(Type.String()),
    sessionKey: Nullable(Type.String()),
    resolvedPath: Nullable(Type.String()),
    nodeId: Nullable(Type.String()),
  },
  { ...Closed, $id: "ExecApprovalRequestInfo" },
);
/** What an approver is shown. */
export type ExecApprovalRequestInfo = Static<typeof ExecApprovalRequestInfo>;

/** Payload of `exec.approval.requested`. */
export const ExecApprovalRequestedPayload = Type.Object(
  { id: Type.String(), request: ExecApprovalRequestInfo, createdAtMs: Ms, expiresAtMs: Ms },
  { ...Closed, $id: "ExecApprovalRequestedPayload" },
);
/** Payload of `exec.approval.requested`. */
export type ExecApprovalRequestedPayload = Static<typeof ExecApprovalRequestedPayload>;

/** Payload of `exec.approval.resolved`; `expired` when nobody answered in time (the decision is then `deny`). */
export const ExecApprovalResolvedPayload = Type.Object(
  { id: Type.String(), decision: ExecApprovalDecision, resolvedBy: Opt(Type.String()), expired: Opt(Type.Boolean()), ts: Ms },
  { ...Closed, $id: "ExecApprovalResolvedPayload" },
);
/** Payload of `exec.approval.resolved`. */
export type ExecApprovalResolvedPayload = Static<typeof ExecApprovalResolvedPayload>;

const OutcomeFields = {
  id: Type.String(),
  createdAtMs: Ms,
  expiresAtMs: Ms,
  /** Nobody answered in time or no approver was connected; the decision is `deny`. */
  expired: Opt(Type.Boolean()),
  resolvedBy: Opt(Type.String()),
};

/**
 * `exec.approval.request` result: the decision. With `twoPhase` the first answer is an ack with
 * `status: "accepted"` and no decision, the second one (same request id) carries the decision.
 */
export const ExecApprovalRequestResult = Type.Object(
  { ...OutcomeFields, status: Opt(Type.Literal("accepted")), decision: Opt(ExecApprovalDecision) },
  { ...Closed, $id: "ExecApprovalRequestResult" },
);
/** `exec.approval.request` result. */
export type ExecApprovalRequestResult = Static<typeof ExecApprovalRequestResult>;

/** `exec.approval.waitDecision` params: waits up to `timeoutMs` (default: until the request is decided or expires). */
export const ExecApprovalWaitDecisionParams = Type.Object(
  { id: Id, timeoutMs: Opt(Type.Integer({ minimum: 0, maximum: MAX_APPROVAL_TIMEOUT_MS })) },
  { ...Closed, $id: "ExecApprovalWaitDecisionParams" },
);
/** `exec.approval.waitDecision` params. */
export type ExecApprovalWaitDecisionParams = Static<typeof ExecApprovalWaitDecisionParams>;
/** `exec.approval.waitDecision` result: `decision` is null when the request was still pending after `timeoutMs`. */
export const ExecApprovalWaitDecisionResult = Type.Object(
  { ...OutcomeFields, decision: Type.Union([ExecApprovalDecision, Type.Null()]) },
  { ...Closed, $id: "ExecApprovalWaitDecisionResult" },
);
/** `exec.approval.waitDecision` result. */
export type ExecApprovalWaitDecisionResult = Static<typeof ExecApprovalWaitDecisionResult>;

/** `exec.approval.resolve` params. */
export const ExecApprovalResolveParams = Type.Object(
  { id: Id, decision: ExecApprovalDecision },
  { ...Closed, $id: "ExecApprovalResolveParams" },
);
/** `exec.approval.resolve` params. */
export type ExecApprovalResolveParams = Static<typeof ExecApprovalResolveParams>;
/** `exec.approval.resolve` result. */
export const ExecApprovalResolveResult = Type.Object(
  { ok: Type.Literal(true), id: Type.String(), decision: ExecApprovalDecision },
  { ...Closed, $id: "ExecApprovalResolveResult" },
);
/** `exec.approval.resolve` result. */
export type ExecApprovalResolveResult = Static<typeof ExecApprovalResolveResult>;
