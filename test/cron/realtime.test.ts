/** @module One real-time check: a per-second cron job fires on real timers and the real clock. */
import { describe, expect, it } from "bun:test";
import { CronScheduler, CronStore, type CronEvent } from "../../src/cron/index.ts";
import { openDatabase } from "../../src/store/index.ts";
import { isolatedJob } from "./helpers.ts";

describe("CronScheduler on real timers", () => {
  it("should fire a 6-field every-second cron job within a few seconds", async () => {
    const db = openDatabase(":memory:");
    const events: CronEvent[] = [];
    let onFinished!: (event: CronEvent) => void;
    const finished = new Promise<CronEvent>((resolve) => (onFinished = resolve));
    const scheduler = new CronScheduler({
      store: new CronStore(db),
      execute: async () => ({ status: "ok", summary: "tick" }),
      onEvent: (event) => {
        events.push(event);
        if (event.action === "finished") onFinished(event);
      },
    });
    let timeout: ReturnType<typeof setTimeout> | undefined;
    try {
      await scheduler.start();
      const job = await scheduler.add(isolatedJob({ schedule: { kind: "cron", expr: "* * * * * *" } }));
      const deadline = new Promise<never>((_, reject) => {
        timeout = setTimeout(() => reject(new Error("no finished event within 3 s")), 3_000);
      });
      const event = await Promise.race([finished, deadline]);
      expect(event).toMatchObject({ jobId: job.id, action: "finished", status: "ok", summary: "tick" });
      expect(event.runAtMs!).toBeGreaterThanOrEqual(job.state.nextRunAtMs!); // never early
      expect(event.nextRunAtMs! - event.runAtMs!).toBeLessThanOrEqual(1_000);
      expect(events.map((e) => e.action).slice(0, 3)).toEqual(["added", "started", "finished"]);
      expect(scheduler.runs(job.id)).toHaveLength(1);
    } finally {
      clearTimeout(timeout);
      await scheduler.stop();
      db.close();
    }
  });
});
