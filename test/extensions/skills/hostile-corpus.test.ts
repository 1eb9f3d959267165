/**
 * @module The hostile-skill corpus (test/fixtures/hostile-skills/, format in its README) through the whole plugin
 * core with the real sandbox and security functions (wiring.ts): every entry is installed, loaded, hot-reloaded or
 * driven by the model's tool calls as its expected.json says, and must be stopped by its layer. After each one the
 * service still answers, the triple of a foreign namespace is untouched and every other triple is inside `mayros:`,
 * and no file changed outside the skill's own copy (the workspace, a canary, the fixture itself).
 */
import { Database } from "bun:sqlite";
import { Type } from "@sinclair/typebox";
import { afterAll, describe, expect, test } from "bun:test";
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { MayrosPluginApi, PluginTool } from "../../../src/plugins/api.ts";
import { enrich } from "../../../src/extensions/skills/enrichment.ts";
import { TripleStore } from "../../../src/extensions/skills/graph/triple-store.ts";
import { SemanticSkills } from "../../../src/extensions/skills/skills.ts";
import { registerSkillTools } from "../../../src/extensions/skills/tools.ts";
import { realPorts } from "../../../src/extensions/skills/wiring.ts";
import { testConfig } from "./fake-ports.ts";
import { corpusEntries, sha256, snapshot, type Expected } from "./hostile-fixtures.ts";

const entries = corpusEntries();
const work = mkdtempSync(join(tmpdir(), "mayros-hostile-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const ports = await realPorts();
const SECRET = { subject: "secret", predicate: "password", object: "hunter2" };

/** A workspace with a canary, the service on it (small limits), the victim triple and the captured tools. */
function setup(name: string, expected: Expected) {
  const ws = join(work, name);
  mkdirSync(join(ws, "outside"), { recursive: true });
  mkdirSync(join(ws, "skills"));
  writeFileSync(join(ws, "outside", "canary.txt"), "do not touch");
  const verification = expected.install ? { requireSignature: expected.install.requireSignature, trustedKeys: expected.install.trustedKeys } : undefined;
  const config = testConfig(ws, { sandbox: { maxGraphQueries: 10, maxAssertions: 2, executionTimeoutMs: 1000, maxCallsPerMinute: 5, maxWritesPerSession: 5 }, ...(verification && { verification }) });
  const db = new Database(":memory:");
  const service = new SemanticSkills(config, db, ports, () => {});
  const victim = new TripleStore(db, "victim").create(SECRET);
  const tools = new Map<string, PluginTool>();
  registerSkillTools({ Type, registerTool: (t: PluginTool) => tools.set(t.name, t) } as unknown as MayrosPluginApi, () => service);
  return { ws, db, service, victim, tools };
}

/** Runs the model's calls until one is refused: `[layer, reason]`, and every answer's text. */
async function drive(s: ReturnType<typeof setup>, calls: NonNullable<Expected["calls"]>): Promise<{ refusal?: [string, string]; texts: string[] }> {
  const texts: string[] = [];
  for (const call of calls) {
    for (let i = 0; i < (call.repeat ?? 1); i++) {
      const params = call.params ?? {};
      const blocked = s.service.gate(call.tool, params);
      if (blocked) return { refusal: [blocked.layer, blocked.reason], texts };
      const tool = s.tools.get(call.tool);
      if (!tool) continue; // a core tool the gate let through: not ours to run
      const result = await tool.execute(`call-${i}`, params, { sessionKey: "agent:main:main", workspaceDir: s.ws, signal: new AbortController().signal });
      const text = result.content.map((c) => c.text).join("");
      texts.push(text);
      const tagged = /^\[semantic-skills (\S+)\] (.*)$/s.exec(text);
      if (result.isError && tagged) return { refusal: [tagged[1]!, tagged[2]!], texts };
    }
  }
  return { texts };
}

describe("the hostile-skill corpus against the plugin core", () => {
  test("holds at least 30 entries, each with a layer and an attack", () => {
    expect(entries.length).toBeGreaterThanOrEqual(30);
    for (const { expected } of entries) expect([typeof expected.layer, typeof expected.attack]).toEqual(["string", "string"]);
  });

  for (const { name, dir, expected } of entries) {
    test(`${name}: ${expected.attack} → stopped by ${expected.layer}`, async () => {
      const s = setup(name, expected);
      const fixtureBefore = snapshot(dir);
      const copy = join(s.ws, "skills", name);
      let stopped: [string, string] | undefined;
      let texts: string[] = [];
      if (expected.install) {
        const err = await s.service.install(join(dir, expected.install.source)).catch((e: unknown) => e as { layer?: string; message: string });
        stopped = [String((err as { layer?: string }).layer), String((err as Error).message)];
      } else {
        cpSync(dir, copy, { recursive: true });
        await s.service.beforeAgentStart("main");
        const failure = s.service.registry.failures.find((f) => f.dir === copy);
        if (failure) stopped = [failure.layer, failure.error];
        else if (expected.reload) {
          for (const [file, content] of Object.entries(expected.reload)) writeFileSync(join(copy, file), content);
          const refused = (await s.service.registry.reload(true)).refused.find((r) => r.skill === name);
          if (refused) stopped = ["hot-reload", refused.reason];
        } else if (expected.calls) ({ refusal: stopped, texts } = await drive(s, expected.calls));
        else if (!expected.output && !expected.calls) {
          // Code that loads and misbehaves only when queried: its onQuery, through the enrichment path.
          const out = await enrich(s.service.registry.active.get(name)!, { results: [] }, ports.sanitizeEnrichment);
          if (out.text === undefined && out.skipped !== "none") stopped = ["sandbox", `${out.skipped}: ${out.error ?? ""}`];
        } else if (expected.output) {
          // The skill's real onQuery output, in the sandbox, through the enrichment path skill_graph_query uses.
          const out = await enrich(s.service.registry.active.get(name)!, { results: [] }, ports.sanitizeEnrichment);
          texts = out.text === undefined ? [] : [out.text];
          if (out.text?.startsWith("<skill-enrichment") && !new RegExp(expected.mustNotMatch!, "is").test(out.text)) stopped = ["sanitizer", out.text];
        }
      }
      if (expected.layer === "namespace") {
        expect(stopped).toBeUndefined();
        expect(texts.join("\n")).not.toContain("hunter2");
      } else {
        expect(stopped?.[0]).toBe(expected.layer);
        if (expected.reason) expect(stopped?.[1]).toContain(expected.reason);
        if (expected.ruleId) expect(stopped?.[1]).toContain(expected.ruleId);
        if (expected.kind) expect(stopped?.[1]).toContain(`${expected.kind}: `);
      }
      // The service still answers; the foreign triple is untouched and nothing was written outside the namespace.
      expect(Array.isArray(s.service.list())).toBe(true);
      expect(new TripleStore(s.db, "victim").query({})).toEqual([s.victim]);
      const outside = s.db.query<{ subject: string; predicate: string }, []>("SELECT subject, predicate FROM skill_triples WHERE subject NOT LIKE 'victim:%'").all();
      for (const t of outside) expect([t.subject.startsWith("mayros:"), t.predicate.startsWith("mayros:")]).toEqual([true, true]);
      // No file changed outside the skill's own copy: the canary, the (empty or copied) skills folder, the fixture.
      expect(snapshot(s.ws, [copy])).toEqual({ "outside/canary.txt": sha256("do not touch") });
      expect(snapshot(dir)).toEqual(fixtureBefore);
    });
  }
});
