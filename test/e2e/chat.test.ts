/**
 * WebChat over the WebSocket API against a real gateway and the loopback Anthropic fake:
 * `chat.send` with throttled deltas and a final, `chat.history`, `chat.abort` mid-stream, a tool
 * round trip with tool events only for `caps:["tool-events"]`, and the session queue modes.
 */
import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { CHAT_DELTA_INTERVAL_MS } from "../../src/agent/run-events.ts";
import {
  chatEvents, eventProblem, hold, isAgentEvent, isChatEvent, lastUserText, nextAssistant, resultProblem, runEvents,
  startAgentHarness, type AgentHarness,
} from "../helpers/agent.ts";
import type { Frame, TestSocket } from "../helpers/ws-client.ts";

/** The timestamp stamp before user text (agent.md §3.2); the gateway's zone is UTC by default. */
const STAMP = String.raw`\[(Mon|Tue|Wed|Thu|Fri|Sat|Sun) \d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC\] `;
const stamped = (text: string) => new RegExp(`^${STAMP}${text}$`);

let h: AgentHarness;
let sock: TestSocket;
beforeAll(async () => {
  // Default queue mode (collect), with a short debounce so merged turns start quickly.
  h = await startAgentHarness("anthropic", { messages: { queue: { debounceMs: 30 } } });
  sock = await h.connect();
});
afterAll(async () => {
  await h.stop();
});

const assistantMessage = (text: string, timestamp: number) => ({ role: "assistant", content: [{ type: "text", text }], timestamp });

async function history(sessionKey: string, limit?: number): Promise<Frame> {
  const res = await sock.request("chat.history", { sessionKey, ...(limit !== undefined && { limit }) });
  expect(res.ok).toBe(true);
  expect(resultProblem("chat.history", res.payload)).toBeNull();
  return res.payload;
}

describe("chat.send and chat.history", () => {
  it("should stream throttled deltas and a final with the whole text, then show user and assistant in chat.history", async () => {
    const key = "agent:main:webchat";
    const gate = hold();
    h.fake.script({ text: ["One", " two", " three", " four", " five"], interrupt: { after: 1, action: "hold", until: gate.until } });
    const res = await sock.request("chat.send", { sessionKey: key, message: "count to five", idempotencyKey: "chat-1" });
    expect(res).toEqual({ type: "res", id: res.id, ok: true, payload: { runId: "chat-1", status: "started" } });
    expect(resultProblem("chat.send", res.payload)).toBeNull();

    // The first delta goes out at once; the rest are held back by the 150 ms throttle and folded into the final.
    const first = await sock.next((f) => isChatEvent(f, "chat-1"));
    expect(first.payload).toEqual({ runId: "chat-1", sessionKey: key, seq: 1, state: "delta", message: assistantMessage("One", first.payload.message.timestamp) });
    gate.release();
    const rest = await chatEvents(sock, "chat-1");
    const events = [first.payload, ...rest];
    const final = events.at(-1)!;
    expect(final).toEqual({ runId: "chat-1", sessionKey: key, seq: events.length, state: "final", message: assistantMessage("One two three four five", final.message.timestamp) });
    const deltas = events.filter((e) => e.state === "delta");
    const assistantEvents = sock.received.filter((f) => isAgentEvent(f, "chat-1", "assistant"));
    expect(assistantEvents).toHaveLength(5);
    expect(deltas.length).toBeLessThan(assistantEvents.length);
    deltas.forEach((d, i) => {
      expect(d.seq).toBe(i + 1);
      expect("One two three four five".startsWith(d.message.content[0].text)).toBe(true);
      if (i > 0) expect(d.message.timestamp - deltas[i - 1]!.message.timestamp).toBeGreaterThanOrEqual(CHAT_DELTA_INTERVAL_MS - 1);
    });
    for (const e of events) expect(eventProblem("chat", e)).toBeNull();

    // A retry with the same key replays the ack and starts nothing.
    const requests = h.fake.requests.length;
    const retry = await sock.request("chat.send", { sessionKey: key, message: "count to five", idempotencyKey: "chat-1" });
    expect(retry.payload).toEqual({ runId: "chat-1", status: "started" });

    const hist = await history(key);
    const { sessions } = (await sock.request("sessions.list", { search: key })).payload;
    expect(hist.sessionKey).toBe(key);
    expect(hist.sessionId).toBe(sessions[0].sessionId);
    expect(hist.messages).toHaveLength(2);
    const [user, assistant] = hist.messages;
    expect(user.role).toBe("user");
    expect(user.content).toHaveLength(1);
    expect(user.content[0].text).toMatch(stamped("count to five"));
    expect(assistant).toEqual({
      ...assistantMessage("One two three four five", assistant.timestamp),
      usage: { input: 10, output: 3, cacheRead: 0, cacheWrite: 0 }, stopReason: "end_turn",
    });
    expect(user.timestamp).toBeLessThanOrEqual(assistant.timestamp);
    expect(h.fake.requests.length).toBe(requests);

    expect((await history(key, 1)).messages).toEqual([assistant]);
  });

  it("should append an injected note without a run", async () => {
    const key = "agent:main:inject";
    const requests = h.fake.requests.length;
    const res = await sock.request("chat.inject", { sessionKey: key, message: "build finished", label: "ci" });
    expect(res.payload.ok).toBe(true);
    const hist = await history(key);
    expect(hist.sessionId).toBe(res.payload.sessionId);
    expect(hist.messages).toEqual([{ ...assistantMessage("[ci] build finished", hist.messages[0].timestamp), provider: "mayros", model: "gateway-injected" }]);
    expect(h.fake.requests.length).toBe(requests);
  });

  it("should cut long texts and replace an oversized message with a placeholder in chat.history", async () => {
    const key = "agent:main:big";
    await sock.request("chat.inject", { sessionKey: key, message: "x".repeat(20_000) });
    const { sessions } = h.gw.gateway.services;
    sessions.append(key, [{ type: "message", message: { role: "toolResult", content: [{ type: "tool_result", toolUseId: "t1", content: "y".repeat(200_000) }], timestamp: 1 } }]);
    const hist = await history(key);
    expect(hist.messages).toHaveLength(2);
    expect(hist.messages[0].content[0]).toEqual({ type: "text", text: `${"x".repeat(12_000)}…`, truncated: true });
    const bytes = hist.messages[1].bytes;
    expect(bytes).toBeGreaterThan(200_000);
    expect(hist.messages[1]).toEqual({ role: "toolResult", timestamp: 1, content: [{ type: "text", text: `[message omitted: ${bytes} bytes]` }], omitted: true, bytes });
  });

  it("should refuse a message with a NUL byte", async () => {
    const res = await sock.request("chat.send", { sessionKey: "agent:main:nul", message: "a\u0000b", idempotencyKey: "chat-nul" });
    expect(res.error?.code).toBe("INVALID_REQUEST");
  });
});

describe("chat.abort", () => {
  it("should abort mid-stream, emit chat aborted and keep the partial text in the transcript", async () => {
    const key = "agent:main:abort";
    const disconnects = h.fake.disconnects;
    h.fake.script({ text: ["Partial", " answer", " never sent"], interrupt: { after: 1, action: "hold" } });
    await sock.request("chat.send", { sessionKey: key, message: "tell me a story", idempotencyKey: "chat-abort" });
    const delta = await sock.next((f) => isChatEvent(f, "chat-abort"));
    expect(delta.payload.state).toBe("delta");
    expect(delta.payload.message.content[0].text).toBe("Partial");

    const res = await sock.request("chat.abort", { sessionKey: key });
    expect(res.payload).toEqual({ ok: true, aborted: true, runIds: ["chat-abort"] });
    expect(resultProblem("chat.abort", res.payload)).toBeNull();
    const [aborted] = await chatEvents(sock, "chat-abort");
    expect(aborted).toEqual({
      runId: "chat-abort", sessionKey: key, seq: 2, state: "aborted",
      message: assistantMessage("Partial", aborted!.message.timestamp), stopReason: "rpc",
    });
    const events = await runEvents(sock, "chat-abort");
    expect(events.at(-1)!.data).toEqual({ phase: "end", startedAt: events[0]!.data.startedAt, endedAt: events.at(-1)!.data.endedAt, aborted: true });
    await h.fake.waitForDisconnects(disconnects + 1); // the provider request was cancelled

    const hist = await history(key);
    expect(hist.messages).toHaveLength(2);
    expect(hist.messages[1]).toEqual({
      ...assistantMessage("Partial", hist.messages[1].timestamp),
      stopReason: "aborted", aborted: true, mayrosAbort: { aborted: true, origin: "rpc", runId: "chat-abort" },
    });
    const { sessions } = (await sock.request("sessions.list", { search: key })).payload;
    expect(sessions[0].abortedLastRun).toBe(true);

    // An aborted run waits as `timeout`; nothing is left to abort; another session's run is refused.
    expect((await sock.request("agent.wait", { runId: "chat-abort", timeoutMs: 0 })).payload.status).toBe("timeout");
    expect((await sock.request("chat.abort", { sessionKey: key })).payload).toEqual({ ok: true, aborted: false, runIds: [] });
    const foreign = await sock.request("chat.abort", { sessionKey: "agent:main:elsewhere", runId: "chat-abort" });
    expect(foreign.error).toEqual({ code: "INVALID_REQUEST", message: "run chat-abort belongs to another session" });
  });

  it("should abort on /stop with stopReason stop and drop the queued messages", async () => {
    const key = "agent:main:stop";
    const requests = h.fake.requests.length;
    h.fake.script({ text: ["Going", " on"], interrupt: { after: 1, action: "hold" } });
    await sock.request("chat.send", { sessionKey: key, message: "go", idempotencyKey: "stop-1" });
    await nextAssistant(sock, "stop-1");
    await sock.request("chat.send", { sessionKey: key, message: "queued", idempotencyKey: "stop-2" });
    const res = await sock.request("chat.send", { sessionKey: key, message: "/stop", idempotencyKey: "stop-3" });
    expect(res.payload).toEqual({ ok: true, aborted: true, runIds: ["stop-1"] });
    const end = await chatEvents(sock, "stop-1");
    expect(end.at(-1)).toMatchObject({ state: "aborted", stopReason: "stop" });
    const hist = await history(key);
    expect(hist.messages.at(-1).mayrosAbort).toEqual({ aborted: true, origin: "stop", runId: "stop-1" });
    // The queued message never ran.
    await sock.request("health");
    expect(h.fake.requests.length - requests).toBe(1);
    expect(sock.received.some((f) => isAgentEvent(f, "stop-2"))).toBe(false);
  });
});

describe("tool calls", () => {
  it("should run the tool, send its result back to the model and show tool events only to tool-events clients", async () => {
    const key = "agent:main:tools";
    writeFileSync(join(h.gw.stateDir, "workspace", "notes.txt"), "The answer is 42.\n");
    const watcher = await h.connect({ caps: ["tool-events"] });
    const requests = h.fake.requests.length;
    h.fake.script(
      { text: ["Let me look."], toolCalls: [{ id: "toolu_1", name: "read", args: ['{"path":', '"notes.txt"}'] }] },
      { text: ["It says", " 42."] },
    );
    await watcher.request("chat.send", { sessionKey: key, message: "what does notes.txt say?", idempotencyKey: "chat-tool" });
    const seen = await runEvents(watcher, "chat-tool");
    const plain = await runEvents(sock, "chat-tool");

    const toolEvents = seen.filter((e) => e.stream === "tool");
    expect(toolEvents.map((e) => e.data)).toEqual([
      { phase: "start", name: "read", toolCallId: "toolu_1", args: { path: "notes.txt" } },
      // The result itself is stripped: the session's verbose level is not `full`.
      { phase: "result", name: "read", toolCallId: "toolu_1", isError: false },
    ]);
    for (const e of toolEvents) expect(eventProblem("agent", e)).toBeNull();
    expect(seen.map((e) => e.seq)).toEqual(seen.map((_, i) => i + 1));
    expect(plain.some((e) => e.stream === "tool")).toBe(false);
    expect(plain.map((e) => e.seq)).toEqual(seen.filter((e) => e.stream !== "tool").map((e) => e.seq));
    expect(sock.received.some((f) => isAgentEvent(f, "chat-tool", "tool"))).toBe(false);
    // The reply of both model calls, one paragraph each; the deltas add up to it.
    const assistantEvents = seen.filter((e) => e.stream === "assistant");
    expect(assistantEvents.map((e) => e.data.delta)).toEqual(["Let me look.", "\n\nIt says", " 42."]);
    expect(assistantEvents.at(-1)!.data.text).toBe("Let me look.\n\nIt says 42.");
    expect((await chatEvents(watcher, "chat-tool")).at(-1)!.message.content[0].text).toBe("Let me look.\n\nIt says 42.");

    // The second model call carries the assistant's tool call and the file content as its result.
    expect(h.fake.requests.length - requests).toBe(2);
    const second = h.fake.requests.at(-1)!.body;
    expect(second.messages.slice(1)).toEqual([
      { role: "assistant", content: [{ type: "text", text: "Let me look." }, { type: "tool_use", id: "toolu_1", name: "read", input: { path: "notes.txt" } }] },
      { role: "user", content: [{ type: "tool_result", tool_use_id: "toolu_1", content: "The answer is 42.\n" }] },
    ]);

    const hist = await history(key);
    expect(hist.messages.map((m: any) => m.role)).toEqual(["user", "assistant", "toolResult", "assistant"]);
    expect(hist.messages[1].content).toEqual([{ type: "text", text: "Let me look." }, { type: "tool_use", id: "toolu_1", name: "read", input: { path: "notes.txt" } }]);
    expect(hist.messages[2].content).toEqual([{ type: "tool_result", toolUseId: "toolu_1", content: "The answer is 42.\n" }]);
    expect(hist.messages[3].content).toEqual([{ type: "text", text: "It says 42." }]);
  });

  it("should show tool results with verbose full and return a refused path as an error result", async () => {
    const key = "agent:main:tools-verbose";
    expect((await sock.request("sessions.patch", { key, verboseLevel: "full" })).ok).toBe(true);
    const watcher = await h.connect({ caps: ["tool-events"] });
    h.fake.script(
      { toolCalls: [{ id: "toolu_2", name: "read", args: ['{"path":"../../etc/passwd"}'] }, { id: "toolu_3", name: "read", args: ['{"path":"notes.txt"}'] }] },
      { text: ["Only one worked."] },
    );
    await watcher.request("chat.send", { sessionKey: key, message: "read both", idempotencyKey: "chat-tool-2" });
    const seen = await runEvents(watcher, "chat-tool-2");
    expect(seen.filter((e) => e.stream === "tool" && e.data.phase === "result").map((e) => e.data)).toEqual([
      { phase: "result", name: "read", toolCallId: "toolu_2", result: "path is outside the workspace: ../../etc/passwd", isError: true },
      { phase: "result", name: "read", toolCallId: "toolu_3", result: "The answer is 42.\n", isError: false },
    ]);
    const body = h.fake.requests.at(-1)!.body;
    expect(body.messages.at(-1)).toEqual({
      role: "user",
      content: [
        { type: "tool_result", tool_use_id: "toolu_2", content: "path is outside the workspace: ../../etc/passwd", is_error: true },
        { type: "tool_result", tool_use_id: "toolu_3", content: "The answer is 42.\n" },
      ],
    });
  });
});

describe("session queue", () => {
  it("should merge messages sent during a run into one next turn (collect, the default)", async () => {
    const key = "agent:main:collect";
    const gate = hold();
    const requests = h.fake.requests.length;
    h.fake.script({ text: ["First reply"], interrupt: { after: 1, action: "hold", until: gate.until } }, { text: ["Merged reply"] });
    await sock.request("chat.send", { sessionKey: key, message: "first", idempotencyKey: "collect-1" });
    await nextAssistant(sock, "collect-1");
    await sock.request("chat.send", { sessionKey: key, message: "second", idempotencyKey: "collect-2" });
    await sock.request("chat.send", { sessionKey: key, message: "third", idempotencyKey: "collect-3" });
    gate.release();
    expect((await chatEvents(sock, "collect-1")).at(-1)!.state).toBe("final");
    // The merged turn runs under the newest message's run id.
    const merged = await chatEvents(sock, "collect-3");
    expect(merged.at(-1)!.message.content[0].text).toBe("Merged reply");

    expect(h.fake.requests.length - requests).toBe(2);
    const body = h.fake.requests.at(-1)!.body;
    expect(body.messages.map((m: any) => m.role)).toEqual(["user", "assistant", "user"]);
    expect(lastUserText(body)).toMatch(new RegExp(
      `^\\[Queued messages while the agent was busy\\]\n\n---\nQueued #1\n${STAMP}second\n\n---\nQueued #2\n${STAMP}third$`,
    ));
    expect(sock.received.some((f) => isAgentEvent(f, "collect-2"))).toBe(false);
    const hist = await history(key);
    expect(hist.messages.map((m: any) => m.role)).toEqual(["user", "assistant", "user", "assistant"]);
  });

  it("should run each queued message as its own turn with queueMode followup", async () => {
    const key = "agent:main:followup";
    const patched = await sock.request("sessions.patch", { key, queueMode: "followup" });
    expect(patched.payload.entry.queueMode).toBe("followup");
    const gate = hold();
    const requests = h.fake.requests.length;
    h.fake.script(
      { text: ["Reply one"], interrupt: { after: 1, action: "hold", until: gate.until } },
      { text: ["Reply two"] },
      { text: ["Reply three"] },
    );
    await sock.request("chat.send", { sessionKey: key, message: "one", idempotencyKey: "follow-1" });
    await nextAssistant(sock, "follow-1");
    await sock.request("chat.send", { sessionKey: key, message: "two", idempotencyKey: "follow-2" });
    await sock.request("chat.send", { sessionKey: key, message: "three", idempotencyKey: "follow-3" });
    gate.release();
    for (const [runId, text] of [["follow-1", "Reply one"], ["follow-2", "Reply two"], ["follow-3", "Reply three"]] as const) {
      expect((await chatEvents(sock, runId)).at(-1)!.message.content[0].text).toBe(text);
    }
    const bodies = h.fake.requests.slice(requests).map((r) => r.body);
    expect(bodies).toHaveLength(3);
    expect(bodies.map(lastUserText).map((t) => t.replace(new RegExp(`^${STAMP}`), ""))).toEqual(["one", "two", "three"]);
    expect(bodies[2].messages.map((m: any) => m.role)).toEqual(["user", "assistant", "user", "assistant", "user"]);
  });
});
