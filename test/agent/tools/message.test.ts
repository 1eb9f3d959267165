/** @module Tests of the `message` tool while no channel exists. */
import { describe, expect, it } from "bun:test";
import { messageTool } from "../../../src/agent/tools/message.ts";

const ctx = { workspace: "/tmp", sessionKey: "agent:main:main", signal: new AbortController().signal };

describe("message tool", () => {
  it("should be the messaging group's message tool", () => {
    const tool = messageTool();
    expect(tool.name).toBe("message");
    expect(tool.group).toBe("group:messaging");
    expect(tool.inputSchema).toMatchObject({ required: ["channel"] });
  });

  it("should answer every action with channel not configured", async () => {
    const tool = messageTool();
    expect(await tool.execute({ channel: "telegram", to: "42", text: "hi" }, ctx)).toEqual({ content: "channel not configured: telegram", isError: true });
    expect(await tool.execute({ action: "poll", channel: " discord " }, ctx)).toEqual({ content: "channel not configured: discord", isError: true });
    expect(await tool.execute({}, ctx)).toEqual({ content: "channel not configured: (none)", isError: true });
  });

  it("should refuse an unknown action", async () => {
    expect(await messageTool().execute({ action: "delete", channel: "slack" }, ctx)).toEqual({ content: "unknown action: delete", isError: true });
  });
});
