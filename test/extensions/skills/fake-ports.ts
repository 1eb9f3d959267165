/**
 * @module Test doubles of the sandbox and security ports: a "sandbox" whose hooks the test supplies (by skill
 * source text), a scanner that flags `eval(` as critical, a sanitizer that wraps JSON, a hash over SKILL.md, a
 * counting limiter, and an install that copies the folder. They let the core's layers be tested on their own.
 * Also the plugin config with the manifest's defaults.
 */
import { cpSync, readFileSync } from "node:fs";
import { basename, join } from "node:path";
import { readSkillsConfig, type SkillsConfig } from "../../../src/extensions/skills/config.ts";
import type { SkillCode, SkillHost, SkillPorts } from "../../../src/extensions/skills/ports.ts";

/** Hooks a fake skill runs with the host it was given. */
export type FakeHooks = { activate?(host: SkillHost): void; query?(host: SkillHost, ctx: unknown): Promise<{ results: unknown; additionalContext?: string }> };

/** Fake ports; `hooks[source]` is what a skill with that source text does. */
export function fakePorts(hooks: Record<string, FakeHooks> = {}, maxCalls = Infinity): SkillPorts & { loaded: string[]; disposed: string[]; taken: Map<string, number> } {
  const loaded: string[] = [];
  const disposed: string[] = [];
  const taken = new Map<string, number>();
  return {
    loaded, disposed, taken,
    async loadSandbox(source, opts): Promise<SkillCode> {
      loaded.push(opts.filename);
      const h = hooks[source.trim()] ?? {};
      return {
        name: opts.filename,
        activate: async () => h.activate?.(opts.host),
        query: (ctx) => (h.query ? h.query(opts.host, ctx) : Promise.resolve({ results: [] })),
        deactivate: async () => {},
        dispose: () => void disposed.push(opts.filename),
      };
    },
    scanSkillDir: (dir) => {
      const file = join(dir, "skill.ts");
      try {
        return readFileSync(file, "utf8").includes("eval(") ? [{ ruleId: "dynamic-code-execution", severity: "critical", file, line: 1, message: "eval" }] : [];
      } catch {
        return [];
      }
    },
    sanitizeEnrichment: (v) => `<skill-enrichment type="data">${JSON.stringify(v)}</skill-enrichment>`,
    computeSkillDirHash: (dir) => new Bun.CryptoHasher("sha256").update(readFileSync(join(dir, "SKILL.md"))).digest("hex"),
    async verifyThenPromote(source, root) {
      const slug = basename(source);
      cpSync(source, join(root, slug), { recursive: true });
      return { slug, dir: join(root, slug), hash: "h", findings: [] };
    },
    createLimiter: (max) => ({ take: (key) => {
      const n = (taken.get(key) ?? 0) + 1;
      taken.set(key, n);
      return n <= Math.min(max, maxCalls);
    } }),
  };
}

/** The plugin config as the host hands it over (the manifest's defaults), for a workspace; `sandbox` overrides limits. */
export function testConfig(ws: string, opts: { sandbox?: Record<string, unknown>; hotReload?: boolean; verification?: { requireSignature: boolean; trustedKeys: string[] } } = {}): SkillsConfig {
  const skillSandbox = { maxGraphQueries: 50, maxAssertions: 20, proofTimeoutMs: 5000, allowZkProofs: true, sandboxEnabled: true, memoryLimitBytes: 8 << 20, maxStackSizeBytes: 512 << 10, executionTimeoutMs: 10000, maxCallsPerMinute: 60, maxWritesPerSession: 50, ...opts.sandbox };
  return readSkillsConfig({ agentNamespace: "mayros", skillDirs: [], hotReload: opts.hotReload ?? false, skillSandbox, verification: opts.verification ?? { requireSignature: true, trustedKeys: [] } }, ws);
}
