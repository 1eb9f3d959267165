/**
 * @module The skill sandbox contract (extensions.md §9 "Skill runtime contract", §10 layer 3): what
 * the plugin core hands to {@link loadSkillSandbox} and what it gets back.
 */

/** The resource limits of one sandbox (config `skillSandbox.*`; writes are layer 9, calls layer 7). */
export interface SandboxLimits {
  /** QuickJS heap limit of the runtime. */
  memoryLimitBytes: number;
  /** QuickJS stack limit (deep recursion fails with a `stack` error). */
  maxStackSizeBytes: number;
  /** Deadline of each entry into the sandbox: the top-level evaluation and each hook call. */
  executionTimeoutMs: number;
  /** Host calls (all 7 host functions) admitted in any 60 s sliding window. */
  maxCallsPerMinute: number;
  /** `createTriple` + `deleteTriple` calls admitted over the sandbox's whole life. */
  maxWritesPerSession: number;
}

/**
 * The only host functions a skill reaches, as `graphClient.*` and `logger.*` inside the sandbox.
 * Arguments arrive as fresh JSON-decoded values and results go back as JSON, so nothing of the host
 * is shared with the skill. Each function must answer synchronously (a thenable is refused); it
 * enforces namespaces and audits (layers 4 and 15), and may throw to refuse (the skill sees an Error
 * with the message only).
 */
export interface SandboxHost {
  createTriple(t: { subject: string; predicate: string; object: unknown }): unknown;
  listTriples(q: { subject?: string; predicate?: string; limit?: number }): unknown;
  patternQuery(q: { subject?: string; predicate?: string; object?: unknown; limit?: number }): unknown;
  deleteTriple(id: string): unknown;
  log(level: "info" | "warn" | "error", message: string): void;
}

/** The options of {@link loadSkillSandbox}. */
export interface SandboxOptions {
  /** Shown in stack traces and errors, e.g. `skills/foo/skill.ts`. */
  filename: string;
  limits: SandboxLimits;
  host: SandboxHost;
  /** Clock of the per-minute call window, in ms (default `Date.now`); deadlines use the real clock. */
  now?: () => number;
}

/** A loaded skill: its hooks, each run inside QuickJS under the deadline. */
export interface SkillSandbox {
  /** The default export's `name`. */
  name: string;
  /** Runs `onActivate(ctx)` if the skill has one. */
  activate(ctx: unknown): Promise<void>;
  /** Runs `onQuery(ctx)`; a skill without one answers `{ results: [] }`. */
  query(ctx: unknown): Promise<{ results: unknown; additionalContext?: string }>;
  /** Runs `onDeactivate(ctx)` if the skill has one. */
  deactivate(ctx: unknown): Promise<void>;
  /** Frees the QuickJS runtime and its WebAssembly memory; later calls fail. Idempotent. */
  dispose(): void;
}
