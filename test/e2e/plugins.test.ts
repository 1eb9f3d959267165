/**
 * @module The plugin system end to end with an external fixture plugin (test/fixtures/plugins/hello, outside src/)
 * in a running gateway: its tool answers the fake model, its hooks see the run (one that always throws breaks
 * nothing; one blocks a call and the model reads why), its gateway method, HTTP route, CLI command, chat command
 * and service work; its config is validated before its code runs; a denied plugin is never imported.
 */
import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startAgentHarness, startAgentRun, type AgentHarness } from "../helpers/agent.ts";
import { startTestGateway } from "../helpers/gateway.ts";
import type { TestSocket } from "../helpers/ws-client.ts";
import { runCli } from "../cli/spawn.ts";

const FIXTURES = join(import.meta.dir, "..", "fixtures", "plugins");

/** A fresh copy of the fixture plugins (a new module URL, so the code really runs again) and a marker file. */
function pluginDir(): { dir: string; marker: string } {
  const dir = mkdtempSync(join(tmpdir(), "mayros-plugins-"));
  cpSync(FIXTURES, join(dir, "plugins"), { recursive: true });
  return { dir: join(dir, "plugins"), marker: join(dir, "marker.log") };
}
const lines = (path: string) => (existsSync(path) ? readFileSync(path, "utf8").trim().split("\n") : []);
const bodyText = (body: unknown) => JSON.stringify(body);

describe("an external plugin in a running gateway", () => {
  let h: AgentHarness;
  let sock: TestSocket;
  let plugins: { dir: string; marker: string };

  beforeAll(async () => {
    plugins = pluginDir();
    process.env.HELLO_PLUGIN_MARKER = plugins.marker;
    h = await startAgentHarness("anthropic", {
      plugins: { load: { paths: [plugins.dir] }, deny: ["denied"], entries: { hello: { config: { greeting: "hi", marker: plugins.marker } } } },
    });
    sock = await h.connect();
  });
  afterAll(async () => {
    await h?.stop();
    rmSync(join(plugins.dir, ".."), { recursive: true, force: true });
  });

  it("should load it, start its service, and never import the denied plugin", async () => {
    expect(lines(plugins.marker)).toEqual(["imported", "registered", "service started"]);
    const list = await sock.request("plugins.list", {});
    const byId = Object.fromEntries((list.payload.plugins as Array<{ id: string }>).map((p) => [p.id, p]));
    expect(byId.hello).toMatchObject({
      status: "loaded", origin: "config", version: "1.0.0",
      registered: { tools: ["hello_tool"], hooks: ["llm_input", "after_tool_call", "before_tool_call"], methods: ["hello.echo", "hello.fail"], routes: ["/plugins/hello"], cli: ["hello"], services: ["hello-service"], commands: ["hello"] },
    });
    expect(byId.denied).toMatchObject({ status: "disabled", reason: "listed in plugins.deny" });
  });

  it("should run its tool in an agent run despite a hook that always throws, and record the call in another hook", async () => {
    h.fake.script({ toolCalls: [{ id: "call-1", name: "hello_tool", args: ['{"name":"Ana"}'] }] }, { text: ["Done."] });
    const { final } = await startAgentRun(sock, { message: "greet Ana", sessionKey: "agent:main:plugins", idempotencyKey: "run-plugin-1" }, "req-plugin-1");
    expect((await final).payload).toMatchObject({ status: "ok", result: { payloads: [{ text: "Done." }] } });
    expect(h.fake.requests[0]!.body.tools.map((t: { name: string }) => t.name)).toContain("hello_tool");
    expect(bodyText(h.fake.requests[1]!.body)).toContain("hi, Ana!");
    const echo = await sock.request("hello.echo", { text: "x" });
    expect(echo.payload).toEqual({ echo: "x", greeting: "hi", toolCalls: ["hello_tool:hi, Ana!"] });
  });

  it("should block a call when its before_tool_call hook says so, the model reading the reason", async () => {
    const before = h.fake.requests.length;
    h.fake.script({ toolCalls: [{ id: "call-2", name: "hello_tool", args: ['{"name":"Mallory"}'] }] }, { text: ["Understood."] });
    const { final } = await startAgentRun(sock, { message: "greet Mallory", sessionKey: "agent:main:plugins", idempotencyKey: "run-plugin-2" }, "req-plugin-2");
    expect((await final).payload.status).toBe("ok");
    expect(bodyText(h.fake.requests[before + 1]!.body)).toContain("blocked: Mallory is not welcome");
  });

  it("should serve its gateway method with its scope and params schema, and its HTTP route", async () => {
    const bad = await sock.request("hello.echo", { text: 5 });
    expect(bad.error.code).toBe("INVALID_REQUEST");
    expect(bad.error.message).toContain("/text");
    const coded = await sock.request("hello.fail", { coded: true });
    expect(coded.error).toMatchObject({ code: "INVALID_REQUEST", message: "hello.fail: no such greeting" });
    const plain = await sock.request("hello.fail", {});
    expect(plain.error).toMatchObject({ code: "UNAVAILABLE", message: "hello.fail: the greeting service is down" });
    const reader = await h.connect({ scopes: ["operator.read"] });
    expect((await reader.request("hello.echo", { text: "r" })).ok).toBe(true);
    const res = await fetch(`${h.gw.url.replace(/^ws/, "http")}/plugins/hello`);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe("hi over http");
  });

  it("should run its CLI command against the running gateway", async () => {
    const r = await runCli(["hello", "from-cli", "--url", h.gw.url, "--token", h.gw.token], { stateDir: h.gw.stateDir, env: { HELLO_PLUGIN_MARKER: plugins.marker } });
    expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: "" });
    expect(r.stdout).toBe("hi: from-cli\n");
  });

  it("should stop its service with the gateway", async () => {
    await h.stop();
    expect(lines(plugins.marker).at(-1)).toBe("service stopped");
  });
});

describe("a plugin's tools under the tool policy", () => {
  it("should hide every tool of a plugin denied by its group, and keep them otherwise", async () => {
    const plugins = pluginDir();
    process.env.HELLO_PLUGIN_MARKER = plugins.marker;
    const toolsSeen = async (deny: string[]) => {
      const h = await startAgentHarness("anthropic", {
        plugins: { load: { paths: [plugins.dir] }, entries: { hello: { config: { marker: plugins.marker } }, denied: { enabled: false } } },
        agents: { defaults: { tools: { deny } } },
      });
      try {
        h.fake.script({ text: ["ok"] });
        const { final } = await startAgentRun(await h.connect(), { message: "hi", idempotencyKey: `run-${deny.join()}` }, "req-tools");
        await final;
        return (h.fake.requests[0]!.body.tools as Array<{ name: string }>).map((t) => t.name);
      } finally {
        await h.stop();
      }
    };
    try {
      expect(await toolsSeen(["group:plugin:hello"])).not.toContain("hello_tool");
      const kept = await toolsSeen(["group:fs"]);
      expect(kept).toContain("hello_tool");
      expect(kept).not.toContain("read");
    } finally {
      rmSync(join(plugins.dir, ".."), { recursive: true, force: true });
    }
  });
});

describe("a plugin whose config does not match its schema", () => {
  it("should not import its code and should say which field is wrong", async () => {
    const plugins = pluginDir();
    process.env.HELLO_PLUGIN_MARKER = plugins.marker;
    const gw = await startTestGateway({ plugins: { load: { paths: [plugins.dir] }, entries: { hello: { config: { greeting: 5, marker: plugins.marker } }, denied: { enabled: false } } } });
    try {
      const hello = gw.gateway.services.plugins!.records.find((r) => r.id === "hello")!;
      expect(hello.status).toBe("error");
      expect(hello.reason).toBe("plugins.entries.hello.config.greeting: must be string");
      expect(lines(plugins.marker)).toEqual([]);
    } finally {
      await gw.stop();
      rmSync(join(plugins.dir, ".."), { recursive: true, force: true });
    }
  });
});
