/**
 * @module The enrichment sanitizer (extensions.md §10, layer 2): whatever a skill's `onQuery` returns is data, never
 * instructions. Every string (keys too) is folded (confusables.ts), prompt-injection phrases are redacted, strings
 * are capped at 512 chars, nesting at depth 4 and arrays at 50 items; the result is escaped so it cannot close or
 * open a tag and wrapped in `<skill-enrichment type="data">…</skill-enrichment>`, at most 4096 chars in all.
 */
import { foldConfusables } from "./confusables.ts";

/** Limits of layer 2. */
export const ENRICHMENT_LIMITS = { maxStringChars: 512, maxDepth: 4, maxArrayItems: 50, maxOutputChars: 4096 } as const;

/** What replaces a prompt-injection phrase. */
export const REDACTED = "[redacted]";

const SEP = String.raw`[\s_\-.*]+`;
/** Words separated by whitespace or punctuation; a word written `(?:…)?` is optional along with its separator. */
const w = (...words: string[]): string =>
  String.raw`\b` + words.map((word, i) => (i === words.length - 1 ? word : word.endsWith(")?") ? `(?:${word.slice(0, -1)}${SEP})?` : `${word}${SEP}`)).join("");

/** The 11 prompt-injection patterns (run on folded text, case-insensitive). */
export const INJECTION_PATTERNS: readonly RegExp[] = [
  w("ignore", "(?:all|any|the|your)?", "(?:previous|prior|above|earlier|preceding)", "(?:instructions?|prompts?|rules|messages|context)"),
  w("disregard", "(?:all|any|the|your)?", "(?:previous|prior|above|earlier|preceding|your)", "(?:instructions?|prompts?|rules|guidelines)"),
  w("forget", "(?:everything|all|your|previous|prior)", "(?:instructions?|rules|you\\s+were\\s+told|above)"),
  w("you", "are", "now") + String.raw`\b`,
  w("system", "(?:prompt|message|instructions?)"),
  w("(?:new|updated|revised)", "instructions?") + String.raw`\s*:?`,
  String.raw`\b(?:act|behave)${SEP}as${SEP}(?:an?|the|if)\b|\bpretend${SEP}(?:to${SEP}be|you${SEP}are)\b`,
  String.raw`<\|?\s*(?:im_start|im_end|endoftext|system|assistant)\s*\|?>|\[/?INST\]|<</?SYS>>|^#{2,}\s*(?:system|instruction)`,
  w("override", "(?:your|the|all|any)?", "(?:safety|security|rules|instructions?|guidelines|restrictions)"),
  String.raw`\bjailbreak|\b(?:DAN|developer|god)${SEP}mode\b`,
  w("(?:reveal|print|leak|repeat|output)", "(?:your|the)", "(?:system|hidden|secret|initial)", "(?:prompt|instructions?|keys?)"),
].map((source) => new RegExp(source, "gim"));

/** Folds one string, redacts injection phrases and caps its length. */
export function cleanText(text: string): string {
  let out = foldConfusables(text);
  for (const pattern of INJECTION_PATTERNS) out = out.replace(pattern, REDACTED);
  return out.length > ENRICHMENT_LIMITS.maxStringChars ? `${out.slice(0, ENRICHMENT_LIMITS.maxStringChars)}…` : out;
}

function clean(value: unknown, depth: number): unknown {
  if (typeof value === "string") return cleanText(value);
  if (value === null || typeof value === "number" || typeof value === "boolean") return value;
  if (typeof value === "bigint") return value.toString();
  if (typeof value !== "object") return null;
  if (depth >= ENRICHMENT_LIMITS.maxDepth) return "[depth limit]";
  if (Array.isArray(value)) {
    const items = value.slice(0, ENRICHMENT_LIMITS.maxArrayItems).map((v) => clean(v, depth + 1));
    return value.length > ENRICHMENT_LIMITS.maxArrayItems ? [...items, `[${value.length - items.length} more]`] : items;
  }
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value).slice(0, ENRICHMENT_LIMITS.maxArrayItems)) out[cleanText(key)] = clean(v, depth + 1);
  return out;
}

/** Escapes `&`, `<` and `>` so content can neither close the wrapper nor open a tag of its own. */
function escapeMarkup(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

const OPEN = '<skill-enrichment type="data">';
const CLOSE = "</skill-enrichment>";

/** A skill's enrichment output as sanitized text wrapped in `<skill-enrichment type="data">` (≤ 4096 chars). */
export function sanitizeEnrichment(value: unknown): string {
  const cleaned = clean(value, 0);
  const text = typeof cleaned === "string" ? cleaned : (JSON.stringify(cleaned) ?? "");
  const room = ENRICHMENT_LIMITS.maxOutputChars - OPEN.length - CLOSE.length;
  let body = escapeMarkup(text);
  if (body.length > room) body = body.slice(0, room - 1).replace(/&[a-z]*$/, "") + "…";
  return `${OPEN}${body}${CLOSE}`;
}
