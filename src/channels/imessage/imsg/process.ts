/**
 * @module The `imsg rpc` child process: spawned with `Bun.spawn` as `<cliPath> rpc [--db <dbPath>]`, its stdin and
 * stdout carrying line-delimited JSON-RPC ({@link createLineRpc}), its stderr kept as a tail for error messages.
 * When the child exits — on its own, killed, or crashed — its remaining output is read, every pending request
 * rejects and `onExit` is called once, with an error naming the exit code (or signal) and the stderr tail.
 */
import type { Subprocess } from "bun";
import { createLineRpc, type LineRpc } from "./line-rpc.ts";

/** How much of the child's stderr is kept. */
const STDERR_TAIL = 2000;
/** How long an exit waits for the child's pipes to drain (a grandchild may hold them open). */
const DRAIN_MS = 1000;
/** How long `kill()` waits after SIGTERM before SIGKILL. */
const KILL_GRACE_MS = 2000;

/** What {@link spawnImsg} needs. */
export interface ImsgProcessOptions {
  /** The `imsg` executable (a path, or a name resolved on PATH by the spawn). */
  cliPath: string;
  /** Passed as `--db <dbPath>` (the Messages database, `~/Library/Messages/chat.db` by default). */
  dbPath?: string;
  /** Per-request timeout in ms. @default 15000 */
  timeoutMs?: number;
  /** Every notification of the child (`message`, …). */
  onNotification(method: string, params: unknown): void;
  /** Called once when the child has exited, with the reason (also the rejection of pending requests). */
  onExit(error: Error): void;
  /** Lines of the child's stdout that are not JSON-RPC (logged, not fatal). */
  onInvalid?(line: string, reason: string): void;
}

/** A running `imsg rpc` child. */
export interface ImsgProcess {
  readonly pid: number;
  /** Sends a JSON-RPC request; rejects on an error answer, a timeout or the child's exit. */
  request<T = unknown>(method: string, params?: unknown): Promise<T>;
  /** Stops the child (SIGTERM, then SIGKILL after a grace period) and resolves once it has exited. */
  kill(): Promise<void>;
}

/** The argv of `imsg rpc` for these options. */
export function imsgArgv(cliPath: string, dbPath?: string): string[] {
  return [cliPath, "rpc", ...(dbPath ? ["--db", dbPath] : [])];
}

/**
 * Spawns the child. Does not wait for it to be ready — the first request (`chats.list`) is the probe.
 * @throws {Error} when the executable cannot be spawned (missing, not executable).
 */
export function spawnImsg(options: ImsgProcessOptions): ImsgProcess {
  const { cliPath, dbPath, timeoutMs, onNotification, onExit, onInvalid } = options;
  const proc: Subprocess<"pipe", "pipe", "pipe"> = Bun.spawn(imsgArgv(cliPath, dbPath), { stdin: "pipe", stdout: "pipe", stderr: "pipe" });
  let stderr = "";
  const rpc: LineRpc = createLineRpc({
    name: "imsg",
    ...(timeoutMs !== undefined ? { timeoutMs } : {}),
    onNotification,
    ...(onInvalid ? { onInvalid } : {}),
    write(line) {
      if (proc.exitCode !== null || proc.signalCode !== null) throw new Error("the imsg process has exited");
      proc.stdin.write(line);
      // A pipe closed under us surfaces as the child's exit, which rejects the request.
      void Promise.resolve(proc.stdin.flush()).catch(() => {});
    },
  });

  const stdoutDone = (async () => {
    for await (const chunk of proc.stdout) rpc.feed(chunk);
  })().catch(() => {});
  const stderrDone = (async () => {
    const decoder = new TextDecoder();
    for await (const chunk of proc.stderr) stderr = (stderr + decoder.decode(chunk, { stream: true })).slice(-STDERR_TAIL);
  })().catch(() => {});

  const exited = proc.exited.then(async (code) => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([Promise.all([stdoutDone, stderrDone]), new Promise<void>((r) => { timer = setTimeout(r, DRAIN_MS); })]);
    clearTimeout(timer);
    const how = proc.signalCode ? `was killed by ${proc.signalCode}` : `exited with code ${code}`;
    const tail = stderr.trim().split("\n").slice(-3).join(" | ");
    const error = new Error(`imsg ${how}${tail ? `: ${tail}` : ""}`);
    rpc.close(error);
    onExit(error);
  });

  return {
    pid: proc.pid,
    request: (method, params) => rpc.request(method, params),
    async kill() {
      if (proc.exitCode === null && proc.signalCode === null) {
        proc.kill("SIGTERM");
        let timer: ReturnType<typeof setTimeout> | undefined;
        const forced = new Promise<void>((r) => { timer = setTimeout(r, KILL_GRACE_MS); }).then(() => {
          if (proc.exitCode === null && proc.signalCode === null) proc.kill("SIGKILL");
        });
        await Promise.race([proc.exited, forced]);
        clearTimeout(timer);
      }
      await exited;
    },
  };
}
