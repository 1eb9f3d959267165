import { afterEach, beforeEach, describe, expect, it } from "bun:test";
import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { addToAllowlist, allowlistPath, readAllowlist, removeFromAllowlist } from "../../src/node-host/allowlist.ts";
import { executeCommand, type CommandContext, type CommandOutcome } from "../../src/node-host/commands.ts";
import type { RunResult } from "../../src/node-host/run.ts";

let stateDir: string;
let ctx: CommandContext;
let logged: string[];

beforeEach(() => {
  stateDir = mkdtempSync(join(tmpdir(), "mayros-node-exec-"));
  logged = [];
  const push = (msg: string) => { logged.push(msg); };
  ctx = { stateDir, log: { debug: push, info: push, warn: push, error: push } };
});
afterEach(() => rmSync(stateDir, { recursive: true, force: true }));

/** Absolute path of a standard tool, found the way the node host finds it. */
function bin(name: string): string {
  const path = Bun.which(name);
  if (!path) throw new Error(`test needs ${name} on PATH`);
  return path;
}
const allow = (...names: string[]) => { for (const n of names) addToAllowlist(stateDir, bin(n)); };

function ok(outcome: CommandOutcome): RunResult {
  if (!outcome.ok) throw new Error(`expected success, got ${outcome.error.code}: ${outcome.error.message}`);
  return outcome.payload as RunResult;
}
function failure(outcome: CommandOutcome): { code: string; message: string } {
  if (outcome.ok) throw new Error(`expected a failure, got ${JSON.stringify(outcome.payload)}`);
  return outcome.error;
}
const run = (params: unknown, c: CommandContext = ctx) => executeCommand("system.run", params, c);

describe("system.run", () => {
  it("should run an allowlisted executable and return its stdout", async () => {
    allow("echo");
    const result = ok(await run({ argv: ["echo", "hello", "world"] }));
    expect(result).toMatchObject({ exitCode: 0, stdout: "hello world\n", stderr: "", truncated: false, timedOut: false });
    expect(result.signal).toBeUndefined();
    expect(result.durationMs).toBeGreaterThanOrEqual(0);
  });

  it("should accept an absolute argv[0] and OpenClaw's `command` name for argv", async () => {
    allow("echo");
    expect(ok(await run({ argv: [bin("echo"), "abs"] })).stdout).toBe("abs\n");
    expect(ok(await run({ command: ["echo", "alias"] })).stdout).toBe("alias\n");
  });

  it("should report a non-zero exit code and stderr", async () => {
    allow("sh");
    const result = ok(await run({ argv: ["sh", "-c", "echo oops >&2; exit 3"] }));
    expect(result).toMatchObject({ exitCode: 3, stdout: "", stderr: "oops\n", timedOut: false });
  });

  it("should refuse an executable that is not allowlisted with EXEC_NOT_ALLOWED", async () => {
    allow("echo");
    const path = bin("sh");
    expect(failure(await run({ argv: ["sh", "-c", "true"] }))).toEqual({
      code: "EXEC_NOT_ALLOWED",
      message: `command not allowed on this node: ${path} (run "mayros node allow ${path}" on the node host)`,
    });
  });

  it("should not treat an allowlisted path as allowing a relative path elsewhere", async () => {
    allow("echo");
    const dir = join(stateDir, "bin");
    mkdirSync(dir);
    writeFileSync(join(dir, "echo"), "#!/bin/sh\necho fake\n", { mode: 0o755 });
    expect(failure(await run({ argv: ["./echo"], cwd: dir })).code).toBe("EXEC_NOT_ALLOWED");
  });

  it("should report a missing executable with EXEC_NOT_FOUND", async () => {
    expect(failure(await run({ argv: ["mayros-no-such-binary-xyz"] }))).toEqual({
      code: "EXEC_NOT_FOUND", message: "command not found on this node: mayros-no-such-binary-xyz",
    });
    addToAllowlist(stateDir, "/nonexistent/mayros/tool");
    expect(failure(await run({ argv: ["/nonexistent/mayros/tool"] }))).toEqual({
      code: "EXEC_NOT_FOUND", message: "no such executable on this node: /nonexistent/mayros/tool",
    });
  });

  it("should kill a process that runs out of time and report timedOut", async () => {
    allow("sleep");
    const result = ok(await run({ argv: ["sleep", "30"], timeoutMs: 200 }));
    expect(result).toMatchObject({ exitCode: null, signal: "SIGKILL", timedOut: true });
    expect(result.durationMs).toBeLessThan(5_000);
  });

  it("should also kill the children of a timed-out process", async () => {
    allow("sh");
    const started = Date.now();
    const result = ok(await run({ argv: ["sh", "-c", "sleep 30 & sleep 30; echo never"], timeoutMs: 200 }));
    expect(result.timedOut).toBe(true);
    expect(result.stdout).toBe("");
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it("should cap the invoke's run time at the gateway's timeout", async () => {
    allow("sleep");
    const result = ok(await run({ argv: ["sleep", "30"], timeoutMs: 60_000 }, { ...ctx, timeoutCapMs: 200 }));
    expect(result.timedOut).toBe(true);
  });

  it("should truncate output beyond maxOutputBytes and say so", async () => {
    allow("seq");
    const full = ok(await run({ argv: ["seq", "1", "20000"] }));
    expect(full.truncated).toBe(false);
    const capped = ok(await run({ argv: ["seq", "1", "20000"], maxOutputBytes: 100 }));
    expect(capped.truncated).toBe(true);
    expect(capped.exitCode).toBe(0);
    expect(Buffer.byteLength(capped.stdout)).toBe(100);
    expect(full.stdout.startsWith(capped.stdout)).toBe(true);
  });

  it("should honour cwd and env", async () => {
    allow("pwd", "printenv");
    const dir = realpathSync(stateDir);
    expect(ok(await run({ argv: ["pwd"], cwd: dir })).stdout).toBe(`${dir}\n`);
    expect(ok(await run({ argv: ["printenv", "MAYROS_TEST_VAR"], env: { MAYROS_TEST_VAR: "from-request" } })).stdout).toBe("from-request\n");
    expect(ok(await run({ argv: ["printenv", "HOME"] }, { ...ctx, baseEnv: { HOME: "/base-home" } })).stdout).toBe("/base-home\n");
  });

  it("should refuse env variables that change what an allowed executable runs", async () => {
    allow("printenv");
    for (const name of ["LD_PRELOAD", "DYLD_INSERT_LIBRARIES", "PATH", "NODE_OPTIONS"]) {
      const error = failure(await run({ argv: ["printenv"], env: { [name]: "x" } }));
      expect(error.code).toBe("EXEC_ENV_NOT_ALLOWED");
      expect(error.message).toContain(`env.${name}`);
    }
  });

  it("should refuse a cwd that is not a directory", async () => {
    allow("pwd");
    const error = failure(await run({ argv: ["pwd"], cwd: join(stateDir, "missing") }));
    expect(error.code).toBe("INVALID_PARAMS");
    expect(error.message).toContain("cwd: not a directory");
  });

  it("should apply allowlist edits on the next invoke without a restart", async () => {
    const echo = bin("echo");
    expect(failure(await run({ argv: ["echo", "1"] })).code).toBe("EXEC_NOT_ALLOWED");
    mkdirSync(join(stateDir, "node"), { recursive: true });
    writeFileSync(allowlistPath(stateDir), JSON.stringify({ version: 1, allow: [echo] }));
    expect(ok(await run({ argv: ["echo", "2"] })).stdout).toBe("2\n");
    removeFromAllowlist(stateDir, [echo]);
    expect(readAllowlist(stateDir).allow).toEqual([]);
    expect(failure(await run({ argv: ["echo", "3"] })).code).toBe("EXEC_NOT_ALLOWED");
  });

  it("should refuse everything while the allowlist file is invalid", async () => {
    mkdirSync(join(stateDir, "node"), { recursive: true });
    writeFileSync(allowlistPath(stateDir), JSON.stringify({ version: 1, allow: ["echo"] }));
    const error = failure(await run({ argv: ["echo", "x"] }));
    expect(error.code).toBe("EXEC_ALLOWLIST_INVALID");
    expect(error.message).toContain('allow[0]: expected an absolute path, got "echo"');
  });

  it("should kill a running process when the host stops", async () => {
    allow("sleep");
    const controller = new AbortController();
    const pending = run({ argv: ["sleep", "30"] }, { ...ctx, signal: controller.signal });
    controller.abort();
    const result = ok(await pending);
    expect(result).toMatchObject({ exitCode: null, signal: "SIGKILL", timedOut: false });
  });

  it("should reject params without argv", async () => {
    expect(failure(await run({})).code).toBe("INVALID_PARAMS");
    expect(failure(await run({ argv: [] })).code).toBe("INVALID_PARAMS");
    expect(failure(await run({ argv: "echo hi" })).code).toBe("INVALID_PARAMS");
  });
});

describe("system.which, system.notify and unknown commands", () => {
  it("should resolve a name on PATH, or null", async () => {
    expect(await executeCommand("system.which", { name: "sh" }, ctx)).toEqual({ ok: true, payload: { name: "sh", path: bin("sh") } });
    expect(await executeCommand("system.which", { name: "mayros-no-such-binary-xyz" }, ctx)).toEqual({
      ok: true, payload: { name: "mayros-no-such-binary-xyz", path: null },
    });
  });

  it("should log a notification on one line and answer ok", async () => {
    expect(await executeCommand("system.notify", { title: "Build", body: "done\nnext\u001b[31m" }, ctx)).toEqual({ ok: true, payload: { ok: true } });
    expect(logged).toContain("notification: Build: done next [31m");
    expect(failure(await executeCommand("system.notify", { title: "no body" }, ctx)).code).toBe("INVALID_PARAMS");
  });

  it("should answer UNKNOWN_COMMAND for anything else", async () => {
    expect(failure(await executeCommand("camera.snap", {}, ctx))).toEqual({
      code: "UNKNOWN_COMMAND", message: "unknown command: camera.snap (this node supports system.run, system.which, system.notify)",
    });
  });
});
