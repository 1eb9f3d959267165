/**
 * @module The token economy's SQLite tables (the plugin's own database): usage per scope, period and model — each
 * model call adds to its session's row, its day's row and its month's row in one transaction, so nothing accrued is
 * lost to a crash (the reference flushed a JSON file every 30 s) — plus limits set at runtime and the hard-mode grace
 * count of each session. Day and month rows are keyed by their period, so rollover needs no step of its own: a new
 * day simply has no row yet. Rows untouched for {@link RETENTION_DAYS} are pruned.
 */
import type { Database } from "bun:sqlite";
import type { Scope } from "./config.ts";
import type { Tokens } from "./pricing.ts";

/** Rows (sessions, days, months, grace counts) not updated for this long are deleted. */
export const RETENTION_DAYS = 400;

/** Usage of one scope's period, possibly of one model. */
export interface UsageTotals {
  calls: number;
  tokens: Tokens;
  costUsd: number;
}

/** One model's usage within a period. */
export interface ModelTotals extends UsageTotals {
  provider: string;
  model: string;
}

/** One model call to record. */
export interface UsageRecord {
  sessionKey: string;
  day: string;
  month: string;
  provider: string;
  model: string;
  tokens: Tokens;
  costUsd: number;
  at: number;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS usage (
  scope TEXT NOT NULL CHECK (scope IN ('session', 'daily', 'monthly')),
  period TEXT NOT NULL,
  provider TEXT NOT NULL,
  model TEXT NOT NULL,
  calls INTEGER NOT NULL,
  input INTEGER NOT NULL,
  output INTEGER NOT NULL,
  cache_read INTEGER NOT NULL,
  cache_write INTEGER NOT NULL,
  cost_usd REAL NOT NULL,
  updated_at INTEGER NOT NULL,
  PRIMARY KEY (scope, period, provider, model)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS usage_updated ON usage (updated_at);
CREATE TABLE IF NOT EXISTS limits (scope TEXT PRIMARY KEY, limit_usd REAL NOT NULL, updated_at INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS grace (session_key TEXT PRIMARY KEY, calls INTEGER NOT NULL, updated_at INTEGER NOT NULL);
`;

const SUMS = "COALESCE(SUM(calls), 0) AS calls, COALESCE(SUM(input), 0) AS input, COALESCE(SUM(output), 0) AS output, COALESCE(SUM(cache_read), 0) AS cacheRead, COALESCE(SUM(cache_write), 0) AS cacheWrite, COALESCE(SUM(cost_usd), 0) AS costUsd";

type SumRow = { calls: number; input: number; output: number; cacheRead: number; cacheWrite: number; costUsd: number };
const totalsOf = (r: SumRow): UsageTotals => ({ calls: r.calls, costUsd: r.costUsd, tokens: { input: r.input, output: r.output, cacheRead: r.cacheRead, cacheWrite: r.cacheWrite } });

/** The token economy's persistent state. */
export class BudgetStore {
  private readonly add;
  private readonly recordAll;

  /** Creates the tables when missing. */
  constructor(private readonly db: Database) {
    db.exec(SCHEMA);
    this.add = db.prepare(`INSERT INTO usage (scope, period, provider, model, calls, input, output, cache_read, cache_write, cost_usd, updated_at)
      VALUES (?1, ?2, ?3, ?4, 1, ?5, ?6, ?7, ?8, ?9, ?10)
      ON CONFLICT (scope, period, provider, model) DO UPDATE SET calls = calls + 1, input = input + ?5, output = output + ?6,
        cache_read = cache_read + ?7, cache_write = cache_write + ?8, cost_usd = cost_usd + ?9, updated_at = ?10`);
    this.recordAll = db.transaction((r: UsageRecord) => {
      for (const [scope, period] of [["session", r.sessionKey], ["daily", r.day], ["monthly", r.month]] as const) {
        this.add.run(scope, period, r.provider, r.model, r.tokens.input, r.tokens.output, r.tokens.cacheRead, r.tokens.cacheWrite, r.costUsd, r.at);
      }
    });
  }

  /** Adds one model call to its session, day and month, atomically. */
  record(r: UsageRecord): void {
    this.recordAll(r);
  }

  /** The totals of one period of `scope` (zeros when nothing was recorded). */
  totals(scope: Scope, period: string): UsageTotals {
    return totalsOf(this.db.query<SumRow, [string, string]>(`SELECT ${SUMS} FROM usage WHERE scope = ? AND period = ?`).get(scope, period)!);
  }

  /** The per-model totals of one period of `scope`, most expensive first. */
  models(scope: Scope, period: string): ModelTotals[] {
    const rows = this.db.query<SumRow & { provider: string; model: string }, [string, string]>(
      `SELECT provider, model, ${SUMS} FROM usage WHERE scope = ? AND period = ? GROUP BY provider, model ORDER BY costUsd DESC, provider, model`,
    ).all(scope, period);
    return rows.map((r) => ({ provider: r.provider, model: r.model, ...totalsOf(r) }));
  }

  /** Deletes the usage of one period of `scope`, or of every period of it when `period` is omitted. */
  resetUsage(scope: Scope, period?: string): void {
    if (period === undefined) this.db.run("DELETE FROM usage WHERE scope = ?", [scope]);
    else this.db.run("DELETE FROM usage WHERE scope = ? AND period = ?", [scope, period]);
  }

  /** Limits set at runtime (they win over the configured ones). */
  limits(): Partial<Record<Scope, number>> {
    const rows = this.db.query<{ scope: Scope; limit_usd: number }, []>("SELECT scope, limit_usd FROM limits").all();
    return Object.fromEntries(rows.map((r) => [r.scope, r.limit_usd]));
  }

  /** Sets the limit of `scope`. */
  setLimit(scope: Scope, limitUsd: number, at: number): void {
    this.db.run("INSERT INTO limits (scope, limit_usd, updated_at) VALUES (?, ?, ?) ON CONFLICT (scope) DO UPDATE SET limit_usd = excluded.limit_usd, updated_at = excluded.updated_at", [scope, limitUsd, at]);
  }

  /** Tool calls `sessionKey` made while over a limit. */
  graceUsed(sessionKey: string): number {
    return this.db.query<{ calls: number }, [string]>("SELECT calls FROM grace WHERE session_key = ?").get(sessionKey)?.calls ?? 0;
  }

  /** Stores the grace count of `sessionKey` (0 deletes it). */
  setGraceUsed(sessionKey: string, calls: number, at: number): void {
    if (calls === 0) this.db.run("DELETE FROM grace WHERE session_key = ?", [sessionKey]);
    else this.db.run("INSERT INTO grace (session_key, calls, updated_at) VALUES (?, ?, ?) ON CONFLICT (session_key) DO UPDATE SET calls = excluded.calls, updated_at = excluded.updated_at", [sessionKey, calls, at]);
  }

  /** Deletes the grace count of one session, or of all. */
  resetGrace(sessionKey?: string): void {
    if (sessionKey === undefined) this.db.run("DELETE FROM grace");
    else this.db.run("DELETE FROM grace WHERE session_key = ?", [sessionKey]);
  }

  /** Deletes the rows not updated since `beforeMs`. */
  prune(beforeMs: number): void {
    this.db.transaction(() => {
      this.db.run("DELETE FROM usage WHERE updated_at < ?", [beforeMs]);
      this.db.run("DELETE FROM grace WHERE updated_at < ?", [beforeMs]);
    })();
  }
}
