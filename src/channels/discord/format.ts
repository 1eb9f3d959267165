/**
 * @module Markdown → Discord markdown: Discord renders CommonMark-ish markdown itself, so text passes
 * through; mass mentions are neutralized and pipe tables (which Discord does not render) become code blocks.
 */

/** Zero-width joiner placed after `@` so `@everyone`/`@here` no longer ping. */
export const ZWJ = "\u200d";

const MASS_MENTION = /@(everyone|here)\b/g;
const TABLE_SEPARATOR = /^\s*\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?\s*$/;

/** Neutralizes `@everyone` and `@here` with a zero-width joiner (`@\u200deveryone`). */
export function escapeMassMentions(text: string): string {
  return text.replace(MASS_MENTION, `@${ZWJ}$1`);
}

/** Wraps Markdown pipe tables (header row + `---` separator) in fenced code blocks, outside existing fences. */
export function fenceTables(markdown: string): string {
  const lines = markdown.split("\n");
  const out: string[] = [];
  let inFence = false;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? "";
    if (/^\s*(```|~~~)/.test(line)) inFence = !inFence;
    const next = lines[i + 1];
    if (!inFence && line.includes("|") && next !== undefined && TABLE_SEPARATOR.test(next) && next.includes("-")) {
      let end = i + 2;
      while (end < lines.length && (lines[end] ?? "").includes("|") && (lines[end] ?? "").trim() !== "") end++;
      out.push("```", ...lines.slice(i, end), "```");
      i = end - 1;
      continue;
    }
    out.push(line);
  }
  return out.join("\n");
}

/** Converts Markdown to what Discord renders: tables fenced, mass mentions escaped, the rest unchanged. */
export function formatDiscord(markdown: string): string {
  return escapeMassMentions(fenceTables(markdown));
}
