/**
 * @module Layer 5 (tool allowlist) and layer 6 (permission resolver), extensions.md §10. A tool runs only if every
 * active skill's allowlist permits it (the intersection; `["*"]` permits all); with no skill active nothing is
 * restricted. A semantic tool further needs its permissions in the manifest of the skill calling it.
 */
import type { SkillManifest, SkillPermissions } from "./manifest.ts";

/** One required permission, as `area:value`. */
export type Permission = `graph:${SkillPermissions["graph"][number]}` | `proofs:${SkillPermissions["proofs"][number]}` | `memory:${SkillPermissions["memory"][number]}`;

/** What each semantic tool needs (§9's table). */
export const TOOL_PERMISSIONS: Readonly<Record<string, readonly Permission[]>> = {
  skill_graph_query: ["graph:read"],
  skill_assert: ["graph:write"],
  skill_verify_assertion: ["graph:read", "proofs:verify"],
  skill_request_zk_proof: ["proofs:request"],
  skill_verify_zk_proof: ["proofs:verify"],
  skill_memory_context: ["memory:recall"],
};

/** True when `manifest`'s allowlist lets `tool` run. */
export function allowsTool(manifest: Pick<SkillManifest, "allowedTools">, tool: string): boolean {
  return manifest.allowedTools.includes("*") || manifest.allowedTools.includes(tool);
}

/** The first active skill whose allowlist refuses `tool`, or undefined when every one permits it. */
export function allowlistRefusal(active: readonly SkillManifest[], tool: string): SkillManifest | undefined {
  return active.find((m) => !allowsTool(m, tool));
}

/** Whether `manifest` grants `permission`. */
export function hasPermission(manifest: Pick<SkillManifest, "permissions">, permission: Permission): boolean {
  const [area, value] = permission.split(":") as [keyof SkillPermissions, string];
  return (manifest.permissions[area] as string[]).includes(value);
}

/** The permissions `tool` needs that `manifest` lacks (empty for a non-semantic tool or when all are granted). */
export function missingPermissions(manifest: Pick<SkillManifest, "permissions">, tool: string): Permission[] {
  return (TOOL_PERMISSIONS[tool] ?? []).filter((p) => !hasPermission(manifest, p));
}
