/** @module Tests of next-run computation: at, every, cron with zones, DST, seconds and stagger. */
import { beforeAll, describe, expect, it } from "bun:test";
import {
  CronScheduleError, DEFAULT_TOP_OF_HOUR_STAGGER_MS, assertValidSchedule, isTopOfHourExpr, jobNextRunAt, loadCronEngine, nextRunAt,
  parseAtMs, staggerOffsetMs, type CronExprSchedule,
} from "../../src/cron/index.ts";

const iso = (ms: number | null | undefined) => (ms == null ? ms : new Date(ms).toISOString());
const at = (s: string) => Date.parse(s);

/** The stagger offset computed independently: first 32 bits of SHA-256(jobId) modulo the window. */
function expectedOffset(jobId: string, windowMs: number): number {
  const digest = new Bun.CryptoHasher("sha256").update(jobId).digest();
  return new DataView(digest.buffer, digest.byteOffset).getUint32(0) % windowMs;
}

beforeAll(loadCronEngine);

describe("nextRunAt: at", () => {
  it("should return the instant while it is ahead and null once past", () => {
    const schedule = { kind: "at", at: "2026-05-01T10:00:00Z" } as const;
    expect(iso(nextRunAt(schedule, at("2026-05-01T09:59:59.999Z")))).toBe("2026-05-01T10:00:00.000Z");
    expect(nextRunAt(schedule, at("2026-05-01T10:00:00Z"))).toBeNull();
    expect(nextRunAt(schedule, at("2026-06-01T00:00:00Z"))).toBeNull();
  });

  it("should read a date-time without a zone as UTC and honour an explicit offset", () => {
    expect(iso(parseAtMs("2026-05-01T10:00:00"))).toBe("2026-05-01T10:00:00.000Z");
    expect(iso(parseAtMs("2026-05-01T10:00"))).toBe("2026-05-01T10:00:00.000Z");
    expect(iso(parseAtMs("2026-05-01 10:00:00"))).toBe("2026-05-01T10:00:00.000Z");
    expect(iso(parseAtMs("2026-05-01T10:00:00+02:00"))).toBe("2026-05-01T08:00:00.000Z");
    expect(iso(parseAtMs("2026-05-01"))).toBe("2026-05-01T00:00:00.000Z");
  });

  it("should throw a clear error for a value that is not an ISO date-time", () => {
    expect(() => parseAtMs("tomorrow")).toThrow(new CronScheduleError('schedule.at: "tomorrow" is not an ISO 8601 date-time'));
    expect(() => parseAtMs("2026-13-45T99:00:00Z")).toThrow(CronScheduleError);
  });
});

describe("nextRunAt: every", () => {
  const schedule = { kind: "every", everyMs: 60_000, anchorMs: 1_000 } as const;

  it("should return the anchor while it is ahead", () => {
    expect(nextRunAt(schedule, 0)).toBe(1_000);
  });

  it("should return the next anchored slot strictly after the given instant", () => {
    expect(nextRunAt(schedule, 1_000)).toBe(61_000);
    expect(nextRunAt(schedule, 60_999)).toBe(61_000);
    expect(nextRunAt(schedule, 61_000)).toBe(121_000);
    expect(nextRunAt(schedule, 130_000)).toBe(181_000);
  });

  it("should anchor on the option (the job's creation time) when the schedule has no anchorMs", () => {
    expect(nextRunAt({ kind: "every", everyMs: 10_000 }, 25_000, { anchorMs: 3_000 })).toBe(33_000);
    expect(nextRunAt({ kind: "every", everyMs: 10_000 }, 25_000)).toBe(30_000);
  });
});

describe("nextRunAt: cron", () => {
  const nineNy: CronExprSchedule = { kind: "cron", expr: "0 9 * * *", tz: "America/New_York" };

  it("should compute 09:00 New York as 14:00 UTC before the DST change and 13:00 UTC after it", () => {
    expect(iso(nextRunAt(nineNy, at("2026-03-06T15:00:00Z")))).toBe("2026-03-07T14:00:00.000Z");
    // DST starts in New York on 2026-03-08 at 02:00 local.
    expect(iso(nextRunAt(nineNy, at("2026-03-07T15:00:00Z")))).toBe("2026-03-08T13:00:00.000Z");
    expect(iso(nextRunAt(nineNy, at("2026-03-08T13:00:00Z")))).toBe("2026-03-09T13:00:00.000Z");
    // And back in November.
    expect(iso(nextRunAt(nineNy, at("2026-10-31T14:00:00Z")))).toBe("2026-11-01T14:00:00.000Z");
  });

  it("should use the zone given, not the host zone", () => {
    const tokyo: CronExprSchedule = { kind: "cron", expr: "0 9 * * *", tz: "Asia/Tokyo" };
    expect(iso(nextRunAt(tokyo, at("2026-03-06T15:00:00Z")))).toBe("2026-03-07T00:00:00.000Z");
  });

  it("should support 6-field expressions with seconds", () => {
    const every15s: CronExprSchedule = { kind: "cron", expr: "*/15 * * * * *", tz: "UTC" };
    expect(iso(nextRunAt(every15s, at("2026-01-01T00:00:07.250Z")))).toBe("2026-01-01T00:00:15.000Z");
    expect(iso(nextRunAt(every15s, at("2026-01-01T00:00:15.000Z")))).toBe("2026-01-01T00:00:30.000Z");
    const everySecond: CronExprSchedule = { kind: "cron", expr: "* * * * * *", tz: "UTC" };
    expect(iso(nextRunAt(everySecond, at("2026-01-01T00:00:00.500Z")))).toBe("2026-01-01T00:00:01.000Z");
    const fixed: CronExprSchedule = { kind: "cron", expr: "30 15 12 * * *", tz: "UTC" };
    expect(iso(nextRunAt(fixed, at("2026-01-01T13:00:00Z")))).toBe("2026-01-02T12:15:30.000Z");
  });

  it("should return null for an expression that never matches", () => {
    expect(nextRunAt({ kind: "cron", expr: "0 0 30 2 *", tz: "UTC" }, at("2026-01-01T00:00:00Z"))).toBeNull();
  });

  it("should reject an invalid expression, a 7-field one and an unknown zone with clear errors", () => {
    expect(() => assertValidSchedule({ kind: "cron", expr: "every day" })).toThrow(/^schedule\.expr: invalid cron expression "every day": /);
    expect(() => assertValidSchedule({ kind: "cron", expr: "0 0 0 1 1 * 2030" })).toThrow(/requires exactly 5 or 6 parts/);
    expect(() => assertValidSchedule({ kind: "cron", expr: "61 * * * *" })).toThrow(CronScheduleError);
    expect(() => assertValidSchedule({ kind: "cron", expr: "0 9 * * *", tz: "Mars/Olympus" }))
      .toThrow(new CronScheduleError('schedule.tz: unknown time zone "Mars/Olympus"'));
  });
});

describe("stagger", () => {
  const hourly: CronExprSchedule = { kind: "cron", expr: "0 * * * *", tz: "UTC" };
  const after = at("2026-01-01T10:30:00Z");
  const eleven = at("2026-01-01T11:00:00Z");

  it("should recognise top-of-hour expressions", () => {
    expect(isTopOfHourExpr("0 * * * *")).toBe(true);
    expect(isTopOfHourExpr("0 */2 * * *")).toBe(true);
    expect(isTopOfHourExpr("0 0 * * * *")).toBe(true);
    expect(isTopOfHourExpr("0 9 * * *")).toBe(false);
    expect(isTopOfHourExpr("15 * * * *")).toBe(false);
    expect(isTopOfHourExpr("* * * * * *")).toBe(false);
  });

  it("should delay a top-of-hour job by a deterministic offset of at most 5 minutes derived from its id", () => {
    const offset = expectedOffset("job-a", DEFAULT_TOP_OF_HOUR_STAGGER_MS);
    expect(staggerOffsetMs(hourly, "job-a")).toBe(offset);
    expect(offset).toBeGreaterThanOrEqual(0);
    expect(offset).toBeLessThan(DEFAULT_TOP_OF_HOUR_STAGGER_MS);
    expect(nextRunAt(hourly, after, { jobId: "job-a" })).toBe(eleven + offset);
    expect(nextRunAt(hourly, after, { jobId: "job-a" })).toBe(nextRunAt(hourly, after, { jobId: "job-a" }));
    expect(staggerOffsetMs(hourly, "job-b")).not.toBe(offset);
  });

  it("should keep the slot of the current hour until its staggered instant has passed", () => {
    const offset = staggerOffsetMs(hourly, "job-a");
    const inWindow = eleven + offset - 1;
    expect(nextRunAt(hourly, inWindow, { jobId: "job-a" })).toBe(eleven + offset);
    expect(nextRunAt(hourly, eleven + offset, { jobId: "job-a" })).toBe(eleven + 3_600_000 + offset);
  });

  it("should run exactly on the hour with staggerMs 0 or without a job id", () => {
    expect(nextRunAt({ ...hourly, staggerMs: 0 }, after, { jobId: "job-a" })).toBe(eleven);
    expect(nextRunAt(hourly, after)).toBe(eleven);
  });

  it("should use an explicit staggerMs as the window, and none for other expressions", () => {
    const window = 60_000;
    expect(staggerOffsetMs({ ...hourly, staggerMs: window }, "job-a")).toBe(expectedOffset("job-a", window));
    expect(staggerOffsetMs({ kind: "cron", expr: "0 9 * * *" }, "job-a")).toBe(0);
  });
});

describe("jobNextRunAt", () => {
  const job = (schedule: Parameters<typeof jobNextRunAt>[0]["schedule"], state = {}) => ({ id: "j", schedule, createdAtMs: 5_000, state });

  it("should make a missed one-shot due at once when it never ran, and never again after a run", () => {
    const schedule = { kind: "at", at: "2026-01-01T00:00:00Z" } as const;
    const now = at("2026-02-01T00:00:00Z");
    expect(jobNextRunAt(job(schedule), now)).toBe(now);
    expect(jobNextRunAt(job(schedule, { lastRunAtMs: at("2026-01-01T00:00:00Z") }), now)).toBeUndefined();
    expect(jobNextRunAt(job(schedule), at("2025-12-31T00:00:00Z"))).toBe(at("2026-01-01T00:00:00Z"));
  });

  it("should anchor an every schedule on the job's creation time", () => {
    expect(jobNextRunAt(job({ kind: "every", everyMs: 10_000 }), 5_000)).toBe(15_000);
    expect(jobNextRunAt(job({ kind: "every", everyMs: 10_000 }), 47_000)).toBe(55_000);
  });
});
