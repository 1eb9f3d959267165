/**
 * @module What the plugin core needs from the sandbox (layer 3) and security (layers 1, 2, 7, 12, 18) modules, as
 * plain function types: the core is written and tested against these, and `wiring.ts` binds the real ones.
 */
import type { RateLimiter } from "./limits.ts";

/** A finding of the static scanner (layer 1). */
export interface Finding {
  ruleId: string;
  severity: "info" | "warn" | "critical";
  file: string;
  line?: number;
  message: string;
}

/** The graph functions a sandboxed skill reaches, already bound to its namespace and audited. */
export interface SkillHost {
  createTriple(t: { subject: string; predicate: string; object: unknown }): unknown;
  listTriples(q: { subject?: string; predicate?: string; limit?: number }): unknown;
  patternQuery(q: { subject?: string; predicate?: string; object?: unknown; limit?: number }): unknown;
  deleteTriple(id: string): unknown;
  log(level: "info" | "warn" | "error", message: string): void;
}

/** A loaded sandboxed skill. */
export interface SkillCode {
  name: string;
  activate(ctx: unknown): Promise<void>;
  query(ctx: unknown): Promise<{ results: unknown; additionalContext?: string }>;
  deactivate(ctx: unknown): Promise<void>;
  dispose(): void;
}

/** The sandbox limits handed to {@link SkillPorts.loadSandbox}. */
export interface CodeLimits {
  memoryLimitBytes: number;
  maxStackSizeBytes: number;
  executionTimeoutMs: number;
  maxCallsPerMinute: number;
  maxWritesPerSession: number;
}

/** What an install answers. */
export interface Installed {
  slug: string;
  dir: string;
  hash: string;
  findings: Finding[];
}

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
