/** @module Tests of the `sessions_list` and `sessions_history` tools over a real session store. */
import { beforeEach, describe, expect, it } from "bun:test";
import { sessionsTools } from "../../../src/agent/tools/sessions-tools.ts";
import type { Tool } from "../../../src/agent/tools/registry.ts";
import { SessionStore } from "../../../src/sessions/store.ts";
import { openDatabase } from "../../../src/store/index.ts";

const T0 = 1_700_000_000_000;
let now = T0;
let store: SessionStore;
let list: Tool;
let history: Tool;
const ctx = (sessionKey = "agent:main:main") => ({ workspace: "/tmp", sessionKey, signal: new AbortController().signal });
const msg = (role: "user" | "assistant" | "toolResult", content: Array<Record<string, unknown>>) =>
  ({ type: "message" as const, message: { role, content: content as any, timestamp: now } });

beforeEach(() => {
  now = T0;
  store = new SessionStore(openDatabase(":memory:"), () => now);
  [list, history] = sessionsTools(store) as [Tool, Tool];
  store.getOrCreate("agent:main:main");
  now += 1000;
  store.getOrCreate("agent:main:telegram:dm:42", "main", { label: "Alice", channel: "telegram" });
  now += 1000;
  store.getOrCreate("agent:ops:main");
});

describe("sessions_list", () => {
  it("should list the calling agent's sessions, newest first, marking the current one", async () => {
    expect(list.group).toBe("group:sessions");
    const result = await list.execute({}, ctx());
    expect(result.isError).toBeUndefined();
    expect(JSON.parse(result.content)).toEqual([
      { key: "agent:main:telegram:dm:42", label: "Alice", channel: "telegram", updatedAt: new Date(T0 + 1000).toISOString() },
      { key: "agent:main:main", updatedAt: new Date(T0).toISOString(), current: true },
    ]);
  });

  it("should apply limit and search, and say when there is nothing", async () => {
    expect(JSON.parse((await list.execute({ limit: 1 }, ctx())).content)).toHaveLength(1);
    expect(JSON.parse((await list.execute({ search: "alice" }, ctx())).content).map((s: any) => s.key)).toEqual(["agent:main:telegram:dm:42"]);
    expect(await list.execute({ search: "nobody" }, ctx())).toEqual({ content: "no sessions" });
    expect(JSON.parse((await list.execute({}, ctx("agent:ops:main"))).content).map((s: any) => s.key)).toEqual(["agent:ops:main"]);
  });
});

describe("sessions_history", () => {
  beforeEach(() => {
    store.append("agent:main:telegram:dm:42", [
      msg("user", [{ type: "text", text: "what's the weather?" }]),
      msg("assistant", [{ type: "thinking", thinking: "hmm" }, { type: "tool_use", id: "t1", name: "web_fetch", input: { url: "https://x.invalid" } }]),
      msg("toolResult", [{ type: "tool_result", toolUseId: "t1", content: "sunny", isError: false }]),
      msg("assistant", [{ type: "text", text: "Sunny." }]),
    ]);
  });

  it("should show the messages as text lines, oldest first, without tools by default", async () => {
    const result = await history.execute({ sessionKey: "agent:main:telegram:dm:42" }, ctx());
    const when = new Date(now).toISOString();
    expect(result).toEqual({ content: `[${when}] user: what's the weather?\n[${when}] assistant: Sunny.` });
  });

  it("should include tool calls and results when asked", async () => {
    const result = await history.execute({ sessionKey: "agent:main:telegram:dm:42", includeTools: true }, ctx());
    expect(result.content).toContain('assistant: [tool call web_fetch: {"url":"https://x.invalid"}]');
    expect(result.content).toContain("tool: [tool result: sunny]");
  });

  it("should honour limit", async () => {
    const result = await history.execute({ sessionKey: "agent:main:telegram:dm:42", limit: 1 }, ctx());
    expect(result.content).toEndWith("assistant: Sunny.");
    expect(result.content.split("\n")).toHaveLength(1);
  });

  it("should refuse unknown sessions and other agents' sessions", async () => {
    expect(await history.execute({ sessionKey: "agent:main:nope" }, ctx())).toEqual({ content: "no such session: agent:main:nope", isError: true });
    expect(await history.execute({ sessionKey: "agent:ops:main" }, ctx())).toEqual({ content: "no such session: agent:ops:main", isError: true });
    expect(await history.execute({}, ctx())).toEqual({ content: "sessionKey is required", isError: true });
    expect(await history.execute({ sessionKey: "agent:main:main" }, ctx())).toEqual({ content: "session agent:main:main has no messages" });
  });

  it("should clip long messages and keep the newest entries within the size cap", async () => {
    const long = "z".repeat(10_000);
    store.append("agent:main:main", Array.from({ length: 15 }, (_, i) => msg("user", [{ type: "text", text: `${i}:${long}` }])));
    const result = await history.execute({ sessionKey: "agent:main:main", limit: 100 }, ctx());
    expect(result.content.length).toBeLessThanOrEqual(41_000);
    expect(result.content).toMatch(/^\[\d+ older entries left out\]\n/);
    expect(result.content).toContain("14:zzz");
    expect(result.content).toContain("more characters]");
  });
});
