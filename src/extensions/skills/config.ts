/**
 * @module The semantic-skills config, typed (extensions.md §9 "Config"). The host validated it against the
 * manifest's JSON Schema and filled the defaults; here the skill folders are resolved against the workspace.
 */
import { isAbsolute, join, resolve } from "node:path";

/** The sandbox and limit settings. */
export interface SandboxSettings {
  maxGraphQueries: number;
  maxAssertions: number;
  proofTimeoutMs: number;
  allowZkProofs: boolean;
  sandboxEnabled: boolean;
  memoryLimitBytes: number;
  maxStackSizeBytes: number;
  executionTimeoutMs: number;
  maxCallsPerMinute: number;
  maxWritesPerSession: number;
}

/** The plugin's settings. */
export interface SkillsConfig {
  agentNamespace: string;
  /** Where installs go and the first folder scanned: `<workspace>/skills`. */
  installRoot: string;
  /** Every folder of skills, the install root first. */
  skillDirs: string[];
  hotReload: boolean;
  sandbox: SandboxSettings;
  verification: { requireSignature: boolean; trustedKeys: string[] };
}

/** Reads the validated plugin config; relative `skillDirs` are taken from the workspace. */
export function readSkillsConfig(raw: Record<string, unknown>, workspaceDir: string): SkillsConfig {
  const c = raw as { agentNamespace: string; skillDirs: string[]; hotReload: boolean; skillSandbox: SandboxSettings; verification: SkillsConfig["verification"] };
  const installRoot = join(workspaceDir, "skills");
  const extra = c.skillDirs.map((d) => (isAbsolute(d) ? d : resolve(workspaceDir, d))).filter((d) => d !== installRoot);
  return {
    agentNamespace: c.agentNamespace, installRoot, skillDirs: [installRoot, ...new Set(extra)], hotReload: c.hotReload,
    sandbox: { ...c.skillSandbox }, verification: { requireSignature: c.verification.requireSignature, trustedKeys: [...c.verification.trustedKeys] },
  };
}
