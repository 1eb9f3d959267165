/**
 * `sessions.preview`, `sessions.resolve`, `sessions.compact` and `sessions.usage` over the WebSocket
 * API against a real gateway and the loopback Anthropic fake, with their scopes.
 */
import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { FAKE_MODEL, resultProblem, startAgentRun, type AgentHarness, startAgentHarness } from "../helpers/agent.ts";
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

async function call(method: string, params?: unknown): Promise<any> {
  const res = await sock.request(method, params);
  if (!res.ok) throw new Error(`${method}: ${JSON.stringify(res.error)}`);
  expect(resultProblem(method, res.payload)).toBeNull();
  return res.payload;
}

async function refused(method: string, params: unknown): Promise<Frame> {
  const res = await sock.request(method, params);
  expect(res.ok).toBe(false);
  return res.error;
}

/** Runs one `agent` turn in `sessionKey`: the user says `say <text>`, the model answers `text`. */
async function turn(sessionKey: string, text: string, idempotencyKey: string): Promise<Frame> {
  h.fake.script({ text: [text] });
  const { final } = await startAgentRun(sock, { message: `say ${text}`, sessionKey, idempotencyKey }, `req-${idempotencyKey}`);
  const fin = await final;
  expect(fin.ok).toBe(true);
  return fin.payload;
}

describe("sessions.preview", () => {
  it("should preview each key in order with ok, empty, missing and error statuses", async () => {
    const talked = "agent:main:preview-a";
    await turn(talked, "alpha", "preview-1");
    await turn(talked, "beta", "preview-2");
    const quiet = "agent:main:preview-empty";
    await call("sessions.patch", { key: quiet, label: "quiet" });

    const before = Date.now();
    const res = await call("sessions.preview", { keys: [talked, quiet, "agent:main:preview-none", "agent:main:bad\u0001key"] });
    expect(res.ts).toBeGreaterThanOrEqual(before);
    const [ok, empty, missing, error] = res.previews;
    // The last 5 items; the timestamp stamp is left out of user text.
    expect(ok).toEqual({
      key: talked, status: "ok",
      items: [
        { role: "user", text: "say alpha" }, { role: "assistant", text: "alpha" }, { role: "user", text: "say beta" }, { role: "assistant", text: "beta" },
      ],
    });
    expect(empty).toEqual({ key: quiet, status: "empty", items: [] });
    expect(missing).toEqual({ key: "agent:main:preview-none", status: "missing", items: [] });
    expect(error.status).toBe("error");
    expect(error.items).toEqual([]);
    expect(error.error).toContain("invalid sessionKey");
  });

  it("should keep the last limit items and cut texts at maxChars", async () => {
    const key = "agent:main:preview-long";
    await turn(key, "a fairly long reply that goes on", "preview-3");
    const { previews } = await call("sessions.preview", { keys: [key], limit: 1, maxChars: 10 });
    expect(previews).toEqual([{ key, status: "ok", items: [{ role: "assistant", text: "a fairly …" }] }]);
  });

  it("should refuse an empty key list", async () => {
    expect((await refused("sessions.preview", { keys: [] })).code).toBe("INVALID_REQUEST");
  });
});

describe("sessions.resolve", () => {
  it("should resolve by key, by sessionId and by label", async () => {
    const key = "agent:main:resolve-me";
    await turn(key, "hi", "resolve-1");
    await call("sessions.patch", { key, label: "Resolve Me" });
    const byKey = await call("sessions.resolve", { key });
    expect(byKey).toMatchObject({ ok: true, key, entry: { key, label: "Resolve Me", agentId: "main" } });
    expect(await call("sessions.resolve", { sessionId: byKey.entry.sessionId })).toEqual(byKey);
    expect(await call("sessions.resolve", { label: "Resolve Me", agentId: "main" })).toEqual(byKey);
  });

  it("should refuse no match, an ambiguous label, an unknown agent and not exactly one selector", async () => {
    expect(await refused("sessions.resolve", { key: "agent:main:resolve-none" })).toEqual({
      code: "INVALID_REQUEST", message: 'no session matches key "agent:main:resolve-none"',
    });
    expect((await refused("sessions.resolve", { sessionId: "00000000-0000-0000-0000-000000000000" })).message).toStartWith("no session matches sessionId");
    await call("sessions.patch", { key: "agent:main:twin-1", label: "Twin" });
    await call("sessions.patch", { key: "agent:main:twin-2", label: "Twin" });
    expect((await refused("sessions.resolve", { label: "Twin" })).message).toBe(
      'label "Twin" matches 2 sessions (agent:main:twin-1, agent:main:twin-2); resolve by key',
    );
    expect((await refused("sessions.resolve", { label: "Twin", agentId: "ops" })).message).toBe('unknown agent id: "ops"');
    expect((await refused("sessions.resolve", {})).message).toBe("sessions.resolve needs exactly one of key, sessionId, label");
    expect((await refused("sessions.resolve", { key: "agent:main:twin-1", label: "Twin" })).code).toBe("INVALID_REQUEST");
  });
});

describe("sessions.compact", () => {
  it("should keep the last maxLines entries and clear the token counters", async () => {
    const key = "agent:main:compact";
    for (const [i, word] of ["one", "two", "three"].entries()) await turn(key, word, `compact-${i}`);
    expect((await call("sessions.usage", { key })).sessions[0].totalTokens).toBe(39);

    expect(await call("sessions.compact", { key, maxLines: 2 })).toEqual({ ok: true, key, compacted: true, kept: 2, removed: 4 });
    const hist = await call("chat.history", { sessionKey: key });
    expect(hist.messages.map((m: Frame) => m.content[0].text)).toEqual([expect.stringMatching(/say three$/), "three"]);
    expect((await call("sessions.usage", { key })).sessions[0]).toMatchObject({ inputTokens: 0, outputTokens: 0, totalTokens: 0 });

    // Nothing left to remove with the default of 400.
    expect(await call("sessions.compact", { key })).toEqual({ ok: true, key, compacted: false, kept: 2 });
  });

  it("should say why nothing was compacted without a session or a transcript", async () => {
    expect(await call("sessions.compact", { key: "agent:main:compact-none" })).toEqual({ ok: true, key: "agent:main:compact-none", compacted: false, reason: "no session" });
    await call("sessions.patch", { key: "agent:main:compact-empty", label: "empty" });
    expect(await call("sessions.compact", { key: "agent:main:compact-empty" })).toEqual({
      ok: true, key: "agent:main:compact-empty", compacted: false, kept: 0, reason: "no transcript",
    });
  });
});

describe("sessions.usage", () => {
  it("should report one session's counters", async () => {
    const key = "agent:main:usage";
    const fin = await turn(key, "counted", "usage-1");
    const res = await call("sessions.usage", { key });
    expect(res.sessions).toEqual([{
      key, sessionId: fin.result.meta.agentMeta.sessionId, agentId: "main", updatedAt: res.sessions[0].updatedAt,
      inputTokens: 10, outputTokens: 3, totalTokens: 13, cacheRead: 0, cacheWrite: 0, compactionCount: 0,
      model: FAKE_MODEL, modelProvider: "anthropic",
    }]);
    expect(res.totals).toEqual({ inputTokens: 10, outputTokens: 3, totalTokens: 13, cacheRead: 0, cacheWrite: 0 });
    expect(await call("sessions.usage", { key: "agent:main:usage-none" })).toMatchObject({ sessions: [], totals: { totalTokens: 0 } });
  });

  it("should report every session newest first with totals over them", async () => {
    const all = await call("sessions.usage");
    const { sessions } = await call("sessions.list", {});
    expect(all.sessions.map((r: Frame) => r.key)).toEqual(sessions.map((r: Frame) => r.key));
    const sum = (f: string) => all.sessions.reduce((n: number, r: Frame) => n + r[f], 0);
    expect(all.totals).toEqual({ inputTokens: sum("inputTokens"), outputTokens: sum("outputTokens"), totalTokens: sum("totalTokens"), cacheRead: 0, cacheWrite: 0 });
    expect(all.totals.totalTokens).toBeGreaterThan(0);
    expect((await call("sessions.usage", { limit: 2 })).sessions).toHaveLength(2);
  });
});

describe("sessions.* scopes", () => {
  it("should let a read-only operator preview, resolve and read usage but not compact", async () => {
    const reader = await h.connect({ scopes: ["operator.read"] });
    const key = "agent:main:usage";
    expect((await reader.request("sessions.preview", { keys: [key] })).ok).toBe(true);
    expect((await reader.request("sessions.resolve", { key })).ok).toBe(true);
    expect((await reader.request("sessions.usage", { key })).ok).toBe(true);
    const compact = await reader.request("sessions.compact", { key });
    expect(compact.error).toMatchObject({ code: "FORBIDDEN", details: { code: "MISSING_SCOPE", missingScope: "operator.admin" } });
  });
});
