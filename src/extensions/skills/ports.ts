/**
 * @module What the plugin core needs from the sandbox (layer 3) and security (layers 1, 2, 7, 12, 18) modules, as
 * function types over their own types: the core is written and tested against these, and `wiring.ts` binds the real ones.
 */
import type { RateLimiter } from "./limits.ts";
import type { SandboxHost, SandboxLimits, SkillSandbox } from "./sandbox/types.ts";
import type { ScanFinding } from "./security/findings.ts";
import type { InstalledSkill } from "./security/install.ts";

/** A finding of the static scanner (layer 1). */
export type Finding = ScanFinding;
/** The graph functions a sandboxed skill reaches, already bound to its namespace and audited. */
export type SkillHost = SandboxHost;
/** A loaded sandboxed skill. */
export type SkillCode = SkillSandbox;
/** The sandbox limits handed to {@link SkillPorts.loadSandbox}. */
export type CodeLimits = SandboxLimits;
/** What an install answers. */
export type Installed = InstalledSkill;

/** The sandbox and security functions. */
export interface SkillPorts {
  /** Layer 3: evaluates skill code in the sandbox. */
  loadSandbox(source: string, opts: { filename: string; limits: CodeLimits; host: SkillHost }): Promise<SkillCode>;
  /** Layer 1: scans a skill folder's code. */
  scanSkillDir(dir: string): Finding[] | Promise<Finding[]>;
  /** Layer 2: a skill's enrichment as sanitized, wrapped text. */
  sanitizeEnrichment(value: unknown): string;
  /** Layer 18: the integrity hash of a skill folder. */
  computeSkillDirHash(dir: string): string | Promise<string>;
  /** Layers 11–12: verify-then-promote install. */
  verifyThenPromote(source: string, skillsRoot: string, opts: { trustedKeys: string[]; requireSignature: boolean }): Promise<Installed>;
  /** Layer 7: a sliding-window limiter of `max` calls per `windowMs`. */
  createLimiter(max: number, windowMs: number): RateLimiter;
}
