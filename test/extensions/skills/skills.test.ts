/**
 * @module The plugin core with fake sandbox/security ports, on real skill folders in a temp workspace: loading
 * (layer 1 refusal, layer 18 hash), the declared-query context, before_tool_call layers 5–9 and 17, no default
 * assertion engine (16), audit rows (15), the enrichment timeout (10) and hot reload (13).
 */
import { Database } from "bun:sqlite";
import { afterEach, describe, expect, it } from "bun:test";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { enrich } from "../../../src/extensions/skills/enrichment.ts";
import { SemanticSkills } from "../../../src/extensions/skills/skills.ts";
import { fakePorts, testConfig, type FakeHooks } from "./fake-ports.ts";

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const manifest = (name: string, semantic: string) => `---\nname: ${name}\ntype: semantic\nsemantic:\n${semantic}\n---\n# ${name}\n`;
const READER = "  permissions: { graph: [read, write], proofs: [request, verify] }\n  assertions: [{ predicate: status }, { predicate: verified, requireProof: true }]\n  queries: [{ predicate: status, scope: namespace }]\n  maxQueries: 3";

/** A workspace with the given skills (name → SKILL.md and optional skill.ts) and the service on it. */
function setup(skills: Record<string, { md: string; code?: string }>, opts: { hooks?: Record<string, FakeHooks>; sandbox?: Record<string, unknown>; maxCalls?: number } = {}) {
  const ws = mkdtempSync(join(tmpdir(), "mayros-skills-"));
  dirs.push(ws);
  for (const [name, s] of Object.entries(skills)) {
    mkdirSync(join(ws, "skills", name), { recursive: true });
    writeFileSync(join(ws, "skills", name, "SKILL.md"), s.md);
    if (s.code !== undefined) writeFileSync(join(ws, "skills", name, "skill.ts"), s.code);
  }
  const config = testConfig(ws, { sandbox: { maxAssertions: 2, ...opts.sandbox } });
  const ports = fakePorts(opts.hooks, opts.maxCalls);
  const logs: string[] = [];
  const service = new SemanticSkills(config, new Database(":memory:"), ports, (level, m) => logs.push(`${level} ${m}`));
  return { ws, service, ports, logs };
}

describe("loading skills", () => {
  it("should load valid skills with their integrity hash, and refuse a bad manifest and critical scanner findings by layer", async () => {
    const { service } = setup({
      good: { md: manifest("good", READER) },
      bad: { md: manifest("bad", "  version: 0") },
      evil: { md: manifest("evil", "  version: 1"), code: "export default { name: 'evil', onActivate() { eval('1') } }" },
    });
    await service.registry.ensureLoaded();
    expect([...service.registry.active.keys()]).toEqual(["good"]);
    expect(service.registry.active.get("good")!.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(service.registry.failures.map((f) => [f.layer, f.error.replace(/^.*?: /, "")])).toEqual([
      ["manifest", "semantic.version: must be an integer ≥ 1"],
      ["scanner", "static scan found dynamic-code-execution (skill.ts:1)"],
    ]);
  });

  it("should load once when the service start and the first run race", async () => {
    const { service, ports } = setup({ c: { md: manifest("c", "  version: 1"), code: "c" } });
    await Promise.all([service.registry.ensureLoaded(), service.beforeAgentStart("main"), service.registry.ensureLoaded()]);
    expect(ports.loaded).toEqual(["skills/c/skill.ts"]);
  });

  it("should refuse skill code when the sandbox is disabled", async () => {
    const { service } = setup({ coded: { md: manifest("coded", "  version: 1"), code: "x" } }, { sandbox: { sandboxEnabled: false } });
    await service.registry.ensureLoaded();
    expect(service.registry.failures[0]).toMatchObject({ layer: "sandbox", error: expect.stringContaining("sandboxEnabled is off") });
  });

  it("should bind the sandbox host to the namespace and audit its writes and refused deletes", async () => {
    const { service } = setup({ w: { md: manifest("w", READER), code: "writer" } }, {
      hooks: { writer: { activate: (host) => {
        host.createTriple({ subject: "other:project", predicate: "status", object: "green" });
        expect(() => host.deleteTriple("not-mine")).toThrow("no triple not-mine of this skill");
      } } },
    });
    const context = await service.beforeAgentStart("main");
    expect(context).toBe('<semantic-skill-context skill="w"><query predicate="mayros:status" scope="namespace" count="1"><result subject="mayros:other:project">green</result></query></semantic-skill-context>');
    expect(service.audit.list().map((e) => [e.skill, e.operation, e.target])).toEqual([["w", "deleteTriple:refused", "not-mine"], ["w", "createTriple", "mayros:other:project mayros:status"]]);
  });
});

describe("before_tool_call", () => {
  const two = () => setup({
    a: { md: manifest("a", `${READER}\n  allowedTools: [skill_graph_query, skill_assert, read_file]`) },
    b: { md: manifest("b", "  permissions: { graph: [read] }\n  allowedTools: [skill_graph_query, read_file, skill_assert]") },
  });

  it("layer 5: should allow only the tools every active skill allows, and everything with no skill active", async () => {
    const { service } = two();
    await service.beforeAgentStart("main");
    expect(service.gate("exec", {})).toEqual({ layer: "allowlist", reason: 'tool exec is not in the allowedTools of skill "a"' });
    expect(service.gate("read_file", {})).toBeUndefined();
    const none = setup({}).service;
    await none.beforeAgentStart("main");
    expect(none.gate("exec", {})).toBeUndefined();
  });

  it("layer 17: should need the calling skill when several are active, and refuse an unknown one", async () => {
    const { service } = two();
    await service.beforeAgentStart("main");
    expect(service.gate("skill_graph_query", {})).toMatchObject({ layer: "tracking", reason: expect.stringContaining('name the calling one in the "skill" parameter') });
    expect(service.gate("skill_graph_query", { skill: "ghost" })).toMatchObject({ layer: "tracking", reason: expect.stringContaining('skill "ghost" is not an active semantic skill') });
    expect(service.gate("skill_graph_query", { skill: "b" })).toBeUndefined();
  });

  it("layer 6: should refuse a semantic tool the calling skill has no permission for", async () => {
    const { service } = two();
    await service.beforeAgentStart("main");
    expect(service.gate("skill_assert", { skill: "b" })).toEqual({ layer: "permission", reason: 'skill "b" lacks the permission graph:write for skill_assert' });
    expect(service.audit.list({ skill: "b" })[0]).toMatchObject({ operation: "blocked:skill_assert", target: "permission" });
  });

  it("layers 8 and 9: should cap queries per skill (declared queries count) and writes per run, reset at the next run", async () => {
    const { service } = setup({ a: { md: manifest("a", READER) } });
    await service.beforeAgentStart("main"); // 1 declared query of maxQueries 3
    expect([service.gate("skill_graph_query", {}), service.gate("skill_graph_query", {})]).toEqual([undefined, undefined]);
    expect(service.gate("skill_graph_query", {})).toEqual({ layer: "query", reason: 'skill "a" reached its query limit (3 per run)' });
    expect([service.gate("skill_assert", {}), service.gate("skill_assert", {})]).toEqual([undefined, undefined]);
    expect(service.gate("skill_assert", {})).toEqual({ layer: "write", reason: 'skill "a" reached its write limit (2 assertions per run)' });
    await service.beforeAgentStart("main");
    expect(service.gate("skill_graph_query", {})).toBeUndefined();
  });

  it("layer 8: should cap queries globally at maxGraphQueries × active skills", async () => {
    const { service } = setup({ a: { md: manifest("a", "  permissions: { graph: [read] }") }, b: { md: manifest("b", "  permissions: { graph: [read] }") } }, { sandbox: { maxGraphQueries: 2 } });
    await service.beforeAgentStart("main");
    for (const skill of ["a", "a", "b", "b"]) expect(service.gate("skill_graph_query", { skill })).toBeUndefined();
    expect(service.gate("skill_graph_query", { skill: "b" })?.layer).toBe("query");
  });

  it("layer 7: should refuse past the skill's rate limit", async () => {
    const { service } = setup({ a: { md: manifest("a", "  permissions: { proofs: [verify] }") } }, { maxCalls: 2 });
    await service.beforeAgentStart("main");
    expect([service.gate("skill_verify_zk_proof", {}), service.gate("skill_verify_zk_proof", {})]).toEqual([undefined, undefined]);
    expect(service.gate("skill_verify_zk_proof", {})).toEqual({ layer: "rate", reason: 'skill "a" is over its rate limit (calls per minute)' });
  });
});

describe("assertions", () => {
  it("layer 16: should give no engine to a skill without declared assertions, and assert only declared predicates", async () => {
    const { service } = setup({ a: { md: manifest("a", READER) }, plain: { md: manifest("plain", "  permissions: { graph: [write] }") } });
    await service.registry.ensureLoaded();
    expect(service.registry.active.get("plain")!.engine).toBeUndefined();
    const engine = service.registry.active.get("a")!.engine!;
    expect(() => engine.assert("x", "other", 1)).toThrow('skill "a" declares no assertion for predicate mayros:other');
    expect(() => engine.assert("x", "verified", true)).toThrow("requires a proof");
    const { assertion } = engine.assert("x", "verified", true, "equality");
    expect(engine.verify("x", "verified")).toEqual([{ ...assertion, proofValid: true }]);
  });

  it("layer 15: should audit skill_assert and skill_request_zk_proof after the call", async () => {
    const { service } = setup({ a: { md: manifest("a", READER) } });
    await service.beforeAgentStart("main");
    service.afterToolCall("skill_assert", { subject: "x", predicate: "status" }, "Asserted …", undefined);
    service.afterToolCall("skill_graph_query", {}, "ignored", undefined);
    expect(service.audit.list().map((e) => [e.skill, e.operation, e.target])).toEqual([["a", "tool:skill_assert", "x status"]]);
  });
});

describe("layer 10: the enrichment timeout", () => {
  it("should give up on an onQuery slower than the deadline and sanitize one in time", async () => {
    const { service } = setup({ slow: { md: manifest("slow", "  version: 1"), code: "slow" }, fast: { md: manifest("fast", "  version: 1"), code: "fast" } }, {
      hooks: { slow: { query: () => new Promise(() => {}) }, fast: { query: async () => ({ results: [1], additionalContext: "hi" }) } },
    });
    await service.registry.ensureLoaded();
    const sanitize = service.ports.sanitizeEnrichment;
    expect(await enrich(service.registry.active.get("slow")!, {}, sanitize, 20)).toEqual({ skipped: "timeout" });
    expect(await enrich(service.registry.active.get("fast")!, {}, sanitize, 20)).toEqual({ text: '<skill-enrichment type="data">{"results":[1],"additionalContext":"hi"}</skill-enrichment>' });
  });
});

describe("layer 13: hot reload", () => {
  it("should swap in a narrowed manifest, refuse a widened, dropped or invalid one, and keep the running version", async () => {
    const { ws, service, ports } = setup({ a: { md: manifest("a", "  allowedTools: [skill_graph_query, read_file]"), code: "a" } });
    await service.registry.ensureLoaded();
    const first = service.registry.active.get("a")!;
    const write = (semantic: string) => writeFileSync(join(ws, "skills", "a", "SKILL.md"), manifest("a", semantic));
    write("  allowedTools: [skill_graph_query, read_file, exec]");
    expect((await service.registry.reload(true)).refused).toEqual([{ skill: "a", reason: "allowedTools widened: exec" }]);
    write("  version: 1");
    expect((await service.registry.reload(true)).refused[0]!.reason).toContain("allowedTools was removed");
    write("  version: 0");
    expect((await service.registry.reload(true)).refused[0]!.reason).toContain("semantic.version");
    expect(service.registry.active.get("a")).toBe(first);
    write("  allowedTools: [read_file]");
    const report = await service.registry.reload(true);
    expect(report.changed).toEqual([{ skill: "a", diff: ['allowedTools: ["skill_graph_query","read_file"] -> ["read_file"]'] }]);
    expect(service.registry.active.get("a")!.manifest.allowedTools).toEqual(["read_file"]);
    expect(ports.disposed).toHaveLength(3); // two refused candidates (the invalid one never loaded) and the replaced original
  });
});
