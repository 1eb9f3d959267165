/**
 * @module Pending exec approval requests: ids, expiry timers (an unanswered request is denied when
 * it expires), waiters, and a short retention of decided requests so a late `waitDecision` still
 * gets the answer.
 */
import { GatewayError } from "../../protocol/index.ts";
import type { ExecApprovalDecision, ExecApprovalRequestInfo } from "../../protocol/methods/exec-approvals.ts";

/** How a request ended. */
export interface ApprovalOutcome {
  id: string;
  decision: ExecApprovalDecision;
  createdAtMs: number;
  expiresAtMs: number;
  /** Nobody answered in time (or nobody could): the decision is `deny`. */
  expired?: boolean;
  resolvedBy?: string;
}

/** One request, pending or recently decided. */
export interface ApprovalRecord {
  id: string;
  request: ExecApprovalRequestInfo;
  createdAtMs: number;
  expiresAtMs: number;
  /** Set once decided. */
  outcome?: ApprovalOutcome;
  /** Resolves with the outcome. */
  readonly done: Promise<ApprovalOutcome>;
}

interface Entry extends ApprovalRecord {
  settle: (outcome: ApprovalOutcome) => void;
  timer: ReturnType<typeof setTimeout>;
}

/** Requests allowed to wait at once; more are refused (a flood must not grow memory without bound). */
export const MAX_PENDING_APPROVALS = 500;

/** Options of {@link PendingApprovals}. */
export interface PendingApprovalsOptions {
  /** Called once per request when it is decided or expires. */
  onSettled?: (outcome: ApprovalOutcome, record: ApprovalRecord) => void;
  /** How long a decided request stays readable. @default 60_000 */
  retainMs?: number;
}

/** Keeps timers from holding the process open (gateway stop, test runs). */
function unref(timer: ReturnType<typeof setTimeout>): ReturnType<typeof setTimeout> {
  (timer as { unref?: () => void }).unref?.();
  return timer;
}

/** The table of approval requests by id. */
export class PendingApprovals {
  private readonly entries = new Map<string, Entry>();
  private readonly retainMs: number;

  constructor(private readonly options: PendingApprovalsOptions = {}) {
    this.retainMs = options.retainMs ?? 60_000;
  }

  /**
   * Adds a pending request that is denied (`expired`) after `timeoutMs`.
   * @throws {GatewayError} `INVALID_REQUEST` when `id` is already known; `UNAVAILABLE` (retryable)
   * when {@link MAX_PENDING_APPROVALS} requests are already waiting.
   */
  create(request: ExecApprovalRequestInfo, timeoutMs: number, id: string = crypto.randomUUID()): ApprovalRecord {
    if (this.entries.has(id)) throw new GatewayError("INVALID_REQUEST", `approval id already in use: ${id}`);
    if (this.pending().length >= MAX_PENDING_APPROVALS) {
      throw new GatewayError("UNAVAILABLE", `too many pending approval requests (${MAX_PENDING_APPROVALS})`, { retryable: true, retryAfterMs: 1000 });
    }
    const createdAtMs = Date.now();
    let settle!: (outcome: ApprovalOutcome) => void;
    const done = new Promise<ApprovalOutcome>((resolve) => { settle = resolve; });
    const entry: Entry = {
      id, request, createdAtMs, expiresAtMs: createdAtMs + timeoutMs, done, settle,
      timer: unref(setTimeout(() => this.settle(id, "deny", { expired: true }), timeoutMs)),
    };
    this.entries.set(id, entry);
    return entry;
  }

  /** A pending or recently decided request. */
  get(id: string): ApprovalRecord | undefined {
    return this.entries.get(id);
  }

  /** Requests still waiting for a decision, oldest first. */
  pending(): ApprovalRecord[] {
    return [...this.entries.values()].filter((e) => !e.outcome);
  }

  /**
   * Decides a pending request.
   * @returns the outcome, or undefined when `id` is unknown or already decided.
   */
  settle(id: string, decision: ExecApprovalDecision, extra: { expired?: boolean; resolvedBy?: string } = {}): ApprovalOutcome | undefined {
    const entry = this.entries.get(id);
    if (!entry || entry.outcome) return undefined;
    clearTimeout(entry.timer);
    const outcome: ApprovalOutcome = {
      id, decision, createdAtMs: entry.createdAtMs, expiresAtMs: entry.expiresAtMs,
      ...(extra.expired && { expired: true }), ...(extra.resolvedBy !== undefined && { resolvedBy: extra.resolvedBy }),
    };
    entry.outcome = outcome;
    entry.timer = unref(setTimeout(() => this.entries.delete(id), this.retainMs));
    entry.settle(outcome);
    this.options.onSettled?.(outcome, entry);
    return outcome;
  }

  /**
   * Waits for a request's outcome.
   * @param timeoutMs give up after this long (the request stays pending); omitted = until decided or expired.
   * @returns undefined for an unknown id; null when `timeoutMs` passed first.
   */
  wait(id: string, timeoutMs?: number): Promise<ApprovalOutcome | null> | undefined {
    const entry = this.entries.get(id);
    if (!entry) return undefined;
    if (entry.outcome || timeoutMs === undefined) return entry.done;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const gaveUp = new Promise<null>((resolve) => { timer = setTimeout(() => resolve(null), timeoutMs); });
    return Promise.race([entry.done, gaveUp]).finally(() => clearTimeout(timer));
  }

  /** Denies (as expired) every pending request and forgets all of them. */
  close(): void {
    for (const entry of [...this.entries.values()]) this.settle(entry.id, "deny", { expired: true });
    for (const entry of this.entries.values()) clearTimeout(entry.timer);
    this.entries.clear();
  }
}
