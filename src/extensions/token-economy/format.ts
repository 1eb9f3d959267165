/**
 * @module Human-readable budget text: amounts, the status table, the per-model table and the price list — what the
 * budget tools return to the model and what `mayros budget` prints without `--json`.
 */
import type { BudgetStatus, CostReport, ScopeSummary } from "./economy.ts";
import type { PriceListEntry } from "./pricing.ts";

/** USD with cents, or 4 decimals for amounts under $1 that are not whole cents (small runs stay visible). */
export function formatUsd(usd: number): string {
  const cents = Math.abs(usd) >= 1 || Number(usd.toFixed(2)) === usd;
  return `$${usd.toFixed(cents ? 2 : 4)}`;
}

/** A left-aligned text table (two spaces between columns, no trailing blanks). */
export function table(headers: string[], rows: string[][]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  return [headers, ...rows].map((r) => r.map((cell, i) => cell.padEnd(widths[i]!)).join("  ").trimEnd()).join("\n");
}

const limitText = (limit: number | null) => (limit === null ? "none" : formatUsd(limit));
const usedText = (s: ScopeSummary) => (s.fraction === null ? "-" : `${Math.round(s.fraction * 100)}%`);

/** The status of the scopes, their limits and the prompt cache. */
export function renderStatus(s: BudgetStatus): string {
  const scopes = [s.session, s.daily, s.monthly].filter((x): x is ScopeSummary => x !== undefined);
  const head = `Budget: ${s.level.toUpperCase()} (${s.enforcement} enforcement, warn at ${Math.round(s.warnThreshold * 100)}%, time zone ${s.timeZone})`;
  const rows = scopes.map((x) => [x.scope, x.period, formatUsd(x.costUsd), limitText(x.limitUsd), usedText(x), x.level, String(x.calls), String(x.tokens.input), String(x.tokens.output), String(x.tokens.cacheRead), String(x.tokens.cacheWrite)]);
  const lines = [head, "", table(["SCOPE", "PERIOD", "SPENT", "LIMIT", "USED", "STATUS", "CALLS", "INPUT", "OUTPUT", "CACHE R", "CACHE W"], rows), ""];
  if (s.enforcement === "hard" && s.graceUsed !== undefined && s.graceUsed > 0) lines.push(`Grace: ${s.graceUsed} of ${s.gracePeriodCalls} tool call(s) used over the limit.`);
  const c = s.cache;
  lines.push(c.enabled ? `Prompt cache: ${c.hits} hit(s), ${c.misses} miss(es), ${c.entries} entr${c.entries === 1 ? "y" : "ies"}, estimated savings ${formatUsd(c.estimatedSavingsUsd)}` : "Prompt cache: off");
  return lines.join("\n");
}

/** The per-model usage of each scope. */
export function renderCost(r: CostReport): string {
  if (r.models.length === 0) return "No model usage recorded yet.";
  const rows = r.models.map((m) => [
    m.scope, m.period, `${m.provider}/${m.model}${m.priced ? "" : " (no price)"}`, String(m.calls),
    String(m.tokens.input), String(m.tokens.output), String(m.tokens.cacheRead), String(m.tokens.cacheWrite), formatUsd(m.costUsd),
  ]);
  return table(["SCOPE", "PERIOD", "MODEL", "CALLS", "INPUT", "OUTPUT", "CACHE R", "CACHE W", "COST"], rows);
}

/** The price list, USD per 1M tokens. */
export function renderPrices(list: PriceListEntry[]): string {
  const rows = list.map((p) => [`${p.provider}/${p.model}`, p.displayName ?? "", `$${p.input}`, `$${p.output}`, `$${p.cacheRead}`, `$${p.cacheWrite}`, p.source]);
  return `Prices in USD per 1M tokens (a model id also prices the dated ids it begins)\n\n${table(["MODEL", "NAME", "INPUT", "OUTPUT", "CACHE R", "CACHE W", "SOURCE"], rows)}`;
}
