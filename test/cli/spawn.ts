/**
 * Runs the real CLI entry (`src/main.ts`) as a subprocess with its own state dir, collecting
 * stdout/stderr as they arrive so tests can await a line instead of sleeping.
 */
import type { Subprocess } from "bun";
import { resolve } from "node:path";

/** The repository root (where `src/main.ts` lives). */
export const repoRoot = resolve(import.meta.dir, "../..");

/**
 * The environment of a spawned CLI: the parent's, minus every `MAYROS_*` variable (so a developer's
 * own token or state dir never leaks in), plus `MAYROS_STATE_DIR` and `extra`.
 */
export function cliEnv(stateDir: string, extra: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !k.startsWith("MAYROS_")) env[k] = v;
  return { ...env, MAYROS_STATE_DIR: stateDir, ...extra };
}

export { freePort } from "../../build/free-port.ts";

/** A running CLI process whose output is collected as it arrives. */
export class CliProcess {
  stdout = "";
  stderr = "";
  /** Resolves with the exit code once the process exited and its output was fully read. */
  readonly exited: Promise<number>;
  private listeners = new Set<() => void>();
  private done = false;

  constructor(readonly proc: Subprocess<"ignore", "pipe", "pipe">) {
    const pumps = Promise.all([
      this.pump(proc.stdout, (s) => { this.stdout += s; }),
      this.pump(proc.stderr, (s) => { this.stderr += s; }),
    ]);
    this.exited = Promise.all([proc.exited, pumps]).then(([code]) => {
      this.done = true;
      this.notify();
      return code;
    });
  }

  get pid(): number { return this.proc.pid; }

  /**
   * Resolves with the first match of `pattern` in the collected `stream`, as soon as it appears;
   * rejects when the process exits first (showing its output) or after `timeoutMs`.
   */
  waitFor(pattern: RegExp, stream: "stdout" | "stderr" = "stdout", timeoutMs = 10_000): Promise<RegExpMatchArray> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const m = this[stream].match(pattern);
        if (m) return finish(() => resolve(m));
        if (this.done) finish(() => reject(new Error(`process exited before ${pattern} appeared on ${stream}\n${this.describe()}`)));
      };
      const timer = setTimeout(() => finish(() => reject(new Error(`${pattern} did not appear on ${stream} within ${timeoutMs} ms\n${this.describe()}`))), timeoutMs);
      const finish = (settle: () => void) => {
        clearTimeout(timer);
        this.listeners.delete(check);
        settle();
      };
      this.listeners.add(check);
      check();
    });
  }

  /** Sends `signal` (no-op once exited). */
  kill(signal: NodeJS.Signals = "SIGTERM"): void {
    if (this.proc.exitCode === null && this.proc.signalCode === null) this.proc.kill(signal);
  }

  /** Kills the process if it still runs and waits for it. */
  async dispose(): Promise<void> {
    this.kill("SIGKILL");
    await this.exited;
  }

  private describe(): string {
    return `--- stdout ---\n${this.stdout}--- stderr ---\n${this.stderr}`;
  }

  private notify(): void {
    for (const listener of [...this.listeners]) listener();
  }

  private async pump(stream: ReadableStream<Uint8Array>, append: (s: string) => void): Promise<void> {
    const decoder = new TextDecoder();
    for await (const chunk of stream) {
      append(decoder.decode(chunk, { stream: true }));
      this.notify();
    }
    append(decoder.decode());
  }
}

/** Options of {@link spawnCli}. */
export interface SpawnOptions {
  stateDir: string;
  /** Extra environment variables. */
  env?: Record<string, string>;
}

/** Starts `mayros <args>` from source. */
export function spawnCli(args: string[], { stateDir, env }: SpawnOptions): CliProcess {
  const proc = Bun.spawn([process.execPath, "src/main.ts", ...args], {
    cwd: repoRoot,
    env: cliEnv(stateDir, env),
    stdin: "ignore",
    stdout: "pipe",
    stderr: "pipe",
  });
  return new CliProcess(proc);
}

/** The result of a finished CLI run. */
export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `mayros <args>` to completion. */
export async function runCli(args: string[], options: SpawnOptions): Promise<CliResult> {
  const p = spawnCli(args, options);
  try {
    const code = await p.exited;
    return { code, stdout: p.stdout, stderr: p.stderr };
  } finally {
    await p.dispose();
  }
}
