/**
 * `agent` over the WebSocket API against a real gateway and the loopback provider fakes: the
 * two-phase response on one request id, per-run event `seq`, idempotent retries, `agent.wait`,
 * provider failures, and the small agent/model methods.
 */
import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import {
  FAKE_MODEL, chatEvents, eventProblem, hold, isAgentEvent, lastUserText, nextAssistant, resultProblem, runEvents,
  startAgentHarness, startAgentRun, type AgentHarness, type FakeProvider,
} from "../helpers/agent.ts";
import { startOpenAIFake } from "../fakes/openai-fake.ts";
import type { SseFake } from "../fakes/sse-fake-server.ts";
import type { TestSocket } from "../helpers/ws-client.ts";

/** `[Fri 2026-11-27 20:28 UTC] ` — the stamp `agent` puts before the user text (agent.md §3.2). */
const STAMP = /^\[(Mon|Tue|Wed|Thu|Fri|Sat|Sun) \d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC\] /;

for (const provider of ["anthropic", "openai"] as FakeProvider[]) {
  describe(`agent with the ${provider} provider`, () => {
    let h: AgentHarness;
    let sock: TestSocket;
    beforeAll(async () => {
      h = await startAgentHarness(provider);
      sock = await h.connect();
    });
    afterAll(async () => {
      await h.stop();
    });

    it("should answer the accepted ack, stream events with seq 1, 2, 3… and send the final on the same request id", async () => {
      h.fake.script({ text: ["Hello", " there"] });
      const key = "agent:main:basic";
      const before = Date.now();
      const { ack, final } = await startAgentRun(sock, { message: "hi", sessionKey: key, idempotencyKey: "run-basic" }, "req-basic");
      expect(ack).toEqual({ type: "res", id: "req-basic", ok: true, payload: { runId: "run-basic", status: "accepted", acceptedAt: ack.payload.acceptedAt } });
      expect(ack.payload.acceptedAt).toBeGreaterThanOrEqual(before);
      expect(resultProblem("agent", ack.payload)).toBeNull();

      const fin = await final;
      const { sessions } = (await sock.request("sessions.list", { search: key })).payload;
      expect(sessions).toHaveLength(1);
      expect(fin).toEqual({
        type: "res", id: "req-basic", ok: true,
        payload: {
          runId: "run-basic", status: "ok", summary: "completed",
          result: {
            payloads: [{ text: "Hello there" }],
            meta: {
              durationMs: fin.payload.result.meta.durationMs, aborted: false,
              agentMeta: { sessionId: sessions[0].sessionId, provider, model: FAKE_MODEL, usage: { input: 10, output: 3, cacheRead: 0, cacheWrite: 0, total: 13 } },
            },
          },
        },
      });
      expect(fin.payload.result.meta.durationMs).toBeGreaterThanOrEqual(0);
      expect(resultProblem("agent", fin.payload)).toBeNull();

      const events = await runEvents(sock, "run-basic");
      const startedAt = events[0]!.data.startedAt;
      expect(events.map((e) => ({ seq: e.seq, stream: e.stream, data: e.data }))).toEqual([
        { seq: 1, stream: "lifecycle", data: { phase: "start", startedAt } },
        { seq: 2, stream: "assistant", data: { text: "Hello", delta: "Hello" } },
        { seq: 3, stream: "assistant", data: { text: "Hello there", delta: " there" } },
        { seq: 4, stream: "lifecycle", data: { phase: "end", startedAt, endedAt: events[3]!.data.endedAt } },
      ]);
      for (const e of events) {
        expect(e.runId).toBe("run-basic");
        expect(e.sessionKey).toBe(key);
        expect(typeof e.ts).toBe("number");
        expect(eventProblem("agent", e)).toBeNull();
      }
      // Every event went out before the final response.
      const index = (match: (f: any) => boolean) => sock.received.findIndex(match);
      const endAt = index((f) => isAgentEvent(f, "run-basic", "lifecycle") && f.payload.data.phase === "end");
      const finalAt = sock.received.findLastIndex((f) => f.type === "res" && f.id === "req-basic");
      expect(endAt).toBeGreaterThan(0);
      expect(finalAt).toBeGreaterThan(endAt);

      // The run also speaks WebChat: one final chat event with the whole reply.
      const chat = await chatEvents(sock, "run-basic");
      expect(chat.at(-1)).toEqual({
        runId: "run-basic", sessionKey: key, seq: chat.length, state: "final",
        message: { role: "assistant", content: [{ type: "text", text: "Hello there" }], timestamp: chat.at(-1)!.message.timestamp },
      });

      expect(h.fake.requests).toHaveLength(1);
      const body = h.fake.requests[0]!.body;
      expect(body.model).toBe(FAKE_MODEL);
      expect(body.stream).toBe(true);
      expect(lastUserText(body)).toMatch(new RegExp(`${STAMP.source}hi$`));
      const toolNames = provider === "anthropic" ? body.tools.map((t: any) => t.name) : body.tools.map((t: any) => t.function.name);
      expect(toolNames).toContain("read");
    });
  });
}

describe("agent runs", () => {
  let h: AgentHarness;
  let sock: TestSocket;
  let other: TestSocket;
  beforeAll(async () => {
    h = await startAgentHarness("anthropic");
    sock = await h.connect();
    other = await h.connect();
  });
  afterAll(async () => {
    await h.stop();
  });

  it("should start no second run for a retry with the same idempotency key", async () => {
    const requestsBefore = h.fake.requests.length;
    const gate = hold();
    h.fake.script({ text: ["Once", " only"], interrupt: { after: 1, action: "hold", until: gate.until } });
    const params = { message: "once", sessionKey: "agent:main:dedupe", idempotencyKey: "run-dup" };
    const first = await startAgentRun(sock, params, "dup-1");
    await nextAssistant(sock, "run-dup");

    // While it runs: the retry (from another connection) gets the cached ack, then the same final.
    const retry = await startAgentRun(other, params, "dup-2");
    expect(retry.ack).toEqual({ type: "res", id: "dup-2", ok: true, payload: first.ack.payload });
    gate.release();
    const [f1, f2] = await Promise.all([first.final, retry.final]);
    expect(f1.ok).toBe(true);
    expect(f1.payload.result.payloads).toEqual([{ text: "Once only" }]);
    expect(f2).toEqual({ ...f1, id: "dup-2" });

    // After it ended: the cached final alone.
    const late = await sock.request("agent", params, "dup-3");
    expect(late).toEqual({ type: "res", id: "dup-3", ok: true, payload: f1.payload });
    await sock.request("health"); // a barrier: anything more for dup-3 would have arrived by now
    expect(sock.received.filter((f) => f.type === "res" && f.id === "dup-3")).toHaveLength(1);

    expect(h.fake.requests.length - requestsBefore).toBe(1);
    const starts = sock.received.filter((f) => isAgentEvent(f, "run-dup", "lifecycle") && f.payload.data.phase === "start");
    expect(starts).toHaveLength(1);
  });

  it("should answer agent.wait with timeout while the run holds and ok once it ended", async () => {
    const gate = hold();
    h.fake.script({ text: ["Slow", " reply"], interrupt: { after: 1, action: "hold", until: gate.until } });
    const run = await startAgentRun(sock, { message: "slow", sessionKey: "agent:main:wait", idempotencyKey: "run-wait" }, "w-1");
    await nextAssistant(sock, "run-wait");

    const early = await sock.request("agent.wait", { runId: "run-wait", timeoutMs: 50 });
    expect(early).toEqual({ type: "res", id: early.id, ok: true, payload: { runId: "run-wait", status: "timeout" } });

    const waiting = sock.request("agent.wait", { runId: "run-wait", timeoutMs: 10_000 });
    gate.release();
    const done = await waiting;
    const events = await runEvents(sock, "run-wait");
    const end = events.at(-1)!.data;
    expect(done.payload).toEqual({ runId: "run-wait", status: "ok", startedAt: end.startedAt, endedAt: done.payload.endedAt });
    expect(done.payload.endedAt).toBeGreaterThanOrEqual(end.startedAt);
    expect(resultProblem("agent.wait", done.payload)).toBeNull();
    expect((await run.final).payload.status).toBe("ok");

    // A late wait still answers from the finished run.
    const late = await sock.request("agent.wait", { runId: "run-wait", timeoutMs: 0 });
    expect(late.payload).toEqual(done.payload);
    // An unknown run is never waited for past its timeout.
    expect((await sock.request("agent.wait", { runId: "no-such-run", timeoutMs: 0 })).payload).toEqual({ runId: "no-such-run", status: "timeout" });
  });

  it("should wait for a run that is still queued behind another on its session", async () => {
    const gate = hold();
    const key = "agent:main:queued-wait";
    h.fake.script({ text: ["First"], interrupt: { after: 1, action: "hold", until: gate.until } }, { text: ["Second"] });
    const first = await startAgentRun(sock, { message: "one", sessionKey: key, idempotencyKey: "run-q1" }, "q-1");
    await nextAssistant(sock, "run-q1");
    const second = await startAgentRun(sock, { message: "two", sessionKey: key, idempotencyKey: "run-q2" }, "q-2");
    expect(second.ack.payload.status).toBe("accepted");

    const waiting = sock.request("agent.wait", { runId: "run-q2", timeoutMs: 10_000 });
    gate.release();
    expect((await waiting).payload.status).toBe("ok");
    expect((await first.final).payload.result.payloads).toEqual([{ text: "First" }]);
    expect((await second.final).payload.result.payloads).toEqual([{ text: "Second" }]);
  });

  it("should end a run that outlives its timeout as aborted", async () => {
    h.fake.script({ text: ["Too", " slow"], interrupt: { after: 1, action: "hold" } });
    const key = "agent:main:timeout";
    const { final } = await startAgentRun(sock, { message: "take your time", sessionKey: key, timeout: 1, idempotencyKey: "run-timeout" }, "t-1");
    const fin = await final;
    expect(fin.payload).toMatchObject({ runId: "run-timeout", status: "ok", summary: "completed", result: { payloads: [{ text: "Too" }], meta: { aborted: true } } });
    const events = await runEvents(sock, "run-timeout");
    expect(events.at(-1)!.data).toMatchObject({ phase: "end", aborted: true });
    expect((await chatEvents(sock, "run-timeout")).at(-1)).toMatchObject({ state: "aborted", stopReason: "timeout" });
    expect((await sock.request("agent.wait", { runId: "run-timeout", timeoutMs: 0 })).payload.status).toBe("timeout");
    const hist = await sock.request("chat.history", { sessionKey: key });
    expect(hist.payload.messages.at(-1).mayrosAbort).toEqual({ aborted: true, origin: "timeout", runId: "run-timeout" });
  });

  it("should report a provider failure as lifecycle error, chat error and an UNAVAILABLE final with status error", async () => {
    const requestsBefore = h.fake.requests.length;
    const message = `anthropic/${FAKE_MODEL} failed (400 invalid_request_error): bad request body`;
    h.fake.script({ kind: "http_error", status: 400, message: "bad request body" });
    const key = "agent:main:failure";
    const { ack, final } = await startAgentRun(sock, { message: "fail please", sessionKey: key, idempotencyKey: "run-fail" }, "f-1");
    expect(ack.payload.status).toBe("accepted");
    const fin = await final;
    expect(fin).toEqual({
      type: "res", id: "f-1", ok: false,
      payload: { runId: "run-fail", status: "error", summary: message },
      error: { code: "UNAVAILABLE", message },
    });
    expect(resultProblem("agent", fin.payload)).toBeNull();

    const events = await runEvents(sock, "run-fail");
    expect(events.map((e) => [e.seq, e.stream, e.data.phase])).toEqual([[1, "lifecycle", "start"], [2, "lifecycle", "error"]]);
    expect(events[1]!.data.error).toBe(message);
    expect(await chatEvents(sock, "run-fail")).toEqual([{ runId: "run-fail", sessionKey: key, seq: 1, state: "error", errorMessage: message }]);

    const wait = await sock.request("agent.wait", { runId: "run-fail", timeoutMs: 0 });
    expect(wait.payload).toEqual({ runId: "run-fail", status: "error", startedAt: events[0]!.data.startedAt, endedAt: wait.payload.endedAt, error: message });
    // A 400 is not retried.
    expect(h.fake.requests.length - requestsBefore).toBe(1);
  });

  it("should refuse an unknown agent, a key of another agent and a session with sendPolicy deny", async () => {
    const requestsBefore = h.fake.requests.length;
    const unknown = await sock.request("agent", { message: "x", agentId: "ghost", idempotencyKey: "run-ghost" });
    expect(unknown.error).toEqual({ code: "INVALID_REQUEST", message: 'unknown agent id: "ghost"' });
    const foreign = await sock.request("agent", { message: "x", agentId: "main", sessionKey: "agent:ghost:main", idempotencyKey: "run-foreign" });
    expect(foreign.error).toEqual({ code: "INVALID_REQUEST", message: "sessionKey agent:ghost:main belongs to another agent" });

    const key = "agent:main:muted";
    expect((await sock.request("sessions.patch", { key, sendPolicy: "deny" })).ok).toBe(true);
    const denied = await sock.request("agent", { message: "x", sessionKey: key, idempotencyKey: "run-denied" });
    expect(denied.error).toEqual({ code: "INVALID_REQUEST", message: `sending is disabled for session ${key} (sendPolicy: deny)` });
    const chat = await sock.request("chat.send", { message: "x", sessionKey: key, idempotencyKey: "chat-denied" });
    expect(chat.error?.code).toBe("INVALID_REQUEST");
    expect(h.fake.requests.length).toBe(requestsBefore);
  });
});

describe("models.list, agents.list, agent.identity.get", () => {
  let h: AgentHarness;
  let backup: SseFake;
  let sock: TestSocket;
  beforeAll(async () => {
    backup = startOpenAIFake();
    h = await startAgentHarness("anthropic", {
      models: {
        providers: {
          anthropic: { models: [{ id: FAKE_MODEL, name: "Fake Model", contextWindow: 100_000, reasoning: true }] },
          backup: { baseUrl: backup.url, apiKey: "k", api: "openai-completions", models: [] },
        },
      },
      agents: { defaults: { model: { primary: `anthropic/${FAKE_MODEL}`, fallbacks: ["backup/spare-model"] } } },
    });
    sock = await h.connect();
  });
  afterAll(async () => {
    await h.stop();
    await backup.stop();
  });

  it("should list the configured models, then the primary and fallbacks not described", async () => {
    const res = await sock.request("models.list", {});
    expect(res.payload).toEqual({
      models: [
        { id: `anthropic/${FAKE_MODEL}`, name: "Fake Model", provider: "anthropic", contextWindow: 100_000, reasoning: true },
        { id: "backup/spare-model", name: "spare-model", provider: "backup" },
      ],
    });
    expect(resultProblem("models.list", res.payload)).toBeNull();
  });

  it("should list the main agent with its identity, workspace and model", async () => {
    const res = await sock.request("agents.list", {});
    expect(res.payload).toEqual({
      defaultId: "main",
      agents: [{ id: "main", name: "Mayros", emoji: "🦉", workspace: join(h.gw.stateDir, "workspace"), model: `anthropic/${FAKE_MODEL}` }],
    });
    expect(resultProblem("agents.list", res.payload)).toBeNull();
  });

  it("should read the identity from IDENTITY.md and refuse an unknown agent", async () => {
    expect((await sock.request("agent.identity.get", {})).payload).toEqual({ agentId: "main", name: "Mayros", emoji: "🦉" });
    writeFileSync(join(h.gw.stateDir, "workspace", "IDENTITY.md"), "# Identity\n\nName: Athena\nEmoji: 🦊\n");
    const res = await sock.request("agent.identity.get", { agentId: "main" });
    expect(res.payload).toEqual({ agentId: "main", name: "Athena", emoji: "🦊" });
    expect(resultProblem("agent.identity.get", res.payload)).toBeNull();
    expect((await sock.request("agent.identity.get", { agentId: "ghost" })).error?.code).toBe("INVALID_REQUEST");
  });
});
