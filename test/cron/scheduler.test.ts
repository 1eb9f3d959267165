/** @module Tests of CronScheduler with a fake clock and fake timers: firing, events, run log, restarts, manual runs. */
import { afterEach, beforeEach, describe, expect, it } from "bun:test";
import type { Database } from "bun:sqlite";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  CronScheduler, CronStore, DEFAULT_MAX_TIMER_DELAY_MS, MAX_TIMER_DELAY_MS, type CronEvent, type CronExecuteResult, type CronJob,
  type CronSchedulerOptions,
} from "../../src/cron/index.ts";
import { GatewayError } from "../../src/protocol/index.ts";
import { openDatabase } from "../../src/store/index.ts";
import { FakeClock, flush, isolatedJob, mainJob } from "./helpers.ts";

const T0 = Date.parse("2026-03-01T12:00:00Z");

let db: Database;
let clock: FakeClock;
let store: CronStore;
let events: CronEvent[];
let executed: CronJob[];
let outcome: (job: CronJob) => Promise<CronExecuteResult>;
let scheduler: CronScheduler;

function makeScheduler(options: Partial<CronSchedulerOptions> = {}): CronScheduler {
  let n = 0;
  return new CronScheduler({
    store, now: clock.now, setTimer: clock.setTimer, clearTimer: clock.clearTimer, newId: () => `job-${++n}`,
    execute: (job) => {
      executed.push(job);
      return outcome(job);
    },
    onEvent: (e) => events.push(e),
    ...options,
  });
}

const actions = () => events.map((e) => `${e.action}:${e.jobId}`);

beforeEach(() => {
  db = openDatabase(":memory:");
  clock = new FakeClock(T0);
  store = new CronStore(db, clock.now);
  events = [];
  executed = [];
  outcome = async () => ({ status: "ok", summary: "done" });
  scheduler = makeScheduler();
});

afterEach(async () => {
  await scheduler.stop();
});

describe("CronScheduler firing", () => {
  it("should arm one timer for the earliest job and fire it at the right instant", async () => {
    await scheduler.start();
    expect(clock.pending).toBeUndefined();
    const slow = await scheduler.add(isolatedJob({ schedule: { kind: "every", everyMs: 120_000 } }));
    const fast = await scheduler.add(isolatedJob({ schedule: { kind: "every", everyMs: 45_000 } }));
    expect(fast.state.nextRunAtMs).toBe(T0 + 45_000);
    expect(clock.pending!.at).toBe(T0 + 45_000);

    await clock.advanceTo(T0 + 44_999);
    expect(executed).toEqual([]);
    await clock.advanceTo(T0 + 45_000);
    expect(executed.map((j) => j.id)).toEqual([fast.id]);
    expect(scheduler.get(fast.id)!.state.nextRunAtMs).toBe(T0 + 90_000);
    expect(scheduler.get(slow.id)!.state.nextRunAtMs).toBe(T0 + 120_000);
    expect(clock.pending!.at).toBe(T0 + 90_000);
  });

  it("should emit started and finished events and record the run in the log and the job state", async () => {
    await scheduler.start();
    const job = await scheduler.add(mainJob());
    outcome = async () => {
      clock.set(clock.now() + 250);
      return { status: "ok", summary: "queued" };
    };
    await clock.advanceTo(T0 + 60_000);

    expect(events).toEqual([
      { jobId: job.id, action: "added", nextRunAtMs: T0 + 60_000 },
      { jobId: job.id, action: "started", runAtMs: T0 + 60_000 },
      {
        jobId: job.id, action: "finished", status: "ok", summary: "queued", runAtMs: T0 + 60_000, durationMs: 250, nextRunAtMs: T0 + 120_000,
      },
    ]);
    expect(scheduler.runs(job.id)).toEqual([{
      ts: T0 + 60_250, jobId: job.id, action: "finished", status: "ok", summary: "queued", runAtMs: T0 + 60_000, durationMs: 250,
      nextRunAtMs: T0 + 120_000,
    }]);
    expect(scheduler.get(job.id)!.state).toEqual({
      nextRunAtMs: T0 + 120_000, runningAtMs: null, lastRunAtMs: T0 + 60_000, lastStatus: "ok", lastError: null, lastDurationMs: 250,
    });
  });

  it("should delete a one-shot job after a successful run", async () => {
    await scheduler.start();
    const job = await scheduler.add(isolatedJob({ schedule: { kind: "at", at: "2026-03-01T12:05:00Z" } }));
    expect(job.state.nextRunAtMs).toBe(T0 + 300_000);
    await clock.advanceTo(T0 + 300_000);
    expect(executed).toHaveLength(1);
    expect(actions()).toEqual([`added:${job.id}`, `started:${job.id}`, `finished:${job.id}`, `removed:${job.id}`]);
    expect(events.find((e) => e.action === "finished")).not.toHaveProperty("nextRunAtMs");
    expect(scheduler.get(job.id)).toBeUndefined();
    expect(clock.pending).toBeUndefined();
  });

  it("should keep a one-shot job with deleteAfterRun false, disabled, with its run recorded", async () => {
    await scheduler.start();
    const job = await scheduler.add(isolatedJob({ deleteAfterRun: false, schedule: { kind: "at", at: "2026-03-01T12:05:00Z" } }));
    await clock.advanceTo(T0 + 600_000);
    const kept = scheduler.get(job.id)!;
    expect(kept.enabled).toBe(false);
    expect(kept.state).toMatchObject({ lastStatus: "ok", lastRunAtMs: T0 + 300_000 });
    expect(kept.state.nextRunAtMs).toBeUndefined();
    expect(scheduler.runs(job.id)).toHaveLength(1);
    expect(executed).toHaveLength(1);
  });

  it("should keep a recurring cron job with its next slot", async () => {
    await scheduler.start();
    const job = await scheduler.add(isolatedJob({ schedule: { kind: "cron", expr: "0 9 * * *", tz: "America/New_York" } }));
    const first = Date.parse("2026-03-01T14:00:00Z");
    expect(job.state.nextRunAtMs).toBe(first);
    await clock.advanceTo(first);
    expect(executed).toHaveLength(1);
    expect(scheduler.get(job.id)!.state.nextRunAtMs).toBe(Date.parse("2026-03-02T14:00:00Z"));
  });

  it("should record a throwing execute as an error run and keep the job scheduled", async () => {
    await scheduler.start();
    const job = await scheduler.add(isolatedJob());
    outcome = async () => {
      throw new Error("provider down");
    };
    await clock.advanceTo(T0 + 60_000);
    const finished = events.find((e) => e.action === "finished")!;
    expect(finished).toMatchObject({ status: "error", error: "provider down", nextRunAtMs: T0 + 120_000 });
    expect(scheduler.runs(job.id)[0]).toMatchObject({ status: "error", error: "provider down" });
    expect(scheduler.get(job.id)!.state).toMatchObject({ lastStatus: "error", lastError: "provider down", runningAtMs: null });
    expect(clock.pending!.at).toBe(T0 + 120_000);
  });

  it("should keep a failed one-shot job, disabled, instead of deleting it", async () => {
    await scheduler.start();
    const job = await scheduler.add(isolatedJob({ schedule: { kind: "at", at: "2026-03-01T12:01:00Z" } }));
    outcome = async () => ({ status: "error", error: "no model" });
    await clock.advanceTo(T0 + 60_000);
    expect(scheduler.get(job.id)).toMatchObject({ enabled: false, state: { lastStatus: "error", lastError: "no model" } });
    expect(actions()).not.toContain(`removed:${job.id}`);
  });
});

describe("CronScheduler timer", () => {
  it("should clamp long delays and re-check the clock on every wake", async () => {
    await scheduler.start();
    await scheduler.add(isolatedJob({ schedule: { kind: "at", at: "2027-03-01T12:00:00Z" } }));
    expect(clock.pending!.ms).toBe(DEFAULT_MAX_TIMER_DELAY_MS);
    await clock.fire();
    expect(executed).toEqual([]);
    expect(clock.pending!.ms).toBe(DEFAULT_MAX_TIMER_DELAY_MS);

    await scheduler.stop();
    scheduler = makeScheduler({ maxTimerDelayMs: 2 ** 40 });
    await scheduler.start();
    expect(clock.pending!.ms).toBe(MAX_TIMER_DELAY_MS);
  });

  it("should run only what is due when the wall clock moved while sleeping", async () => {
    await scheduler.start();
    await scheduler.add(isolatedJob({ schedule: { kind: "every", everyMs: 600_000 } }));
    clock.set(T0 + 100_000); // clock stepped back relative to the armed instant
    await clock.fire();
    expect(executed).toEqual([]);
    expect(clock.pending!.ms).toBe(DEFAULT_MAX_TIMER_DELAY_MS);
    clock.set(T0 + 700_000); // clock jumped past the slot
    await clock.fire();
    expect(executed).toHaveLength(1);
    expect(clock.pending!.at).toBe(T0 + 700_000 + DEFAULT_MAX_TIMER_DELAY_MS);
  });

  it("should disarm when the last job is disabled and re-arm when it is enabled again", async () => {
    await scheduler.start();
    const job = await scheduler.add(isolatedJob());
    await scheduler.update(job.id, { enabled: false });
    expect(clock.pending).toBeUndefined();
    expect(scheduler.get(job.id)!.state.nextRunAtMs).toBeUndefined();
    clock.set(T0 + 90_000);
    const enabled = await scheduler.update(job.id, { enabled: true });
    expect(enabled.state.nextRunAtMs).toBe(T0 + 120_000);
    expect(clock.pending!.at).toBe(T0 + 120_000);
  });

  it("should not arm anything when cron is disabled", async () => {
    scheduler = makeScheduler({ enabled: false });
    await scheduler.start();
    await scheduler.add(isolatedJob());
    expect(clock.pending).toBeUndefined();
    expect(scheduler.status()).toEqual({ enabled: false, jobs: 1, nextWakeAtMs: null, running: 0 });
  });

  it("should run at most maxConcurrentRuns jobs at once and start the next when one finishes", async () => {
    await scheduler.start();
    const a = await scheduler.add(isolatedJob({ name: "a" }));
    const b = await scheduler.add(isolatedJob({ name: "b" }));
    const release: Array<() => void> = [];
    outcome = () => new Promise((resolve) => release.push(() => resolve({ status: "ok" })));
    await clock.advanceTo(T0 + 60_000);
    expect(executed.map((j) => j.id)).toEqual([a.id]);
    expect(scheduler.status().running).toBe(1);
    expect(clock.pending).toBeUndefined();
    release.shift()!();
    await flush();
    await clock.advanceTo(clock.now());
    expect(executed.map((j) => j.id)).toEqual([a.id, b.id]);
    release.shift()!();
    await flush();
    expect(scheduler.status()).toMatchObject({ running: 0, nextWakeAtMs: T0 + 120_000 });
  });
});

describe("CronScheduler changes", () => {
  it("should emit added, updated and removed events and persist each change", async () => {
    await scheduler.start();
    const job = await scheduler.add(mainJob());
    const updated = await scheduler.update(job.id, { name: "Renamed", schedule: { kind: "every", everyMs: 30_000 } });
    expect(updated).toMatchObject({ name: "Renamed", state: { nextRunAtMs: T0 + 30_000 } });
    expect(store.get(job.id)!.name).toBe("Renamed");
    expect(clock.pending!.at).toBe(T0 + 30_000);
    expect(scheduler.remove(job.id)).toBe(true);
    expect(scheduler.remove(job.id)).toBe(false);
    expect(events).toEqual([
      { jobId: job.id, action: "added", nextRunAtMs: T0 + 60_000 },
      { jobId: job.id, action: "updated", nextRunAtMs: T0 + 30_000 },
      { jobId: job.id, action: "removed" },
    ]);
    expect(clock.pending).toBeUndefined();
  });

  it("should report status", async () => {
    await scheduler.start();
    await scheduler.add(isolatedJob({ schedule: { kind: "every", everyMs: 90_000 } }));
    await scheduler.add(isolatedJob({ enabled: false }));
    expect(scheduler.status()).toEqual({ enabled: true, jobs: 2, nextWakeAtMs: T0 + 90_000, running: 0 });
    expect(scheduler.list()).toHaveLength(1);
    expect(scheduler.list({ includeDisabled: true })).toHaveLength(2);
  });

  it("should refuse an unknown job and an invalid patch with INVALID_REQUEST", async () => {
    await scheduler.start();
    await expect(scheduler.update("nope", { name: "x" })).rejects.toThrow(new GatewayError("INVALID_REQUEST", "unknown cron job: nope"));
    await expect(scheduler.run("nope")).rejects.toThrow("unknown cron job: nope");
    expect(() => scheduler.runs("nope")).toThrow("unknown cron job: nope");
    const job = await scheduler.add(mainJob());
    await expect(scheduler.update(job.id, { schedule: { kind: "cron", expr: "0 9 * * *", tz: "Nowhere/Land" } }))
      .rejects.toThrow('schedule.tz: unknown time zone "Nowhere/Land"');
    await expect(scheduler.add(mainJob({ sessionTarget: "isolated" }))).rejects.toThrow(/^payload\.kind: sessionTarget "isolated"/);
    expect(store.count()).toBe(1);
  });
});

describe("CronScheduler manual runs", () => {
  it("should do nothing for run(id, 'due') when the job is not due, and run it when it is", async () => {
    await scheduler.start();
    const job = await scheduler.add(isolatedJob());
    expect(await scheduler.run(job.id, "due")).toEqual({ ran: false, reason: "not-due" });
    expect(executed).toEqual([]);
    await scheduler.stop(); // no timer: the job becomes due without firing
    clock.set(T0 + 60_000);
    const outcome = await scheduler.run(job.id, "due");
    expect(outcome).toMatchObject({ ran: true, entry: { status: "ok", runAtMs: T0 + 60_000 } });
    expect(executed).toHaveLength(1);
  });

  it("should run a job at once with force (the default), even when disabled, and keep its schedule", async () => {
    await scheduler.start();
    const job = await scheduler.add(isolatedJob({ enabled: false }));
    clock.set(T0 + 5_000);
    const outcome = await scheduler.run(job.id);
    expect(outcome).toMatchObject({ ran: true, entry: { jobId: job.id, status: "ok", runAtMs: T0 + 5_000 } });
    expect(actions()).toEqual([`added:${job.id}`, `started:${job.id}`, `finished:${job.id}`]);

    const enabled = await scheduler.add(isolatedJob());
    await scheduler.run(enabled.id, "force");
    expect(scheduler.get(enabled.id)!.state.nextRunAtMs).toBe(T0 + 65_000);
  });

  it("should report already-running for a job in flight", async () => {
    await scheduler.start();
    const job = await scheduler.add(isolatedJob());
    let finish!: () => void;
    outcome = () => new Promise((resolve) => (finish = () => resolve({ status: "ok" })));
    const first = scheduler.run(job.id);
    await flush();
    expect(await scheduler.run(job.id)).toEqual({ ran: false, reason: "already-running" });
    finish();
    expect((await first).ran).toBe(true);
  });
});

describe("CronScheduler restart", () => {
  it("should run a missed one-shot once at start and skip missed recurring slots", async () => {
    await scheduler.start();
    const once = await scheduler.add(isolatedJob({ schedule: { kind: "at", at: "2026-03-01T12:00:30Z" } }));
    const every = await scheduler.add(isolatedJob({ schedule: { kind: "every", everyMs: 60_000 } }));
    await scheduler.stop();

    // Down for ten minutes (and a bit): the one-shot and ten slots of `every` were missed.
    clock.set(T0 + 605_000);
    scheduler = makeScheduler();
    await scheduler.start();
    expect(store.get(once.id)!.state.nextRunAtMs).toBe(T0 + 605_000);
    expect(store.get(every.id)!.state.nextRunAtMs).toBe(T0 + 660_000);
    expect(clock.pending!.ms).toBe(0);
    await clock.fire();
    expect(executed.map((j) => j.id)).toEqual([once.id]);
    expect(store.get(once.id)).toBeUndefined();
    await clock.advanceTo(T0 + 660_000);
    expect(executed.map((j) => j.id)).toEqual([once.id, every.id]);
  });

  it("should clear a run marker left by a process that died mid-run", async () => {
    await scheduler.start();
    const job = await scheduler.add(isolatedJob());
    store.setState(job.id, { runningAtMs: T0 + 1 });
    await scheduler.stop();
    scheduler = makeScheduler();
    await scheduler.start();
    expect(store.get(job.id)!.state.runningAtMs).toBeNull();
  });

  it("should keep jobs and run logs across a reopen of a file-backed database", async () => {
    const dir = mkdtempSync(join(tmpdir(), "mayros-cron-"));
    try {
      const path = join(dir, "state.db");
      let fileDb = openDatabase(path);
      store = new CronStore(fileDb, clock.now);
      scheduler = makeScheduler();
      await scheduler.start();
      const job = await scheduler.add(isolatedJob({ schedule: { kind: "cron", expr: "*/5 * * * *", tz: "UTC" } }));
      await clock.advanceTo(T0 + 300_000);
      await scheduler.stop();
      fileDb.close();

      fileDb = openDatabase(path);
      store = new CronStore(fileDb, clock.now);
      scheduler = makeScheduler();
      await scheduler.start();
      expect(scheduler.list().map((j) => j.id)).toEqual([job.id]);
      expect(scheduler.get(job.id)!.state).toMatchObject({ lastStatus: "ok", nextRunAtMs: T0 + 600_000 });
      expect(scheduler.runs(job.id)).toEqual([expect.objectContaining({ runAtMs: T0 + 300_000, status: "ok" })]);
      await scheduler.stop();
      fileDb.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
