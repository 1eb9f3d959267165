/**
 * Session resets on inbound messages over the WebSocket API against a real gateway and the
 * loopback Anthropic fake: `/new` and `/reset` prefixes on `chat.send` and `agent` (also while a
 * run streams), and the lazy idle (`session.reset.idleMinutes`) and daily (`session.reset.atHour`)
 * resets, made stale by moving the session's `updatedAt` back through the gateway's SessionStore.
 */
import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { NEW_SESSION_PROMPT } from "../../src/sessions/reset-policy.ts";
import {
  chatEvents, lastUserText, nextAssistant, startAgentHarness, startAgentRun, textOf, type AgentHarness,
} from "../helpers/agent.ts";
import type { Frame, TestSocket } from "../helpers/ws-client.ts";

const STAMP = String.raw`\[(Mon|Tue|Wed|Thu|Fri|Sat|Sun) \d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC\] `;
const stamped = (text: string) => new RegExp(`^${STAMP}${text}$`);
const MIN = 60_000;

/** A harness, its admin socket and helpers over them. */
function suite(config: Record<string, unknown> = {}) {
  const t = {} as { h: AgentHarness; sock: TestSocket };
  beforeAll(async () => {
    t.h = await startAgentHarness("anthropic", config);
    t.sock = await t.h.connect();
  });
  afterAll(async () => {
    await t.h.stop();
  });
  const call = async (method: string, params: unknown): Promise<any> => {
    const res = await t.sock.request(method, params);
    if (!res.ok) throw new Error(`${method}: ${JSON.stringify(res.error)}`);
    return res.payload;
  };
  /** Sends `message` with chat.send, answered with `reply`, and waits for the final chat event. */
  const chat = async (sessionKey: string, message: string, reply: string, runId: string): Promise<Frame> => {
    t.h.fake.script({ text: [reply] });
    expect(await call("chat.send", { sessionKey, message, idempotencyKey: runId })).toEqual({ runId, status: "started" });
    return (await chatEvents(t.sock, runId)).at(-1)!;
  };
  /** Runs `message` with `agent`, answered with `reply`, and returns the final response. */
  const agent = async (sessionKey: string, message: string, reply: string, runId: string): Promise<Frame> => {
    t.h.fake.script({ text: [reply] });
    const { final } = await startAgentRun(t.sock, { message, sessionKey, idempotencyKey: runId }, `req-${runId}`);
    return final;
  };
  const history = async (sessionKey: string): Promise<{ sessionId: string; texts: string[] }> => {
    const res = await call("chat.history", { sessionKey });
    return { sessionId: res.sessionId, texts: res.messages.map(textOf) };
  };
  const sessions = () => t.h.gw.gateway.services.sessions;
  return { t, call, chat, agent, history, sessions };
}

describe("/new and /reset", () => {
  const { t, call, chat, agent, history } = suite();

  it("should reset the session on chat.send /reset and run only the remainder in the new transcript", async () => {
    const key = "agent:main:reset-chat";
    await chat(key, "remember 42", "ok, 42", "rc-1");
    const before = await history(key);
    expect(before.texts).toHaveLength(2);

    const final = await chat(key, "/reset hello", "Hi again", "rc-2");
    expect(final.state).toBe("final");
    const after = await history(key);
    expect(after.sessionId).not.toBe(before.sessionId);
    expect(after.texts).toHaveLength(2);
    expect(after.texts[0]).toMatch(stamped("hello"));
    expect(after.texts[1]).toBe("Hi again");
    // The model saw only the new turn.
    const body = t.h.fake.requests.at(-1)!.body;
    expect(body.messages).toHaveLength(1);
    expect(lastUserText(body)).toMatch(stamped("hello"));
  });

  it("should not reset again when a /reset request is retried with the same idempotency key", async () => {
    const key = "agent:main:reset-chat";
    const { sessionId } = await history(key);
    const retry = await t.sock.request("chat.send", { sessionKey: key, message: "/reset hello", idempotencyKey: "rc-2" });
    expect(retry.ok).toBe(true);
    expect((await history(key)).sessionId).toBe(sessionId);
  });

  it("should run the greeting prompt for a bare /new through agent, keeping the session's overrides", async () => {
    const key = "agent:main:reset-agent";
    await call("sessions.patch", { key, label: "Keep me" });
    const first = await agent(key, "hello", "hello back", "ra-1");
    const oldId = first.payload.result.meta.agentMeta.sessionId;

    const fin = await agent(key, "/new", "Hi! Fresh start.", "ra-2");
    expect(fin.ok).toBe(true);
    expect(fin.payload.result.payloads).toEqual([{ text: "Hi! Fresh start." }]);
    const newId = fin.payload.result.meta.agentMeta.sessionId;
    expect(newId).not.toBe(oldId);
    expect(lastUserText(t.h.fake.requests.at(-1)!.body)).toMatch(stamped(NEW_SESSION_PROMPT));
    const after = await history(key);
    expect(after).toEqual({ sessionId: newId, texts: [expect.stringMatching(stamped(NEW_SESSION_PROMPT)), "Hi! Fresh start."] });
    expect((await call("sessions.resolve", { key })).entry.label).toBe("Keep me");
  });

  it("should abort a streaming run before resetting, leaving its partial in the old transcript", async () => {
    const key = "agent:main:reset-busy";
    t.h.fake.script({ text: ["Half", " done"], interrupt: { after: 1, action: "hold" } });
    await call("chat.send", { sessionKey: key, message: "long job", idempotencyKey: "rb-1" });
    await nextAssistant(t.sock, "rb-1");
    const oldId = (await history(key)).sessionId;

    const final = await chat(key, "/new start over", "Started over", "rb-2");
    expect(final.state).toBe("final");
    expect((await chatEvents(t.sock, "rb-1")).at(-1)).toMatchObject({ state: "aborted", message: { content: [{ type: "text", text: "Half" }] } });
    const after = await history(key);
    expect(after.sessionId).not.toBe(oldId);
    expect(after.texts).toEqual([expect.stringMatching(stamped("start over")), "Started over"]);
    // The old transcript kept the user message and the aborted partial.
    const old = t.h.gw.gateway.services.sessions.history(oldId).map((r) => (r.entry.type === "message" ? textOf(r.entry.message) : ""));
    expect(old).toEqual([expect.stringMatching(stamped("long job")), "Half"]);
  });

  it("should need operator.admin for agent /new and /reset, but not for chat.send", async () => {
    const writer = await t.h.connect({ scopes: ["operator.write"] });
    const key = "agent:main:reset-writer";
    for (const message of ["/new", "/reset hi"]) {
      const res = await writer.request("agent", { message, sessionKey: key, idempotencyKey: `rw-${message}` });
      expect(res.error).toMatchObject({ code: "FORBIDDEN", details: { code: "MISSING_SCOPE", missingScope: "operator.admin" } });
    }
    t.h.fake.script({ text: ["fine"] });
    expect((await writer.request("chat.send", { sessionKey: key, message: "/reset hi", idempotencyKey: "rw-chat" })).payload).toEqual({ runId: "rw-chat", status: "started" });
    expect((await chatEvents(writer, "rw-chat")).at(-1)!.state).toBe("final");
  });
});

describe("idle reset (session.reset.idleMinutes)", () => {
  const { chat, agent, history, sessions } = suite({ session: { reset: { idleMinutes: 30 } } });

  it("should reset a session idle for longer than idleMinutes before chat.send runs", async () => {
    const key = "agent:main:idle-chat";
    await chat(key, "first", "one", "ic-1");
    const before = await history(key);
    sessions().touch(key, Date.now() - 31 * MIN);

    await chat(key, "after a break", "two", "ic-2");
    const after = await history(key);
    expect(after.sessionId).not.toBe(before.sessionId);
    expect(after.texts).toEqual([expect.stringMatching(stamped("after a break")), "two"]);
  });

  it("should keep a session idle for less than idleMinutes", async () => {
    const key = "agent:main:idle-fresh";
    await chat(key, "first", "one", "if-1");
    const before = await history(key);
    sessions().touch(key, Date.now() - 29 * MIN);

    await chat(key, "soon after", "two", "if-2");
    const after = await history(key);
    expect(after.sessionId).toBe(before.sessionId);
    expect(after.texts).toHaveLength(4);
  });

  it("should reset a stale session before an agent run too", async () => {
    const key = "agent:main:idle-agent";
    const first = await agent(key, "first", "one", "ia-1");
    sessions().touch(key, Date.now() - 45 * MIN);
    const second = await agent(key, "again", "two", "ia-2");
    expect(second.payload.result.meta.agentMeta.sessionId).not.toBe(first.payload.result.meta.agentMeta.sessionId);
    expect((await history(key)).texts).toEqual([expect.stringMatching(stamped("again")), "two"]);
  });
});

describe("daily reset (session.reset.atHour)", () => {
  const { chat, history, sessions } = suite({ session: { reset: { atHour: 4 } } });

  it("should reset a session last updated before the most recent daily boundary", async () => {
    const key = "agent:main:daily";
    await chat(key, "yesterday", "one", "d-1");
    const before = await history(key);
    sessions().touch(key, Date.now() - 25 * 60 * MIN);

    await chat(key, "today", "two", "d-2");
    const after = await history(key);
    expect(after.sessionId).not.toBe(before.sessionId);
    expect(after.texts).toEqual([expect.stringMatching(stamped("today")), "two"]);
  });

  it("should keep a session updated since the boundary", async () => {
    const key = "agent:main:daily-fresh";
    await chat(key, "first", "one", "df-1");
    const before = await history(key);
    await chat(key, "second", "two", "df-2");
    expect((await history(key)).sessionId).toBe(before.sessionId);
  });
});
