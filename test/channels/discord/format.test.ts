/** @module Discord markdown formatting and mention helpers. */
import { describe, expect, it } from "bun:test";
import { createDiscordAdapter } from "../../../src/channels/discord/index.ts";
import { fenceTables } from "../../../src/channels/discord/format.ts";
import { stripBotMention } from "../../../src/channels/discord/normalize.ts";

const adapter = createDiscordAdapter({ token: "t" });

describe("discord format", () => {
  it("should neutralize @everyone and @here with a zero-width joiner", () => {
    expect(adapter.format("hey @everyone and @here!")).toBe("hey @\u200deveryone and @\u200dhere!");
  });

  it("should keep Discord markdown and user mentions unchanged", () => {
    const md = "**bold** _it_ `code` ~~s~~ <@123> [link](https://x.y)\n```ts\nconst a = 1;\n```";
    expect(adapter.format(md)).toBe(md);
  });

  it("should fence pipe tables but not tables already inside a code block", () => {
    expect(fenceTables("before\n| a | b |\n|---|---|\n| 1 | 2 |\nafter")).toBe("before\n```\n| a | b |\n|---|---|\n| 1 | 2 |\n```\nafter");
    const fenced = "```\n| a | b |\n|---|---|\n```";
    expect(fenceTables(fenced)).toBe(fenced);
  });
});

describe("discord adapter factory", () => {
  it("should expose channel, account and the 2000-char limit without doing I/O", () => {
    expect(adapter).toMatchObject({ channel: "discord", accountId: "default", textLimit: 2000 });
    expect(adapter.status().state).toBe("stopped");
  });

  it("should reject a missing token naming the config path", () => {
    expect(() => createDiscordAdapter({ token: " " })).toThrow("channels.discord.token: expected a non-empty string");
  });

  it("should strip only the bot's own mention", () => {
    expect(stripBotMention("<@!42> hi <@7>", "42")).toBe("hi <@7>");
  });
});
