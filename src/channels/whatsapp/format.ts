/**
 * @module Markdown → WhatsApp's own markup (channels.md §4): `*bold*`, `_italic_`, `~strike~`, inline and
 * fenced monospace kept; headings become bold lines, links `label (url)`, bullets `•`, pipe tables bullets.
 */

/** Converts Markdown to WhatsApp text. Code (fenced or inline) is left as is. */
export function markdownToWhatsApp(markdown: string): string {
  const parts = markdown.split(/(```[^\n]*\n[\s\S]*?```)/);
  return parts
    .map((part) => (part.startsWith("```") ? part.replace(/^```[^\n]*\n/, "```\n") : outsideFences(part)))
    .join("")
    .replace(/\n{3,}/g, "\n\n")
    .trim();
}

function outsideFences(text: string): string {
  // Inline code spans are kept verbatim: cut them out, convert the rest, put them back.
  const codes: string[] = [];
  const held = text.replace(/`[^`\n]+`/g, (m) => `\u0000${codes.push(m) - 1}\u0000`);
  return tablesToBullets(held)
    .replace(/!\[([^\]]*)\]\(([^)\s]+)[^)]*\)/g, (_m, alt: string, url: string) => (alt ? `${alt} (${url})` : url))
    .replace(/\[([^\]]+)\]\(([^)\s]+)[^)]*\)/g, (_m, label: string, url: string) => (label === url ? url : `${label} (${url})`))
    .replace(/^#{1,6}[ \t]+(.+?)[ \t]*#*$/gm, "**$1**")
    .replace(/^\s*>\s?/gm, "> ")
    .replace(/^(\s*)[-+]\s+/gm, "$1• ")
    .replace(/^(\s*)\*\s+/gm, "$1• ")
    .replace(/(^|[^\w*])\*(?=\S)([^*\n]*?\S)\*(?!\w)/g, "$1_$2_")
    .replace(/(\*\*|__)(?=\S)([\s\S]*?\S)\1/g, "*$2*")
    .replace(/~~(?=\S)([\s\S]*?\S)~~/g, "~$1~")
    .replace(/\u0000(\d+)\u0000/g, (_m, i: string) => codes[Number(i)] ?? "");
}

const TABLE_SEPARATOR = /^\s*\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?\s*$/;
const cells = (row: string) => row.trim().replace(/^\||\|$/g, "").split("|").map((c) => c.trim());

/** A pipe table becomes one bullet per row: `• Header: value, Header: value`. */
function tablesToBullets(text: string): string {
  const lines = text.split("\n");
  const out: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? "";
    if (line.includes("|") && TABLE_SEPARATOR.test(lines[i + 1] ?? "")) {
      const header = cells(line);
      i += 2;
      for (; i < lines.length && (lines[i] ?? "").includes("|"); i++) {
        const row = cells(lines[i] ?? "");
        out.push(`• ${row.map((c, j) => (header[j] ? `${header[j]}: ${c}` : c)).join(", ")}`);
      }
      i -= 1;
      continue;
    }
    out.push(line);
  }
  return out.join("\n");
}
