/**
 * @module A well-behaved sample skill (test/fixtures/skills/sample: SKILL.md + skill.ts) end to end: signed with a
 * fresh Ed25519 key, installed through verify-then-promote (`skills.install`) into `<workspace>/skills`, its code
 * run in the QuickJS sandbox (onActivate writes a triple through the namespaced, audited host), the declared query
 * injected before the user's message, a triple asserted by the model through the skill, the onQuery enrichment
 * sanitized into the graph query's answer, and the audit entries visible via `skills.audit`. Beside it a skill
 * whose onActivate spins forever is interrupted at the sandbox timeout and refused while the gateway keeps serving;
 * `skills.test` runs the fixture against a throwaway graph; `mayros skills remove` removes it (never outside the folder).
 */
import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { generateSkillKeyPair, signSkillDir } from "../../src/extensions/skills/security/signature.ts";
import { runCli } from "../cli/spawn.ts";
import { lastUserText, startAgentHarness, startAgentRun, toolResults, type AgentHarness } from "../helpers/agent.ts";
import type { TestSocket } from "../helpers/ws-client.ts";

const FIXTURE = join(import.meta.dir, "../fixtures/skills/sample");

describe("the sample semantic skill, installed and run", () => {
  let h: AgentHarness;
  let sock: TestSocket;
  let tmp: string;

  beforeAll(async () => {
    tmp = mkdtempSync(join(tmpdir(), "mayros-sample-skill-"));
    const keys = generateSkillKeyPair();
    cpSync(FIXTURE, join(tmp, "src", "sample"), { recursive: true });
    mkdirSync(join(tmp, "workspace", "skills", "spin"), { recursive: true });
    writeFileSync(join(tmp, "workspace", "skills", "spin", "SKILL.md"), "---\nname: spin\ntype: semantic\nsemantic:\n  version: 1\n---\n");
    writeFileSync(join(tmp, "workspace", "skills", "spin", "skill.ts"), "export default { name: 'spin', onActivate() { for (;;) {} } };\n");
    signSkillDir(join(tmp, "src", "sample"), keys.privateKeyPkcs8);
    h = await startAgentHarness("anthropic", {
      agents: { defaults: { workspace: join(tmp, "workspace") } },
      plugins: { entries: { "semantic-skills": { enabled: true, config: { skillSandbox: { executionTimeoutMs: 500 }, verification: { requireSignature: true, trustedKeys: [keys.publicKey] } } } } },
    });
    sock = await h.connect();
  });
  afterAll(async () => {
    await h?.stop();
    rmSync(tmp, { recursive: true, force: true });
  });

  it("should refuse a skill whose onActivate never returns (interrupted at the timeout) and keep serving", async () => {
    const status = (await sock.request("skills.status", {})).payload;
    expect(status).toMatchObject({ active: [], failures: [{ dir: join(tmp, "workspace", "skills", "spin"), layer: "sandbox", error: expect.stringContaining("spin: timeout") }] });
  });

  it("should install the signed skill through verify-then-promote and activate its code", async () => {
    const res = await sock.request("skills.install", { source: join(tmp, "src", "sample") });
    expect(res.payload).toMatchObject({ installed: { slug: "sample", dir: join(tmp, "workspace", "skills", "sample"), hash: expect.stringMatching(/^[0-9a-f]{64}$/) }, report: { active: ["sample"], failures: [{ layer: "sandbox" }] } });
    expect(existsSync(join(tmp, "workspace", "skills", "sample", "skill.ts"))).toBe(true);
    const { skills } = (await sock.request("skills.list", {})).payload;
    expect(skills).toMatchObject([{ name: "sample", code: true, skillVersion: "1.0.0", hash: res.payload.installed.hash }]);
  });

  it("should inject its query results, assert a triple and answer a sanitized enrichment", async () => {
    h.fake.script(
      { toolCalls: [
        { id: "a1", name: "skill_assert", args: ['{"subject":"project:mayros","predicate":"status","object":"shipped"}'] },
        { id: "q1", name: "skill_graph_query", args: ['{"predicate":"status","scope":"namespace"}'] },
      ] },
      { text: ["Shipped."] },
    );
    const { final } = await startAgentRun(sock, { message: "ship it", sessionKey: "agent:main:sample", idempotencyKey: "sample-1" }, "sample-req-1");
    expect((await final).payload.status).toBe("ok");
    const first = h.fake.requests.at(-2)!.body;
    expect(lastUserText(first)).toStartWith('<semantic-skill-context skill="sample"><query predicate="mayros:status" scope="namespace" count="1"><result subject="mayros:project:mayros">green</result></query></semantic-skill-context>');
    const results = toolResults(h.fake.requests.at(-1)!.body);
    expect(results.a1).toMatchObject({ isError: false, text: expect.stringMatching(/^Asserted mayros:project:mayros mayros:status "shipped"/) });
    expect(results.q1!.text).toStartWith('2 match(es)\nmayros:project:mayros mayros:status "green"\nmayros:project:mayros mayros:status "shipped"\n<skill-enrichment type="data">');
    expect(results.q1!.text).toContain("sample saw 2 result(s)");
  });

  it("should test the skill folder against a throwaway graph (nothing written to the real one)", async () => {
    const tested = (await sock.request("skills.test", { dir: FIXTURE })).payload;
    expect(tested).toEqual({ name: "sample", code: true, enrichment: { results: { count: 0 }, additionalContext: "sample saw 0 result(s)" } });
  });

  it("should show its audit entries: the install, the sandbox's write and the assert", async () => {
    const { entries } = (await sock.request("skills.audit", { skill: "sample" })).payload;
    expect(entries.map((e: any) => [e.operation, e.target]).reverse()).toEqual([
      ["install", join(tmp, "workspace", "skills", "sample")],
      ["createTriple", "mayros:project:mayros mayros:status"],
      ["tool:skill_assert", "project:mayros status"],
    ]);
  });

  it("should remove the installed skill with mayros skills remove, refusing a slug that leaves the skills folder", async () => {
    const escape = await sock.request("skills.remove", { slug: "../src" });
    expect(escape.error).toMatchObject({ code: "INVALID_REQUEST", message: expect.stringContaining('no installed skill "../src"') });
    expect(existsSync(join(tmp, "src", "sample", "SKILL.md"))).toBe(true);
    const removed = await runCli(["skills", "remove", "sample", "--url", h.gw.url, "--token", h.gw.token], { stateDir: h.gw.stateDir });
    expect([removed.code, removed.stdout]).toEqual([0, "Removed sample.\n"]);
    expect(existsSync(join(tmp, "workspace", "skills", "sample"))).toBe(false);
    expect((await sock.request("skills.list", {})).payload.skills).toEqual([]);
  });
});
