import { describe, expect, it } from "bun:test";
import { markdownToMrkdwn } from "../../../src/channels/slack/mrkdwn.ts";

describe("markdownToMrkdwn", () => {
  it("should convert bold, italic, strike and links", () => {
    expect(markdownToMrkdwn("**b** and *i* and _j_ and ~~s~~ [t](https://x.io/a?b=1&c=2)")).toBe(
      "*b* and _i_ and _j_ and ~s~ <https://x.io/a?b=1&c=2|t>",
    );
  });

  it("should escape &, < and > outside Slack tokens", () => {
    expect(markdownToMrkdwn("a < b && c > d <@U123> <#C1|gen> <!here> <https://x.io>")).toBe(
      "a &lt; b &amp;&amp; c &gt; d <@U123> <#C1|gen> <!here> <https://x.io>",
    );
  });

  it("should keep code verbatim apart from escaping", () => {
    expect(markdownToMrkdwn("use `**x** < y`\n```ts\nconst a = b && c;\n```")).toBe(
      "use `**x** &lt; y`\n```\nconst a = b &amp;&amp; c;\n```",
    );
  });

  it("should turn headings into bold lines, bullets into • and keep quotes", () => {
    expect(markdownToMrkdwn("# Title\n- one\n* two\n> quoted **b**")).toBe("*Title*\n• one\n• two\n> quoted *b*");
  });
});
