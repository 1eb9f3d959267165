/**
 * @module Renders parsed markdown (markdown.ts) into DOM nodes: every text is a text node, links
 * open in a new tab without referrer or opener.
 */
import { parseMarkdown, type Inline } from "./markdown.ts";

function renderInlines(parent: Node, inlines: Inline[]): void {
  for (const node of inlines) {
    let el: Node;
    switch (node.type) {
      case "text": el = document.createTextNode(node.text); break;
      case "br": el = document.createElement("br"); break;
      case "code": el = document.createElement("code"); el.textContent = node.text; break;
      case "strong":
      case "em": el = document.createElement(node.type); renderInlines(el, node.children); break;
      case "link": {
        const a = document.createElement("a");
        a.href = node.href;
        a.target = "_blank";
        a.rel = "noopener noreferrer nofollow";
        renderInlines(a, node.children);
        el = a;
        break;
      }
    }
    parent.appendChild(el);
  }
}

/** Renders markdown into a fragment of DOM nodes (text only ever as text nodes). */
export function renderMarkdown(source: string): DocumentFragment {
  const frag = document.createDocumentFragment();
  for (const block of parseMarkdown(source)) {
    let el: HTMLElement;
    switch (block.type) {
      case "code": {
        el = document.createElement("pre");
        const code = document.createElement("code");
        if (block.lang) code.dataset.lang = block.lang;
        code.textContent = block.text;
        el.appendChild(code);
        break;
      }
      case "heading": el = document.createElement(`h${Math.min(6, block.level + 2)}`); renderInlines(el, block.inlines); break;
      case "list":
        el = document.createElement(block.ordered ? "ol" : "ul");
        for (const item of block.items) {
          const li = document.createElement("li");
          renderInlines(li, item);
          el.appendChild(li);
        }
        break;
      case "quote": el = document.createElement("blockquote"); renderInlines(el, block.inlines); break;
      case "paragraph": el = document.createElement("p"); renderInlines(el, block.inlines); break;
    }
    frag.appendChild(el);
  }
  return frag;
}
