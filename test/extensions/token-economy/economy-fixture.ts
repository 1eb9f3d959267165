/**
 * @module A token economy on a real SQLite file with a fake clock, its config validated by the manifest's schema
 * exactly as the plugin host does, and builders of the hook events it consumes.
 */
import { Database } from "bun:sqlite";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { readEconomyConfig } from "../../../src/extensions/token-economy/config.ts";
import { TokenEconomy } from "../../../src/extensions/token-economy/economy.ts";
import { validatePluginConfig, type PluginManifest } from "../../../src/plugins/manifest.ts";
import type { PluginHookEvent, PluginLogger } from "../../../src/plugins/api.ts";
import manifest from "../../../src/extensions/token-economy/mayros.plugin.json" with { type: "json" };

/** The plugin config after the host's validation (defaults filled); throws the host's message when invalid. */
export async function validatedConfig(raw: Record<string, unknown>): Promise<Record<string, unknown>> {
  const result = await validatePluginConfig(manifest as unknown as PluginManifest, raw);
  if (!result.ok) throw new Error(result.error);
  return result.value;
}

/** Economies sharing one database file and one fake clock. */
export interface EconomyFixture {
  /** The fake time (ms); tests move it. */
  now: number;
  warnings: string[];
  /** Opens an economy on the shared file (a fresh connection: a "restart"). */
  open(raw?: Record<string, unknown>): Promise<TokenEconomy>;
  /** Closes every connection and deletes the folder. */
  cleanup(): void;
}

/** A fixture whose clock starts at `startIso`. */
export function economyFixture(startIso: string): EconomyFixture {
  const dir = mkdtempSync(join(tmpdir(), "mayros-economy-"));
  const dbs: Database[] = [];
  const warnings: string[] = [];
  const logger: PluginLogger = { debug() {}, info() {}, warn: (m, f) => { warnings.push(`${m} ${JSON.stringify(f ?? {})}`); }, error() {} };
  const fixture: EconomyFixture = {
    now: Date.parse(startIso),
    warnings,
    async open(raw = {}) {
      const db = new Database(join(dir, "data.db"));
      dbs.push(db);
      return new TokenEconomy({ config: readEconomyConfig(await validatedConfig(raw)), db, logger, clock: () => fixture.now });
    },
    cleanup() {
      for (const db of dbs) db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return fixture;
}

/** An `llm_output` event of `sessionKey` with `usage` (missing kinds are 0). */
export function llmOutput(sessionKey: string, model: string, usage: Partial<{ input: number; output: number; cacheRead: number; cacheWrite: number }>, extra: Partial<PluginHookEvent<"llm_output">> = {}): PluginHookEvent<"llm_output"> {
  const u = { input: 0, output: 0, cacheRead: 0, cacheWrite: 0, ...usage };
  const [provider, ...rest] = model.split("/");
  return {
    runId: "run-1", sessionId: "s-1", sessionKey, provider: provider!, model: rest.join("/"), assistantTexts: [], callId: `llm-${crypto.randomUUID()}`,
    round: 1, durationMs: 5, usage: { ...u, total: u.input + u.output }, ...extra,
  };
}

/** An `llm_input` event. */
export function llmInput(callId: string, prompt: string, history: unknown[] = [], model = "anthropic/claude-sonnet-4-5"): PluginHookEvent<"llm_input"> {
  const [provider, name] = model.split("/");
  return { runId: "run-1", sessionId: "s-1", sessionKey: "k", provider: provider!, model: name!, systemPrompt: "sys", prompt, historyMessages: history, imagesCount: 0, callId, round: 1, parentToolCallIds: [] };
}
