/** @module Tests of CronStore over an in-memory database: CRUD, run state, run log and pruning. */
import { beforeEach, describe, expect, it } from "bun:test";
import type { Database } from "bun:sqlite";
import { CronStore, MAX_RUNS_PER_JOB, type CronJob, type CronRunEntry } from "../../src/cron/index.ts";
import { openDatabase, schemaVersion } from "../../src/store/index.ts";

let db: Database;
let now: number;
let store: CronStore;

beforeEach(() => {
  db = openDatabase(":memory:");
  now = 1_700_000_000_000;
  store = new CronStore(db, () => now);
});

function job(id: string, overrides: Partial<CronJob> = {}): CronJob {
  return {
    id, agentId: "main", name: `job ${id}`, enabled: true, schedule: { kind: "every", everyMs: 60_000 }, sessionTarget: "main",
    wakeMode: "now", payload: { kind: "systemEvent", text: "tick" }, createdAtMs: now, updatedAtMs: now, state: {}, ...overrides,
  };
}

function entry(jobId: string, ts: number): CronRunEntry {
  return { ts, jobId, action: "finished", status: "ok", runAtMs: ts - 10, durationMs: 10 };
}

describe("CronStore", () => {
  it("should create the cron tables in migration 5", () => {
    expect(schemaVersion(db)).toBeGreaterThanOrEqual(5);
    const tables = db.query<{ name: string }, []>("SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'cron_%' ORDER BY name").all();
    expect(tables.map((t) => t.name)).toEqual(["cron_jobs", "cron_runs"]);
  });

  it("should add and get a job", () => {
    store.add(job("a"));
    expect(store.get("a")).toEqual(job("a"));
    expect(store.get("missing")).toBeUndefined();
    expect(() => store.add(job("a"))).toThrow();
  });

  it("should list enabled jobs by next run, and disabled ones only on request", () => {
    store.add(job("late", { state: { nextRunAtMs: now + 2_000 } }));
    store.add(job("none"));
    store.add(job("soon", { state: { nextRunAtMs: now + 1_000 } }));
    store.add(job("off", { enabled: false }));
    expect(store.list().map((j) => j.id)).toEqual(["soon", "late", "none"]);
    expect(store.list({ includeDisabled: true }).map((j) => j.id)).toEqual(["soon", "late", "none", "off"]);
    expect(store.count()).toBe(4);
  });

  it("should update fields, bump updatedAtMs and keep the query columns in step", () => {
    store.add(job("a", { description: "old" }));
    now += 5_000;
    const updated = store.update("a", { name: "renamed", enabled: false, description: undefined });
    expect(updated).toMatchObject({ name: "renamed", enabled: false, updatedAtMs: now, createdAtMs: now - 5_000 });
    expect(updated).not.toHaveProperty("description");
    expect(store.get("a")).toEqual(updated!);
    expect(store.list()).toEqual([]);
    expect(store.update("missing", { name: "x" })).toBeUndefined();
  });

  it("should merge run state without touching updatedAtMs and drop fields set to undefined", () => {
    store.add(job("a", { state: { nextRunAtMs: now + 60_000 } }));
    now += 1_000;
    store.setState("a", { runningAtMs: now, lastStatus: "ok" });
    const state = store.setState("a", { runningAtMs: null, nextRunAtMs: undefined })!.state;
    expect(state).toEqual({ runningAtMs: null, lastStatus: "ok" });
    expect(store.get("a")!.updatedAtMs).toBe(now - 1_000);
    const row = db.query<{ next_run_at: number | null }, []>("SELECT next_run_at FROM cron_jobs").get();
    expect(row!.next_run_at).toBeNull();
    expect(store.setState("missing", {})).toBeUndefined();
  });

  it("should remove a job together with its run log", () => {
    store.add(job("a"));
    store.appendRun(entry("a", now));
    expect(store.remove("a")).toBe(true);
    expect(store.get("a")).toBeUndefined();
    expect(store.runs("a")).toEqual([]);
    expect(store.remove("a")).toBe(false);
  });

  it("should return run entries newest first, limited", () => {
    store.add(job("a"));
    store.add(job("b"));
    for (let i = 1; i <= 5; i++) store.appendRun(entry("a", now + i));
    store.appendRun(entry("b", now + 100));
    expect(store.runs("a").map((e) => e.ts)).toEqual([5, 4, 3, 2, 1].map((i) => now + i));
    expect(store.runs("a", 2).map((e) => e.ts)).toEqual([now + 5, now + 4]);
    expect(store.runs("b")).toEqual([entry("b", now + 100)]);
  });

  it(`should prune a job's run log to the newest ${MAX_RUNS_PER_JOB} entries`, () => {
    store.add(job("a"));
    store.add(job("b"));
    store.appendRun(entry("b", now));
    for (let i = 1; i <= MAX_RUNS_PER_JOB + 25; i++) store.appendRun(entry("a", now + i));
    const runs = store.runs("a", 1_000);
    expect(runs).toHaveLength(MAX_RUNS_PER_JOB);
    expect(runs[0]!.ts).toBe(now + MAX_RUNS_PER_JOB + 25);
    expect(runs.at(-1)!.ts).toBe(now + 26);
    const total = db.query<{ n: number }, [string]>("SELECT COUNT(*) AS n FROM cron_runs WHERE job_id = ?").get("a")!.n;
    expect(total).toBe(MAX_RUNS_PER_JOB);
    expect(store.runs("b")).toHaveLength(1);
  });
});
