/** @module The one error type of the skill sandbox, with what went wrong as `kind`. */

/**
 * Why a sandbox refused or failed:
 * - `timeout`: an entry ran past `executionTimeoutMs` (interrupted);
 * - `memory`: the QuickJS heap hit `memoryLimitBytes`;
 * - `stack`: recursion hit `maxStackSizeBytes`;
 * - `syntax`: the skill does not parse (TypeScript or JavaScript);
 * - `contract`: a wrong default export, a hook that threw or answered the wrong shape, a host refusal;
 * - `limit`: a host call refused by the per-minute call rate or the per-session write cap.
 * `timeout`, `memory` and `stack` are fatal: the sandbox is disposed.
 */
export type SandboxErrorKind = "timeout" | "memory" | "stack" | "syntax" | "contract" | "limit";

/** The kinds after which the runtime is not trusted any more and is disposed. */
export const FATAL_KINDS: ReadonlySet<SandboxErrorKind> = new Set(["timeout", "memory", "stack"]);

/** An error of the skill sandbox; `kind` says which limit or rule stopped the skill. */
export class SandboxError extends Error {
  override name = "SandboxError";
  constructor(
    readonly kind: SandboxErrorKind,
    message: string,
  ) {
    super(message);
  }
}
