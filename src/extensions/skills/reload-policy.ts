/**
 * @module Layer 13 (hot-reload security), extensions.md §10: a changed manifest replaces the running one only if it
 * validates (checked by the loader) and does not widen or drop `allowedTools` — no tool added, no switch to `*`,
 * no declared list removed in favour of the default. Narrowing is accepted. Security-relevant changes are
 * described as a diff for the log.
 */
import type { SkillManifest } from "./manifest.ts";

/** Why `next` may not replace `prev`, or undefined when it may. */
export function reloadRefusal(prev: SkillManifest, next: SkillManifest): string | undefined {
  if (prev.allowedToolsDeclared && !next.allowedToolsDeclared) return "allowedTools was removed (the declared allowlist may not be dropped on reload)";
  if (!prev.allowedTools.includes("*") && next.allowedTools.includes("*")) return 'allowedTools widened to "*"';
  const added = next.allowedTools.filter((t) => !prev.allowedTools.includes(t) && !prev.allowedTools.includes("*"));
  if (added.length) return `allowedTools widened: ${added.join(", ")}`;
  return undefined;
}

/** The security-relevant differences between two manifests, one line each. */
export function manifestDiff(prev: SkillManifest, next: SkillManifest): string[] {
  const lines: string[] = [];
  const field = (name: string, a: unknown, b: unknown) => {
    if (JSON.stringify(a) !== JSON.stringify(b)) lines.push(`${name}: ${JSON.stringify(a)} -> ${JSON.stringify(b)}`);
  };
  field("allowedTools", prev.allowedTools, next.allowedTools);
  field("permissions", prev.permissions, next.permissions);
  field("assertions", prev.assertions, next.assertions);
  field("queries", prev.queries, next.queries);
  field("maxQueries", prev.maxQueries ?? null, next.maxQueries ?? null);
  return lines;
}
