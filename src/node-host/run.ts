/**
 * @module Runs one already-resolved, already-allowed executable without a shell: output captured
 * up to a byte cap per stream, the whole process group killed on timeout or abort.
 */

/** Default and largest `system.run` timeouts. */
export const DEFAULT_RUN_TIMEOUT_MS = 30_000;
export const MAX_RUN_TIMEOUT_MS = 10 * 60_000;
/** Default and largest captured bytes per stream. */
export const DEFAULT_MAX_OUTPUT_BYTES = 256 * 1024;
export const MAX_OUTPUT_BYTES_LIMIT = 4 * 1024 * 1024;
/** How long output may still arrive after the process exited (a background child may hold the pipes). */
const DRAIN_AFTER_EXIT_MS = 1_000;

/** What to run. */
export interface RunSpec {
  /** Absolute path of the executable (run as given, never looked up again). */
  path: string;
  /** Arguments after the executable. */
  args: string[];
  cwd?: string;
  /** The complete environment of the child. */
  env: Record<string, string>;
  timeoutMs: number;
  /** Bytes kept per stream; the rest is read and dropped. */
  maxOutputBytes: number;
  /** Kills the process when aborted (the node host is stopping). */
  signal?: AbortSignal;
}

/** The outcome of a run (the `system.run` payload). */
export interface RunResult {
  /** Exit status; null when the process was ended by a signal. */
  exitCode: number | null;
  /** The signal that ended the process, if any. */
  signal?: string;
  stdout: string;
  stderr: string;
  /** Whether stdout or stderr went over `maxOutputBytes`. */
  truncated: boolean;
  /** Whether the process was killed because it ran out of time. */
  timedOut: boolean;
  durationMs: number;
}

/**
 * Spawns `spec.path` with `spec.args` and waits for it.
 * @throws Error when the process cannot be started.
 */
export async function runProcess(spec: RunSpec): Promise<RunResult> {
  const started = performance.now();
  const proc = Bun.spawn([spec.path, ...spec.args], {
    cwd: spec.cwd,
    env: spec.env,
    stdin: "ignore",
    stdout: "pipe",
    stderr: "pipe",
    // Its own process group, so a timeout also ends the children it started.
    detached: process.platform !== "win32",
  });
  let timedOut = false;
  const kill = () => killGroup(proc);
  const timer = setTimeout(() => { timedOut = true; kill(); }, spec.timeoutMs);
  spec.signal?.addEventListener("abort", kill, { once: true });
  const stdout = new Capture(proc.stdout, spec.maxOutputBytes);
  const stderr = new Capture(proc.stderr, spec.maxOutputBytes);
  try {
    await proc.exited;
  } finally {
    clearTimeout(timer);
    spec.signal?.removeEventListener("abort", kill);
  }
  await Promise.all([stdout.finish(DRAIN_AFTER_EXIT_MS), stderr.finish(DRAIN_AFTER_EXIT_MS)]);
  return {
    exitCode: proc.exitCode,
    ...(proc.signalCode != null && { signal: String(proc.signalCode) }),
    stdout: stdout.text(),
    stderr: stderr.text(),
    truncated: stdout.truncated || stderr.truncated,
    timedOut,
    durationMs: Math.round(performance.now() - started),
  };
}

function killGroup(proc: { pid: number; kill(signal?: number | NodeJS.Signals): void }): void {
  try {
    if (process.platform !== "win32") process.kill(-proc.pid, "SIGKILL");
    else proc.kill("SIGKILL");
  } catch {
    try { proc.kill("SIGKILL"); } catch { /* already gone */ }
  }
}

/** Reads a stream to its end, keeping the first `max` bytes. */
class Capture {
  private readonly chunks: Uint8Array[] = [];
  private kept = 0;
  truncated = false;
  private readonly reader: { read(): Promise<{ done: boolean; value?: Uint8Array }>; cancel(): Promise<void> };
  private readonly done: Promise<void>;

  constructor(stream: ReadableStream<Uint8Array>, private readonly max: number) {
    this.reader = stream.getReader();
    this.done = this.pump();
  }

  /** Waits for the end of the stream, at most `graceMs` more. */
  async finish(graceMs: number): Promise<void> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const late = new Promise<void>((resolve) => { timer = setTimeout(resolve, graceMs); });
    await Promise.race([this.done, late]);
    clearTimeout(timer);
    this.reader.cancel().catch(() => {});
  }

  /** The kept bytes as UTF-8 (an incomplete last character becomes U+FFFD). */
  text(): string {
    return new TextDecoder().decode(Buffer.concat(this.chunks));
  }

  private async pump(): Promise<void> {
    try {
      for (;;) {
        const { done, value } = await this.reader.read();
        if (done || !value) return;
        const room = this.max - this.kept;
        if (value.byteLength > room) this.truncated = true;
        if (room > 0) {
          const part = value.byteLength > room ? value.subarray(0, room) : value;
          this.chunks.push(part);
          this.kept += part.byteLength;
        }
      }
    } catch {
      // cancelled after the drain window
    }
  }
}
