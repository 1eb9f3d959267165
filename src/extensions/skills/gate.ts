/**
 * @module The before_tool_call decision (extensions.md §9 hooks, §10 layers 5–9 and 17), in order: the allowlist
 * intersection of every active skill (layer 5; any tool); then, for a semantic tool: which skill is calling
 * (layer 17), its permissions (layer 6), and its rate, query and write limits (layers 7–9). With no semantic skill
 * active, nothing is restricted except that the semantic tools have no skill to act for.
 */
import type { LimitRefusal, SkillLimits } from "./limits.ts";
import type { LoadedSkill } from "./loader.ts";
import { SEMANTIC_TOOLS } from "./manifest.ts";
import { allowlistRefusal, missingPermissions } from "./permissions.ts";
import { resolveCallingSkill } from "./tracking.ts";

/** A refusal: the layer that refused and the reason the model reads. */
export interface GateRefusal {
  layer: "allowlist" | "tracking" | "permission" | LimitRefusal["layer"];
  reason: string;
}

const KIND: Record<string, "query" | "write" | "other"> = { skill_graph_query: "query", skill_memory_context: "query", skill_assert: "write" };

/** True for the six semantic tools. */
export const isSemanticTool = (tool: string) => (SEMANTIC_TOOLS as readonly string[]).includes(tool);

/**
 * Decides a tool call.
 * @returns the refusal, or undefined to let it run (a semantic call is then counted against its skill's limits)
 */
export function gateToolCall(active: ReadonlyMap<string, LoadedSkill>, limits: SkillLimits, tool: string, params: Record<string, unknown>): GateRefusal | undefined {
  const manifests = [...active.values()].map((s) => s.manifest);
  const refusing = allowlistRefusal(manifests, tool);
  if (refusing) return { layer: "allowlist", reason: `tool ${tool} is not in the allowedTools of skill "${refusing.name}"` };
  if (!isSemanticTool(tool)) return undefined;
  const who = resolveCallingSkill(params.skill, [...active.keys()]);
  if (!who.ok) return { layer: "tracking", reason: who.reason };
  const skill = active.get(who.skill)!;
  const missing = missingPermissions(skill.manifest, tool);
  if (missing.length) return { layer: "permission", reason: `skill "${who.skill}" lacks the permission ${missing.join(", ")} for ${tool}` };
  return limits.admit(who.skill, KIND[tool] ?? "other", skill.manifest.maxQueries, active.size);
}
