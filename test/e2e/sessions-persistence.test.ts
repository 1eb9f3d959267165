/**
 * Transcript durability: a gateway subprocess is SIGKILLed while a run streams (after a tool round
 * was persisted), restarted on the same state dir, and must still have every completed message,
 * in order, with an intact row chain — and carry on with the conversation. Also: a transcript cut
 * between a tool call and its result still yields a valid model request.
 */
import { Database } from "bun:sqlite";
import { afterAll, afterEach, describe, expect, it } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startAnthropicFake } from "../fakes/anthropic-fake.ts";
import type { SseFake } from "../fakes/sse-fake-server.ts";
import { freePort, spawnCli, type CliProcess } from "../cli/spawn.ts";
import {
  MAIN_KEY, agentConfig, chatEvents, isAgentEvent, lastUserText, startAgentHarness, type AgentHarness,
} from "../helpers/agent.ts";
import { TestSocket } from "../helpers/ws-client.ts";

const TOKEN = "persistence-token-0123456789";
const spawned: CliProcess[] = [];
const sockets: TestSocket[] = [];
const dirs: string[] = [];
const fakes: SseFake[] = [];
const harnesses: AgentHarness[] = [];

afterEach(async () => {
  await Promise.all(sockets.splice(0).map((s) => s.close()));
  await Promise.all(spawned.splice(0).map((p) => p.dispose()));
  await Promise.all(harnesses.splice(0).map((h) => h.stop()));
  await Promise.all(fakes.splice(0).map((f) => f.stop()));
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});
afterAll(async () => {
  await Promise.all(spawned.splice(0).map((p) => p.dispose()));
});

/** Starts `mayros gateway` on `dir` and connects an admin socket. */
async function startGateway(dir: string): Promise<{ proc: CliProcess; sock: TestSocket }> {
  const port = freePort();
  const proc = spawnCli(["gateway", "--port", String(port), "--token", TOKEN], { stateDir: dir });
  spawned.push(proc);
  const m = await proc.waitFor(/listening on (ws:\/\/127\.0\.0\.1:\d+)/);
  const { sock, res } = await TestSocket.handshake(m[1]!, { token: TOKEN, scopes: ["operator.admin"] });
  expect(res.ok).toBe(true);
  sockets.push(sock);
  return { proc, sock };
}

interface Row { seq: number; id: string; parent_id: string | null; type: string; role: string | null; json: string }

describe("transcript persistence across a crash", () => {
  it("should keep every completed message in order after SIGKILL mid-run and continue the conversation", async () => {
    const fake = startAnthropicFake();
    fakes.push(fake);
    const dir = mkdtempSync(join(tmpdir(), "mayros-persist-"));
    dirs.push(dir);
    writeFileSync(join(dir, "mayros.json"), JSON.stringify(agentConfig("anthropic", fake.url)));

    const first = await startGateway(dir);
    writeFileSync(join(dir, "workspace", "notes.txt"), "hello from disk\n");
    fake.script(
      { text: ["Let me check."], toolCalls: [{ id: "toolu_p1", name: "read", args: ['{"path":"notes.txt"}'] }] },
      // The second model call streams one delta, then hangs until the gateway dies.
      { text: ["The file says", " hello"], interrupt: { after: 1, action: "hold" } },
    );
    await first.sock.request("chat.send", { sessionKey: MAIN_KEY, message: "read notes.txt", idempotencyKey: "crash-run" });
    await first.sock.next((f) => isAgentEvent(f, "crash-run", "assistant") && f.payload.data.delta === "\n\nThe file says");
    expect(fake.requests).toHaveLength(2);
    const sessionId = (await first.sock.request("sessions.list", {})).payload.sessions[0].sessionId;

    first.proc.kill("SIGKILL");
    await first.proc.exited;
    await fake.waitForDisconnects(1);

    const second = await startGateway(dir);
    const hist = (await second.sock.request("chat.history", { sessionKey: MAIN_KEY })).payload;
    expect(hist.sessionId).toBe(sessionId);
    expect(hist.messages.map((m: any) => m.role)).toEqual(["user", "assistant", "toolResult"]);
    expect(hist.messages[0].content[0].text).toEndWith("] read notes.txt");
    expect(hist.messages[1].content).toEqual([
      { type: "text", text: "Let me check." },
      { type: "tool_use", id: "toolu_p1", name: "read", input: { path: "notes.txt" } },
    ]);
    expect(hist.messages[1].stopReason).toBe("tool_use");
    expect(hist.messages[2].content).toEqual([{ type: "tool_result", toolUseId: "toolu_p1", content: "hello from disk\n" }]);
    const stamps = hist.messages.map((m: any) => m.timestamp);
    expect([...stamps].sort((a, b) => a - b)).toEqual(stamps);

    const listed = (await second.sock.request("sessions.list", {})).payload.sessions;
    expect(listed.map((s: any) => s.key)).toEqual([MAIN_KEY]);
    expect(listed[0]).toMatchObject({ sessionId, inputTokens: 10, outputTokens: 3 });

    // Row level: contiguous seq, a parent chain, JSON that parses and agrees with its columns.
    const db = new Database(join(dir, "state.db"), { readonly: true });
    try {
      const rows = db.query<Row, [string]>("SELECT seq, id, parent_id, type, role, json FROM transcript_entries WHERE session_id = ? ORDER BY seq").all(sessionId);
      expect(rows.map((r) => r.seq)).toEqual([1, 2, 3]);
      rows.forEach((r, i) => {
        const entry = JSON.parse(r.json);
        expect(entry.id).toBe(r.id);
        expect(entry.parentId).toBe(r.parent_id);
        expect(r.parent_id).toBe(i === 0 ? null : rows[i - 1]!.id);
        expect(entry.type).toBe("message");
        expect(entry.message.role).toBe(r.role);
      });
    } finally {
      db.close();
    }

    // The conversation goes on from the persisted history.
    fake.script({ text: ["Back again."] });
    await second.sock.request("chat.send", { sessionKey: MAIN_KEY, message: "are you there?", idempotencyKey: "after-crash" });
    expect((await chatEvents(second.sock, "after-crash")).at(-1)).toMatchObject({ state: "final", message: { content: [{ type: "text", text: "Back again." }] } });
    const body = fake.requests.at(-1)!.body;
    expect(body.messages.map((m: any) => m.role)).toEqual(["user", "assistant", "user", "user"]);
    expect(body.messages[2].content).toEqual([{ type: "tool_result", tool_use_id: "toolu_p1", content: "hello from disk\n" }]);
    expect(lastUserText(body)).toEndWith("] are you there?");
  }, 30_000);

  it("should answer a tool call left without its result with an error result in the next request", async () => {
    const h = await startAgentHarness("anthropic");
    harnesses.push(h);
    const sock = await h.connect();
    const key = "agent:main:cut";
    const { sessions } = h.gw.gateway.services;
    sessions.getOrCreate(key);
    // What a crash right after persisting the assistant's tool call leaves behind.
    sessions.append(key, [
      { type: "message", message: { role: "user", content: [{ type: "text", text: "list files" }], timestamp: Date.now() } },
      { type: "message", message: { role: "assistant", content: [{ type: "tool_use", id: "toolu_cut", name: "list", input: {} }], timestamp: Date.now(), stopReason: "tool_use" } },
    ]);
    h.fake.script({ text: ["Sorry, where were we?"] });
    await sock.request("chat.send", { sessionKey: key, message: "hello?", idempotencyKey: "after-cut" });
    expect((await chatEvents(sock, "after-cut")).at(-1)!.state).toBe("final");
    const messages = h.fake.requests.at(-1)!.body.messages;
    expect(messages.map((m: any) => m.role)).toEqual(["user", "assistant", "user", "user"]);
    expect(messages[2].content).toEqual([
      { type: "tool_result", tool_use_id: "toolu_cut", content: "no result: the run ended before this tool call finished", is_error: true },
    ]);
  });

  it("should start the history at its first user message, leaving out a result whose call is cut off", async () => {
    const h = await startAgentHarness("anthropic");
    harnesses.push(h);
    const sock = await h.connect();
    const key = "agent:main:orphan";
    const { sessions } = h.gw.gateway.services;
    sessions.getOrCreate(key);
    // What a history window starting mid-round looks like: a result first, its call cut off.
    sessions.append(key, [
      { type: "message", message: { role: "toolResult", content: [{ type: "tool_result", toolUseId: "toolu_gone", content: "old output" }], timestamp: Date.now() } },
      { type: "message", message: { role: "assistant", content: [{ type: "text", text: "Done earlier." }], timestamp: Date.now(), stopReason: "end_turn" } },
    ]);
    h.fake.script({ text: ["Fine."] });
    await sock.request("chat.send", { sessionKey: key, message: "and now?", idempotencyKey: "after-orphan" });
    expect((await chatEvents(sock, "after-orphan")).at(-1)!.state).toBe("final");
    const messages = h.fake.requests.at(-1)!.body.messages;
    expect(messages.map((m: any) => m.role)).toEqual(["user"]);
    expect(JSON.stringify(messages)).not.toContain("toolu_gone");

    // Later requests carry the history from that first user message on.
    h.fake.script({ text: ["Still here."] });
    await sock.request("chat.send", { sessionKey: key, message: "again?", idempotencyKey: "after-orphan-2" });
    expect((await chatEvents(sock, "after-orphan-2")).at(-1)!.state).toBe("final");
    expect(h.fake.requests.at(-1)!.body.messages.map((m: any) => m.role)).toEqual(["user", "assistant", "user"]);
  });
});
