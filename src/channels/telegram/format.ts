/**
 * @module Markdown → Telegram HTML (`parse_mode: "HTML"`). Telegram accepts `<b> <i> <s> <code>
 * <pre><code class="language-x"> <a href> <blockquote>`; every other `<`, `>`, `&` must be escaped.
 * HTML is used instead of MarkdownV2 because its escaping rules are small and predictable.
 */

/** Escapes text for Telegram HTML (text nodes and attribute values). */
export function escapeHtml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

// Placeholders for already-rendered fragments; these private-use characters are stripped from input.
const OPEN = "\uE000";
const CLOSE = "\uE001";
const PLACEHOLDER = /\uE000(\d+)\uE001/g;

/** Applies bold/italic/strike to text that is already HTML-escaped. */
function inline(escaped: string): string {
  return escaped
    .replace(/\*\*(?=\S)([^\n]*?\S)\*\*/g, "<b>$1</b>")
    .replace(/(^|[^\w])__(?=\S)([^\n]*?\S)__(?!\w)/g, "$1<b>$2</b>")
    .replace(/~~(?=\S)([^\n]*?\S)~~/g, "<s>$1</s>")
    .replace(/(^|[^*\w])\*(?=[^\s*])([^*\n]*?[^\s*])\*(?![*\w])/g, "$1<i>$2</i>")
    .replace(/(^|[^\w])_(?=[^\s_])([^_\n]*?[^\s_])_(?!\w)/g, "$1<i>$2</i>");
}

/**
 * Converts Markdown to Telegram HTML: fenced code → `<pre><code>`, inline code → `<code>`,
 * `[label](url)` → `<a href>`, `**bold**`/`__bold__` → `<b>`, `*italic*`/`_italic_` → `<i>`,
 * `~~strike~~` → `<s>`, headings → bold lines, `>` quotes → `<blockquote>`, `* `/`- ` bullets → `•`.
 * Text outside tags is escaped, so the result always parses (e.g. `a < b & c` → `a &lt; b &amp; c`).
 */
export function markdownToTelegramHtml(markdown: string): string {
  const fragments: string[] = [];
  const hold = (html: string): string => `${OPEN}${fragments.push(html) - 1}${CLOSE}`;
  let text = markdown.replace(/[\uE000\uE001]/g, "").replace(/\r\n?/g, "\n");

  // Fenced code blocks (an unterminated fence runs to the end).
  text = text.replace(/(^|\n)```([\w+#.-]*)[^\n]*\n([\s\S]*?)(?:\n```[ \t]*(?=\n|$)|$)/g, (_m, lead: string, lang: string, code: string) => {
    const cls = lang ? ` class="language-${escapeHtml(lang)}"` : "";
    return `${lead}${hold(`<pre><code${cls}>${escapeHtml(code)}</code></pre>`)}`;
  });
  // Inline code.
  text = text.replace(/`([^`\n]+)`/g, (_m, code: string) => hold(`<code>${escapeHtml(code)}</code>`));
  // Links, with the label formatted and the URL kept away from the emphasis rules.
  text = text.replace(/\[([^\]\n]+)\]\(([^()\s]+(?:\([^()\s]*\))?[^()\s]*)\)/g, (_m, label: string, url: string) =>
    hold(`<a href="${escapeHtml(url)}">${inline(escapeHtml(label))}</a>`),
  );
  // Bare URLs (underscores in them are not emphasis).
  text = text.replace(/\bhttps?:\/\/[^\s<>]+/g, (url) => hold(escapeHtml(url)));

  const lines = escapeHtml(text).split("\n");
  const out: string[] = [];
  let quote: string[] = [];
  const flushQuote = () => {
    if (quote.length > 0) out.push(`<blockquote>${quote.join("\n")}</blockquote>`);
    quote = [];
  };
  for (const line of lines) {
    const q = /^&gt; ?(.*)$/.exec(line);
    if (q) {
      quote.push(inline(q[1] ?? ""));
      continue;
    }
    flushQuote();
    const heading = /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
    if (heading) {
      out.push(`<b>${inline(heading[1] ?? "")}</b>`);
      continue;
    }
    const bullet = /^(\s*)[*+-]\s+(.*)$/.exec(line);
    if (bullet) {
      out.push(`${bullet[1] ?? ""}• ${inline(bullet[2] ?? "")}`);
      continue;
    }
    out.push(inline(line));
  }
  flushQuote();
  return out.join("\n").replace(PLACEHOLDER, (_m, i: string) => fragments[Number(i)] ?? "");
}
