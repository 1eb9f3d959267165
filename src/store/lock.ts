/** @module `gateway.lock`: one gateway per state directory; a stale lock from a dead process is taken over. */
import { openSync, writeSync, closeSync, readFileSync, unlinkSync } from "node:fs";
import { join } from "node:path";

/** Thrown when another live gateway holds the lock. */
export class LockHeldError extends Error {
  override readonly name = "LockHeldError";
  constructor(readonly lockPath: string, readonly pid: number) {
    super(`another gateway (pid ${pid}) is already running for this state directory (${lockPath}); stop it first or use another MAYROS_STATE_DIR`);
  }
}

/** A held lock. */
export interface GatewayLock {
  path: string;
  release(): void;
}

/**
 * Takes `<stateDir>/gateway.lock`, writing our PID and port.
 * @throws {LockHeldError} when a live process holds it.
 */
export function acquireGatewayLock(stateDir: string, port: number): GatewayLock {
  const path = join(stateDir, "gateway.lock");
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(path, "wx", 0o600);
      writeSync(fd, JSON.stringify({ pid: process.pid, port, startedAt: Date.now() }));
      closeSync(fd);
      return { path, release: () => releaseIfOurs(path) };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
      const holder = readHolder(path);
      if (holder !== null && holder !== process.pid && isAlive(holder)) throw new LockHeldError(path, holder);
      unlinkSync(path);
    }
  }
  throw new Error(`could not take ${path}`);
}

/** What `gateway.lock` says, for `mayros doctor` and the CLI. */
export interface GatewayLockInfo {
  path: string;
  /** The holder's pid, or null when the file is unreadable. */
  pid: number | null;
  /** The port the holder listens on, when recorded. */
  port?: number;
  /** Whether the holder still runs (false: a stale lock the next gateway takes over). */
  alive: boolean;
}

/** Reads `<stateDir>/gateway.lock` without taking it; undefined when there is none. */
export function inspectGatewayLock(stateDir: string): GatewayLockInfo | undefined {
  const path = join(stateDir, "gateway.lock");
  let data: { pid?: unknown; port?: unknown };
  try {
    data = JSON.parse(readFileSync(path, "utf8")) as typeof data;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    return { path, pid: null, alive: false };
  }
  const pid = typeof data.pid === "number" ? data.pid : null;
  return { path, pid, ...(typeof data.port === "number" && { port: data.port }), alive: pid !== null && isAlive(pid) };
}

function readHolder(path: string): number | null {
  try {
    const pid = (JSON.parse(readFileSync(path, "utf8")) as { pid?: unknown }).pid;
    return typeof pid === "number" ? pid : null;
  } catch {
    return null;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

function releaseIfOurs(path: string): void {
  if (readHolder(path) === process.pid) {
    try { unlinkSync(path); } catch { /* already gone */ }
  }
}
