/**
 * @module The semantic-skills plugin in a running gateway with the fake model. A manifest-only skill in
 * `<workspace>/skills`: the model asserts a fact through it (skill_assert), the next run's prompt carries the fact in
 * the skill's `<semantic-skill-context>` before the user's message, a tool outside the skill's allowlist is
 * blocked, a skill without declared assertions gets no engine, and the audit entries are visible via
 * `skills.audit`.
 */
import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { lastUserText, startAgentHarness, startAgentRun, toolResults, type AgentHarness } from "../helpers/agent.ts";
import type { TestSocket } from "../helpers/ws-client.ts";

const KEY = "agent:main:skills";
const NOTES = `---
name: notes
type: semantic
semantic:
  permissions: { graph: [read, write] }
  assertions: [{ predicate: status }]
  queries: [{ predicate: status, scope: namespace }]
  allowedTools: [skill_graph_query, skill_assert]
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
    expect(list.skills).toMatchObject([{ name: "notes", code: false, allowedTools: ["skill_graph_query", "skill_assert"], hash: expect.stringMatching(/^[0-9a-f]{64}$/) }]);
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
    expect(results.a2).toMatchObject({ isError: true, text: 'skill "notes" declares no assertion for predicate mayros:owner' });
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
});
