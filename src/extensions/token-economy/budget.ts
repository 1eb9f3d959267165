/**
 * @module Budget rules (extensions.md §3): each scope's level from its spend and limit, the overall (worst) level,
 * the notes the model reads before the user's message, and hard enforcement's grace counting — a session over a
 * limit may make `gracePeriodCalls` more tool calls, the next one is blocked with a reason the model reads.
 */
import type { Scope } from "./config.ts";
import { formatUsd } from "./format.ts";

/** How close a scope is to its limit. */
export type Level = "ok" | "warn" | "exceeded";

/** One scope's spend against its limit. */
export interface ScopeStatus {
  scope: Scope;
  costUsd: number;
  /** null: unlimited. */
  limitUsd: number | null;
  /** costUsd / limitUsd; null when unlimited. */
  fraction: number | null;
  level: Level;
}

const RANK: Record<Level, number> = { ok: 0, warn: 1, exceeded: 2 };

/** The level of `costUsd` against `limitUsd`: exceeded at 100 %, warn from `warnThreshold`, else ok (and ok when unlimited). */
export function scopeStatus(scope: Scope, costUsd: number, limitUsd: number | undefined, warnThreshold: number): ScopeStatus {
  if (limitUsd === undefined) return { scope, costUsd, limitUsd: null, fraction: null, level: "ok" };
  const fraction = costUsd / limitUsd;
  return { scope, costUsd, limitUsd, fraction, level: fraction >= 1 ? "exceeded" : fraction >= warnThreshold ? "warn" : "ok" };
}

/** The most severe status (exceeded beats warn beats ok; among equals the one nearest its limit). */
export function worstStatus(statuses: readonly ScopeStatus[]): ScopeStatus | undefined {
  let worst: ScopeStatus | undefined;
  for (const s of statuses) {
    if (!worst || RANK[s.level] > RANK[worst.level] || (RANK[s.level] === RANK[worst.level] && (s.fraction ?? 0) > (worst.fraction ?? 0))) worst = s;
  }
  return worst;
}

const percent = (s: ScopeStatus) => `${Math.round((s.fraction ?? 0) * 100)}%`;
const usedOf = (s: ScopeStatus) => `${formatUsd(s.costUsd)} of the ${formatUsd(s.limitUsd ?? 0)} ${s.scope} limit`;

/**
 * The note the model reads before the user's message, or undefined when the budget is ok.
 * @param graceLeft tool calls still allowed while over the limit (hard mode)
 */
export function budgetNote(worst: ScopeStatus | undefined, enforcement: "soft" | "hard", graceLeft: number): string | undefined {
  if (!worst || worst.level === "ok") return undefined;
  if (worst.level === "warn") {
    const hard = enforcement === "hard" ? " Hard enforcement is on: tool calls will be blocked once the limit is exceeded." : "";
    return `[Budget warning: ${percent(worst)} of the ${formatUsd(worst.limitUsd ?? 0)} ${worst.scope} limit used.${hard}]`;
  }
  if (enforcement === "soft") return `[Budget limit reached: ${usedOf(worst)} used (${percent(worst)}). Wrap up the current task and avoid new model calls.]`;
  return `[Budget exceeded: ${usedOf(worst)} used (${percent(worst)}). STOP: do not call tools; summarize and end. Grace: ${graceLeft} tool call(s) left before calls are blocked.]`;
}

/**
 * One tool call of a session in hard mode: while over a limit every call counts; the calls past `gracePeriodCalls`
 * are blocked. A call made while not over the limit clears the count, so going over again starts a new grace.
 * @returns the new count and whether this call is blocked
 */
export function graceStep(overLimit: boolean, used: number, gracePeriodCalls: number): { used: number; block: boolean } {
  if (!overLimit) return { used: 0, block: false };
  const next = used + 1;
  return { used: next, block: next > gracePeriodCalls };
}

/** Why a tool call was blocked: what the model reads as the call's result. */
export function blockReason(worst: ScopeStatus, gracePeriodCalls: number): string {
  return `token budget exceeded (${usedOf(worst)}) and the ${gracePeriodCalls} grace tool call(s) are used up. Do not call tools: summarize for the user and end.`;
}
