/**
 * @module Optional `autoStart`: spawns `signal-cli -a <account> daemon --http <host:port> --receive-mode on-start`
 * when the binary is on PATH; otherwise logs a line and does nothing (the daemon is then run by the operator).
 */
import type { ChannelContext } from "../types.ts";

/** A spawned daemon. */
export interface SignalDaemon {
  /** Kills the process (idempotent). */
  stop(): void;
}

/**
 * Spawns the daemon for `account`, listening on the host:port of `url`.
 * @returns the daemon, or `undefined` (with a log line) when `signal-cli` is not on PATH or fails to spawn.
 */
export function spawnSignalDaemon(url: string, account: string, log: ChannelContext["log"], binary = "signal-cli"): SignalDaemon | undefined {
  const path = Bun.which(binary);
  if (!path) {
    log.info("signal-cli not found on PATH; not starting the daemon (autoStart)", { binary });
    return undefined;
  }
  const { host } = new URL(url);
  try {
    const proc = Bun.spawn([path, "-a", account, "daemon", "--http", host, "--receive-mode", "on-start"], { stdout: "ignore", stderr: "ignore", stdin: "ignore" });
    log.info("signal-cli daemon started", { pid: proc.pid, http: host });
    return {
      stop() {
        if (proc.exitCode === null && !proc.killed) proc.kill();
      },
    };
  } catch (err) {
    log.warn("signal-cli daemon failed to start", { error: err instanceof Error ? err.message : String(err) });
    return undefined;
  }
}
