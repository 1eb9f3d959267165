/**
 * @module Markdown for model replies, parsed into a tree (fenced code, headings, lists, quotes,
 * paragraphs; inline code, bold, italic, links). HTML in the input stays literal text; links keep
 * only http(s) and mailto targets. No DOM here (markdown-dom.ts renders), so Bun tests run it.
 */

/** An inline piece. */
export type Inline =
  | { type: "text"; text: string }
  | { type: "code"; text: string }
  | { type: "strong" | "em"; children: Inline[] }
  | { type: "link"; href: string; children: Inline[] }
  | { type: "br" };

/** A block. */
export type Block =
  | { type: "code"; lang: string; text: string }
  | { type: "heading"; level: number; inlines: Inline[] }
  | { type: "list"; ordered: boolean; items: Inline[][] }
  | { type: "quote"; inlines: Inline[] }
  | { type: "paragraph"; inlines: Inline[] };

const FENCE = /^\s*(```|~~~)\s*([\w+-]*)\s*$/;
const HEADING = /^(#{1,6})\s+(.*)$/;
const BULLET = /^\s*[-*+]\s+(.*)$/;
const NUMBERED = /^\s*\d{1,9}[.)]\s+(.*)$/;
const QUOTE = /^\s*>\s?(.*)$/;
const SAFE_HREF = /^(https?:\/\/|mailto:)/i;
const INLINE = /(`+)([^`]|[^`][\s\S]*?[^`])\1(?!`)|\*\*(?=\S)([\s\S]*?\S)\*\*|\*(?=[^\s*])([\s\S]*?[^\s*])\*|(?<![\w])_(?=[^\s_])([\s\S]*?[^\s_])_(?![\w])|\[([^\]\n]+)\]\(([^)\s]+)\)/g;

/** Parses inline markdown. */
export function parseInline(text: string): Inline[] {
  const out: Inline[] = [];
  const pushText = (t: string) => {
    t.split("\n").forEach((part, i) => {
      if (i > 0) out.push({ type: "br" });
      const last = out.at(-1);
      if (!part) return;
      if (last?.type === "text") last.text += part;
      else out.push({ type: "text", text: part });
    });
  };
  let last = 0;
  for (const m of text.matchAll(INLINE)) {
    pushText(text.slice(last, m.index));
    last = m.index + m[0].length;
    if (m[1] !== undefined) out.push({ type: "code", text: m[2]!.replace(/^ (.*) $/s, "$1") });
    else if (m[3] !== undefined) out.push({ type: "strong", children: parseInline(m[3]) });
    else if (m[4] !== undefined) out.push({ type: "em", children: parseInline(m[4]) });
    else if (m[5] !== undefined) out.push({ type: "em", children: parseInline(m[5]) });
    else if (SAFE_HREF.test(m[7]!)) out.push({ type: "link", href: m[7]!, children: parseInline(m[6]!) });
    else pushText(m[0]);
  }
  pushText(text.slice(last));
  return out;
}

/** Parses a markdown document into blocks. An unclosed fence (a reply still streaming) runs to the end. */
export function parseMarkdown(source: string): Block[] {
  const lines = source.replace(/\r\n?/g, "\n").split("\n");
  const blocks: Block[] = [];
  let para: string[] = [];
  const flush = () => {
    if (para.length) blocks.push({ type: "paragraph", inlines: parseInline(para.join("\n")) });
    para = [];
  };
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const fence = line.match(FENCE);
    if (fence) {
      flush();
      const body: string[] = [];
      while (++i < lines.length && !lines[i]!.trim().startsWith(fence[1]!)) body.push(lines[i]!);
      blocks.push({ type: "code", lang: fence[2] ?? "", text: body.join("\n") });
      continue;
    }
    if (!line.trim()) { flush(); continue; }
    const heading = line.match(HEADING);
    if (heading) { flush(); blocks.push({ type: "heading", level: heading[1]!.length, inlines: parseInline(heading[2]!) }); continue; }
    const item = line.match(BULLET) ?? line.match(NUMBERED);
    if (item) {
      flush();
      const ordered = !BULLET.test(line);
      const prev = blocks.at(-1);
      if (prev?.type === "list" && prev.ordered === ordered) prev.items.push(parseInline(item[1]!));
      else blocks.push({ type: "list", ordered, items: [parseInline(item[1]!)] });
      continue;
    }
    const quote = line.match(QUOTE);
    if (quote) {
      flush();
      const prev = blocks.at(-1);
      if (prev?.type === "quote") prev.inlines.push({ type: "br" }, ...parseInline(quote[1]!));
      else blocks.push({ type: "quote", inlines: parseInline(quote[1]!) });
      continue;
    }
    para.push(line);
  }
  flush();
  return blocks;
}
