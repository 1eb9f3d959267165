/** @module Tests of the `cron` tool over a real CronScheduler (in-memory store, fake clock): every action, validation and refusals. */
import { beforeEach, describe, expect, it } from "bun:test";
import { cronTool } from "../../../src/agent/tools/cron-tool.ts";
import type { Tool } from "../../../src/agent/tools/registry.ts";
import { CronScheduler, CronStore, type CronJob } from "../../../src/cron/index.ts";
import { openDatabase } from "../../../src/store/index.ts";
import { FakeClock } from "../../cron/helpers.ts";

const T0 = Date.parse("2026-03-01T12:00:00Z");
const ctx = (sessionKey = "agent:main:main") => ({ workspace: "/tmp", sessionKey, signal: new AbortController().signal });
const JOB = { name: "Brief", schedule: { kind: "every", everyMs: 60_000 }, sessionTarget: "isolated", payload: { kind: "agentTurn", message: "Summarize." } };

let cron: CronScheduler;
let tool: Tool;
let executed: string[];

beforeEach(() => {
  const clock = new FakeClock(T0);
  let n = 0;
  executed = [];
  cron = new CronScheduler({
    store: new CronStore(openDatabase(":memory:"), clock.now), now: clock.now, setTimer: clock.setTimer, clearTimer: clock.clearTimer,
    newId: () => `job-${++n}`, execute: async (job) => (executed.push(job.id), { status: "ok", summary: "done" }),
  });
  tool = cronTool(cron);
});

async function call(input: Record<string, unknown>, sessionKey?: string): Promise<{ value: any; isError?: boolean; content: string }> {
  const result = await tool.execute(input, ctx(sessionKey));
  return { ...result, value: result.isError ? undefined : JSON.parse(result.content) };
}

describe("cron tool", () => {
  it("should be the automation group's cron tool with an action enum and plain JSON schemas", () => {
    expect(tool.name).toBe("cron");
    expect(tool.group).toBe("group:automation");
    const props = tool.inputSchema.properties as Record<string, any>;
    expect(props.action.enum).toEqual(["status", "list", "add", "update", "remove", "run", "runs"]);
    expect(JSON.stringify(tool.inputSchema)).not.toContain("$id");
    expect(props.job.required).toEqual(["name", "schedule", "sessionTarget", "payload"]);
  });

  it("should add a job given as `job` or as top-level fields and list it like cron.list", async () => {
    const added = await call({ action: "add", job: JOB });
    expect(added.isError).toBeUndefined();
    expect(added.value).toMatchObject({ id: "job-1", ...JOB, enabled: true, agentId: "main", wakeMode: "now", state: { nextRunAtMs: expect.any(Number) } });
    const flat = await call({ action: "add", ...JOB, name: "Flat" });
    expect(flat.value).toMatchObject({ id: "job-2", name: "Flat" });
    const listed = await call({ action: "list" });
    expect(listed.value).toEqual({ jobs: cron.list() });
    expect(listed.value.jobs.map((j: CronJob) => j.id)).toEqual(["job-1", "job-2"]);
  });

  it("should refuse invalid jobs with the cron validators' messages", async () => {
    const bad = await call({ action: "add", job: { ...JOB, schedule: { kind: "cron", expr: "0 7 * * *", tz: "Mars/Base" } } });
    expect(bad).toMatchObject({ isError: true, content: expect.stringMatching(/^cron add failed: schedule\.tz: /) });
    const pairing = await call({ action: "add", job: { ...JOB, sessionTarget: "main" } });
    expect(pairing.content).toBe('cron add failed: payload.kind: sessionTarget "main" requires payload kind "systemEvent" (got "agentTurn")');
    expect(await call({ action: "explode" })).toMatchObject({ isError: true, content: "action: must be one of status, list, add, update, remove, run, runs" });
    expect(cron.list({ includeDisabled: true })).toEqual([]);
  });

  it("should update, run, read the run log and remove a job", async () => {
    await call({ action: "add", job: JOB });
    const updated = await call({ action: "update", id: "job-1", patch: { enabled: false, payload: { message: "Shorter." } } });
    expect(updated.value).toMatchObject({ id: "job-1", enabled: false, payload: { kind: "agentTurn", message: "Shorter." } });
    expect((await call({ action: "list" })).value.jobs).toEqual([]);
    expect((await call({ action: "list", includeDisabled: true })).value.jobs).toHaveLength(1);
    expect((await call({ action: "update", id: "job-1" })).content).toBe("patch: is required");

    const ran = await call({ action: "run", jobId: "job-1" });
    expect(ran.value).toMatchObject({ ok: true, ran: true, entry: { jobId: "job-1", status: "ok", summary: "done" } });
    expect(executed).toEqual(["job-1"]);
    expect((await call({ action: "run", id: "job-1", mode: "due" })).value).toEqual({ ok: true, ran: false, reason: "not-due" });
    const runs = await call({ action: "runs", id: "job-1", limit: 5 });
    expect(runs.value.entries).toHaveLength(1);
    expect(runs.value.entries[0]).toMatchObject({ jobId: "job-1", action: "finished", status: "ok" });
    expect((await call({ action: "status" })).value).toMatchObject({ jobs: 1, running: 0 });

    expect((await call({ action: "remove", id: "job-1" })).value).toEqual({ ok: true, removed: true });
    expect((await call({ action: "remove", id: "job-1" })).value).toEqual({ ok: true, removed: false });
  });

  it("should name missing or unknown jobs as error results", async () => {
    expect(await call({ action: "remove" })).toMatchObject({ isError: true, content: "cron remove failed: id: is required (or jobId)" });
    expect(await call({ action: "runs", id: "nope" })).toMatchObject({ isError: true, content: "cron runs failed: unknown cron job: nope" });
    expect(await call({ action: "update", id: "nope", patch: {} })).toMatchObject({ isError: true, content: "cron update failed: unknown cron job: nope" });
  });

  it("should not run jobs from inside a cron job's own run (it would wait for its own run slot)", async () => {
    await call({ action: "add", job: JOB });
    expect(await call({ action: "run", id: "job-1" }, "cron:job-1")).toMatchObject({
      isError: true, content: "cron run: jobs cannot be run from inside a cron job's run",
    });
    expect(executed).toEqual([]);
  });
});
