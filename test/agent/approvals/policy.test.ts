/** @module Tests of the exec approvals policy: effective policy, allowlist globs, verdicts and the ask fallback. */
import { describe, expect, it } from "bun:test";
import { homedir } from "node:os";
import {
  DEFAULT_POLICY, evaluate, fallbackAllows, matchAllowlist, normalizeFile, patternMatches, policyFor, withAllowlistEntry,
  type EffectivePolicy,
} from "../../../src/agent/approvals/policy.ts";

const policy = (over: Partial<EffectivePolicy> = {}): EffectivePolicy => ({ ...DEFAULT_POLICY, ...over });

describe("patternMatches", () => {
  it("should match a path pattern against the whole resolved path", () => {
    expect(patternMatches("/usr/bin/git", "/usr/bin/git")).toBe(true);
    expect(patternMatches("/usr/bin/git", "/usr/local/bin/git")).toBe(false);
    expect(patternMatches("/usr/bin/*", "/usr/bin/ls")).toBe(true);
    expect(patternMatches("/usr/*", "/usr/bin/ls")).toBe(false);
    expect(patternMatches("/usr/**", "/usr/bin/ls")).toBe(true);
    expect(patternMatches("/usr/bin/python?", "/usr/bin/python3")).toBe(true);
  });

  it("should match a bare name against the file name only", () => {
    expect(patternMatches("git", "/usr/bin/git")).toBe(true);
    expect(patternMatches("git", "/usr/bin/gitk")).toBe(false);
    expect(patternMatches("py*", "/opt/bin/python3")).toBe(true);
  });

  it("should expand ~ and treat regex characters literally", () => {
    expect(patternMatches("~/bin/*", `${homedir()}/bin/tool`)).toBe(true);
    expect(patternMatches("/usr/bin/g.t", "/usr/bin/git")).toBe(false);
    expect(patternMatches("  ", "/usr/bin/git")).toBe(false);
  });

  it("should find the first matching entry, and none without a path", () => {
    const list = [{ pattern: "/bin/*" }, { pattern: "ls" }];
    expect(matchAllowlist(list, "/bin/ls")).toBe(list[0]);
    expect(matchAllowlist(list, "/opt/ls")).toBe(list[1]);
    expect(matchAllowlist(list, undefined)).toBeUndefined();
  });
});

describe("policyFor and normalizeFile", () => {
  it("should layer agent fields over file defaults over built-in defaults", () => {
    const file = { version: 1 as const, defaults: { security: "full" as const, ask: "off" as const }, agents: { ops: { ask: "always" as const, allowlist: [{ pattern: "git" }] } } };
    expect(policyFor(file, "ops")).toEqual({ security: "full", ask: "always", askFallback: "deny", autoAllowSkills: false, allowlist: [{ pattern: "git" }] });
    expect(policyFor(file, "main")).toEqual({ security: "full", ask: "off", askFallback: "deny", autoAllowSkills: false, allowlist: [] });
    expect(policyFor({ version: 1 }, "main")).toEqual({ ...DEFAULT_POLICY });
  });

  it("should fill in the defaults of a file", () => {
    expect(normalizeFile({ version: 1, defaults: { security: "deny", ask: "off" } })).toEqual({
      version: 1, defaults: { security: "deny", ask: "off", askFallback: "deny", autoAllowSkills: false }, agents: {},
    });
  });
});

describe("evaluate", () => {
  it("should refuse everything under security deny", () => {
    expect(evaluate(policy({ security: "deny", ask: "always" }), "/bin/ls")).toMatchObject({ action: "refuse" });
  });

  it("should run allowlisted binaries, ask on a miss with on-miss and refuse it with off", () => {
    const list = [{ pattern: "/bin/ls" }];
    expect(evaluate(policy({ allowlist: list }), "/bin/ls")).toEqual({ action: "run", matched: list[0] });
    expect(evaluate(policy({ allowlist: list }), "/bin/rm")).toMatchObject({ action: "ask" });
    expect(evaluate(policy({ allowlist: list, ask: "off" }), "/bin/rm")).toEqual({ action: "refuse", reason: "command not in the allowlist: /bin/rm" });
    expect(evaluate(policy({ ask: "off" }), undefined)).toMatchObject({ action: "refuse", reason: expect.stringContaining("binary not found") });
  });

  it("should run anything under full, and ask for everything with ask always", () => {
    expect(evaluate(policy({ security: "full", ask: "on-miss" }), "/bin/rm")).toEqual({ action: "run" });
    expect(evaluate(policy({ security: "full", ask: "always" }), "/bin/rm")).toMatchObject({ action: "ask" });
    expect(evaluate(policy({ ask: "always", allowlist: [{ pattern: "**" }] }), "/bin/ls")).toMatchObject({ action: "ask" });
  });
});

describe("fallbackAllows", () => {
  it("should follow askFallback", () => {
    expect(fallbackAllows(policy({ askFallback: "deny" }), "/bin/ls")).toBe(false);
    expect(fallbackAllows(policy({ askFallback: "full" }), "/bin/ls")).toBe(true);
    expect(fallbackAllows(policy({ askFallback: "allowlist", allowlist: [{ pattern: "ls" }] }), "/bin/ls")).toBe(true);
    expect(fallbackAllows(policy({ askFallback: "allowlist" }), "/bin/ls")).toBe(false);
  });
});

describe("withAllowlistEntry", () => {
  it("should append to the agent's allowlist without touching the input, once per pattern", () => {
    const file = { version: 1 as const, agents: { main: { ask: "always" as const } } };
    const next = withAllowlistEntry(file, "main", { pattern: "/bin/ls" });
    expect(next.agents?.main).toEqual({ ask: "always", allowlist: [{ pattern: "/bin/ls" }] });
    expect(file.agents.main).toEqual({ ask: "always" });
    expect(withAllowlistEntry(next, "main", { pattern: "/bin/ls" })).toBe(next);
    expect(withAllowlistEntry(next, "ops", { pattern: "/bin/ls" }).agents?.ops).toEqual({ allowlist: [{ pattern: "/bin/ls" }] });
  });
});
