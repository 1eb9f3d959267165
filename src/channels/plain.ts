/**
 * @module Markdown → plain text for channels without markup (Signal, iMessage): emphasis, strike, headings and code
 * markers are dropped (their text kept), links become `text (url)`, list bullets become `•`.
 */

/** Strips Markdown to readable plain text. */
export function markdownToPlain(markdown: string): string {
  const parts = markdown.split(/```[^\n]*\n?/);
  return parts
    .map((part, i) => (i % 2 === 1 ? part : inline(part)))
    .join("")
    .replace(/\n{3,}/g, "\n\n")
    .trim();
}

function inline(text: string): string {
  return text
    .replace(/`([^`\n]+)`/g, "$1")
    .replace(/!\[([^\]]*)\]\(([^)\s]+)[^)]*\)/g, (_m, alt: string, url: string) => (alt ? `${alt} (${url})` : url))
    .replace(/\[([^\]]+)\]\(([^)\s]+)[^)]*\)/g, (_m, label: string, url: string) => (label === url ? url : `${label} (${url})`))
    .replace(/^#{1,6}\s+/gm, "")
    .replace(/^\s*>\s?/gm, "")
    .replace(/^(\s*)[-*+]\s+/gm, "$1• ")
    .replace(/^\s*([-*_])(\s*\1){2,}\s*$/gm, "")
    .replace(/(\*\*|__)(?=\S)([\s\S]*?\S)\1/g, "$2")
    .replace(/(^|[^\w*])\*(?=\S)([^*\n]*?\S)\*(?!\w)/g, "$1$2")
    .replace(/(^|[^\w_])_(?=\S)([^_\n]*?\S)_(?!\w)/g, "$1$2")
    .replace(/~~(?=\S)([\s\S]*?\S)~~/g, "$1");
}
