/**
 * Cron over the WebSocket API against a real gateway and the loopback model fake: a per-second
 * 6-field job fires an isolated agent turn, `cron` events reach an operator.read client, the run
 * lands in `cron.runs`; main-session jobs queue system events; scopes and validation.
 */
import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { CronJob, CronRunEntry } from "../../src/cron/types.ts";
import { matches } from "../../src/protocol/index.ts";
import { fakeBodies, nextCronEvent, startAutomationHarness, type AutomationHarness } from "../cron/gateway-harness.ts";
import type { TestSocket } from "../helpers/ws-client.ts";

let h: AutomationHarness;
let admin: TestSocket;
let reader: TestSocket;

beforeAll(async () => {
  h = await startAutomationHarness();
  admin = await h.connect();
  reader = await h.connect(["operator.read"]);
});
afterAll(async () => {
  await h.stop();
});

describe("cron: a per-second agentTurn job", () => {
  it("should fire, emit added/started/finished to an operator.read client, log the run and reach the model", async () => {
    // The reply holds after its first delta until the job is disabled, so exactly one run happens.
    const gate = Promise.withResolvers<void>();
    h.fake.script({ text: ["Morning", " brief"], interrupt: { after: 1, action: "hold", until: gate.promise } });
    const add = await admin.request("cron.add", {
      name: "Brief", schedule: { kind: "cron", expr: "* * * * * *", tz: "Europe/Madrid" }, sessionTarget: "isolated",
      payload: { kind: "agentTurn", message: "Summarize the day." },
    });
    expect(add.ok).toBe(true);
    const job = add.payload;
    expect(matches(CronJob, job)).toBe(true);
    expect(job).toMatchObject({ name: "Brief", enabled: true, wakeMode: "now", agentId: "main" });
    expect(job.state.nextRunAtMs - Date.now()).toBeLessThanOrEqual(1_000);

    expect((await nextCronEvent(reader, job.id, "added")).payload).toEqual({ jobId: job.id, action: "added", nextRunAtMs: job.state.nextRunAtMs });
    const started = await nextCronEvent(reader, job.id, "started");
    // Disable the job while its first run is in flight: the finished run then schedules nothing.
    expect((await admin.request("cron.update", { id: job.id, patch: { enabled: false } })).ok).toBe(true);
    gate.resolve();
    const finished = await nextCronEvent(reader, job.id, "finished");
    expect(started.payload.runAtMs).toBeGreaterThanOrEqual(job.state.nextRunAtMs);
    expect(finished.payload).toEqual({
      jobId: job.id, action: "finished", status: "ok", summary: "Morning brief", runAtMs: started.payload.runAtMs, durationMs: expect.any(Number),
    });

    const runs = await reader.request("cron.runs", { id: job.id });
    expect(runs.ok).toBe(true);
    expect(runs.payload.entries).toHaveLength(1);
    expect(matches(CronRunEntry, runs.payload.entries[0])).toBe(true);
    expect(runs.payload.entries[0]).toMatchObject({ jobId: job.id, action: "finished", status: "ok", summary: "Morning brief" });

    expect(fakeBodies(h.fake).filter((b) => b.includes(`[cron:${job.id} Brief] Summarize the day.`))).toHaveLength(1);
    const sessions = await reader.request("sessions.list", { search: `cron:${job.id}` });
    expect(sessions.payload.sessions.map((s: { key: string }) => s.key)).toEqual([`cron:${job.id}`]);
    expect(h.gw.gateway.services.systemEvents).toContain("Cron (Brief): Morning brief");

    const list = await reader.request("cron.list", { includeDisabled: true });
    expect(list.payload.jobs.find((j: { id: string }) => j.id === job.id)).toMatchObject({ enabled: false, state: { lastStatus: "ok" } });
    expect((await admin.request("cron.remove", { jobId: job.id })).payload).toEqual({ ok: true, removed: true });
    expect((await nextCronEvent(reader, job.id, "removed")).payload).toEqual({ jobId: job.id, action: "removed" });
  });
});

describe("cron: methods", () => {
  it("should run a main-session systemEvent job on cron.run and queue its text", async () => {
    const text = `Stand up ${crypto.randomUUID()}`;
    const { payload: job } = await admin.request("cron.add", {
      name: "Standup", schedule: { kind: "every", everyMs: 3_600_000 }, sessionTarget: "main", wakeMode: "next-heartbeat",
      payload: { kind: "systemEvent", text },
    });
    const run = await admin.request("cron.run", { id: job.id });
    expect(run.payload).toMatchObject({ ok: true, ran: true, entry: { jobId: job.id, status: "ok", summary: text } });
    expect(h.gw.gateway.services.systemEvents).toContain(text);
    expect((await admin.request("cron.run", { id: job.id, mode: "due" })).payload).toEqual({ ok: true, ran: false, reason: "not-due" });

    const status = await reader.request("cron.status");
    expect(status.payload).toMatchObject({ enabled: true, running: 0 });
    expect(status.payload.jobs).toBeGreaterThanOrEqual(1);
    expect((await reader.request("cron.list")).payload.jobs.map((j: { id: string }) => j.id)).toContain(job.id);
    await admin.request("cron.remove", { id: job.id });
  });

  it("should keep writes to operator.admin and reads to operator.read", async () => {
    const add = await reader.request("cron.add", { name: "x", schedule: { kind: "every", everyMs: 60_000 }, sessionTarget: "main", payload: { kind: "systemEvent", text: "x" } });
    expect(add.error).toMatchObject({ code: "FORBIDDEN", message: "missing scope: operator.admin" });
    for (const method of ["cron.update", "cron.remove", "cron.run"]) {
      expect((await reader.request(method, { id: "nope" })).error?.message).toBe("missing scope: operator.admin");
    }
  });

  it("should name the bad field of a job and refuse unknown jobs", async () => {
    const badZone = await admin.request("cron.add", {
      name: "x", schedule: { kind: "cron", expr: "0 7 * * *", tz: "Mars/Base" }, sessionTarget: "main", payload: { kind: "systemEvent", text: "x" },
    });
    expect(badZone.error).toMatchObject({ code: "INVALID_REQUEST" });
    expect(badZone.error.message).toContain("schedule.tz");
    const mismatch = await admin.request("cron.add", {
      name: "x", schedule: { kind: "every", everyMs: 60_000 }, sessionTarget: "main", payload: { kind: "agentTurn", message: "m" },
    });
    expect(mismatch.error.message).toBe('payload.kind: sessionTarget "main" requires payload kind "systemEvent" (got "agentTurn")');
    expect((await admin.request("cron.runs", { id: "nope" })).error).toMatchObject({ code: "INVALID_REQUEST", message: "unknown cron job: nope" });
    expect((await admin.request("cron.remove", { id: "nope" })).payload).toEqual({ ok: true, removed: false });
    expect((await admin.request("cron.runs", {})).error.message).toBe("id: is required (or jobId)");
  });
});

describe("cron: MAYROS_SKIP_CRON=1", () => {
  it("should report the scheduler off while manual runs still work", async () => {
    const off = await startAutomationHarness({}, { MAYROS_SKIP_CRON: "1" });
    try {
      const sock = await off.connect();
      expect((await sock.request("cron.status")).payload).toEqual({ enabled: false, jobs: 0, nextWakeAtMs: null, running: 0 });
      const { payload: job } = await sock.request("cron.add", {
        name: "Off", schedule: { kind: "every", everyMs: 1_000 }, sessionTarget: "main", wakeMode: "next-heartbeat", payload: { kind: "systemEvent", text: "manual" },
      });
      expect((await sock.request("cron.run", { id: job.id })).payload).toMatchObject({ ran: true, entry: { status: "ok" } });
    } finally {
      await off.stop();
    }
  });
});
