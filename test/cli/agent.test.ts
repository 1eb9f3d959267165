/** `mayros agent`, `mayros sessions` and `mayros models` against a real gateway and the loopback Anthropic fake. */
import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FAKE_MODEL, hold, startAgentHarness, type AgentHarness } from "../helpers/agent.ts";
import type { TestSocket } from "../helpers/ws-client.ts";
import { runCli, spawnCli, type CliProcess } from "./spawn.ts";

let h: AgentHarness;
let sock: TestSocket;
/** The CLI's own (gateway-less) state dir. */
let stateDir: string;
const spawned: CliProcess[] = [];

beforeAll(async () => {
  h = await startAgentHarness("anthropic", {
    models: { providers: { anthropic: { models: [{ id: FAKE_MODEL, name: "Fake Model", contextWindow: 64_000 }] } } },
  });
  sock = await h.connect();
  stateDir = mkdtempSync(join(tmpdir(), "mayros-cli-agent-"));
});
afterAll(async () => {
  await Promise.all(spawned.splice(0).map((p) => p.dispose()));
  await h.stop();
  rmSync(stateDir, { recursive: true, force: true });
});

const target = () => ["--url", h.gw.url, "--token", h.gw.token];
const cli = (...args: string[]) => runCli([...args, ...target()], { stateDir });

describe("mayros agent", () => {
  it("should print the reply and exit 0", async () => {
    h.fake.script({ text: ["Hello", " there"] });
    const r = await cli("agent", "--message", "hi");
    expect(r.stderr).toBe("");
    expect(r.stdout).toBe("Hello there\n");
    expect(r.code).toBe(0);
    expect(h.fake.requests.at(-1)!.body.messages.at(-1).content[0].text).toEndWith("] hi");
  });

  it("should stream the reply to stdout as it arrives", async () => {
    const gate = hold();
    h.fake.script({ text: ["Streaming", " works"], interrupt: { after: 1, action: "hold", until: gate.until } });
    const p = spawnCli(["agent", "--message", "stream please", "--session", "agent:main:cli-stream", ...target()], { stateDir });
    spawned.push(p);
    // The first delta is on stdout while the model is still holding the rest back.
    await p.waitFor(/Streaming/);
    expect(p.stdout).toBe("Streaming");
    gate.release();
    expect(await p.exited).toBe(0);
    expect(p.stdout).toBe("Streaming works\n");
    const hist = await sock.request("chat.history", { sessionKey: "agent:main:cli-stream" });
    expect(hist.payload.messages.map((m: any) => m.role)).toEqual(["user", "assistant"]);
  });

  it("should print the final payload with --json", async () => {
    h.fake.script({ text: ["As", " JSON"] });
    const r = await cli("agent", "--message", "json please", "--session", "agent:main:cli-json", "--json");
    expect(r.code).toBe(0);
    const final = JSON.parse(r.stdout);
    expect(final).toMatchObject({ status: "ok", summary: "completed", result: { payloads: [{ text: "As JSON" }], meta: { aborted: false } } });
    expect(final.runId).toMatch(/^[0-9a-f-]{36}$/);
    expect(final.result.meta.agentMeta).toMatchObject({ provider: "anthropic", model: FAKE_MODEL });
  });

  it("should exit 1 with the error when the run fails", async () => {
    h.fake.script({ kind: "http_error", status: 400, message: "nope" }, { kind: "http_error", status: 400, message: "nope" });
    const message = `anthropic/${FAKE_MODEL} failed (400 invalid_request_error): nope`;
    const r = await cli("agent", "--message", "fail", "--session", "agent:main:cli-fail");
    expect(r.code).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr).toBe(`error: agent run failed: ${message}\n`);

    const j = await cli("agent", "--message", "fail", "--session", "agent:main:cli-fail", "--json");
    expect(j.code).toBe(1);
    expect(JSON.parse(j.stdout)).toMatchObject({ status: "error", summary: message });
  });

  it("should exit 2 for usage errors without contacting the model", async () => {
    const requests = h.fake.requests.length;
    const [missing, thinking, timeout] = await Promise.all([
      cli("agent"),
      cli("agent", "--message", "x", "--thinking", "loud"),
      cli("agent", "--message", "x", "--run-timeout", "0"),
    ]);
    expect([missing.code, thinking.code, timeout.code]).toEqual([2, 2, 2]);
    expect(thinking.stderr).toContain("--thinking");
    expect(timeout.stderr).toContain("--run-timeout");
    expect(h.fake.requests.length).toBe(requests);
  });

  it("should document its flags in --help", async () => {
    const r = await runCli(["agent", "--help"], { stateDir });
    expect(r.code).toBe(0);
    for (const flag of ["--message", "--session", "--json", "--url", "--token", "--timeout", "--run-timeout"]) expect(r.stdout).toContain(flag);
  });
});

describe("mayros sessions and models", () => {
  it("should list sessions, show a history and reset a session", async () => {
    const key = "agent:main:cli-sessions";
    h.fake.script({ toolCalls: [{ id: "toolu_c", name: "list", args: ["{}"] }] }, { text: ["Listed."] });
    expect((await cli("agent", "--message", "list the workspace", "--session", key)).code).toBe(0);

    const list = await cli("sessions", "list");
    expect(list.code).toBe(0);
    const lines = list.stdout.trimEnd().split("\n");
    expect(lines[0]).toMatch(/^KEY\s+KIND\s+LABEL\s+TOKENS\s+MODEL\s+UPDATED$/);
    expect(lines[1]).toMatch(new RegExp(`^${key}\\s+direct\\s+-\\s+26\\s+${FAKE_MODEL}\\s+\\d+s ago$`));
    const json = JSON.parse((await cli("sessions", "list", "--limit", "1", "--json")).stdout);
    expect(json.sessions.map((s: any) => s.key)).toEqual([key]);

    const hist = await cli("sessions", "history", key);
    expect(hist.code).toBe(0);
    const shown = hist.stdout.trimEnd().split("\n");
    expect(shown).toHaveLength(4);
    expect(shown[0]).toMatch(/^user: \[.+\] list the workspace$/);
    expect(shown[1]).toBe("assistant: [tool call list {}]");
    expect(shown[2]).toMatch(/^tool: \[tool result: .*AGENTS\.md.*\]$/);
    expect(shown[3]).toBe("assistant: Listed.");
    expect((await cli("sessions", "history", key, "--limit", "1")).stdout).toBe("assistant: Listed.\n");

    const before = JSON.parse((await cli("sessions", "list", "--json")).stdout).sessions.find((s: any) => s.key === key).sessionId;
    const reset = await cli("sessions", "reset", key);
    expect(reset.code).toBe(0);
    const after = JSON.parse((await cli("sessions", "list", "--json")).stdout).sessions.find((s: any) => s.key === key).sessionId;
    expect(after).not.toBe(before);
    expect(reset.stdout).toBe(`reset ${key}: new session id ${after}\n`);
    expect((await cli("sessions", "history", key)).stdout).toBe(`no messages in ${key}\n`);
    expect((await cli("sessions", "history", key, "--limit", "0")).code).toBe(2);
  });

  it("should list the configured models", async () => {
    const r = await cli("models", "list");
    expect(r.code).toBe(0);
    expect(r.stdout.trimEnd().split("\n")).toEqual([
      expect.stringMatching(/^MODEL\s+NAME\s+PROVIDER\s+CONTEXT\s+REASONING$/),
      expect.stringMatching(new RegExp(`^anthropic/${FAKE_MODEL}\\s+Fake Model\\s+anthropic\\s+64000\\s+-$`)),
    ]);
    expect(JSON.parse((await cli("models", "list", "--json")).stdout)).toEqual({
      models: [{ id: `anthropic/${FAKE_MODEL}`, name: "Fake Model", provider: "anthropic", contextWindow: 64_000 }],
    });
  });
});
