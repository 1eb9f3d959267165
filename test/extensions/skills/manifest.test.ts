/**
 * @module SKILL.md manifests (§9): a full manifest parsed, the default restrictive allowlist (layer 5), and every
 * validation rule refusing with an error that names the field.
 */
import { describe, expect, it } from "bun:test";
import { DEFAULT_ALLOWED_TOOLS, parseSkillManifest } from "../../../src/extensions/skills/manifest.ts";

const md = (semantic: string, head = "type: semantic") => `---\nname: sample\n${head}\nsemantic:\n${semantic}\n---\n# Sample\n`;

describe("semantic skill manifests", () => {
  it("should parse a full manifest and drop unknown permission values", () => {
    const m = parseSkillManifest(md(`  version: 2
  permissions: { graph: [read, write, admin], proofs: [request, verify], memory: [recall] }
  assertions: [{ predicate: status, requireProof: true }]
  queries: [{ predicate: status, scope: namespace }, { predicate: owner }]
  allowedTools: [skill_graph_query, skill_assert]
  maxQueries: 5
  skillVersion: 1.2.3
  dependencies: [{ slug: base, version: ^1.0.0 }]`), "dir");
    expect(m).toEqual({
      name: "sample", description: "", version: 2,
      permissions: { graph: ["read", "write"], proofs: ["request", "verify"], memory: ["recall"] },
      assertions: [{ predicate: "status", requireProof: true }],
      queries: [{ predicate: "status", scope: "namespace" }, { predicate: "owner", scope: "agent" }],
      allowedTools: ["skill_graph_query", "skill_assert"], allowedToolsDeclared: true, maxQueries: 5, skillVersion: "1.2.3",
      dependencies: [{ slug: "base", version: "^1.0.0" }],
    });
  });

  it("should apply the default restrictive allowlist when allowedTools is missing or empty, and keep [*]", () => {
    expect(parseSkillManifest(md("  version: 1"), "d").allowedTools).toEqual([...DEFAULT_ALLOWED_TOOLS]);
    expect(parseSkillManifest(md("  allowedTools: []"), "d")).toMatchObject({ allowedTools: DEFAULT_ALLOWED_TOOLS, allowedToolsDeclared: false });
    expect(parseSkillManifest(md('  allowedTools: ["*"]'), "d").allowedTools).toEqual(["*"]);
    expect(DEFAULT_ALLOWED_TOOLS).toHaveLength(9);
  });

  const refusals: Array<[string, string, string?]> = [
    ["  version: 0", "semantic.version: must be an integer ≥ 1"],
    ["  permissions: { graph: [read] }\n  assertions: [{ predicate: p }]", "semantic.assertions[0]: assertions need the permission graph: [write]"],
    ["  permissions: { graph: [write] }\n  assertions: [{ predicate: p, requireProof: true }]", "semantic.assertions[0].requireProof: needs the permission proofs: [request]"],
    ["  queries: [{ predicate: p }]", "semantic.queries[0]: queries need the permission graph: [read]"],
    ["  permissions: { graph: [read] }\n  queries: [{ predicate: p, scope: world }]", "semantic.queries[0].scope: must be agent, namespace or global"],
    ["  permissions: { graph: [read] }\n  queries: [{ scope: agent }]", "semantic.queries[0].predicate: must be a non-empty string"],
    ["  skillVersion: one", "semantic.skillVersion: must be a semver version like 1.2.3"],
    ["  maxQueries: 0", "semantic.maxQueries: must be an integer ≥ 1"],
    ["  dependencies: [{ slug: '', version: 1.0.0 }]", "semantic.dependencies[0].slug: must be a non-empty string"],
    ["  dependencies: [{ slug: base }]", "semantic.dependencies[0].version: must be a non-empty string"],
    ['  allowedTools: ["*", exec]', 'semantic.allowedTools: "*" must be the only entry'],
    ["  version: 1", 'type: must be "semantic" (got "prompt")', "type: prompt"],
  ];
  for (const [semantic, message, head] of refusals) {
    it(`should refuse naming the field: ${message}`, () => {
      expect(() => parseSkillManifest(md(semantic, head), "d")).toThrow(message);
    });
  }

  it("should refuse a file without frontmatter or without a semantic block", () => {
    expect(() => parseSkillManifest("# no frontmatter", "d")).toThrow("frontmatter: SKILL.md must start with");
    expect(() => parseSkillManifest("---\ntype: semantic\n---\n", "d")).toThrow("semantic: a semantic: block is required");
    expect(() => parseSkillManifest("---\ntype: semantic\nname: ../x\nsemantic: {}\n---\n", "d")).toThrow("name: ");
  });
});
