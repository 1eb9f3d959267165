/**
 * @module The plugin's config, typed. The host already validated `plugins.entries.token-economy.config` against the
 * manifest's JSON Schema (limits > 0, warnThreshold in (0, 1], enforcement, grace calls, price shapes) and filled
 * the defaults; what JSON Schema cannot check — that `timeZone` is a real IANA zone — is checked here.
 */
import { isTimeZone } from "./calendar.ts";
import type { Price } from "./pricing.ts";

/** A budget scope. */
export type Scope = "session" | "daily" | "monthly";

/** Every scope, narrowest first. */
export const SCOPES: readonly Scope[] = ["session", "daily", "monthly"];

/** The token economy's settings. */
export interface EconomyConfig {
  /** Configured limits in USD; a missing scope is unlimited (limits set at runtime are kept in the database). */
  limits: Partial<Record<Scope, number>>;
  warnThreshold: number;
  enforcement: "soft" | "hard";
  gracePeriodCalls: number;
  timeZone: string;
  pricing: Record<string, Price>;
  cache: { enabled: boolean; maxEntries: number; ttlMs: number };
}

/** Where config errors point. */
const FIELD = "plugins.entries.token-economy.config";

/**
 * Reads the validated plugin config.
 * @throws {Error} naming the field, for a time zone this runtime does not know
 */
export function readEconomyConfig(raw: Record<string, unknown>): EconomyConfig {
  const c = raw as Omit<EconomyConfig, "limits"> & Partial<Record<`${Scope}LimitUsd`, number>>;
  if (!isTimeZone(c.timeZone)) throw new Error(`${FIELD}.timeZone: unknown IANA time zone "${c.timeZone}"`);
  const limits: EconomyConfig["limits"] = {};
  for (const scope of SCOPES) {
    const limit = c[`${scope}LimitUsd`];
    if (limit !== undefined) limits[scope] = limit;
  }
  return { limits, warnThreshold: c.warnThreshold, enforcement: c.enforcement, gracePeriodCalls: c.gracePeriodCalls, timeZone: c.timeZone, pricing: c.pricing, cache: c.cache };
}
