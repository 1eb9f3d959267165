/**
 * @module The exec approvals service: the persisted policy file, approval requests broadcast to
 * approvers (`exec.approval.requested` / `exec.approval.resolved`), `allow-always` growing the
 * agent's allowlist, and {@link ExecApprovals.authorize}, the one gate the `exec` tool goes through.
 */
import type { Logger } from "../../logging/logger.ts";
import type {
  ExecApprovalDecision, ExecApprovalRequestInfo, ExecApprovalsFile, ExecApprovalsSnapshot, ExecAsk, ExecSecurity,
} from "../../protocol/methods/exec-approvals.ts";
import type { SettingsRepo } from "../../store/settings.ts";
import { resolveBinary, splitCommand } from "./command.ts";
import { PendingApprovals, type ApprovalOutcome, type ApprovalRecord } from "./pending.ts";
import { DEFAULT_APPROVALS_AGENT, evaluate, fallbackAllows, policyFor, withAllowlistEntry } from "./policy.ts";
import { ApprovalsPolicyStore } from "./store.ts";

/** How long a request waits for an approver by default. */
export const DEFAULT_APPROVAL_TIMEOUT_MS = 120_000;

/** The events this service emits. */
export type ApprovalEvent = "exec.approval.requested" | "exec.approval.resolved";

/** Options of {@link ExecApprovals}. */
export interface ExecApprovalsOptions {
  /** Where the policy file is kept. */
  settings: SettingsRepo;
  /** Sends an event to every operator allowed to see it. @returns how many connections got it. */
  broadcast: (event: ApprovalEvent, payload: unknown) => number;
  log?: Pick<Logger, "info" | "warn">;
  /** @default {@link DEFAULT_APPROVAL_TIMEOUT_MS} */
  defaultTimeoutMs?: number;
  /** How long a decided request stays readable by `waitDecision`. @default 60_000 */
  retainMs?: number;
}

/** A request for approval, as `exec.approval.request` takes it. */
export interface ApprovalRequestInput {
  id?: string;
  command: string;
  commandArgv?: string[];
  cwd?: string;
  nodeId?: string;
  host?: string;
  security?: ExecSecurity;
  ask?: ExecAsk;
  agentId?: string;
  resolvedPath?: string;
  sessionKey?: string;
  timeoutMs?: number;
}

/** A request that was created: its record, its outcome, and whether any approver was sent it. */
export interface StartedApproval {
  record: ApprovalRecord;
  outcome: Promise<ApprovalOutcome>;
  /** False when no approver was connected (the request is then already denied as expired). */
  delivered: boolean;
}

/** What the `exec` tool asks before it runs a command. */
export interface ExecAuthorizationRequest {
  command: string;
  argv: readonly string[];
  /** The binary's absolute path; undefined when it was not found. */
  resolvedPath?: string;
  cwd: string;
  agentId: string;
  sessionKey?: string;
  /** Approval timeout for this request. */
  timeoutMs?: number;
  /** Aborting denies a pending approval request. */
  signal?: AbortSignal;
}

/** The gate's answer. */
export type ExecAuthorization =
  | { allowed: true; via: "policy" | "approval" | "fallback" }
  | { allowed: false; reason: "policy" | "denied" | "expired"; message: string };

/** The gate the `exec` tool needs (tests inject a stub). */
export interface ExecAuthorizer {
  authorize(request: ExecAuthorizationRequest): Promise<ExecAuthorization>;
}

/** Exec approvals of one gateway. */
export class ExecApprovals implements ExecAuthorizer {
  private readonly store: ApprovalsPolicyStore;
  private readonly pending: PendingApprovals;
  private readonly defaultTimeoutMs: number;

  constructor(private readonly options: ExecApprovalsOptions) {
    this.store = new ApprovalsPolicyStore(options.settings);
    this.defaultTimeoutMs = options.defaultTimeoutMs ?? DEFAULT_APPROVAL_TIMEOUT_MS;
    this.pending = new PendingApprovals({
      retainMs: options.retainMs,
      onSettled: (o) => void options.broadcast("exec.approval.resolved", {
        id: o.id, decision: o.decision, ...(o.resolvedBy !== undefined && { resolvedBy: o.resolvedBy }),
        ...(o.expired && { expired: true }), ts: Date.now(),
      }),
    });
  }

  /** `exec.approvals.get`: the policy file (defaults filled in) and its hash. */
  snapshot(): ExecApprovalsSnapshot {
    return this.store.snapshot();
  }

  /**
   * `exec.approvals.set`: replaces the policy file.
   * @throws {GatewayError} `INVALID_REQUEST` on a missing or stale `baseHash` once a file exists.
   */
  replace(file: ExecApprovalsFile, baseHash?: string): ExecApprovalsSnapshot {
    const snapshot = this.store.replace(file, baseHash);
    this.options.log?.info("exec approvals policy saved", { hash: snapshot.hash });
    return snapshot;
  }

  /**
   * Creates a request and broadcasts `exec.approval.requested`. When no approver receives it, the
   * request is denied at once as expired (nobody could answer).
   * @throws {GatewayError} `INVALID_REQUEST` when `input.id` is already in use.
   */
  request(input: ApprovalRequestInput): StartedApproval {
    const info: ExecApprovalRequestInfo = {
      command: input.command, ...(input.commandArgv && { commandArgv: input.commandArgv }),
      cwd: input.cwd ?? null, host: input.host ?? null, security: input.security ?? null, ask: input.ask ?? null,
      agentId: input.agentId ?? null, sessionKey: input.sessionKey ?? null, resolvedPath: input.resolvedPath ?? null,
      nodeId: input.nodeId ?? null,
    };
    const record = this.pending.create(info, input.timeoutMs ?? this.defaultTimeoutMs, input.id);
    const delivered = this.options.broadcast("exec.approval.requested", {
      id: record.id, request: info, createdAtMs: record.createdAtMs, expiresAtMs: record.expiresAtMs,
    }) > 0;
    if (!delivered) this.pending.settle(record.id, "deny", { expired: true });
    return { record, outcome: record.done, delivered };
  }

  /**
   * Decides a pending request; `allow-always` first adds the command's binary (resolved absolute
   * path) to the requesting agent's allowlist.
   * @returns the outcome, or undefined when no request with that id is pending.
   */
  resolve(id: string, decision: ExecApprovalDecision, resolvedBy?: string): ApprovalOutcome | undefined {
    const record = this.pending.get(id);
    if (!record || record.outcome) return undefined;
    if (decision === "allow-always") this.allowAlways(record.request);
    return this.pending.settle(id, decision, { resolvedBy });
  }

  /** `exec.approval.waitDecision`: undefined for an unknown id, null when `timeoutMs` passed first. */
  wait(id: string, timeoutMs?: number): Promise<ApprovalOutcome | null> | undefined {
    return this.pending.wait(id, timeoutMs);
  }

  /** A pending or recently decided request. */
  get(id: string): ApprovalRecord | undefined {
    return this.pending.get(id);
  }

  /**
   * Decides whether a command may run: by policy, else by asking an approver. Never throws.
   * A denial says why: the policy refused, the user said no, or no answer came in time (and
   * `askFallback` did not allow it).
   */
  async authorize(req: ExecAuthorizationRequest): Promise<ExecAuthorization> {
    const policy = policyFor(this.store.file(), req.agentId);
    const verdict = evaluate(policy, req.resolvedPath);
    if (verdict.action === "run") return { allowed: true, via: "policy" };
    if (verdict.action === "refuse") return { allowed: false, reason: "policy", message: verdict.reason };
    if (req.signal?.aborted) return { allowed: false, reason: "expired", message: "the run was aborted" };
    let started: StartedApproval;
    try {
      started = this.request({
        command: req.command, commandArgv: [...req.argv], cwd: req.cwd, host: "gateway", security: policy.security, ask: policy.ask,
        agentId: req.agentId, sessionKey: req.sessionKey, resolvedPath: req.resolvedPath, timeoutMs: req.timeoutMs,
      });
    } catch (error) {
      return { allowed: false, reason: "expired", message: `approval not granted: ${(error as Error).message}` };
    }
    const onAbort = () => this.pending.settle(started.record.id, "deny", { expired: true, resolvedBy: "run aborted" });
    req.signal?.addEventListener("abort", onAbort, { once: true });
    const outcome = await started.outcome.finally(() => req.signal?.removeEventListener("abort", onAbort));
    if (outcome.decision !== "deny") return { allowed: true, via: "approval" };
    if (!outcome.expired) return { allowed: false, reason: "denied", message: "denied by the user" };
    if (!req.signal?.aborted && fallbackAllows(policy, req.resolvedPath)) return { allowed: true, via: "fallback" };
    const why = req.signal?.aborted
      ? "the run was aborted while waiting for approval"
      : started.delivered
        ? `no approver answered within ${formatMs(outcome.expiresAtMs - outcome.createdAtMs)}`
        : "no approver is connected (an operator with operator.approvals must be online)";
    return { allowed: false, reason: "expired", message: `approval not granted: ${why}` };
  }

  /** Denies every pending request (gateway stop). */
  close(): void {
    this.pending.close();
  }

  private allowAlways(request: ExecApprovalRequestInfo): void {
    const agentId = request.agentId ?? DEFAULT_APPROVALS_AGENT;
    const path = request.resolvedPath ?? binaryOf(request);
    if (!path) {
      this.options.log?.warn("allow-always without a resolvable binary: allowed once", { command: request.command });
      return;
    }
    try {
      this.store.update((file) => withAllowlistEntry(file, agentId, {
        id: crypto.randomUUID(), pattern: path, lastUsedAt: Date.now(), lastUsedCommand: request.command, lastResolvedPath: path,
      }));
      this.options.log?.info("exec allowlist entry added", { agentId, pattern: path });
    } catch (error) {
      // A full allowlist must not turn an approval into a failure: the command is still allowed once.
      this.options.log?.warn("exec allowlist entry not saved: allowed once", { agentId, pattern: path, error: (error as Error).message });
    }
  }
}

/** A duration for people: seconds from one second up. */
function formatMs(ms: number): string {
  return ms >= 1000 ? `${Math.round(ms / 1000)} s` : `${ms} ms`;
}

/** The absolute path of a request's binary (from `commandArgv[0]`, else the command's first word). */
function binaryOf(request: ExecApprovalRequestInfo): string | undefined {
  const split = request.commandArgv?.length ? { argv: request.commandArgv } : splitCommand(request.command);
  const name = "argv" in split ? split.argv[0] : undefined;
  return name ? resolveBinary(name, { cwd: request.cwd ?? process.cwd() }) : undefined;
}
