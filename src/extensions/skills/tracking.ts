/**
 * @module Layer 17 (per-request skill tracking), extensions.md §10. The reference guessed the calling skill (the
 * only one, else round-robin) and never set its explicit name (⚠). Here every semantic tool has a `skill`
 * parameter: it must name an active skill; it may be left out only when exactly one skill is active. A call that
 * names no skill, or one that is not active, is refused — so every check and every audit row is for a known skill.
 */

/** The calling skill, or why it is unknown. */
export type SkillResolution = { ok: true; skill: string } | { ok: false; reason: string };

/**
 * Which skill a semantic tool call acts for.
 * @param requested the call's `skill` parameter
 * @param active the names of the active skills
 */
export function resolveCallingSkill(requested: unknown, active: readonly string[]): SkillResolution {
  if (requested !== undefined && requested !== null && requested !== "") {
    if (typeof requested === "string" && active.includes(requested)) return { ok: true, skill: requested };
    return { ok: false, reason: `skill ${JSON.stringify(requested)} is not an active semantic skill (active: ${active.join(", ") || "none"})` };
  }
  if (active.length === 1) return { ok: true, skill: active[0]! };
  if (active.length === 0) return { ok: false, reason: "no semantic skill is active" };
  return { ok: false, reason: `several semantic skills are active (${active.join(", ")}): name the calling one in the "skill" parameter` };
}
