/** @module Markdown → plain text for Signal. */
import { describe, expect, it } from "bun:test";
import { markdownToPlain } from "../../../src/channels/plain.ts";

describe("markdownToPlain", () => {
  it("should drop emphasis, strike, headings and inline code markers", () => {
    expect(markdownToPlain("## Hi\n**bold** _it_ *em* ~~gone~~ `x = 1`")).toBe("Hi\nbold it em gone x = 1");
  });

  it("should keep code block contents and render links and bullets readably", () => {
    expect(markdownToPlain("```ts\nconst a = 1;\n```\n* [site](https://a.test)\n> quoted")).toBe("const a = 1;\n• site (https://a.test)\nquoted");
  });

  it("should leave snake_case and lone asterisks alone", () => {
    expect(markdownToPlain("use snake_case_name and 2 * 3")).toBe("use snake_case_name and 2 * 3");
  });
});
