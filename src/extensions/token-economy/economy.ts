/**
 * @module The token economy of one gateway: prices each model call from its real usage, records it in the
 * database, and answers what the budget looks like — per session, per day and per month in the configured time
 * zone — to the hooks (notes to the model, hard-mode blocking), the tools, the gateway methods and so the CLI.
 */
import type { Database } from "bun:sqlite";
import type { PluginHookEvent, PluginLogger } from "../../plugins/api.ts";
import { blockReason, budgetNote, graceStep, scopeStatus, worstStatus, type Level, type ScopeStatus } from "./budget.ts";
import { periodsAt, type Clock, type Periods } from "./calendar.ts";
import type { EconomyConfig, Scope } from "./config.ts";
import { PromptCache, requestKey, type CacheStats } from "./prompt-cache.ts";
import { PriceBook, usageCost, type PriceListEntry } from "./pricing.ts";
import { BudgetStore, RETENTION_DAYS, type ModelTotals, type UsageTotals } from "./store.ts";

/** One scope's spend, limit, level and usage in its current period. */
export interface ScopeSummary extends ScopeStatus, UsageTotals {
  /** The session key, `YYYY-MM-DD` or `YYYY-MM`. */
  period: string;
}

/** Limits in force by scope (null: unlimited). */
export type Limits = Record<Scope, number | null>;

/** The answer of `usage.status` and `budget_status`. */
export interface BudgetStatus {
  /** The worst level of the scopes shown. */
  level: Level;
  enforcement: "soft" | "hard";
  warnThreshold: number;
  gracePeriodCalls: number;
  timeZone: string;
  limits: Limits;
  session?: ScopeSummary;
  /** Tool calls the session made while over a limit (hard mode), when a session is shown. */
  graceUsed?: number;
  daily: ScopeSummary;
  monthly: ScopeSummary;
  cache: CacheStats;
}

/** One model's usage in a scope's current period. */
export interface ModelUsage extends ModelTotals {
  scope: Scope;
  period: string;
  displayName?: string;
  /** False when neither the catalog nor the config prices the model (its cost counts as 0). */
  priced: boolean;
}

/** The answer of `usage.cost` and `budget_model_usage`. */
export interface CostReport {
  session?: ScopeSummary;
  daily: ScopeSummary;
  monthly: ScopeSummary;
  limits: Limits;
  models: ModelUsage[];
}

/** What the economy needs. */
export interface EconomyDeps {
  config: EconomyConfig;
  db: Database;
  logger: PluginLogger;
  /** Defaults to `Date.now`. */
  clock?: Clock;
}

const DAY_MS = 86_400_000;
const NO_CACHE: CacheStats = { enabled: false, entries: 0, hits: 0, misses: 0, estimatedSavingsUsd: 0 };

/** Budgets, usage and prices of one gateway. */
export class TokenEconomy {
  private readonly store: BudgetStore;
  private readonly prices: PriceBook;
  private readonly cache: PromptCache | undefined;
  private readonly clock: Clock;
  private readonly unpriced = new Set<string>();
  private lastDay: string | undefined;

  constructor(private readonly d: EconomyDeps) {
    this.clock = d.clock ?? Date.now;
    this.store = new BudgetStore(d.db);
    this.prices = new PriceBook(d.config.pricing);
    const { enabled, maxEntries, ttlMs } = d.config.cache;
    this.cache = enabled ? new PromptCache({ maxEntries, ttlMs, clock: this.clock }) : undefined;
  }

  /** `llm_input`: the prompt cache looks the request up. */
  observeRequest(e: PluginHookEvent<"llm_input">): void {
    this.cache?.observeRequest(e.callId, requestKey({ provider: e.provider, model: e.model, ...(e.systemPrompt !== undefined && { systemPrompt: e.systemPrompt }), history: e.historyMessages, prompt: e.prompt }));
  }

  /** `llm_output`: prices the call's usage and records it in its session, day and month (one transaction). */
  recordCall(e: PluginHookEvent<"llm_output">): void {
    if (!e.usage) {
      this.cache?.observeOutcome(e.callId, undefined);
      return;
    }
    const at = this.clock();
    const periods = this.periods(at);
    const match = this.prices.lookup(e.provider, e.model);
    if (!match) this.warnUnpriced(e.provider, e.model);
    const tokens = { input: e.usage.input, output: e.usage.output, cacheRead: e.usage.cacheRead, cacheWrite: e.usage.cacheWrite };
    const costUsd = match ? usageCost(tokens, match.price) : 0;
    this.store.record({ sessionKey: e.sessionKey, ...periods, provider: e.provider, model: e.model, tokens, costUsd, at });
    this.cache?.observeOutcome(e.callId, e.error ? undefined : costUsd);
  }

  /** `before_prompt_build`: the warning or limit note for the model, if any. */
  promptNote(sessionKey: string | undefined): string | undefined {
    const worst = this.worst(sessionKey, this.clock());
    const graceLeft = Math.max(0, this.d.config.gracePeriodCalls - (sessionKey ? this.store.graceUsed(sessionKey) : 0));
    return budgetNote(worst, this.d.config.enforcement, graceLeft);
  }

  /** `before_tool_call` in hard mode: counts the call while over a limit and blocks it once the grace is used. */
  beforeToolCall(sessionKey: string | undefined): { block: true; blockReason: string } | undefined {
    if (this.d.config.enforcement !== "hard") return undefined;
    const at = this.clock();
    const worst = this.worst(sessionKey, at);
    const key = sessionKey ?? "";
    const used = this.store.graceUsed(key);
    const step = graceStep(worst?.level === "exceeded", used, this.d.config.gracePeriodCalls);
    if (step.used !== used) this.store.setGraceUsed(key, step.used, at);
    return step.block && worst ? { block: true, blockReason: blockReason(worst, this.d.config.gracePeriodCalls) } : undefined;
  }

  /** The budget now, with one session when `sessionKey` is given. */
  status(sessionKey?: string): BudgetStatus {
    const c = this.d.config;
    const periods = this.periods(this.clock());
    const summaries = this.summaries(sessionKey, periods);
    return {
      level: worstStatus(Object.values(summaries))?.level ?? "ok",
      enforcement: c.enforcement, warnThreshold: c.warnThreshold, gracePeriodCalls: c.gracePeriodCalls, timeZone: c.timeZone,
      limits: this.limits(), ...summaries, ...(sessionKey !== undefined && { graceUsed: this.store.graceUsed(sessionKey) }),
      cache: this.cache?.stats() ?? NO_CACHE,
    };
  }

  /** Spend per scope and per model (the session's models too when `sessionKey` is given). */
  cost(sessionKey?: string): CostReport {
    const periods = this.periods(this.clock());
    const summaries = this.summaries(sessionKey, periods);
    const models = Object.values(summaries).flatMap((s) => this.store.models(s.scope, s.period).map((m): ModelUsage => {
      const match = this.prices.lookup(m.provider, m.model);
      return { scope: s.scope, period: s.period, ...m, ...(match?.displayName && { displayName: match.displayName }), priced: match !== undefined };
    }));
    return { ...summaries, limits: this.limits(), models };
  }

  /** Sets the limit of `scope` (kept in the database, so it outlives a restart; it wins over the config). */
  setLimit(scope: Scope, limitUsd: number): Limits {
    this.store.setLimit(scope, limitUsd, this.clock());
    return this.limits();
  }

  /**
   * Resets spend: `session` (one session, or every session without `sessionKey`, and their grace counts), `daily`
   * (today), `monthly` (this month) or `all` of them. Limits stay.
   */
  reset(scope: Scope | "all", sessionKey?: string): void {
    const periods = this.periods(this.clock());
    if (scope === "session" || scope === "all") {
      this.store.resetUsage("session", sessionKey);
      this.store.resetGrace(sessionKey);
    }
    if (scope === "daily" || scope === "all") this.store.resetUsage("daily", periods.day);
    if (scope === "monthly" || scope === "all") this.store.resetUsage("monthly", periods.month);
  }

  /** Every priced model (catalog and overrides). */
  priceList(): PriceListEntry[] {
    return this.prices.list();
  }

  /** The limits in force: runtime ones over configured ones. */
  private limits(): Limits {
    const merged = { ...this.d.config.limits, ...this.store.limits() };
    return { session: merged.session ?? null, daily: merged.daily ?? null, monthly: merged.monthly ?? null };
  }

  private summaries(sessionKey: string | undefined, periods: Periods): { session?: ScopeSummary; daily: ScopeSummary; monthly: ScopeSummary } {
    const limits = this.limits();
    const summary = (scope: Scope, period: string): ScopeSummary => {
      const totals = this.store.totals(scope, period);
      return { ...scopeStatus(scope, totals.costUsd, limits[scope] ?? undefined, this.d.config.warnThreshold), ...totals, period };
    };
    return { ...(sessionKey !== undefined && { session: summary("session", sessionKey) }), daily: summary("daily", periods.day), monthly: summary("monthly", periods.month) };
  }

  /** The scope nearest to (or furthest over) its limit at `at`. */
  private worst(sessionKey: string | undefined, at: number): ScopeStatus | undefined {
    return worstStatus(Object.values(this.summaries(sessionKey, this.periods(at))));
  }

  /** The periods of `at`; the first time a new day is seen, rows past their retention are pruned. */
  private periods(at: number): Periods {
    const periods = periodsAt(at, this.d.config.timeZone);
    if (periods.day !== this.lastDay) {
      this.lastDay = periods.day;
      this.store.prune(at - RETENTION_DAYS * DAY_MS);
    }
    return periods;
  }

  private warnUnpriced(provider: string, model: string): void {
    const ref = `${provider}/${model}`;
    if (this.unpriced.has(ref)) return;
    this.unpriced.add(ref);
    this.d.logger.warn("model has no price: its usage is recorded at $0 (add it to plugins.entries.token-economy.config.pricing)", { model: ref });
  }
}
