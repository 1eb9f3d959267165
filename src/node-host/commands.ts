/**
 * @module The commands a node host answers (`system.run`, `system.which`, `system.notify`): params
 * checked, `system.run` limited to the exec allowlist, every outcome turned into a result or a
 * `{code, message}` error for `node.invoke.result`.
 */
import { statSync } from "node:fs";
import { isAbsolute, normalize, resolve } from "node:path";
import { Type, type Static } from "@sinclair/typebox";
import { firstError } from "../protocol/validate.ts";
import { AllowlistError, isAllowed, readAllowlist } from "./allowlist.ts";
import {
  DEFAULT_MAX_OUTPUT_BYTES, DEFAULT_RUN_TIMEOUT_MS, MAX_OUTPUT_BYTES_LIMIT, MAX_RUN_TIMEOUT_MS, runProcess, type RunResult,
} from "./run.ts";

/** Commands this node host declares at connect. */
export const NODE_HOST_COMMANDS = ["system.run", "system.which", "system.notify"] as const;
/** Capability categories this node host declares. */
export const NODE_HOST_CAPS = ["system"] as const;

/** Error codes a command can fail with. */
export type NodeCommandErrorCode =
  | "UNKNOWN_COMMAND" | "INVALID_PARAMS" | "EXEC_NOT_ALLOWED" | "EXEC_NOT_FOUND" | "EXEC_ENV_NOT_ALLOWED"
  | "EXEC_ALLOWLIST_INVALID" | "EXEC_FAILED" | "COMMAND_FAILED";

/** A command failure reported to the gateway as `error: {code, message}`. */
export class NodeCommandError extends Error {
  override readonly name = "NodeCommandError";
  constructor(readonly code: NodeCommandErrorCode, message: string) {
    super(message);
  }
}

/** The outcome of one command. */
export type CommandOutcome = { ok: true; payload: unknown } | { ok: false; error: { code: string; message: string } };

/** Minimal logger the node host writes to. */
export interface NodeHostLog {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
}

/** A logger that writes nothing. */
export const silentLog: NodeHostLog = { debug() {}, info() {}, warn() {}, error() {} };

/** What a command runs with. */
export interface CommandContext {
  /** The node host's state directory (holds `node/exec-allowlist.json`). */
  stateDir: string;
  log?: NodeHostLog;
  /** Kills running processes when aborted. */
  signal?: AbortSignal;
  /** Upper bound on `system.run` time (the gateway's invoke timeout). */
  timeoutCapMs?: number;
  /** The environment children start from. @default process.env */
  baseEnv?: NodeJS.ProcessEnv;
}

const EnvRecord = Type.Record(Type.String({ minLength: 1 }), Type.String());
/** `system.run` params (`command` is accepted as OpenClaw's name for `argv`; unknown fields are ignored). */
export const SystemRunParams = Type.Object({
  argv: Type.Optional(Type.Array(Type.String(), { minItems: 1 })),
  command: Type.Optional(Type.Array(Type.String(), { minItems: 1 })),
  cwd: Type.Optional(Type.String({ minLength: 1 })),
  env: Type.Optional(EnvRecord),
  timeoutMs: Type.Optional(Type.Integer({ minimum: 1 })),
  maxOutputBytes: Type.Optional(Type.Integer({ minimum: 0 })),
});
/** `system.run` params. */
export type SystemRunParams = Static<typeof SystemRunParams>;
const SystemWhichParams = Type.Object({ name: Type.String({ minLength: 1 }) });
const SystemNotifyParams = Type.Object({ title: Type.Optional(Type.String()), body: Type.String() });

/**
 * Environment variables a request may not set: they change what an allowed executable loads or runs
 * (dynamic linker, interpreter start-up hooks, the PATH its own lookups use).
 */
const BLOCKED_ENV = /^(LD_.*|DYLD_.*|PATH|NODE_OPTIONS|BUN_OPTIONS|BASH_ENV|ENV|SHELLOPTS|PS4|IFS|PYTHONPATH|PYTHONHOME|PYTHONSTARTUP|PERL5LIB|PERL5OPT|RUBYLIB|RUBYOPT)$/i;

/**
 * Runs one command and never throws: every failure becomes `{ok: false, error}`.
 * @example await executeCommand("system.which", { name: "git" }, { stateDir })
 */
export async function executeCommand(command: string, params: unknown, ctx: CommandContext): Promise<CommandOutcome> {
  try {
    switch (command) {
      case "system.run": return { ok: true, payload: await systemRun(check(SystemRunParams, params), ctx) };
      case "system.which": {
        const { name } = check(SystemWhichParams, params);
        return { ok: true, payload: { name, path: Bun.which(name) ?? null } };
      }
      case "system.notify": {
        const { title, body } = check(SystemNotifyParams, params);
        (ctx.log ?? silentLog).info(`notification: ${title ? `${printable(title)}: ` : ""}${printable(body)}`);
        return { ok: true, payload: { ok: true } };
      }
      default:
        throw new NodeCommandError("UNKNOWN_COMMAND", `unknown command: ${command} (this node supports ${NODE_HOST_COMMANDS.join(", ")})`);
    }
  } catch (err) {
    if (err instanceof NodeCommandError) return { ok: false, error: { code: err.code, message: err.message } };
    (ctx.log ?? silentLog).error("command failed", { command, error: (err as Error).message });
    return { ok: false, error: { code: "COMMAND_FAILED", message: `${command} failed: ${(err as Error).message}` } };
  }
}

/**
 * `system.run`: resolves `argv[0]`, refuses what the allowlist does not name, runs it without a shell.
 * @throws {NodeCommandError} for bad params, a missing or not-allowed executable, or a failed start.
 */
export async function systemRun(params: SystemRunParams, ctx: CommandContext): Promise<RunResult> {
  const argv = params.argv ?? params.command;
  if (!argv || argv[0] === undefined || argv[0] === "") throw new NodeCommandError("INVALID_PARAMS", "invalid system.run params: argv: expected a non-empty array of strings");
  const cwd = params.cwd === undefined ? undefined : checkCwd(params.cwd);
  const env = buildEnv(ctx.baseEnv ?? process.env, params.env);
  const path = resolveExecutable(argv[0], cwd);
  let allowlist;
  try {
    allowlist = readAllowlist(ctx.stateDir);
  } catch (err) {
    if (err instanceof AllowlistError) throw new NodeCommandError("EXEC_ALLOWLIST_INVALID", `exec allowlist is invalid, nothing may run: ${err.message}`);
    throw err;
  }
  if (!isAllowed(allowlist, path)) {
    throw new NodeCommandError("EXEC_NOT_ALLOWED", `command not allowed on this node: ${path} (run "mayros node allow ${path}" on the node host)`);
  }
  if (!Bun.which(path)) throw new NodeCommandError("EXEC_NOT_FOUND", `no such executable on this node: ${path}`);
  const timeoutMs = Math.min(params.timeoutMs ?? DEFAULT_RUN_TIMEOUT_MS, MAX_RUN_TIMEOUT_MS, ctx.timeoutCapMs ?? Infinity);
  const maxOutputBytes = Math.min(params.maxOutputBytes ?? DEFAULT_MAX_OUTPUT_BYTES, MAX_OUTPUT_BYTES_LIMIT);
  (ctx.log ?? silentLog).info("system.run", { path, args: argv.length - 1, ...(cwd && { cwd }) });
  try {
    return await runProcess({ path, args: argv.slice(1), cwd, env, timeoutMs, maxOutputBytes, signal: ctx.signal });
  } catch (err) {
    throw new NodeCommandError("EXEC_FAILED", `cannot start ${path}: ${(err as Error).message}`);
  }
}

/** The absolute path `argv[0]` names: as given when absolute, against `cwd` when relative with a slash, else from PATH. */
function resolveExecutable(name: string, cwd: string | undefined): string {
  if (isAbsolute(name)) return normalize(name);
  if (name.includes("/") || name.includes("\\")) return resolve(cwd ?? process.cwd(), name);
  const found = Bun.which(name);
  if (!found) throw new NodeCommandError("EXEC_NOT_FOUND", `command not found on this node: ${name}`);
  return found;
}

function checkCwd(cwd: string): string {
  const dir = resolve(cwd);
  let isDir = false;
  try {
    isDir = statSync(dir).isDirectory();
  } catch {
    // missing: reported below
  }
  if (!isDir) throw new NodeCommandError("INVALID_PARAMS", `invalid system.run params: cwd: not a directory on this node: ${dir}`);
  return dir;
}

function buildEnv(base: NodeJS.ProcessEnv, extra: Record<string, string> | undefined): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(base)) if (v !== undefined) env[k] = v;
  for (const [k, v] of Object.entries(extra ?? {})) {
    if (BLOCKED_ENV.test(k)) throw new NodeCommandError("EXEC_ENV_NOT_ALLOWED", `env.${k}: may not be set by a request (it changes what an allowed executable runs)`);
    if (k.includes("=") || k.includes("\0") || v.includes("\0")) throw new NodeCommandError("INVALID_PARAMS", `invalid system.run params: env.${k}: invalid name or value`);
    env[k] = v;
  }
  return env;
}

function check<T extends Parameters<typeof firstError>[0]>(schema: T, params: unknown): Static<T> {
  const problem = firstError(schema, params ?? {});
  if (problem) throw new NodeCommandError("INVALID_PARAMS", `invalid params: ${problem}`);
  return (params ?? {}) as Static<T>;
}

/** Text from the network, safe for one log line. */
function printable(text: string): string {
  const flat = text.replace(/[\u0000-\u001f\u007f-\u009f]/g, " ");
  return flat.length > 1000 ? `${flat.slice(0, 1000)}…` : flat;
}
