import { describe, expect, it } from "bun:test";
import { escapeHtml, markdownToTelegramHtml as fmt } from "../../../src/channels/telegram/index.ts";

describe("markdownToTelegramHtml", () => {
  it("should escape <, > and & outside tags", () => {
    expect(fmt("a < b & c > d")).toBe("a &lt; b &amp; c &gt; d");
    expect(escapeHtml('<a href="x">')).toBe("&lt;a href=&quot;x&quot;&gt;");
  });

  it("should convert bold, italic, strike and inline code", () => {
    expect(fmt("**b** *i* _j_ ~~s~~ `x < y`")).toBe("<b>b</b> <i>i</i> <i>j</i> <s>s</s> <code>x &lt; y</code>");
  });

  it("should leave snake_case and lone asterisks alone", () => {
    expect(fmt("use snake_case_names and 2 * 3 * 4")).toBe("use snake_case_names and 2 * 3 * 4");
  });

  it("should convert fenced code blocks with their language and escape their content", () => {
    expect(fmt("see:\n```ts\nif (a < b && **c**) {}\n```\ndone")).toBe(
      'see:\n<pre><code class="language-ts">if (a &lt; b &amp;&amp; **c**) {}</code></pre>\ndone',
    );
  });

  it("should convert links and keep underscores in URLs", () => {
    expect(fmt("[the **docs**](https://x.dev/a_b_c?q=1&r=2) and https://y.dev/d_e_f")).toBe(
      '<a href="https://x.dev/a_b_c?q=1&amp;r=2">the <b>docs</b></a> and https://y.dev/d_e_f',
    );
  });

  it("should turn headings into bold lines, bullets into dots and quotes into blockquotes", () => {
    expect(fmt("# Title\n- one\n* two\n> quoted <x>\n> more")).toBe("<b>Title</b>\n• one\n• two\n<blockquote>quoted &lt;x&gt;\nmore</blockquote>");
  });
});
