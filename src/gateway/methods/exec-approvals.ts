/**
 * @module Handlers of `exec.approvals.get/set` (the policy file, `baseHash`-checked) and
 * `exec.approval.request/waitDecision/resolve` (one-off approvals; `request` answers once decided,
 * or acks first with `twoPhase`).
 */
import type { ApprovalOutcome } from "../../agent/approvals/pending.ts";
import { GatewayError } from "../../protocol/index.ts";
import type {
  ExecApprovalRequestParams, ExecApprovalRequestResult, ExecApprovalResolveParams, ExecApprovalResolveResult,
  ExecApprovalsSetParams, ExecApprovalWaitDecisionParams, ExecApprovalWaitDecisionResult,
} from "../../protocol/methods/exec-approvals.ts";
import type { Connection } from "../connection.ts";
import { TwoPhaseReply, type MethodTable } from "../context.ts";

/** The unknown-id error in the shape of the connection's protocol (`APPROVAL_NOT_FOUND` is new in v4). */
function notFound(conn: Connection, id: string): GatewayError {
  const message = `unknown or expired approval id: ${id}`;
  if (conn.identity?.protocol === 3) return new GatewayError("INVALID_REQUEST", message);
  return new GatewayError("APPROVAL_NOT_FOUND", message, { details: { code: "APPROVAL_NOT_FOUND", id } });
}

/** Who answered, as approvers see it. */
function approverName(conn: Connection): string {
  const client = conn.identity?.client;
  return client?.displayName ?? client?.id ?? conn.id;
}

/** The wire form of an outcome. */
function outcomeResult(o: ApprovalOutcome): ExecApprovalRequestResult {
  return {
    id: o.id, decision: o.decision, createdAtMs: o.createdAtMs, expiresAtMs: o.expiresAtMs,
    ...(o.expired && { expired: true }), ...(o.resolvedBy !== undefined && { resolvedBy: o.resolvedBy }),
  };
}

/** Exec approval handlers. */
export const execApprovalsMethods: MethodTable = {
  "exec.approvals.get": (_p, { services: s }) => s.execApprovals.snapshot(),

  "exec.approvals.set": (p: ExecApprovalsSetParams, { conn, services: s }) => {
    const snapshot = s.execApprovals.replace(p.file, p.baseHash);
    s.log.info("exec approvals file set", { conn: conn.id, hash: snapshot.hash });
    return snapshot;
  },

  "exec.approval.request": async (p: ExecApprovalRequestParams, { conn, services: s }) => {
    const { twoPhase, ...input } = p;
    const started = s.execApprovals.request(input);
    const { id, createdAtMs, expiresAtMs } = started.record;
    s.log.info("exec approval requested", { conn: conn.id, id, delivered: started.delivered });
    const final = started.outcome.then(outcomeResult);
    if (!twoPhase) return await final;
    return new TwoPhaseReply(
      { id, status: "accepted", createdAtMs, expiresAtMs } satisfies ExecApprovalRequestResult,
      final.then((payload) => ({ ok: true as const, payload })),
    );
  },

  "exec.approval.waitDecision": async (p: ExecApprovalWaitDecisionParams, { conn, services: s }): Promise<ExecApprovalWaitDecisionResult> => {
    const record = s.execApprovals.get(p.id);
    const waiting = s.execApprovals.wait(p.id, p.timeoutMs);
    if (!record || !waiting) throw notFound(conn, p.id);
    const outcome = await waiting;
    if (outcome) return outcomeResult(outcome) as ExecApprovalWaitDecisionResult;
    return { id: p.id, decision: null, createdAtMs: record.createdAtMs, expiresAtMs: record.expiresAtMs };
  },

  "exec.approval.resolve": (p: ExecApprovalResolveParams, { conn, services: s }): ExecApprovalResolveResult => {
    const outcome = s.execApprovals.resolve(p.id, p.decision, approverName(conn));
    if (!outcome) throw notFound(conn, p.id);
    s.log.info("exec approval resolved", { conn: conn.id, id: p.id, decision: p.decision });
    return { ok: true, id: p.id, decision: p.decision };
  },
};
