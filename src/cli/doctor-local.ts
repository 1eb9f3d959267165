/**
 * @module `mayros doctor` checks of this machine: the config loads, the state directory and config
 * file are private, the gateway lock, the port, free disk space and the clock. Each returns findings
 * with a fix hint, and a safe automatic fix where there is one (chmod, a stale lock).
 */
import { chmodSync, existsSync, statSync, statfsSync, unlinkSync } from "node:fs";
import { createServer } from "node:net";
import { dirname, join } from "node:path";
import { isConfigError, loadConfig, type LoadedConfig, type MayrosPaths } from "../config/index.ts";
import { resolveBindHost } from "../gateway/net.ts";
import { inspectGatewayLock } from "../store/index.ts";

/** One result of a check. */
export interface Finding {
  /** Which check: config, state-dir, config-file, token, lock, port, channels, providers, disk, clock. */
  check: string;
  status: "ok" | "warn" | "fail";
  message: string;
  /** What to do about it. */
  hint?: string;
  /** A safe repair that `--fix` runs. */
  fix?: () => void;
}

/** What the checks read; tests pass their own clock. */
export interface DoctorContext {
  paths: MayrosPaths;
  env: NodeJS.ProcessEnv;
  now: () => number;
}

/** The config check; also returns the loaded config for the checks that need it. */
export function checkConfig(ctx: DoctorContext): { finding: Finding; loaded?: LoadedConfig } {
  const { configPath } = ctx.paths;
  try {
    const loaded = loadConfig({ env: ctx.env });
    const message = loaded.file.exists ? `${configPath} is valid` : `no config file at ${configPath}: the defaults apply`;
    return { finding: { check: "config", status: "ok", message, ...(!loaded.file.exists && { hint: "create one with mayros onboard" }) }, loaded };
  } catch (err) {
    if (!isConfigError(err)) throw err;
    return { finding: { check: "config", status: "fail", message: err.message, hint: "fix it with mayros config edit (mayros config validate checks it)" } };
  }
}

/** The state directory and the config file are readable by their owner only (0700 / 0600). */
export function checkPermissions(ctx: DoctorContext): Finding[] {
  const { stateDir, configPath } = ctx.paths;
  const findings: Finding[] = [];
  if (!existsSync(stateDir)) {
    findings.push({ check: "state-dir", status: "ok", message: `${stateDir} does not exist yet (the gateway creates it with mode 700)` });
  } else {
    findings.push(privateMode("state-dir", stateDir, 0o700, "it holds the token database, device keys and channel sessions"));
  }
  if (existsSync(configPath)) findings.push(privateMode("config-file", configPath, 0o600, "it can hold tokens and API keys"));
  return findings;
}

function privateMode(check: string, path: string, wanted: number, why: string): Finding {
  const stat = statSync(path);
  const mode = stat.mode & 0o777;
  const uid = process.getuid?.();
  if (uid !== undefined && stat.uid !== uid) {
    return { check, status: "warn", message: `${path} belongs to uid ${stat.uid}, not to you (uid ${uid})`, hint: `chown it to the user that runs the gateway` };
  }
  if ((mode & 0o077) === 0) return { check, status: "ok", message: `${path} is private (mode ${octal(mode)})` };
  const others = mode & 0o002 ? "everyone on this machine can change it" : mode & 0o005 ? "everyone on this machine can read it" : undefined;
  const group = mode & 0o020 && !(mode & 0o002) ? "its group can change it" : mode & 0o050 && !(mode & 0o007) ? "its group can read it" : undefined;
  return {
    check, status: "fail",
    message: `${path} has mode ${octal(mode)}: ${[others, group].filter(Boolean).join(" and ")}, and ${why}`,
    hint: `chmod ${octal(wanted)} ${path}`,
    fix: () => chmodSync(path, wanted),
  };
}

/** `gateway.lock`: a running gateway, none, or a stale lock of a process that is gone. */
export function checkLock(ctx: DoctorContext): Finding {
  const lock = inspectGatewayLock(ctx.paths.stateDir);
  if (!lock) return { check: "lock", status: "ok", message: "no gateway is running for this state directory" };
  if (lock.alive) return { check: "lock", status: "ok", message: `a gateway is running (pid ${lock.pid}${lock.port ? `, port ${lock.port}` : ""})` };
  return {
    check: "lock", status: "warn",
    message: `stale ${lock.path}${lock.pid === null ? " (unreadable)" : ` of pid ${lock.pid}, which is not running`}`,
    hint: `remove it: rm ${lock.path} (the next gateway start also takes it over)`,
    fix: () => {
      // Only while it is still stale: a gateway may have started since.
      if (inspectGatewayLock(ctx.paths.stateDir)?.alive === false) unlinkSync(lock.path);
    },
  };
}

/** The configured port is free, or held by this state directory's gateway. */
export async function checkPort(ctx: DoctorContext, loaded: LoadedConfig | undefined): Promise<Finding> {
  if (!loaded) return { check: "port", status: "warn", message: "not checked: the config does not load" };
  const { port, bind } = loaded.config.gateway;
  const lock = inspectGatewayLock(ctx.paths.stateDir);
  if (lock?.alive && lock.port === port) return { check: "port", status: "ok", message: `port ${port} is this gateway's (pid ${lock.pid})` };
  let host: string;
  try {
    host = resolveBindHost(bind);
  } catch (err) {
    return { check: "port", status: "warn", message: (err as Error).message, hint: "set gateway.bind to loopback, lan or an address of this host" };
  }
  const problem = await listenProblem(host, port);
  if (problem === undefined) return { check: "port", status: "ok", message: `port ${port} on ${host} is free` };
  return {
    check: "port", status: "fail",
    message: problem === "EADDRINUSE" ? `port ${port} on ${host} is in use by another program` : `cannot listen on ${host}:${port} (${problem})`,
    hint: `stop that program, or pick another port: mayros config set gateway.port <n> (or --port, MAYROS_GATEWAY_PORT)`,
  };
}

/** Tries to listen on host:port and closes at once; the error code, or undefined when it works. */
function listenProblem(host: string, port: number): Promise<string | undefined> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once("error", (err: NodeJS.ErrnoException) => resolve(err.code ?? err.message));
    server.listen({ host, port, exclusive: true }, () => server.close(() => resolve(undefined)));
  });
}

const MiB = 1024 * 1024;

/** Free space where the state lives: below 100 MiB fails, below 1 GiB warns. */
export function checkDisk(ctx: DoctorContext): Finding {
  let dir = ctx.paths.stateDir;
  while (!existsSync(dir) && dirname(dir) !== dir) dir = dirname(dir);
  const fs = statfsSync(dir);
  const free = fs.bavail * fs.bsize;
  const shown = free >= 1024 * MiB ? `${(free / 1024 / MiB).toFixed(1)} GiB` : `${(free / MiB).toFixed(0)} MiB`;
  const status = free < 100 * MiB ? "fail" : free < 1024 * MiB ? "warn" : "ok";
  return {
    check: "disk", status, message: `${shown} free on the file system of ${dir}`,
    ...(status !== "ok" && { hint: "free some space: the database, transcripts and logs live there (logging.maxFiles limits the logs)" }),
  };
}

/** Earliest plausible time: a clock before this is unset (no RTC, no time sync yet, as on a fresh Pi). */
const EARLIEST = Date.UTC(2025, 0, 1);

/**
 * The clock: not before 2025, not behind the state database's last write, and (with `--deep`) within a
 * minute of the time a provider's server sent.
 * @param serverSkewMs server time minus ours, from `--deep` responses.
 */
export function checkClock(ctx: DoctorContext, serverSkewMs?: { host: string; skewMs: number }): Finding {
  const now = ctx.now();
  const hint = "turn on time synchronisation (timedatectl set-ntp true); TLS certificates, device signatures and cron need a correct clock";
  if (now < EARLIEST) return { check: "clock", status: "fail", message: `the system clock says ${new Date(now).toISOString()}`, hint };
  const db = join(ctx.paths.stateDir, "state.db");
  if (existsSync(db) && statSync(db).mtimeMs > now + 5 * 60_000) {
    return { check: "clock", status: "warn", message: `${db} was written at ${statSync(db).mtime.toISOString()}, after now (${new Date(now).toISOString()}): the clock went back`, hint };
  }
  if (serverSkewMs && Math.abs(serverSkewMs.skewMs) > 60_000) {
    const seconds = Math.round(Math.abs(serverSkewMs.skewMs) / 1000);
    return { check: "clock", status: "warn", message: `the clock is ${seconds} s ${serverSkewMs.skewMs > 0 ? "behind" : "ahead of"} ${serverSkewMs.host}`, hint };
  }
  return { check: "clock", status: "ok", message: `${new Date(now).toISOString()}${serverSkewMs ? ` (within a minute of ${serverSkewMs.host})` : ""}` };
}

function octal(mode: number): string {
  return mode.toString(8).padStart(3, "0");
}
