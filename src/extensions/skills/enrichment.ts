/**
 * @module A skill's `onQuery` enrichment for `skill_graph_query`: raced against 2 s (layer 10, enrichment timeout)
 * and passed through the sanitizer (layer 2). A late, failing or absent enrichment yields no text — the query's
 * own results still answer.
 */
import type { LoadedSkill } from "./loader.ts";

/** The enrichment deadline (layer 10). */
export const ENRICHMENT_TIMEOUT_MS = 2000;

/** The outcome: sanitized text, or why there is none (an error led by the sandbox error's kind, when it has one). */
export type Enrichment = { text: string } | { text?: undefined; skipped: "none" | "timeout" | "error"; error?: string };

/**
 * Runs the skill's onQuery with `ctx`.
 * @param sanitize the layer-2 sanitizer
 */
export async function enrich(skill: LoadedSkill, ctx: unknown, sanitize: (v: unknown) => string, timeoutMs = ENRICHMENT_TIMEOUT_MS): Promise<Enrichment> {
  if (!skill.code) return { skipped: "none" };
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<"timeout">((resolve) => (timer = setTimeout(() => resolve("timeout"), timeoutMs)));
  try {
    const out = await Promise.race([skill.code.query(ctx), late]);
    if (out === "timeout") return { skipped: "timeout" };
    return { text: sanitize(out.additionalContext !== undefined ? { results: out.results, additionalContext: out.additionalContext } : out.results) };
  } catch (err) {
    const kind = (err as { kind?: unknown }).kind;
    return { skipped: "error", error: `${typeof kind === "string" ? `${kind}: ` : ""}${(err as Error).message}` };
  } finally {
    clearTimeout(timer);
  }
}
