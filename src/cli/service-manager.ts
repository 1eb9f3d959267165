/**
 * @module Running `mayros service` actions: builds the service definition for this machine, turns an
 * action into steps through the platform backend, and carries them out with an injectable command
 * runner (tests never call systemctl or launchctl).
 */
import { existsSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, relative, isAbsolute } from "node:path";
import { loadConfig, type MayrosPaths } from "../config/index.ts";
import { CliError } from "./errors.ts";
import { launchdBackend, systemdBackend, type ServiceAction, type ServiceBackend, type ServiceState, type ServiceStep } from "./service-backends.ts";
import type { ServiceSpec } from "./service-units.ts";

/** What a command printed and how it ended. */
export interface CommandResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a command; with `inherit` its output goes straight to the terminal (and is not captured). */
export type CommandRunner = (argv: string[], options?: { inherit?: boolean }) => Promise<CommandResult>;

/** Runs commands as child processes. */
export const spawnRunner: CommandRunner = async (argv, options = {}) => {
  let proc;
  try {
    proc = Bun.spawn(argv, { stdin: options.inherit ? "inherit" : "ignore", stdout: options.inherit ? "inherit" : "pipe", stderr: options.inherit ? "inherit" : "pipe" });
  } catch (err) {
    return { code: 127, stdout: "", stderr: `${argv[0]}: ${(err as Error).message}` };
  }
  const [stdout, stderr, code] = await Promise.all([
    proc.stdout instanceof ReadableStream ? new Response(proc.stdout).text() : "",
    proc.stderr instanceof ReadableStream ? new Response(proc.stderr).text() : "",
    proc.exited,
  ]);
  return { code, stdout, stderr };
};

/** Everything `mayros service` reads from the machine; tests pass their own. */
export interface ServiceContext {
  platform: NodeJS.Platform;
  home: string;
  uid: number;
  env: NodeJS.ProcessEnv;
  paths: MayrosPaths;
  /** How to run this program (see `selfCommand`); `gateway` is appended. */
  self: string[];
  run: CommandRunner;
}

/** Env vars carried into the service (no secrets: unit files and plists are readable by others). */
const CARRIED_ENV = ["MAYROS_GATEWAY_PORT", "PATH"];
/** Secrets a shell may set that the service will not see. */
const SECRET_ENV = [
  "MAYROS_GATEWAY_TOKEN", "MAYROS_GATEWAY_PASSWORD", "ANTHROPIC_API_KEY", "OPENAI_API_KEY",
  "TELEGRAM_BOT_TOKEN", "DISCORD_BOT_TOKEN", "SLACK_BOT_TOKEN", "SLACK_APP_TOKEN", "SLACK_SIGNING_SECRET",
];

/**
 * The platform's backend.
 * @throws {CliError} on a platform other than Linux and macOS.
 */
export function serviceBackend(ctx: ServiceContext): ServiceBackend {
  const where = { home: ctx.home, uid: ctx.uid, env: ctx.env, stateDir: ctx.paths.stateDir };
  if (ctx.platform === "linux") return systemdBackend(where);
  if (ctx.platform === "darwin") return launchdBackend(where);
  throw new CliError(`mayros service supports Linux (systemd) and macOS (launchd), not ${ctx.platform}`);
}

/** The service definition's inputs, plus notes for the user (secrets in the shell the service will not see). */
export function serviceSpec(ctx: ServiceContext, noSandbox = false): { spec: ServiceSpec; notes: string[] } {
  const { stateDir, configPath } = ctx.paths;
  const env: Record<string, string> = { MAYROS_STATE_DIR: stateDir };
  if (ctx.env.MAYROS_CONFIG_PATH?.trim()) env.MAYROS_CONFIG_PATH = configPath;
  for (const name of CARRIED_ENV) if (ctx.env[name]?.trim()) env[name] = ctx.env[name]!;
  const outside = (p: string) => {
    const rel = relative(stateDir, p);
    return rel.startsWith("..") || isAbsolute(rel);
  };
  const extra = new Set<string>();
  if (outside(dirname(configPath))) extra.add(dirname(configPath));
  const notes: string[] = [];
  try {
    const workspace = loadConfig({ env: ctx.env }).config.agents.defaults.workspace;
    if (workspace && outside(workspace)) extra.add(workspace);
  } catch (err) {
    notes.push(`The config does not load (${(err as Error).message}): the service will not start until it is fixed (mayros config validate).`);
  }
  const secrets = SECRET_ENV.filter((name) => ctx.env[name]?.trim());
  if (secrets.length > 0) {
    notes.push(`${secrets.join(", ")} ${secrets.length === 1 ? "is" : "are"} set in this shell but not given to the service (service files are readable by others): put ${secrets.length === 1 ? "it" : "them"} in the config instead (mayros config set …).`);
  }
  return { spec: { command: [...ctx.self, "gateway"], stateDir, extraWritablePaths: [...extra], env, noSandbox }, notes };
}

/** The outcome of an action. */
export interface ActionResult {
  action: ServiceAction;
  manager: "systemd" | "launchd";
  file: string;
  steps: ServiceStep[];
  notes: string[];
  dryRun: boolean;
}

/** Options of {@link runServiceAction}. */
export interface ActionOptions {
  dryRun?: boolean;
  noStart?: boolean;
  noSandbox?: boolean;
}

/**
 * Plans `action` and, unless `dryRun`, carries it out step by step.
 * @throws {CliError} when the service is not installed (for start/stop/restart), or a step fails
 * (naming the command, its output and the steps already done).
 */
export async function runServiceAction(ctx: ServiceContext, action: ServiceAction, options: ActionOptions = {}): Promise<ActionResult> {
  const backend = serviceBackend(ctx);
  const { spec, notes } = serviceSpec(ctx, options.noSandbox);
  if (action !== "install" && !existsSync(backend.file)) {
    if (action === "uninstall") return { action, manager: backend.kind, file: backend.file, steps: [], notes: ["Not installed: nothing to do."], dryRun: options.dryRun ?? false };
    throw new CliError(`the service is not installed (no ${backend.file}): run mayros service install`);
  }
  const steps = backend.steps(action, backend.definition(spec), options.noStart ?? false);
  const result: ActionResult = {
    action, manager: backend.kind, file: backend.file, steps,
    notes: action === "install" ? [...notes, ...backend.installNotes()] : [], dryRun: options.dryRun ?? false,
  };
  if (options.dryRun) return result;
  for (const [i, step] of steps.entries()) await runStep(ctx, step, steps.slice(0, i));
  return result;
}

async function runStep(ctx: ServiceContext, step: ServiceStep, done: ServiceStep[]): Promise<void> {
  switch (step.kind) {
    case "mkdir":
      mkdirSync(step.path, { recursive: true, mode: 0o700 });
      return;
    case "write":
      writeFileSync(step.path, step.content, { mode: 0o644 });
      return;
    case "remove":
      rmSync(step.path, { force: true });
      return;
    case "run": {
      const r = await ctx.run(step.argv);
      if (r.code === 0 || step.mayFail) return;
      const already = done.length > 0 ? ` (already done: ${done.map(describeStep).join("; ")})` : "";
      throw new CliError(`\`${step.argv.join(" ")}\` failed with exit code ${r.code}: ${(r.stderr || r.stdout).trim() || "no output"}${already}`);
    }
  }
}

/** One line per step, as `--dry-run` prints it. */
export function describeStep(step: ServiceStep): string {
  switch (step.kind) {
    case "mkdir": return `create directory ${step.path} (mode 700)`;
    case "write": return `write ${step.path}`;
    case "remove": return `remove ${step.path}`;
    case "run": return `run ${step.argv.join(" ")}${step.mayFail ? " (a failure is fine)" : ""}`;
  }
}

/** `mayros service status`. */
export interface StatusResult extends ServiceState {
  manager: "systemd" | "launchd";
  file: string;
  installed: boolean;
}

/** Reads the service's status from the platform's manager. */
export async function serviceStatus(ctx: ServiceContext): Promise<StatusResult> {
  const backend = serviceBackend(ctx);
  const installed = existsSync(backend.file);
  const r = await ctx.run(backend.statusCommand());
  return { manager: backend.kind, file: backend.file, installed, ...backend.parseStatus(r.code, r.stdout) };
}

/**
 * Prints the service's logs to the terminal (`--follow` keeps printing).
 * @throws {CliError} when the log command fails.
 */
export async function serviceLogs(ctx: ServiceContext, lines: number, follow: boolean): Promise<void> {
  const argv = serviceBackend(ctx).logsCommand(lines, follow);
  const r = await ctx.run(argv, { inherit: true });
  if (r.code !== 0) throw new CliError(`\`${argv.join(" ")}\` failed with exit code ${r.code}; the gateway's own log is ${ctx.paths.stateDir}/logs/gateway.log`);
}
