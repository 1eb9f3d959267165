/** @module Tests of the `exec` tool with a stubbed approvals gate: allowed, denied, refused, timeout, output cap, environment, abort. */
import { afterAll, describe, expect, it } from "bun:test";
import { existsSync, mkdirSync, mkdtempSync, realpathSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ExecAuthorization, ExecAuthorizationRequest, ExecAuthorizer } from "../../../src/agent/approvals/service.ts";
import { execTool, minimalEnv, type ExecToolOptions } from "../../../src/agent/tools/exec.ts";

const workspace = mkdtempSync(join(tmpdir(), "mayros-exec-"));
mkdirSync(join(workspace, "sub"));
afterAll(() => rmSync(workspace, { recursive: true, force: true }));

/** A gate that answers `answer` and records what it was asked. */
class StubGate implements ExecAuthorizer {
  readonly asked: ExecAuthorizationRequest[] = [];
  constructor(public answer: ExecAuthorization = { allowed: true, via: "policy" }) {}
  async authorize(req: ExecAuthorizationRequest): Promise<ExecAuthorization> {
    this.asked.push(req);
    return this.answer;
  }
}

const BUN = `'${process.execPath}'`;
const ctx = (signal: AbortSignal = new AbortController().signal) => ({ workspace, sessionKey: "agent:ops:main", signal });

function setup(answer?: ExecAuthorization, options: Partial<ExecToolOptions> = {}) {
  const gate = new StubGate(answer);
  return { gate, tool: execTool({ approvals: gate, ...options }) };
}

describe("exec tool", () => {
  it("should be the runtime group's exec tool with a command input", () => {
    const { tool } = setup();
    expect(tool.name).toBe("exec");
    expect(tool.group).toBe("group:runtime");
    expect(tool.inputSchema).toMatchObject({ type: "object", required: ["command"] });
  });

  it("should run an allowed command without a shell and report exit code, stdout and stderr", async () => {
    const { tool, gate } = setup();
    const command = `${BUN} -e "console.log('out ' + process.argv.slice(1).join(',')); console.error('err'); process.exit(3)" -- 'a b' c`;
    const result = await tool.execute({ command }, ctx());
    expect(result.isError).toBeUndefined();
    expect(result.content).toBe("exit code: 3\nstdout:\nout a b,c\n\nstderr:\nerr\n");
    expect(gate.asked).toHaveLength(1);
    expect(gate.asked[0]).toMatchObject({
      command, resolvedPath: process.execPath, cwd: realpathSync(workspace), agentId: "ops", sessionKey: "agent:ops:main",
      argv: [process.execPath, "-e", expect.any(String), "--", "a b", "c"],
    });
  });

  it("should run in the workspace, or in a workdir inside it", async () => {
    const { tool } = setup();
    const pwd = `${BUN} -e "console.log(process.cwd())"`;
    expect((await tool.execute({ command: pwd }, ctx())).content).toContain(`stdout:\n${realpathSync(workspace)}\n`);
    expect((await tool.execute({ command: pwd, workdir: "sub" }, ctx())).content).toContain(`stdout:\n${realpathSync(join(workspace, "sub"))}\n`);
    const outside = await tool.execute({ command: pwd, workdir: "../" }, ctx());
    expect(outside).toEqual({ content: "path is outside the workspace: ../", isError: true });
  });

  it("should not run a denied command and say it was denied by the user", async () => {
    const { tool, gate } = setup({ allowed: false, reason: "denied", message: "denied by the user" });
    const marker = join(workspace, "denied-marker");
    const result = await tool.execute({ command: `${BUN} -e "require('fs').writeFileSync('${marker}', 'x')"` }, ctx());
    expect(result).toEqual({ content: "denied by the user", isError: true });
    expect(gate.asked).toHaveLength(1);
    expect(existsSync(marker)).toBe(false);
  });

  it("should pass on a policy refusal or an expired approval", async () => {
    const { tool } = setup({ allowed: false, reason: "expired", message: "approval not granted: no approver is connected" });
    expect(await tool.execute({ command: `${BUN} --version` }, ctx())).toEqual({
      content: "exec refused: approval not granted: no approver is connected", isError: true,
    });
  });

  it("should refuse shell syntax, empty commands and unknown binaries before asking", async () => {
    const { tool, gate } = setup();
    expect((await tool.execute({ command: "ls | wc -l" }, ctx())).content).toContain("shell syntax is not supported");
    expect(await tool.execute({ command: "  " }, ctx())).toEqual({ content: "command is required", isError: true });
    expect(await tool.execute({}, ctx())).toEqual({ content: "command is required", isError: true });
    expect(await tool.execute({ command: "no-such-binary-mayros --x" }, ctx())).toEqual({ content: "command not found: no-such-binary-mayros", isError: true });
    expect(gate.asked).toHaveLength(0);
  });

  it("should kill a command that runs past its timeout, children included", async () => {
    const { tool } = setup();
    const started = Date.now();
    const result = await tool.execute({ command: "/bin/sh -c 'echo started; sleep 30'", timeout: 0.3 }, ctx());
    expect(result.isError).toBe(true);
    expect(result.content).toStartWith("timed out after 0.3 s (process killed)\nstdout:\nstarted\n");
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it("should cap the default timeout at the configured one", async () => {
    const { tool } = setup(undefined, { timeoutSec: 0.2 });
    const result = await tool.execute({ command: `${BUN} -e "setTimeout(() => {}, 30000)"`, timeout: 999 }, ctx());
    expect(result.content).toStartWith("timed out after 0.2 s");
  });

  it("should keep only the first maxOutputBytes of each stream and say how much there was", async () => {
    const { tool } = setup(undefined, { maxOutputBytes: 1024 });
    const result = await tool.execute({ command: `${BUN} -e "process.stdout.write('x'.repeat(300000)); process.stderr.write('e')"` }, ctx());
    expect(result.isError).toBeUndefined();
    expect(result.content).toContain(`stdout:\n${"x".repeat(1024)}\n[stdout truncated: 300000 bytes, showing the first 1024]`);
    expect(result.content).toContain("stderr:\ne");
    expect(result.content.length).toBeLessThan(1300);
  });

  it("should say when a stream was empty", async () => {
    const { tool } = setup();
    expect((await tool.execute({ command: `${BUN} -e "0"` }, ctx())).content).toBe("exit code: 0\nstdout: (empty)\nstderr: (empty)");
  });

  it("should not start the command when the run was aborted while it was being authorized", async () => {
    const { tool } = setup();
    const ac = new AbortController();
    const running = tool.execute({ command: `${BUN} --version` }, ctx(ac.signal));
    ac.abort();
    expect(await running).toEqual({ content: "aborted", isError: true });
  });

  it("should kill a running command when the run is aborted", async () => {
    const { tool } = setup();
    const ac = new AbortController();
    // The command calls this server once it runs; the handler aborts the run.
    const server = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: () => { ac.abort(); return new Response("ok"); } });
    try {
      const script = `fetch('http://127.0.0.1:${server.port}/').then(() => { console.log('up'); setTimeout(() => {}, 30000); })`;
      const result = await tool.execute({ command: `${BUN} -e "${script}"` }, ctx(ac.signal));
      expect(result.isError).toBe(true);
      expect(result.content).toStartWith("aborted (process killed)\n");
    } finally {
      server.stop(true);
    }
  });

  it("should not hand the gateway's secrets to commands", async () => {
    process.env.MAYROS_EXEC_TEST_SECRET = "s3cret";
    try {
      const { tool } = setup();
      const result = await tool.execute({ command: `${BUN} -e "console.log(JSON.stringify(process.env))"` }, ctx());
      const env = JSON.parse(/stdout:\n(.*)\n/.exec(result.content)![1]!);
      expect(env.MAYROS_EXEC_TEST_SECRET).toBeUndefined();
      expect(env.PATH).toBe(process.env.PATH);
      expect(env.TERM).toBe("dumb");
    } finally {
      delete process.env.MAYROS_EXEC_TEST_SECRET;
    }
    expect(Object.keys(minimalEnv({ PATH: "/bin", ANTHROPIC_API_KEY: "k", HOME: "/h" })).sort()).toEqual(["HOME", "NO_COLOR", "PATH", "TERM"]);
  });
});
