/** Child-process plumbing of the bench: CPU pinning, spawning servers, free ports, /proc memory, and a kill-everything exit hook. */
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Subprocess } from "bun";

/** Repository root (the bench runs every server with this cwd). */
export const REPO_ROOT = join(import.meta.dir, "..", "..");
/** The project's pinned Bun binary. */
export const BUN_BIN = join(REPO_ROOT, "node_modules", ".bin", "bun");

const TASKSET = Bun.which("taskset");
const CORES = navigator.hardwareConcurrency;
/** True when servers and the load generator run on different cores. */
export const PINNED = TASKSET !== null && CORES >= 2;

const children = new Set<Subprocess>();
const tempDirs = new Set<string>();
const cleanups: Array<() => void> = [];

/** Sleeps `ms` milliseconds. */
export const sleep = (ms: number): Promise<void> => Bun.sleep(ms);

/** Pins every thread of this (load-generator) process to core 1; servers go to core 0. No-op without taskset. */
export function pinSelf(): void {
  if (!PINNED) return;
  Bun.spawnSync([TASKSET!, "-a", "-cp", "1", String(process.pid)], { stdout: "ignore", stderr: "ignore" });
}

/** `argv` wrapped to run on core 0 (the servers' core) when pinning is available. */
export function onServerCore(argv: string[]): string[] {
  return PINNED ? [TASKSET!, "-c", "0", ...argv] : argv;
}

/** A fresh temp directory, removed at exit. */
export function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  tempDirs.add(dir);
  return dir;
}

export { freePort } from "../../build/free-port.ts";

/** A spawned server process. */
export interface ServerProc {
  proc: Subprocess;
  pid: number;
  /** File receiving the child's stdout and stderr. */
  logPath: string;
  /** Last lines of the child's output (for error messages). */
  tail(lines?: number): string;
}

/**
 * Spawns `argv` (pinned to core 0 when possible) with cwd at the repo root; output goes to a log file.
 * @param env environment of the child, on top of the bench's own minus every `MAYROS_*` variable
 */
export function spawnServer(argv: string[], env: Record<string, string> = {}): ServerProc {
  const logDir = tempDir("mayros-bench-log-");
  const logPath = join(logDir, "server.log");
  const fd = openSync(logPath, "w");
  const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("MAYROS_")));
  const proc = Bun.spawn(onServerCore(argv), { cwd: REPO_ROOT, env: { ...base, ...env }, stdin: "ignore", stdout: fd, stderr: fd });
  closeSync(fd);
  children.add(proc);
  return {
    proc, pid: proc.pid, logPath,
    tail: (lines = 15) => {
      try { return readFileSync(logPath, "utf8").trimEnd().split("\n").slice(-lines).join("\n"); } catch { return ""; }
    },
  };
}

/** SIGTERM, then SIGKILL after `graceMs`; resolves once the process is gone. */
export async function stopServer(server: ServerProc, graceMs = 3000): Promise<void> {
  const { proc } = server;
  if (proc.exitCode === null && proc.signalCode === null) {
    proc.kill("SIGTERM");
    const exited = await Promise.race([proc.exited.then(() => true), sleep(graceMs).then(() => false)]);
    if (!exited) {
      proc.kill("SIGKILL");
      await Promise.race([proc.exited, sleep(2000)]);
    }
  }
  children.delete(proc);
}

/** Whether the process has exited. */
export function hasExited(server: ServerProc): boolean {
  return server.proc.exitCode !== null || server.proc.signalCode !== null;
}

/** Resident memory of a process from /proc/<pid>/status, in MiB: current (VmRSS) and peak (VmHWM). */
export function memoryMiB(pid: number): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, "m").exec(status)?.[1] ?? NaN);
  return { rss: kb("VmRSS") / 1024, peak: kb("VmHWM") / 1024 };
}

/** Clock ticks per second of /proc/<pid>/stat times (USER_HZ, 100 on Linux); read once, on first use. */
let clkTck = 0;

/** CPU time (user + system) a process has used so far, in ms (10 ms resolution). */
export function cpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  clkTck ||= Number(Bun.spawnSync(["getconf", "CLK_TCK"]).stdout.toString().trim()) || 100;
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / clkTck;
}

/** Kills every child still running (SIGKILL, synchronous) and removes temp dirs; safe to call twice. */
export function killAll(): void {
  for (const fn of cleanups.splice(0)) {
    try { fn(); } catch { /* best effort */ }
  }
  for (const proc of children) {
    try { proc.kill("SIGKILL"); } catch { /* gone */ }
  }
  children.clear();
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
  tempDirs.clear();
}

/** Makes sure no child outlives the bench, whatever way it ends. */
export function installExitHooks(): void {
  process.on("exit", killAll);
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
    process.on(signal, () => {
      killAll();
      process.exit(130);
    });
  }
}


/**
 * Runs a bench's `main` and exits with its code: exit hooks installed, this process pinned to the load-generator
 * core, children killed at the end, and everything stopped (exit 3) once `deadlineMs` passed. A throw prints
 * `bench failed: …` and exits 1.
 */
export async function runBench(main: () => Promise<number>, deadlineMs: number): Promise<never> {
  installExitHooks();
  setTimeout(() => {
    console.error(`bench: deadline of ${deadlineMs / 60_000} min reached, stopping`);
    killAll();
    process.exit(3);
  }, deadlineMs).unref();
  pinSelf();
  let code = 1;
  try {
    code = await main();
  } catch (err) {
    console.error(`bench failed: ${(err as Error).stack ?? err}`);
  } finally {
    killAll();
  }
  process.exit(code);
}

/** Registers a synchronous cleanup (e.g. stopping a process the bench did not spawn directly) run by {@link killAll}. */
export function onCleanup(fn: () => void): () => void {
  cleanups.push(fn);
  return () => {
    const i = cleanups.indexOf(fn);
    if (i >= 0) cleanups.splice(i, 1);
  };
}
