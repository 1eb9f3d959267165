/**
 * @module The `exec` tool (`group:runtime`): runs one program with arguments (no shell) in the
 * workspace, after the exec approvals gate (allowlist, else an approver), with a timeout, a
 * minimal environment and capped output.
 */
import { realpathSync, statSync } from "node:fs";
import { resolveBinary, splitCommand } from "../approvals/command.ts";
import type { ExecAuthorizer } from "../approvals/service.ts";
import { agentIdOf } from "../../sessions/keys.ts";
import { confine } from "./fs.ts";
import type { Tool, ToolResult } from "./registry.ts";

/** Default (and largest) run time of one command, in seconds (agent.md §5). */
export const DEFAULT_EXEC_TIMEOUT_SEC = 1800;
/** Default cap of each of stdout and stderr kept for the model, in bytes. */
export const DEFAULT_EXEC_MAX_OUTPUT_BYTES = 64 * 1024;
/** How long to keep reading output after the process ended (a grandchild may still hold the pipe). */
const DRAIN_GRACE_MS = 500;

/** Variables passed on from the gateway's environment; everything else (API keys, tokens) stays out. */
const PASSED_ENV = ["PATH", "HOME", "USER", "LOGNAME", "LANG", "LC_ALL", "LC_CTYPE", "TZ", "TMPDIR", "SHELL"];

/** Options of {@link execTool}. */
export interface ExecToolOptions {
  /** The approvals gate every command goes through. */
  approvals: ExecAuthorizer;
  /** Default and largest timeout, in seconds. @default {@link DEFAULT_EXEC_TIMEOUT_SEC} */
  timeoutSec?: number;
  /** Cap of each of stdout and stderr, in bytes. @default {@link DEFAULT_EXEC_MAX_OUTPUT_BYTES} */
  maxOutputBytes?: number;
  /** How long an approval request waits for an answer (default: the approvals service's). */
  approvalTimeoutMs?: number;
  /** The environment of the commands. @default a few variables of the gateway's own (PATH, HOME, locale…) */
  env?: Record<string, string>;
}

/** A minimal environment from the gateway's: {@link PASSED_ENV}, plus a dumb terminal. */
export function minimalEnv(source: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const env: Record<string, string> = { TERM: "dumb", NO_COLOR: "1" };
  for (const name of PASSED_ENV) if (source[name] !== undefined) env[name] = source[name]!;
  return env;
}

/** Reads a stream to its end, or until `stop` settles, keeping the first `cap` bytes. */
async function capture(stream: ReadableStream<Uint8Array>, cap: number, stop: Promise<void>) {
  const reader = stream.getReader();
  const chunks: Uint8Array[] = [];
  let kept = 0;
  let total = 0;
  void stop.then(() => reader.cancel().catch(() => undefined));
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.byteLength;
      if (kept < cap) {
        const part = value.subarray(0, cap - kept);
        chunks.push(part);
        kept += part.byteLength;
      }
    }
  } catch {
    // Cancelled or broken pipe: keep what was read.
  }
  return { text: new TextDecoder().decode(Buffer.concat(chunks)), total, truncated: total > kept };
}

/** One stream's section of the result text. */
function section(name: string, out: { text: string; total: number; truncated: boolean }): string {
  if (out.total === 0) return `${name}: (empty)`;
  const note = out.truncated ? `\n[${name} truncated: ${out.total} bytes, showing the first ${Buffer.byteLength(out.text)}]` : "";
  return `${name}:\n${out.text}${note}`;
}

const fail = (content: string): ToolResult => ({ content, isError: true });

/** The `exec` tool. Register it only when `agents.defaults.tools.exec.enabled` is true. */
export function execTool(options: ExecToolOptions): Tool {
  const maxTimeoutSec = options.timeoutSec ?? DEFAULT_EXEC_TIMEOUT_SEC;
  const cap = options.maxOutputBytes ?? DEFAULT_EXEC_MAX_OUTPUT_BYTES;
  const env = options.env ?? minimalEnv();
  return {
    name: "exec",
    group: "group:runtime",
    description:
      "Run one program with arguments in the workspace (no shell: no pipes, redirects, `&&`, variables or globs). " +
      "Commands outside the allowlist wait for a human approval. Returns the exit code, stdout and stderr.",
    inputSchema: {
      type: "object",
      properties: {
        command: { type: "string", description: "The program and its arguments, quoted like in sh, e.g. `git status --short`." },
        workdir: { type: "string", description: "Working directory relative to the workspace (default: the workspace)." },
        timeout: { type: "number", exclusiveMinimum: 0, description: `Seconds before the process is killed (default and max ${maxTimeoutSec}).` },
      },
      required: ["command"],
    },
    async execute(input, ctx) {
      if (typeof input.command !== "string" || !input.command.trim()) return fail("command is required");
      const command = input.command.trim();
      const split = splitCommand(command);
      if ("error" in split) return fail(split.error);
      const dir = confine(ctx.workspace, input.workdir ?? ".");
      if ("error" in dir) return fail(dir.error);
      let cwd: string;
      try {
        if (!statSync(dir.path).isDirectory()) return fail(`not a directory: ${String(input.workdir)}`);
        cwd = realpathSync(dir.path);
      } catch {
        return fail(`no such directory: ${String(input.workdir)}`);
      }
      const [program, ...args] = split.argv as [string, ...string[]];
      const resolvedPath = resolveBinary(program, { cwd, PATH: env.PATH ?? "" });
      if (!resolvedPath) return fail(`command not found: ${program}`);

      const auth = await options.approvals.authorize({
        command, argv: split.argv, resolvedPath, cwd, agentId: agentIdOf(ctx.sessionKey), sessionKey: ctx.sessionKey,
        timeoutMs: options.approvalTimeoutMs, signal: ctx.signal,
      });
      if (!auth.allowed) return fail(auth.reason === "denied" ? "denied by the user" : `exec refused: ${auth.message}`);
      if (ctx.signal.aborted) return fail("aborted");

      const requested = typeof input.timeout === "number" && input.timeout > 0 ? input.timeout : maxTimeoutSec;
      const timeoutMs = Math.max(1, Math.round(Math.min(requested, maxTimeoutSec) * 1000));
      return run([resolvedPath, ...args], { cwd, env, timeoutMs, cap, signal: ctx.signal });
    },
  };
}

/** Spawns argv in its own process group and collects the outcome. */
async function run(argv: string[], o: { cwd: string; env: Record<string, string>; timeoutMs: number; cap: number; signal: AbortSignal }): Promise<ToolResult> {
  let proc: ReturnType<typeof Bun.spawn<"ignore", "pipe", "pipe">>;
  try {
    proc = Bun.spawn(argv, { cwd: o.cwd, env: o.env, stdin: "ignore", stdout: "pipe", stderr: "pipe", detached: true });
  } catch (error) {
    return fail(`could not start ${argv[0]}: ${(error as Error).message}`);
  }
  let killedFor: "timeout" | "abort" | undefined;
  const killGroup = (why: "timeout" | "abort") => {
    killedFor ??= why;
    try {
      process.kill(-proc.pid, "SIGKILL");
    } catch {
      proc.kill("SIGKILL");
    }
  };
  const timer = setTimeout(() => killGroup("timeout"), o.timeoutMs);
  const onAbort = () => killGroup("abort");
  o.signal.addEventListener("abort", onAbort, { once: true });
  const exited = proc.exited.then(() => Bun.sleep(DRAIN_GRACE_MS));
  const [stdout, stderr] = await Promise.all([capture(proc.stdout, o.cap, exited), capture(proc.stderr, o.cap, exited)]);
  await proc.exited;
  clearTimeout(timer);
  o.signal.removeEventListener("abort", onAbort);
  const output = `${section("stdout", stdout)}\n${section("stderr", stderr)}`;
  if (killedFor === "timeout") return fail(`timed out after ${o.timeoutMs / 1000} s (process killed)\n${output}`);
  if (killedFor === "abort") return fail(`aborted (process killed)\n${output}`);
  const status = proc.exitCode !== null ? `exit code: ${proc.exitCode}` : `killed by signal ${proc.signalCode ?? "unknown"}`;
  return { content: `${status}\n${output}` };
}
