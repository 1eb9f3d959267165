/** The WebChat markdown parser: structure, and model output with HTML or script links kept as text. */
import { describe, expect, it } from "bun:test";
import { parseInline, parseMarkdown } from "../../assets/ui/lib/markdown.ts";

describe("parseMarkdown", () => {
  it("should keep HTML as text", () => {
    expect(parseMarkdown('<img src=x onerror="alert(1)"> hi')).toEqual([
      { type: "paragraph", inlines: [{ type: "text", text: '<img src=x onerror="alert(1)"> hi' }] },
    ]);
  });

  it("should keep only http(s) and mailto links and leave others as text", () => {
    expect(parseInline("[a](http://127.0.0.1/p) [b](javascript:alert(1)) [c](mailto:me@x.example)")).toEqual([
      { type: "link", href: "http://127.0.0.1/p", children: [{ type: "text", text: "a" }] },
      { type: "text", text: " [b](javascript:alert(1)) " },
      { type: "link", href: "mailto:me@x.example", children: [{ type: "text", text: "c" }] },
    ]);
  });

  it("should parse code, emphasis and snake_case without false italics", () => {
    expect(parseInline("**bold** *it* `a*b` snake_case_name _em_")).toEqual([
      { type: "strong", children: [{ type: "text", text: "bold" }] },
      { type: "text", text: " " },
      { type: "em", children: [{ type: "text", text: "it" }] },
      { type: "text", text: " " },
      { type: "code", text: "a*b" },
      { type: "text", text: " snake_case_name " },
      { type: "em", children: [{ type: "text", text: "em" }] },
    ]);
  });

  it("should parse blocks: headings, lists, quotes, fenced code (an unclosed fence runs to the end)", () => {
    expect(parseMarkdown("# Title\n\n- one\n- two\n1. first\n> quoted\n\n```ts\nconst a = '<b>';\n")).toEqual([
      { type: "heading", level: 1, inlines: [{ type: "text", text: "Title" }] },
      { type: "list", ordered: false, items: [[{ type: "text", text: "one" }], [{ type: "text", text: "two" }]] },
      { type: "list", ordered: true, items: [[{ type: "text", text: "first" }]] },
      { type: "quote", inlines: [{ type: "text", text: "quoted" }] },
      { type: "code", lang: "ts", text: "const a = '<b>';\n" },
    ]);
    expect(parseMarkdown("line one\nline two")).toEqual([
      { type: "paragraph", inlines: [{ type: "text", text: "line one" }, { type: "br" }, { type: "text", text: "line two" }] },
    ]);
  });
});
