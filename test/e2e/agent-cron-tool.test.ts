/**
 * The `cron` tool end to end (agent.md §5): the fake model calls `cron` with `add`, the job shows up
 * in `cron.list` (with the `cron` event), a bad job comes back to the model as an error result, and
 * the model can remove it again.
 */
import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { chatEvents, isAgentEvent, startAgentHarness, type AgentHarness } from "../helpers/agent.ts";
import type { TestSocket } from "../helpers/ws-client.ts";

const JOB = {
  name: "Morning brief", schedule: { kind: "every", everyMs: 3_600_000 }, sessionTarget: "isolated",
  payload: { kind: "agentTurn", message: "Summarize the news." },
};

/** The tool_result blocks of the last user message of a recorded Anthropic request. */
const toolResults = (body: any): any[] => (body.messages.at(-1).content as any[]).filter((b) => b.type === "tool_result");

describe("cron tool", () => {
  let h: AgentHarness;
  let sock: TestSocket;
  beforeAll(async () => {
    h = await startAgentHarness("anthropic");
    sock = await h.connect({ caps: ["tool-events"] });
  });
  afterAll(async () => {
    await h.stop();
  });

  async function send(message: string, runId: string): Promise<void> {
    await sock.request("chat.send", { sessionKey: "agent:main:cron-tool", message, idempotencyKey: runId });
    expect((await chatEvents(sock, runId)).at(-1)!.state).toBe("final");
  }

  it("should add a job the model asks for, visible in cron.list like one added by cron.add", async () => {
    const offered = h.fake.requests.length;
    h.fake.script(
      { toolCalls: [{ id: "toolu_c1", name: "cron", args: ['{"action":"add",', `"job":${JSON.stringify(JOB)}}`] }] },
      { text: ["Scheduled."] },
    );
    await send("remind me every hour", "cron-add");

    const tools = h.fake.requests[offered]!.body.tools;
    expect(tools.find((t: any) => t.name === "cron").input_schema.properties.action.enum).toContain("add");
    const [result] = toolResults(h.fake.requests.at(-1)!.body);
    expect(result.is_error).toBeUndefined();
    const added = JSON.parse(result.content);
    expect(added).toMatchObject({ ...JOB, enabled: true, agentId: "main" });

    const { jobs } = (await sock.request("cron.list", {})).payload;
    expect(jobs).toEqual([added]);
    const event = await sock.next((f) => f.type === "event" && f.event === "cron" && f.payload.action === "added");
    expect(event.payload.jobId).toBe(added.id);
    const toolEvents = sock.received.filter((f) => isAgentEvent(f, "cron-add", "tool")).map((f) => f.payload.data);
    expect(toolEvents.map((d) => [d.phase, d.name, d.isError])).toEqual([["start", "cron", undefined], ["result", "cron", false]]);
  });

  it("should hand a job the validators refuse back to the model as an error result, and remove a job", async () => {
    const [job] = (await sock.request("cron.list", {})).payload.jobs;
    const bad = { ...JOB, sessionTarget: "main" };
    h.fake.script(
      { toolCalls: [{ id: "toolu_c2", name: "cron", args: [JSON.stringify({ action: "add", job: bad })] }] },
      { toolCalls: [{ id: "toolu_c3", name: "cron", args: [JSON.stringify({ action: "remove", id: job.id })] }] },
      { text: ["Done."] },
    );
    await send("change of plan", "cron-bad");
    const requests = h.fake.requests.slice(-2).map((r) => r.body);
    expect(toolResults(requests[0])).toEqual([{
      type: "tool_result", tool_use_id: "toolu_c2", is_error: true,
      content: 'cron add failed: payload.kind: sessionTarget "main" requires payload kind "systemEvent" (got "agentTurn")',
    }]);
    expect(toolResults(requests[1])).toEqual([{ type: "tool_result", tool_use_id: "toolu_c3", content: JSON.stringify({ ok: true, removed: true }, null, 1) }]);
    expect((await sock.request("cron.list", { includeDisabled: true })).payload.jobs).toEqual([]);
  });
});
