/**
 * @module The lsp-bridge plugin end to end: a running gateway with the fake model, its workspace a temp copy of a
 * small TypeScript project, and the real `typescript-language-server` (one server start for the file, plus one
 * restart after the crash). The model calls `lsp_diagnostics` and gets the type error the server published;
 * `lsp_hover` and `lsp_definition` name `greet` and its declaration in src/greet.ts, `lsp_completions` offers it;
 * a file changed on disk is sent as a new version and its new diagnostics returned; a killed server is seen as
 * crashed and restarted on next use; after `mayros lsp stop` the stored diagnostics are still returned, and the
 * definition comes from the text fallback, until `mayros lsp start`; a path outside the workspace is refused.
 */
import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { startAgentHarness, startAgentRun, type AgentHarness } from "../helpers/agent.ts";
import type { TestSocket } from "../helpers/ws-client.ts";
import { runCli } from "../cli/spawn.ts";
import { GREET_USE, typescriptServer, writeFixtureProject } from "../extensions/lsp-bridge/fixture.ts";

/** Tests that start the real server (node, tsserver, the project load): seconds alone, more on a loaded machine. */
const SERVER_START_MS = 60_000;

const TYPE_ERROR = "src/main.ts:3:7 error TS2322: Type 'string' is not assignable to type 'number'. (typescript)";

describe("the lsp-bridge plugin in a running gateway with typescript-language-server", () => {
  let h: AgentHarness;
  let sock: TestSocket;
  let workspace: string;
  let runs = 0;

  /** Has the fake model call `tools` in one turn and returns the tool results the model then received, joined. */
  async function callTools(...tools: Array<{ name: string; args: Record<string, unknown> }>): Promise<string> {
    const n = ++runs;
    const before = h.fake.requests.length;
    h.fake.script({ toolCalls: tools.map((t, i) => ({ id: `call-lsp-${n}-${i}`, name: t.name, args: [JSON.stringify(t.args)] })) }, { text: ["done"] });
    const { final } = await startAgentRun(sock, { message: `lsp ${n}`, sessionKey: `agent:main:lsp-${n}`, idempotencyKey: `lsp-run-${n}` }, `lsp-req-${n}`);
    expect((await final).payload.status).toBe("ok");
    const results = (h.fake.requests[before + 1]!.body.messages as any[]).at(-1).content as Array<{ type: string; content: unknown }>;
    return results.filter((b) => b.type === "tool_result").map((b) => (typeof b.content === "string" ? b.content : JSON.stringify(b.content))).join("\n---\n");
  }

  const status = async () => (await sock.request("lsp.status", {})).payload.servers as Array<Record<string, any>>;
  const cli = (...args: string[]) => runCli(["lsp", ...args, "--url", h.gw.url, "--token", h.gw.token], { stateDir: h.gw.stateDir });

  beforeAll(async () => {
    workspace = writeFixtureProject();
    h = await startAgentHarness("anthropic", {
      agents: { defaults: { workspace } },
      plugins: {
        entries: {
          "lsp-bridge": {
            enabled: true,
            // A second language whose server must never be spawned for .ts files.
            config: { servers: [typescriptServer(), { language: "python", command: "sleep", args: ["600"] }], timeoutMs: 45_000, diagnosticsTimeoutMs: 45_000 },
          },
        },
      },
    });
    sock = await h.connect();
  });
  afterAll(async () => {
    await h?.stop();
    rmSync(workspace, { recursive: true, force: true });
  });

  it("should return the type error the server published, to the model calling lsp_diagnostics, and store it", async () => {
    expect((await status()).map((s) => [s.language, s.state])).toEqual([["typescript", "idle"], ["python", "idle"]]);
    const body = await callTools({ name: "lsp_diagnostics", args: { path: "src/main.ts" } });
    expect(body).toContain(TYPE_ERROR);
    expect(body).toContain("source: live from the language server");

    const [ts, py] = await status();
    expect(ts).toMatchObject({ language: "typescript", state: "running", restarts: 0, root: workspace });
    expect(ts!.pid).toBeGreaterThan(0);
    expect(py).toMatchObject({ language: "python", state: "idle" });

    const { files } = (await sock.request("lsp.diagnostics", {})).payload;
    expect(files).toHaveLength(1);
    expect(files[0]).toMatchObject({ uri: `file://${workspace}/src/main.ts`, language: "typescript", version: 1 });
    expect(files[0].diagnostics).toEqual([expect.objectContaining({ code: 2322, severity: 1, range: { start: { line: 2, character: 6 }, end: { line: 2, character: 11 } } })]);
  }, SERVER_START_MS);

  it("should name greet on hover and locate its declaration in src/greet.ts", async () => {
    const body = await callTools({ name: "lsp_hover", args: { path: "src/main.ts", ...GREET_USE } }, { name: "lsp_definition", args: { path: "src/main.ts", ...GREET_USE } });
    expect(body).toContain("greet(name: string): string");
    expect(body).toContain("Says hello to someone.");
    expect(body).toContain("src/greet.ts:2:17");
    expect(body).not.toContain("fallback");
  });

  it("should complete the name being typed", async () => {
    const body = await callTools({ name: "lsp_completions", args: { path: "src/main.ts", line: GREET_USE.line, character: 15 } });
    expect(body.split("\n")).toContain("greet");
    expect(body).not.toContain("fallback");
  });

  it("should send the file's new text when it changed on disk, and return the diagnostics of that version", async () => {
    const main = join(workspace, "src/main.ts");
    const broken = readFileSync(main, "utf8");
    writeFileSync(main, broken.replace('"three"', "3"));
    const fixed = await callTools({ name: "lsp_diagnostics", args: { path: "src/main.ts" } });
    expect(fixed).toStartWith("src/main.ts: 0 diagnostics (typescript, version 2, received ");
    expect(fixed).toContain("source: live from the language server");

    writeFileSync(main, broken);
    const again = await callTools({ name: "lsp_diagnostics", args: { path: "src/main.ts" } });
    expect(again).toStartWith("src/main.ts: 1 diagnostic (typescript, version 3, received ");
    expect(again).toContain(TYPE_ERROR);
  });

  it("should restart a killed server on next use", async () => {
    const [before] = await status();
    process.kill(before!.pid, "SIGKILL");
    let polls = 0;
    while ((await status())[0]!.state !== "crashed") expect(++polls).toBeLessThan(5000);
    expect((await status())[0]).toMatchObject({ state: "crashed", lastError: "exited unexpectedly (SIGKILL)" });

    const body = await callTools({ name: "lsp_definition", args: { path: "src/main.ts", ...GREET_USE } });
    expect(body).toContain("src/greet.ts:2:17");
    expect(body).not.toContain("fallback");
    const [after] = await status();
    expect(after).toMatchObject({ state: "running", restarts: 1 });
    expect(after!.pid).not.toBe(before!.pid);
  }, SERVER_START_MS);

  it("should keep returning the stored diagnostics after `mayros lsp stop`, and fall back to the text lookup", async () => {
    const stopped = await cli("stop", "--json");
    expect({ code: stopped.code, stderr: stopped.stderr }).toEqual({ code: 0, stderr: "" });
    expect(JSON.parse(stopped.stdout).servers.map((s: { state: string }) => s.state)).toEqual(["stopped", "stopped"]);
    const text = await cli("status");
    expect(text.stdout).toStartWith("typescript: stopped — ");
    expect(text.stdout).toContain("restarts after a crash: 1");

    const body = await callTools({ name: "lsp_diagnostics", args: { path: "src/main.ts" } }, { name: "lsp_definition", args: { path: "src/main.ts", ...GREET_USE } });
    expect(body).toContain(TYPE_ERROR);
    expect(body).toContain("source: stored (the typescript server is stopped)");
    expect(body).toContain("src/greet.ts:2:17\n(fallback text lookup: the typescript server is stopped)");
    expect((await status())[0]).toMatchObject({ state: "stopped" });

    const diag = await cli("diagnostics", "src/main.ts");
    expect(diag.code).toBe(0);
    expect(diag.stdout).toContain(TYPE_ERROR);
    expect(diag.stdout).toContain("source: stored (the typescript server is stopped)");
  });

  it("should start the stopped server again with `mayros lsp start`, answering live", async () => {
    const started = await cli("start", "--language", "typescript", "--json");
    expect({ code: started.code, stderr: started.stderr }).toEqual({ code: 0, stderr: "" });
    expect(JSON.parse(started.stdout).servers).toEqual([expect.objectContaining({ language: "typescript", state: "running" })]);
    expect((await status())[1]).toMatchObject({ language: "python", state: "stopped" });
    const body = await callTools({ name: "lsp_diagnostics", args: { path: "src/main.ts" } });
    expect(body).toContain(TYPE_ERROR);
    expect(body).toContain("source: live from the language server");
  }, SERVER_START_MS);

  it("should refuse a path outside the workspace", async () => {
    const body = await callTools({ name: "lsp_hover", args: { path: "../outside.ts", line: 0, character: 0 } });
    expect(body).toContain("lsp_hover: ../outside.ts is outside the workspace");
    const res = await sock.request("lsp.diagnostics", { path: "/etc/hostname" });
    expect(res.error).toMatchObject({ code: "INVALID_REQUEST" });
  });
});
