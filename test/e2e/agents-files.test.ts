/**
 * `agents.files.list/get/set` over the WebSocket API against a real gateway: the seeded bootstrap
 * files, atomic writes picked up by the next run's system prompt, name checks and scopes.
 */
import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { readFileSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { resultProblem, startAgentRun, startAgentHarness, type AgentHarness } from "../helpers/agent.ts";
import type { Frame, TestSocket } from "../helpers/ws-client.ts";

const ALLOWED = "AGENTS.md, MAYROS.md, USER.md, IDENTITY.md, TOOLS.md, HEARTBEAT.md, MEMORY.md, BOOTSTRAP.md, memory.md";

let h: AgentHarness;
let sock: TestSocket;
let workspace: string;
beforeAll(async () => {
  h = await startAgentHarness("anthropic");
  sock = await h.connect();
  workspace = join(h.gw.stateDir, "workspace");
});
afterAll(async () => {
  await h.stop();
});

async function call(method: string, params?: unknown, via: TestSocket = sock): Promise<any> {
  const res = await via.request(method, params);
  if (!res.ok) throw new Error(`${method}: ${JSON.stringify(res.error)}`);
  expect(resultProblem(method, res.payload)).toBeNull();
  return res.payload;
}

const byName = (files: Frame[]) => Object.fromEntries(files.map((f) => [f.name, f]));

describe("agents.files.list", () => {
  it("should list the bootstrap files in prompt order with size and mtime, flagging missing ones", async () => {
    const res = await call("agents.files.list", {});
    expect(res.agentId).toBe("main");
    expect(res.workspace).toBe(workspace);
    expect(res.files.map((f: Frame) => f.name)).toEqual(["AGENTS.md", "MAYROS.md", "USER.md", "IDENTITY.md", "TOOLS.md", "HEARTBEAT.md", "MEMORY.md", "BOOTSTRAP.md"]);
    const agents = byName(res.files)["AGENTS.md"]!;
    const st = statSync(join(workspace, "AGENTS.md"));
    expect(agents).toEqual({ name: "AGENTS.md", size: st.size, updatedAtMs: Math.floor(st.mtimeMs) });
    expect(byName(res.files)["MEMORY.md"]).toEqual({ name: "MEMORY.md", missing: true });
    expect(byName(res.files)["BOOTSTRAP.md"]).toEqual({ name: "BOOTSTRAP.md", missing: true });
    expect((await call("agents.files.list")).files).toEqual(res.files);
  });
});

describe("agents.files.get", () => {
  it("should return a file's text, and an empty missing file", async () => {
    expect(await call("agents.files.get", { name: "AGENTS.md" })).toEqual({ name: "AGENTS.md", content: readFileSync(join(workspace, "AGENTS.md"), "utf8") });
    expect(await call("agents.files.get", { name: "BOOTSTRAP.md" })).toEqual({ name: "BOOTSTRAP.md", content: "", missing: true });
  });
});

describe("agents.files.set", () => {
  it("should list memory.md in MEMORY.md's place while only the lower-case spelling exists", async () => {
    expect(await call("agents.files.set", { name: "memory.md", content: "lower\n" })).toEqual({ ok: true, name: "memory.md", size: 6 });
    const files = byName((await call("agents.files.list")).files);
    expect(files["memory.md"]).toMatchObject({ name: "memory.md", size: 6 });
    expect(files["MEMORY.md"]).toBeUndefined();
  });

  it("should write atomically with mode 0600 and feed the next run's system prompt", async () => {
    const content = "# Memory\n\n- The user's cat is called Miso. ✓\n";
    const res = await call("agents.files.set", { name: "MEMORY.md", content });
    expect(res).toEqual({ ok: true, name: "MEMORY.md", size: Buffer.byteLength(content) });
    expect(readFileSync(join(workspace, "MEMORY.md"), "utf8")).toBe(content);
    expect(statSync(join(workspace, "MEMORY.md")).mode & 0o777).toBe(0o600);
    expect(readdirSync(workspace).filter((f) => f.endsWith(".tmp"))).toEqual([]);
    expect(await call("agents.files.get", { name: "MEMORY.md" })).toEqual({ name: "MEMORY.md", content });
    expect(byName((await call("agents.files.list")).files)["MEMORY.md"]).toMatchObject({ size: Buffer.byteLength(content) });

    h.fake.script({ text: ["noted"] });
    const { final } = await startAgentRun(sock, { message: "what is my cat called?", sessionKey: "agent:main:files", idempotencyKey: "files-1" }, "files-1");
    expect((await final).ok).toBe(true);
    expect(JSON.stringify(h.fake.requests.at(-1)!.body.system)).toContain("The user's cat is called Miso.");
  });

  it("should replace an existing file and accept empty content", async () => {
    expect(await call("agents.files.set", { name: "HEARTBEAT.md", content: "" })).toEqual({ ok: true, name: "HEARTBEAT.md", size: 0 });
    expect(readFileSync(join(workspace, "HEARTBEAT.md"), "utf8")).toBe("");
  });

  it("should refuse names that are not bootstrap files, naming the allowed ones", async () => {
    for (const name of ["../mayros.json", "notes.md", "AGENTS.md/x", "agents.md", "/etc/passwd", "skills/x.md"]) {
      for (const [method, params] of [["agents.files.get", { name }], ["agents.files.set", { name, content: "x" }]] as const) {
        const res = await sock.request(method, params);
        expect(res.error).toEqual({ code: "INVALID_REQUEST", message: `unknown agent file ${JSON.stringify(name)}; allowed: ${ALLOWED}` });
      }
    }
    expect(JSON.parse(readFileSync(join(h.gw.stateDir, "mayros.json"), "utf8"))).toHaveProperty("models");
  });

  it("should refuse an unknown agent id", async () => {
    const res = await sock.request("agents.files.list", { agentId: "ops" });
    expect(res.error).toEqual({ code: "INVALID_REQUEST", message: 'unknown agent id: "ops"' });
  });
});

describe("agents.files.* scopes", () => {
  it("should let a read-only operator list and get but not set", async () => {
    const reader = await h.connect({ scopes: ["operator.read"] });
    await call("agents.files.list", {}, reader);
    await call("agents.files.get", { name: "USER.md" }, reader);
    const set = await reader.request("agents.files.set", { name: "USER.md", content: "pwned" });
    expect(set.error).toMatchObject({ code: "FORBIDDEN", details: { code: "MISSING_SCOPE", missingScope: "operator.admin" } });
    expect(readFileSync(join(workspace, "USER.md"), "utf8")).not.toBe("pwned");
  });
});
