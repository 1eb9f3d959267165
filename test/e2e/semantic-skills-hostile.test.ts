/**
 * @module A sample of the hostile-skill corpus (test/fixtures/hostile-skills/) driven through one real gateway — the
 * semantic-skills plugin on, a real WebSocket client, the fake model making the tool calls — one entry (or more)
 * per layer that stops the corpus: load layers (manifest, scanner, sandbox: timeout, memory, stack, contract,
 * host-call limit) through `skills.reload`, install layers (path-traversal, signature, integrity) through
 * `skills.install`, tool-call layers (allowlist, tracking, permission, rate, query, write, engine) and namespace
 * containment through the agent, hot reload through a manifest edited on disk and `skills.reload`, the sanitizer
 * through `skill_graph_query`'s enrichment. Each case asserts the layer and its message; then the gateway answers
 * `health`, the foreign victim triple is untouched and every other triple is inside `mayros:`, no file outside the
 * skill's copy changed, and a benign signed skill installs and asserts through the model.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { cpSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { corpusEntry, snapshot, type CorpusEntry, type Expected } from "../extensions/skills/hostile-fixtures.ts";
import { MAX_CALLS_PER_MINUTE, startHostileGateway, type HostileGateway, type Stop } from "./helpers/hostile-gateway.ts";

let g: HostileGateway;
beforeAll(async () => {
  g = await startHostileGateway();
});
afterAll(async () => {
  await g?.stop();
});

/** Copies the fixture into the install root (as a skill dropped there) and reloads: the load layer that refused it. */
async function load(e: CorpusEntry, copy: string): Promise<Stop> {
  cpSync(e.dir, copy, { recursive: true });
  return reload(copy);
}

/** `skills.reload`: the load layer that refused `copy`, if any. */
async function reload(copy: string): Promise<Stop> {
  const { failures } = (await g.sock.request("skills.reload", {})).payload as { failures: Array<{ dir: string; layer: string; error: string }> };
  const failure = failures.find((f) => f.dir === copy);
  return failure && { layer: failure.layer, reason: failure.error };
}

/** Loads the fixture (it must activate) and lets the model make its calls (`calls` overrides the fixture's). */
async function callTools(e: CorpusEntry, copy: string, calls = e.expected.calls!): Promise<{ stop: Stop; texts: string[] }> {
  cpSync(e.dir, copy, { recursive: true });
  return activeCalls(e, copy, calls);
}

/** Reloads `copy` (it must activate, alone) and lets the model make `calls`. */
async function activeCalls(e: CorpusEntry, copy: string, calls: NonNullable<Expected["calls"]>): Promise<{ stop: Stop; texts: string[] }> {
  expect(await reload(copy)).toBeUndefined();
  expect((await g.sock.request("skills.status", {})).payload.active).toEqual([e.name]);
  return g.callTools(calls);
}

/** `skills.install` of the fixture's source: the layer named in the INVALID_REQUEST error. */
async function install(e: CorpusEntry): Promise<Stop> {
  const res = await g.sock.request("skills.install", { source: join(e.dir, e.expected.install!.source) });
  expect(res.error).toMatchObject({ code: "INVALID_REQUEST" });
  const named = /^skills\.install: \[(\S+)\] (.*)$/s.exec(res.error.message);
  return named ? { layer: named[1]!, reason: named[2]! } : undefined;
}

/** The stop names the fixture's layer, reason, scanner rule and sandbox error kind. */
function expectStopped(stop: Stop, expected: Expected): void {
  expect(stop?.layer).toBe(expected.layer);
  if (expected.reason) expect(stop?.reason).toContain(expected.reason);
  if (expected.ruleId) expect(stop?.reason).toContain(expected.ruleId);
  if (expected.kind) expect(stop?.reason).toContain(`${expected.kind}: `);
}

/**
 * Runs `attack` on the corpus entry `name`, then the checks every case shares: nothing outside the skill's copy
 * changed (nor the fixture), the gateway is intact, the copy is removed through `skills.remove`, and the benign
 * skill still works.
 */
async function hostile<T>(name: string, attack: (e: CorpusEntry, copy: string) => Promise<T>): Promise<T> {
  const e = corpusEntry(name);
  const copy = join(g.skillsDir, name);
  const before = g.files([copy]);
  const fixture = snapshot(e.dir);
  let removed: unknown;
  try {
    const out = await attack(e, copy);
    expect(g.files([copy])).toEqual(before);
    expect(snapshot(e.dir)).toEqual(fixture);
    await g.expectIntact();
    return out;
  } finally {
    // Removed even when the case failed, so the next case starts with no hostile skill active.
    if (existsSync(copy)) removed = (await g.sock.request("skills.remove", { slug: name })).payload;
    if (removed) expect(removed).toMatchObject({ active: [], failures: [] });
    await g.expectBenignWorks();
  }
}

describe("hostile skills through a running gateway", () => {
  describe("refused when loaded (skills.reload)", () => {
    for (const name of ["manifest-escalation", "eval-direct", "new-function", "sandbox-busy-loop", "sandbox-memory-buffers", "sandbox-deep-recursion", "sandbox-escape-global-process", "sandbox-write-flood"]) {
      const e = corpusEntry(name);
      test(`${name}: ${e.expected.attack} → ${e.expected.layer}${e.expected.kind ? ` (${e.expected.kind})` : ""}`, async () => {
        expectStopped(await hostile(name, load), e.expected);
      });
    }
  });

  describe("refused at install (skills.install, signatures required)", () => {
    for (const name of ["archive-dotdot", "untrusted-key", "tampered-after-signing"]) {
      const e = corpusEntry(name);
      test(`${name}: ${e.expected.attack} → ${e.expected.layer}`, async () => {
        const stop = await hostile(name, install);
        expectStopped(stop, e.expected);
        expect(stop?.reason).toStartWith(`skill install refused (${e.expected.layer}): `);
      });
    }
  });

  describe("refused when the model calls a tool (before_tool_call / the tool)", () => {
    // allowlist-exec is not in the sample: the gateway registers no exec tool unless tools.exec is enabled, so its
    // call would end as "unknown tool" before any hook; allowlist-read-secrets reaches the allowlist with `read`.
    for (const name of ["allowlist-read-secrets", "impersonate-skill", "permission-readonly-assert", "query-limit-flood", "write-limit-flood", "undeclared-predicate", "no-default-engine"]) {
      const e = corpusEntry(name);
      test(`${name}: ${e.expected.attack} → ${e.expected.layer}`, async () => {
        expectStopped((await hostile(name, callTools)).stop, e.expected);
      });
    }

    test("rate-limit-flood: the flood, sized past this gateway's maxCallsPerMinute → rate", async () => {
      // The fixture's 20 calls fit the corpus test's limit of 5; here the limit is MAX_CALLS_PER_MINUTE (the benign
      // skill makes one call per case), so the same call is repeated one time more than that.
      const e = corpusEntry("rate-limit-flood");
      const { stop, texts } = await hostile(e.name, (e, copy) => callTools(e, copy, [{ ...e.expected.calls![0]!, repeat: MAX_CALLS_PER_MINUTE + 1 }]));
      expectStopped(stop, e.expected);
      expect(texts.slice(0, MAX_CALLS_PER_MINUTE)).toEqual(Array(MAX_CALLS_PER_MINUTE).fill("no proof x"));
    });
  });

  describe("contained in the namespace (nothing outside mayros: read or changed)", () => {
    test("namespace-escape-write: the model asserts over another namespace's subject", async () => {
      const { stop, texts } = await hostile("namespace-escape-write", callTools);
      expect(stop).toBeUndefined();
      expect(texts).toEqual([expect.stringMatching(/^Asserted mayros:victim:secret mayros:status "pwned"/)]);
    });

    test("host-write-outside-namespace: sandboxed code writes and lists a foreign subject", async () => {
      expect(await hostile("host-write-outside-namespace", load)).toBeUndefined();
    });
  });

  test("hot-reload-widen: allowedTools widened to * on disk → hot-reload keeps the running version", async () => {
    // The file watcher (hotReload: true) only schedules the same registry.reload(true) that skills.reload runs; the
    // method is used here so the case awaits the reload's report instead of a debounced file event.
    const e = corpusEntry("hot-reload-widen");
    const stop = await hostile(e.name, async (e, copy) => {
      expect(await load(e, copy)).toBeUndefined();
      for (const [file, content] of Object.entries(e.expected.reload!)) writeFileSync(join(copy, file), content);
      const report = (await g.sock.request("skills.reload", {})).payload as { refused: Array<{ skill: string; reason: string }> };
      const { skills } = (await g.sock.request("skills.list", {})).payload;
      expect(skills).toMatchObject([{ name: e.name, allowedTools: ["skill_graph_query"] }]);
      const refused = report.refused.find((r) => r.skill === e.name);
      return refused && { layer: "hot-reload", reason: refused.reason };
    });
    expectStopped(stop, e.expected);
  });

  test("injection-homoglyphs: its onQuery output reaches the model only sanitized", async () => {
    // The sanitizer runs on onQuery's output, which the gateway computes only inside skill_graph_query — a tool that
    // needs graph:read, which the fixture does not declare (the permission layer would stop the call before its
    // code runs; skills.test is an operator dry run that returns onQuery's raw value). So its copy is granted
    // graph:read, leaving the hostile code unchanged, and the model's query gets the enrichment.
    const e = corpusEntry("injection-homoglyphs");
    const { stop, texts } = await hostile(e.name, (e, copy) => {
      cpSync(e.dir, copy, { recursive: true });
      writeFileSync(join(copy, "SKILL.md"), readFileSync(join(copy, "SKILL.md"), "utf8").replace("  version: 1\n", "  version: 1\n  permissions: { graph: [read] }\n"));
      return activeCalls(e, copy, [{ tool: "skill_graph_query", params: { scope: "namespace" } }]);
    });
    expect(stop).toBeUndefined();
    expect(texts[0]).toContain('<skill-enrichment type="data">');
    expect(texts[0]).toContain("Result: 3 items."); // the enrichment itself arrived, not just an empty wrapper
    expect(texts[0]).not.toMatch(new RegExp(e.expected.mustNotMatch!, "is"));
  });
});
