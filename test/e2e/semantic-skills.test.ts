/**
 * @module The semantic-skills plugin in a running gateway with the fake model. A manifest-only skill in
 * `<workspace>/skills`: the model asserts a fact through it (skill_assert), the next run's prompt carries the fact in
 * the skill's `<semantic-skill-context>` before the user's message, a tool outside the skill's allowlist is
 * blocked, an undeclared predicate is refused (no default engine), and the audit entries are visible via
 * `skills.audit`; the graph query, a local hash-commitment proof verified and then invalidated by a new fact,
 * and a tool the skill has no permission for.
 */
import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { lastUserText, startAgentHarness, startAgentRun, toolResults, type AgentHarness } from "../helpers/agent.ts";
import { runCli } from "../cli/spawn.ts";
import type { TestSocket } from "../helpers/ws-client.ts";

const KEY = "agent:main:skills";
const NOTES = `---
name: notes
type: semantic
semantic:
  permissions: { graph: [read, write], proofs: [request, verify] }
  assertions: [{ predicate: status }]
  queries: [{ predicate: status, scope: namespace }]
  allowedTools: [skill_graph_query, skill_assert, skill_request_zk_proof, skill_verify_zk_proof, skill_memory_context]
---
# Notes
`;

describe("the semantic-skills plugin in a running gateway", () => {
  let h: AgentHarness;
  let sock: TestSocket;
  let workspace: string;
  let runs = 0;

  /** Runs one agent turn and answers what the model received last. */
  const run = async (message: string) => {
    const id = `skills-${++runs}`;
    const { final } = await startAgentRun(sock, { message, sessionKey: KEY, idempotencyKey: id }, `req-${id}`);
    expect((await final).payload.status).toBe("ok");
    return h.fake.requests.at(-1)!.body;
  };

  beforeAll(async () => {
    workspace = mkdtempSync(join(tmpdir(), "mayros-skills-e2e-"));
    mkdirSync(join(workspace, "skills", "notes"), { recursive: true });
    writeFileSync(join(workspace, "skills", "notes", "SKILL.md"), NOTES);
    h = await startAgentHarness("anthropic", {
      agents: { defaults: { workspace } },
      plugins: { entries: { "semantic-skills": { enabled: true, config: {} } } },
    });
    sock = await h.connect();
  });
  afterAll(async () => {
    await h?.stop();
    rmSync(workspace, { recursive: true, force: true });
  });

  it("should list the active skill with its integrity hash", async () => {
    const list = (await sock.request("skills.list", {})).payload;
    expect(list.skills).toMatchObject([{ name: "notes", code: false, allowedTools: ["skill_graph_query", "skill_assert", "skill_request_zk_proof", "skill_verify_zk_proof", "skill_memory_context"], hash: expect.stringMatching(/^[0-9a-f]{64}$/) }]);
  });

  it("should assert through the skill, block a tool outside its allowlist, and show the fact in the next prompt", async () => {
    h.fake.script(
      { toolCalls: [
        { id: "a1", name: "skill_assert", args: ['{"subject":"project:mayros","predicate":"status","object":"green"}'] },
        { id: "l1", name: "list", args: ['{"path":"."}'] },
        { id: "a2", name: "skill_assert", args: ['{"subject":"project:mayros","predicate":"owner","object":"me"}'] },
      ] },
      { text: ["Noted."] },
    );
    const first = await run("remember the project is green");
    const results = toolResults(first);
    expect(results.a1).toMatchObject({ isError: false, text: expect.stringMatching(/^Asserted mayros:project:mayros mayros:status "green" \(assertion [0-9a-f-]{36}\)\.$/) });
    expect(results.l1!.text).toContain('[semantic-skills allowlist] tool list is not in the allowedTools of skill "notes"');
    expect(results.a2).toMatchObject({ isError: true, text: '[semantic-skills engine] skill "notes" declares no assertion for predicate mayros:owner' });
    h.fake.script({ text: ["It is green."] });
    const second = await run("how is the project?");
    expect(lastUserText(second)).toStartWith('<semantic-skill-context skill="notes"><query predicate="mayros:status" scope="namespace" count="1"><result subject="mayros:project:mayros">green</result></query></semantic-skill-context>');
    expect(lastUserText(second)).toEndWith("how is the project?");
  });

  it("should show the audit entries of the assert and the blocked call", async () => {
    const { entries } = (await sock.request("skills.audit", { skill: "notes" })).payload;
    expect(entries.map((e: any) => [e.operation, e.target])).toEqual([
      ["tool:skill_assert", "project:mayros owner"],
      ["blocked:list", "allowlist"],
      ["tool:skill_assert", "project:mayros status"],
    ]);
  });

  it("should query the graph, record and verify a proof until the facts change, and refuse a tool without its permission", async () => {
    h.fake.script(
      { toolCalls: [
        { id: "q1", name: "skill_graph_query", args: ['{"predicate":"status","scope":"global"}'] },
        { id: "p1", name: "skill_request_zk_proof", args: ['{"proofType":"equality","subject":"project:mayros","predicate":"status"}'] },
        { id: "m1", name: "skill_memory_context", args: ['{"query":"project"}'] },
      ] },
      { text: ["Proved."] },
    );
    const results = toolResults(await run("prove the status"));
    expect(results.q1!.text).toStartWith('1 match(es)\nmayros:project:mayros mayros:status "green"');
    const proofId = /^Proof ([0-9a-f-]{36}) \(local-hash-commitment, equality\): [0-9a-f]{64}\.$/.exec(results.p1!.text)?.[1];
    expect(proofId).toBeDefined();
    expect(results.m1!.text).toContain('[semantic-skills permission] skill "notes" lacks the permission memory:recall for skill_memory_context');
    const verify = async (id: string) => {
      h.fake.script({ toolCalls: [{ id, name: "skill_verify_zk_proof", args: [JSON.stringify({ proofId })] }] }, { text: ["ok"] });
      return toolResults(await run("verify it"))[id]!.text;
    };
    expect(await verify("v1")).toBe(`Proof ${proofId}: valid.`);
    h.fake.script({ toolCalls: [{ id: "a3", name: "skill_assert", args: ['{"subject":"project:mayros","predicate":"status","object":"red"}'] }] }, { text: ["ok"] });
    await run("it turned red");
    expect(await verify("v2")).toBe(`Proof ${proofId}: invalid (the facts changed).`);
    const { entries } = (await sock.request("skills.audit", { skill: "notes", operation: "tool:skill_request_zk_proof" })).payload;
    expect(entries).toMatchObject([{ target: "project:mayros status", detail: expect.stringContaining(`Proof ${proofId}`) }]);
  });

  it("should answer mayros skills list and validate against the running gateway, naming the bad field", async () => {
    const cli = (...args: string[]) => runCli(["skills", ...args, "--url", h.gw.url, "--token", h.gw.token], { stateDir: h.gw.stateDir });
    const list = await cli("list");
    expect([list.code, list.stdout]).toEqual([0, expect.stringMatching(/^notes {2}manifest {2}tools: skill_graph_query,skill_assert,skill_request_zk_proof,skill_verify_zk_proof,skill_memory_context {2}sha256:[0-9a-f]{12}\n$/)]);
    const bad = join(workspace, "bad");
    mkdirSync(bad);
    writeFileSync(join(bad, "SKILL.md"), NOTES.replace("queries: [{ predicate: status, scope: namespace }]", "queries: [{ predicate: status, scope: world }]"));
    const validated = await cli("validate", bad);
    expect(validated.code).not.toBe(0);
    expect(validated.stderr).toContain("semantic.queries[0].scope: must be agent, namespace or global");
    expect((await cli("validate", join(workspace, "skills", "notes"))).stdout).toStartWith("notes: manifest valid, sha256:");
  });
});
