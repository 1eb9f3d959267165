/**
 * @module The exec approvals policy: built-in defaults, the effective policy of one agent, allowlist
 * glob matching over resolved binary paths, and the verdict for one command (run, ask or refuse).
 */
import { homedir } from "node:os";
import { basename } from "node:path";
import type {
  ExecAllowlistEntry, ExecApprovalsFile, ExecAsk, ExecSecurity,
} from "../../protocol/methods/exec-approvals.ts";

/** The agent a request belongs to when none is named. */
export const DEFAULT_APPROVALS_AGENT = "main";

/** Built-in defaults, used when no file was saved and for fields a saved file leaves out. */
export const DEFAULT_POLICY: Readonly<EffectivePolicy> = Object.freeze({
  security: "allowlist", ask: "on-miss", askFallback: "deny", autoAllowSkills: false, allowlist: [],
});

/** One agent's policy with every field filled in. */
export interface EffectivePolicy {
  security: ExecSecurity;
  ask: ExecAsk;
  askFallback: ExecSecurity;
  autoAllowSkills: boolean;
  allowlist: readonly ExecAllowlistEntry[];
}

/** What to do with one command. */
export type Verdict =
  | { action: "run"; matched?: ExecAllowlistEntry }
  | { action: "ask"; policy: EffectivePolicy }
  | { action: "refuse"; reason: string };

/** The file with its defaults filled in (what `exec.approvals.get` shows). */
export function normalizeFile(file: ExecApprovalsFile | undefined): ExecApprovalsFile {
  const d = file?.defaults;
  return {
    version: 1,
    defaults: {
      security: d?.security ?? DEFAULT_POLICY.security,
      ask: d?.ask ?? DEFAULT_POLICY.ask,
      askFallback: d?.askFallback ?? DEFAULT_POLICY.askFallback,
      autoAllowSkills: d?.autoAllowSkills ?? DEFAULT_POLICY.autoAllowSkills,
    },
    agents: file?.agents ?? {},
  };
}

/** The effective policy of `agentId`: its own fields over the file defaults over the built-in ones. */
export function policyFor(file: ExecApprovalsFile, agentId: string): EffectivePolicy {
  const d = file.defaults;
  const a = file.agents?.[agentId];
  return {
    security: a?.security ?? d?.security ?? DEFAULT_POLICY.security,
    ask: a?.ask ?? d?.ask ?? DEFAULT_POLICY.ask,
    askFallback: a?.askFallback ?? d?.askFallback ?? DEFAULT_POLICY.askFallback,
    autoAllowSkills: a?.autoAllowSkills ?? d?.autoAllowSkills ?? DEFAULT_POLICY.autoAllowSkills,
    allowlist: a?.allowlist ?? [],
  };
}

const globCache = new Map<string, RegExp>();

/** A glob as a regular expression: `**` any characters, `*` any but `/`, `?` one but `/`; a leading `~/` is the home directory. */
function globToRegExp(pattern: string): RegExp {
  let re = globCache.get(pattern);
  if (re) return re;
  const expanded = pattern === "~" || pattern.startsWith("~/") ? homedir() + pattern.slice(1) : pattern;
  let src = "";
  for (let i = 0; i < expanded.length; i++) {
    const ch = expanded[i]!;
    if (ch === "*" && expanded[i + 1] === "*") {
      src += ".*";
      i++;
    } else if (ch === "*") src += "[^/]*";
    else if (ch === "?") src += "[^/]";
    else src += ch.replace(/[.+^${}()|[\]\\]/g, "\\$&");
  }
  re = new RegExp(`^${src}$`);
  if (globCache.size > 1000) globCache.clear();
  globCache.set(pattern, re);
  return re;
}

/**
 * Whether an allowlist pattern admits a resolved binary path. A pattern with a `/` is matched
 * against the whole absolute path, one without against the file name only (`git` admits any `git`
 * found on PATH).
 */
export function patternMatches(pattern: string, resolvedPath: string): boolean {
  const p = pattern.trim();
  if (!p) return false;
  return globToRegExp(p).test(p.includes("/") ? resolvedPath : basename(resolvedPath));
}

/** The first allowlist entry that admits `resolvedPath`, if any. */
export function matchAllowlist(allowlist: readonly ExecAllowlistEntry[], resolvedPath: string | undefined): ExecAllowlistEntry | undefined {
  if (!resolvedPath) return undefined;
  return allowlist.find((e) => patternMatches(e.pattern, resolvedPath));
}

/**
 * The verdict for one command under `policy`: `security: deny` refuses, `full` runs, `allowlist`
 * runs what the allowlist admits; `ask: always` asks for everything not refused, `on-miss` asks
 * when the allowlist misses, `off` never asks (a miss is refused).
 */
export function evaluate(policy: EffectivePolicy, resolvedPath: string | undefined): Verdict {
  if (policy.security === "deny") return { action: "refuse", reason: "exec is disabled by the approvals policy (security: deny)" };
  if (policy.ask === "always") return { action: "ask", policy };
  if (policy.security === "full") return { action: "run" };
  const matched = matchAllowlist(policy.allowlist, resolvedPath);
  if (matched) return { action: "run", matched };
  if (policy.ask === "on-miss") return { action: "ask", policy };
  return { action: "refuse", reason: `command not in the allowlist: ${resolvedPath ?? "(binary not found)"}` };
}

/**
 * What happens when an approval cannot be had (no approver, no answer in time): `askFallback`
 * `full` runs, `allowlist` runs what the allowlist admits, `deny` refuses.
 */
export function fallbackAllows(policy: EffectivePolicy, resolvedPath: string | undefined): boolean {
  if (policy.askFallback === "full") return true;
  return policy.askFallback === "allowlist" && matchAllowlist(policy.allowlist, resolvedPath) !== undefined;
}

/**
 * A copy of `file` with `entry` appended to the allowlist of `agentId` (nothing changes when the
 * same pattern is already there).
 */
export function withAllowlistEntry(file: ExecApprovalsFile, agentId: string, entry: ExecAllowlistEntry): ExecApprovalsFile {
  const agents = { ...file.agents };
  const agent = { ...agents[agentId] };
  const list = agent.allowlist ?? [];
  if (list.some((e) => e.pattern === entry.pattern)) return file;
  agent.allowlist = [...list, entry];
  agents[agentId] = agent;
  return { ...file, agents };
}
