/**
 * @module Markdown → Slack mrkdwn: `**b**`→`*b*`, `*i*`→`_i_`, `~~s~~`→`~s~`, `[t](u)`→`<u|t>`,
 * headings → bold lines, bullets → `•`, and `&`, `<`, `>` escaped everywhere except in Slack's own
 * tokens (`<@U…>`, `<#C…>`, `<!here>`, `<url>`) and the `>` that opens a block quote.
 */

/** Marks a protected segment (code, link, Slack token) while the rest is rewritten. */
const HOLD = "\uE000";
/** Stands for a bold `*` until italics have been rewritten. */
const BOLD = "\uE001";

/** Escapes the three characters Slack reserves for control sequences. */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/**
 * Converts Markdown to Slack mrkdwn.
 * @param markdown Markdown as written by the agent.
 * @returns Text for `chat.postMessage`'s `text` field.
 */
export function markdownToMrkdwn(markdown: string): string {
  const held: string[] = [];
  const hold = (s: string) => `${HOLD}${held.push(s) - 1}${HOLD}`;
  let text = markdown
    // Fenced code: no language tag in Slack, content escaped but otherwise untouched.
    .replace(/```[^\n`]*\n?([\s\S]*?)```/g, (_m, code: string) => hold("```\n" + escapeMrkdwn(code.replace(/\n$/, "")) + "\n```"))
    .replace(/`([^`\n]+)`/g, (_m, code: string) => hold("`" + escapeMrkdwn(code) + "`"))
    // Slack's own tokens and autolinks pass through verbatim.
    .replace(/<(?:[@#!][^<>\s]+|(?:https?|mailto):[^<>\s]+)>/g, (m) => hold(m))
    // Images and links.
    .replace(/!?\[([^\]\n]*)\]\(([^()\s]+(?:\([^()\s]*\)[^()\s]*)*)\)/g, (_m, label: string, url: string) =>
      hold(label ? `<${url}|${escapeMrkdwn(label.replace(/\|/g, "¦"))}>` : `<${url}>`),
    );
  text = text
    .split("\n")
    .map((line) => {
      const quote = /^(\s*>+ ?)/.exec(line)?.[1] ?? "";
      let rest = escapeMrkdwn(line.slice(quote.length));
      const heading = /^#{1,6}\s+(.+?)\s*#*\s*$/.exec(rest);
      if (heading) rest = `${BOLD}${heading[1]}${BOLD}`;
      rest = rest.replace(/^(\s*)[-*+]\s+/, "$1• ");
      return quote.replace(/\s+$/, " ").replace(/^\s+/, "") + rest;
    })
    .join("\n")
    .replace(/\*\*(?=\S)([^\n]+?)(?<=\S)\*\*/g, `${BOLD}$1${BOLD}`)
    .replace(/(^|[^\w])__(?=\S)([^\n]+?)(?<=\S)__(?!\w)/g, `$1${BOLD}$2${BOLD}`)
    .replace(/(^|[^\w*])\*(?=[^\s*])([^\n*]*?)(?<=[^\s*])\*(?![\w*])/g, "$1_$2_")
    .replace(/~~(?=\S)([^\n]+?)(?<=\S)~~/g, "~$1~")
    .replace(new RegExp(BOLD, "g"), "*");
  return text.replace(new RegExp(`${HOLD}(\\d+)${HOLD}`, "g"), (_m, i: string) => held[Number(i)] ?? "");
}
