/**
 * Auto-compaction end to end with the Anthropic fake (agent.md §2.3): a small context window makes
 * a turn summarise the older history first (one summarisation request, `compaction` events, a
 * persisted compaction entry), later turns build on the summary, and a "prompt is too long" 400
 * compacts and retries once.
 */
import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { SUMMARY_PREFIX } from "../../src/agent/compaction.ts";
import { MAIN_KEY, eventProblem, isAgentEvent, lastUserText, runEvents, startAgentHarness, type AgentHarness } from "../helpers/agent.ts";
import type { TestSocket } from "../helpers/ws-client.ts";

/** About 10 000 estimated tokens: two of these do not fit the 18 000-token window next to the system prompt and tools, one does. */
const BIG = 40_000;
const big = (letter: string) => `${letter}${letter.repeat(BIG - 1)}`;

/** The text of every block of a recorded Anthropic message. */
const textOf = (m: any): string => (typeof m.content === "string" ? m.content : m.content.map((b: any) => b.text ?? b.content ?? "").join(""));

describe("auto-compaction near the context window", () => {
  let h: AgentHarness;
  let sock: TestSocket;
  const key = "agent:main:compact";
  beforeAll(async () => {
    h = await startAgentHarness("anthropic", { agents: { defaults: { contextTokens: 18_000, compaction: { reserveTokens: 0 } } } });
    sock = await h.connect();
  });
  afterAll(async () => {
    await h.stop();
  });

  async function turn(message: string, reply: string, runId: string): Promise<any[]> {
    h.fake.script({ text: [reply] });
    const res = await sock.request("chat.send", { sessionKey: key, message, idempotencyKey: runId });
    expect(res.payload).toEqual({ runId, status: "started" });
    const events = await runEvents(sock, runId);
    expect(events.at(-1)!.data.phase).toBe("end");
    return events;
  }

  it("should summarise the older turns before a turn that would not fit, and send the summary instead of them", async () => {
    expect((await turn(big("A"), "Noted the A text.", "c-1")).some((e) => e.stream === "compaction")).toBe(false);
    // The sizes above hold while the system prompt and tool schemas stay well under 8 000 tokens.
    const first = h.fake.requests.at(-1)!.body;
    expect(Math.ceil((JSON.stringify(first.system).length + JSON.stringify(first.tools).length) / 4)).toBeLessThan(8_000);
    expect((await turn("what was my first message about?", "Letters.", "c-2")).some((e) => e.stream === "compaction")).toBe(false);
    const before = h.fake.requests.length;

    h.fake.script({ text: ["The user sent a long run of the letter A; the assistant noted it."] });
    const events = await turn(big("C"), "Noted the C text.", "c-3");

    // One summarisation request (no tools, the old turn as text), then the turn's own request.
    expect(h.fake.requests.length - before).toBe(2);
    const summaryCall = h.fake.requests[before]!.body;
    expect(summaryCall.tools).toBeUndefined();
    expect(summaryCall.messages).toHaveLength(1);
    expect(textOf(summaryCall.messages[0])).toContain("User: ");
    expect(textOf(summaryCall.messages[0])).toContain("AAAA");
    expect(textOf(summaryCall.messages[0])).not.toContain("CCCC");
    const next = h.fake.requests[before + 1]!.body;
    expect(next.messages[0]).toEqual({
      role: "user", content: [{ type: "text", text: `${SUMMARY_PREFIX} The user sent a long run of the letter A; the assistant noted it.` }],
    });
    expect(next.messages.map(textOf).slice(2)).toEqual(["Letters.", expect.stringContaining("CCCC")]);
    expect(textOf(next.messages[1])).toContain("what was my first message about?");
    expect(JSON.stringify(next.messages)).not.toContain("AAAA");
    expect(next.tools.map((t: any) => t.name)).toContain("read");

    // `compaction` events after the lifecycle start and before the first assistant text.
    const compaction = events.filter((e) => e.stream === "compaction");
    expect(compaction.map((e) => e.data.phase)).toEqual(["start", "end"]);
    const { tokensBefore, tokensAfter } = compaction[1]!.data;
    expect(tokensBefore).toBeGreaterThan(tokensAfter);
    expect(tokensAfter).toBeLessThan(18_000);
    for (const e of compaction) expect(eventProblem("agent", e)).toBeNull();
    expect(events.map((e) => e.stream).slice(0, 3)).toEqual(["lifecycle", "compaction", "compaction"]);
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));

    // The compaction entry is persisted before the turn's prompt and keeps from the second turn.
    const tail = h.gw.gateway.services.sessions.tail(key);
    const at = tail.findIndex((r) => r.entry.type === "compaction");
    expect(tail[at]!.entry).toMatchObject({ type: "compaction", summary: expect.stringContaining("letter A"), tokensBefore });
    const firstKept = tail.find((r) => r.entry.id === (tail[at]!.entry as any).firstKeptEntryId)!;
    expect(textOf((firstKept.entry as any).message)).toContain("what was my first message about?");
    expect(textOf((tail[at + 1]!.entry as any).message)).toContain("CCCC");
    const { sessions } = (await sock.request("sessions.list", { search: key })).payload;
    expect(sessions[0].compactionCount).toBe(1);

    // The WebChat history still has the whole conversation, and the session still answers.
    const hist = (await sock.request("chat.history", { sessionKey: key })).payload;
    expect(hist.messages.map((m: any) => m.role)).toEqual(["user", "assistant", "user", "assistant", "user", "assistant"]);
    await turn("and now?", "Still here.", "c-4");
    const after = h.fake.requests.at(-1)!.body;
    expect(textOf(after.messages[0])).toStartWith(SUMMARY_PREFIX);
    expect(after.messages).toHaveLength(6);
    expect(lastUserText(after)).toContain("and now?");
  });
});

describe("compaction when the provider says the prompt is too long", () => {
  let h: AgentHarness;
  let sock: TestSocket;
  beforeAll(async () => {
    h = await startAgentHarness("anthropic");
    sock = await h.connect();
  });
  afterAll(async () => {
    await h.stop();
  });

  async function agent(message: string, runId: string): Promise<any> {
    await sock.request("agent", { message, sessionKey: MAIN_KEY, idempotencyKey: runId }, `req-${runId}`);
    return sock.next((f) => f.type === "res" && f.id === `req-${runId}` && f.payload?.status !== "accepted", 10_000);
  }

  it("should compact and retry the request once, then answer", async () => {
    for (const [i, text] of ["first", "second"].entries()) {
      h.fake.script({ text: [`reply ${i + 1}`] });
      expect((await agent(text, `o-${i + 1}`)).ok).toBe(true);
    }
    const before = h.fake.requests.length;
    h.fake.script(
      { kind: "http_error", status: 400, message: "prompt is too long: 250000 tokens > 200000 maximum" },
      { text: ["Earlier: two short exchanges."] },
      { text: ["Fine after all."] },
    );
    const final = await agent("third", "o-3");
    expect(final.ok).toBe(true);
    expect(final.payload.result.payloads).toEqual([{ text: "Fine after all." }]);
    expect(h.fake.requests.length - before).toBe(3);
    const [refused, summary, retried] = h.fake.requests.slice(before).map((r) => r.body);
    expect(refused.messages).toHaveLength(5);
    expect(textOf(summary.messages[0])).toContain("reply 1");
    expect(retried.messages[0].content[0].text).toBe(`${SUMMARY_PREFIX} Earlier: two short exchanges.`);
    expect(retried.messages.slice(1).map(textOf)).toEqual([expect.stringContaining("second"), "reply 2", expect.stringContaining("third")]);
    const phases = sock.received.filter((f) => isAgentEvent(f, "o-3", "compaction")).map((f) => f.payload.data.phase);
    expect(phases).toEqual(["start", "end"]);
  });

  it("should fail the run with the provider's error when a retry is refused again", async () => {
    h.fake.script(
      { kind: "http_error", status: 400, message: "prompt is too long: 250000 tokens > 200000 maximum" },
      { text: ["Summary again."] },
      { kind: "http_error", status: 400, message: "prompt is too long: 210000 tokens > 200000 maximum" },
    );
    const final = await agent("fourth", "o-4");
    expect(final.ok).toBe(false);
    expect(final.error.message).toContain("prompt is too long: 210000 tokens");
    expect(h.fake.pending).toBe(0);
  });
});
