/**
 * `sessions.list/patch/reset/delete` over the WebSocket API against a real gateway and the
 * loopback Anthropic fake, including reset and delete while a run is streaming.
 */
import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { join } from "node:path";
import {
  FAKE_MODEL, MAIN_KEY, chatEvents, nextAssistant, resultProblem, runEvents, startAgentHarness, startAgentRun,
  type AgentHarness,
} from "../helpers/agent.ts";
import type { Frame, TestSocket } from "../helpers/ws-client.ts";

let h: AgentHarness;
let sock: TestSocket;
beforeAll(async () => {
  h = await startAgentHarness("anthropic");
  sock = await h.connect();
});
afterAll(async () => {
  await h.stop();
});

async function call(method: string, params: unknown): Promise<any> {
  const res = await sock.request(method, params);
  if (!res.ok) throw new Error(`${method}: ${JSON.stringify(res.error)}`);
  expect(resultProblem(method, res.payload)).toBeNull();
  return res.payload;
}

async function row(key: string): Promise<Frame | undefined> {
  const { sessions } = await call("sessions.list", { search: key });
  return sessions.find((s: Frame) => s.key === key);
}

/** Runs one `agent` turn in `sessionKey` answered with `text`, returning the final payload. */
async function turn(sessionKey: string, text: string, idempotencyKey: string): Promise<Frame> {
  h.fake.script({ text: [text] });
  const { final } = await startAgentRun(sock, { message: `say ${text}`, sessionKey, idempotencyKey }, `req-${idempotencyKey}`);
  const fin = await final;
  expect(fin.ok).toBe(true);
  return fin.payload;
}

describe("sessions.list", () => {
  it("should list sessions newest first with kind, token counts, model, defaults and the database path", async () => {
    await turn("agent:main:list-a", "alpha", "list-1");
    await call("chat.inject", { sessionKey: "agent:main:telegram:group:-100", message: "group note" });
    await call("chat.inject", { sessionKey: "global", message: "global note" });

    const listed = await call("sessions.list", {});
    expect(listed.path).toBe(join(h.gw.stateDir, "state.db"));
    expect(listed.defaults).toEqual({ modelProvider: "anthropic", model: FAKE_MODEL, contextTokens: 200_000 });
    expect(listed.count).toBe(listed.sessions.length);
    // Newest first; rows updated in the same millisecond are ordered by key.
    const rows: Frame[] = listed.sessions;
    rows.slice(1).forEach((r, i) => {
      const prev = rows[i]!;
      expect(prev.updatedAt > r.updatedAt || (prev.updatedAt === r.updatedAt && prev.key < r.key)).toBe(true);
    });
    const kinds = Object.fromEntries(rows.map((r) => [r.key, r.kind]));
    expect(kinds).toEqual({ global: "global", "agent:main:telegram:group:-100": "group", "agent:main:list-a": "direct" });
    const a = rows.find((r) => r.key === "agent:main:list-a")!;
    expect(a).toMatchObject({
      key: "agent:main:list-a", agentId: "main", inputTokens: 10, outputTokens: 3, totalTokens: 13, cacheRead: 0, cacheWrite: 0,
      model: FAKE_MODEL, modelProvider: "anthropic", abortedLastRun: false,
    });
    expect(a.sessionId).toMatch(/^[0-9a-f-]{36}$/);
    expect(a.updatedAt).toBeGreaterThanOrEqual(a.createdAt);

    expect((await call("sessions.list", { limit: 1 })).sessions.map((s: Frame) => s.key)).toEqual([rows[0]!.key]);
    expect((await call("sessions.list", { search: "TELEGRAM" })).sessions.map((s: Frame) => s.key)).toEqual(["agent:main:telegram:group:-100"]);
  });
});

describe("sessions.patch", () => {
  it("should set overrides, clear them with null and use a model override for the next run", async () => {
    const key = "agent:main:patched";
    const set = await call("sessions.patch", { key, label: "Project X", thinkingLevel: "low", model: `anthropic/${FAKE_MODEL}-2` });
    expect(set).toMatchObject({ ok: true, key, entry: { key, label: "Project X", thinkingLevel: "low", modelOverride: `anthropic/${FAKE_MODEL}-2` } });

    h.fake.script({ text: ["overridden"] });
    const { final } = await startAgentRun(sock, { message: "hi", sessionKey: key, idempotencyKey: "patched-1" }, "patched-1");
    const fin = await final;
    expect(fin.payload.result.meta.agentMeta).toMatchObject({ provider: "anthropic", model: `${FAKE_MODEL}-2` });
    expect(h.fake.requests.at(-1)!.body.model).toBe(`${FAKE_MODEL}-2`);

    const cleared = await call("sessions.patch", { key, thinkingLevel: null, model: null });
    expect(cleared.entry.label).toBe("Project X");
    expect(cleared.entry.thinkingLevel).toBeUndefined();
    expect(cleared.entry.modelOverride).toBeUndefined();
  });
});

describe("sessions.reset", () => {
  it("should start a new transcript with a new sessionId, keeping overrides and clearing token counts", async () => {
    const key = "agent:main:reset";
    await call("sessions.patch", { key, label: "keep me" });
    const before = await turn(key, "remember", "reset-1");
    const oldId = before.result.meta.agentMeta.sessionId;
    expect((await call("chat.history", { sessionKey: key })).messages).toHaveLength(2);

    const res = await call("sessions.reset", { key });
    expect(res.ok).toBe(true);
    expect(res.key).toBe(key);
    expect(res.entry.sessionId).not.toBe(oldId);
    expect(res.entry.label).toBe("keep me");
    expect(res.entry.inputTokens).toBeUndefined();
    expect(res.entry.totalTokens).toBeUndefined();
    const hist = await call("chat.history", { sessionKey: key });
    expect(hist).toEqual({ sessionKey: key, sessionId: res.entry.sessionId, messages: [] });

    // The next run starts from an empty history.
    await turn(key, "fresh", "reset-2");
    expect(h.fake.requests.at(-1)!.body.messages).toHaveLength(1);
  });

  it("should abort a streaming run, keep its partial in the old transcript and fail the queued agent run", async () => {
    const key = "agent:main:reset-busy";
    h.fake.script({ text: ["Half", " done"], interrupt: { after: 1, action: "hold" } });
    const running = await startAgentRun(sock, { message: "long job", sessionKey: key, idempotencyKey: "busy-1" }, "busy-1");
    await nextAssistant(sock, "busy-1");
    const queued = await startAgentRun(sock, { message: "next job", sessionKey: key, idempotencyKey: "busy-2" }, "busy-2");
    expect(queued.ack.payload.status).toBe("accepted");
    const oldId = (await row(key))!.sessionId;

    const res = await call("sessions.reset", { key });
    expect(res.entry.sessionId).not.toBe(oldId);
    // The run ended (aborted) before the reset answered; its partial went to the old transcript.
    const first = await running.final;
    expect(first.payload).toMatchObject({ runId: "busy-1", status: "ok", result: { payloads: [{ text: "Half" }], meta: { aborted: true } } });
    expect((await chatEvents(sock, "busy-1")).at(-1)).toMatchObject({ state: "aborted", message: { content: [{ type: "text", text: "Half" }] } });
    expect((await call("chat.history", { sessionKey: key })).messages).toEqual([]);
    const second = await queued.final;
    const message = "the message was removed from the session queue before it ran";
    expect(second).toEqual({ type: "res", id: "busy-2", ok: false, payload: { runId: "busy-2", status: "error", summary: message }, error: { code: "UNAVAILABLE", message } });
  });
});

describe("sessions.delete", () => {
  it("should refuse the main session and delete another with its transcript", async () => {
    const main = await sock.request("sessions.delete", { key: MAIN_KEY });
    expect(main.error).toEqual({ code: "INVALID_REQUEST", message: "the main session cannot be deleted (use sessions.reset)" });

    const key = "agent:main:doomed";
    await turn(key, "bye", "doomed-1");
    expect(await row(key)).toBeDefined();
    expect(await call("sessions.delete", { key })).toEqual({ ok: true, key, deleted: true });
    expect(await row(key)).toBeUndefined();
    expect(await call("chat.history", { sessionKey: key })).toEqual({ sessionKey: key, sessionId: "", messages: [] });
    expect(await call("sessions.delete", { key })).toEqual({ ok: true, key, deleted: false });
  });

  it("should abort a streaming run and wait for it before deleting", async () => {
    const key = "agent:main:doomed-busy";
    h.fake.script({ text: ["Never", " finished"], interrupt: { after: 1, action: "hold" } });
    await call("chat.send", { sessionKey: key, message: "go", idempotencyKey: "doomed-busy" });
    await nextAssistant(sock, "doomed-busy");
    expect(await call("sessions.delete", { key })).toEqual({ ok: true, key, deleted: true });
    // The run ended as aborted (its partial written before the delete), not with an error.
    const events = await runEvents(sock, "doomed-busy");
    expect(events.at(-1)!.data).toMatchObject({ phase: "end", aborted: true });
    expect(await row(key)).toBeUndefined();
  });
});

describe("sessions.* refusals", () => {
  it("should refuse malformed keys and unknown fields", async () => {
    expect((await sock.request("sessions.reset", { key: "agent:main:bad\u0001key" })).error?.code).toBe("INVALID_REQUEST");
    expect((await sock.request("sessions.patch", { key: "agent:main:x", bogus: 1 })).error?.code).toBe("INVALID_REQUEST");
  });
});
