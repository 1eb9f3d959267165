/** @module Tests of the session reset rules: `/new` and `/reset` parsing and the daily / idle staleness math over fixed instants. */
import { describe, expect, it } from "bun:test";
import { NEW_SESSION_PROMPT, isStale, lastDailyBoundary, parseResetCommand } from "../../src/sessions/reset-policy.ts";

const at = (iso: string) => Date.parse(iso);
const MIN = 60_000;

describe("parseResetCommand", () => {
  it("should recognise a bare /new and /reset in any case", () => {
    expect(parseResetCommand("/new")).toEqual({ command: "new", rest: "" });
    expect(parseResetCommand("  /RESET  ")).toEqual({ command: "reset", rest: "" });
  });

  it("should keep the remainder after whitespace, newlines included", () => {
    expect(parseResetCommand("/reset hello there")).toEqual({ command: "reset", rest: "hello there" });
    expect(parseResetCommand("/New\nline one\nline two ")).toEqual({ command: "new", rest: "line one\nline two" });
  });

  it("should not treat other text as a command", () => {
    for (const text of ["/newline", "/resetting now", "hello /new", "new", "/stop", "//new"]) expect(parseResetCommand(text)).toBeUndefined();
  });

  it("should name a greeting prompt for a bare command", () => {
    expect(NEW_SESSION_PROMPT).toBe("A new session was started. Greet the user briefly.");
  });
});

describe("isStale with idleMinutes", () => {
  const now = at("2024-03-10T10:00:00Z");

  it("should be stale only after more than idleMinutes", () => {
    expect(isStale({ updatedAt: now - 30 * MIN }, { idleMinutes: 30 }, now, "UTC")).toBe(false);
    expect(isStale({ updatedAt: now - 30 * MIN - 1 }, { idleMinutes: 30 }, now, "UTC")).toBe(true);
    expect(isStale({ updatedAt: now }, { idleMinutes: 1 }, now)).toBe(false);
  });

  it("should never be stale without a policy", () => {
    expect(isStale({ updatedAt: now - 365 * 24 * 60 * MIN }, {}, now)).toBe(false);
  });
});

describe("isStale with atHour", () => {
  it("should be stale when the last update was before today's boundary once it has passed", () => {
    const now = at("2024-03-10T10:00:00Z");
    expect(isStale({ updatedAt: at("2024-03-10T03:59:59.999Z") }, { atHour: 4 }, now, "UTC")).toBe(true);
    expect(isStale({ updatedAt: at("2024-03-10T04:00:00.000Z") }, { atHour: 4 }, now, "UTC")).toBe(false);
  });

  it("should use yesterday's boundary before today's hour", () => {
    const now = at("2024-03-10T03:00:00Z");
    expect(isStale({ updatedAt: at("2024-03-09T05:00:00Z") }, { atHour: 4 }, now, "UTC")).toBe(false);
    expect(isStale({ updatedAt: at("2024-03-09T03:59:00Z") }, { atHour: 4 }, now, "UTC")).toBe(true);
  });

  it("should treat the boundary instant itself as passed and roll over months and years", () => {
    expect(lastDailyBoundary(at("2024-03-01T00:00:00Z"), 0, "UTC")).toBe(at("2024-03-01T00:00:00Z"));
    expect(lastDailyBoundary(at("2024-03-01T00:00:00Z") - 1, 0, "UTC")).toBe(at("2024-02-29T00:00:00Z"));
    expect(lastDailyBoundary(at("2024-01-01T00:30:00Z"), 23, "UTC")).toBe(at("2023-12-31T23:00:00Z"));
  });

  it("should follow the zone's offset, half hours included", () => {
    // 04:00 in Kolkata (+05:30) is 22:30 UTC the day before.
    expect(lastDailyBoundary(at("2024-05-31T23:00:00Z"), 4, "Asia/Kolkata")).toBe(at("2024-05-31T22:30:00Z"));
    expect(lastDailyBoundary(at("2024-05-31T22:00:00Z"), 4, "Asia/Kolkata")).toBe(at("2024-05-30T22:30:00Z"));
  });

  it("should move with daylight saving time on both sides of a change", () => {
    const ny = "America/New_York";
    // Spring forward on 2024-03-10: 04:00 EDT is 08:00Z, the day before 04:00 EST was 09:00Z.
    expect(lastDailyBoundary(at("2024-03-10T12:00:00Z"), 4, ny)).toBe(at("2024-03-10T08:00:00Z"));
    expect(lastDailyBoundary(at("2024-03-10T07:30:00Z"), 4, ny)).toBe(at("2024-03-09T09:00:00Z"));
    // Fall back on 2024-11-03: 04:00 EST is 09:00Z, the day before 04:00 EDT was 08:00Z.
    expect(lastDailyBoundary(at("2024-11-03T12:00:00Z"), 4, ny)).toBe(at("2024-11-03T09:00:00Z"));
    expect(lastDailyBoundary(at("2024-11-03T08:30:00Z"), 4, ny)).toBe(at("2024-11-02T08:00:00Z"));
  });

  it("should resolve an hour skipped by daylight saving time to an adjacent instant", () => {
    // 02:00 does not exist in New York on 2024-03-10 (01:59 EST → 03:00 EDT).
    const boundary = lastDailyBoundary(at("2024-03-10T12:00:00Z"), 2, "America/New_York");
    expect(boundary).toBeGreaterThanOrEqual(at("2024-03-10T06:00:00Z"));
    expect(boundary).toBeLessThanOrEqual(at("2024-03-10T07:00:00Z"));
  });

  it("should use the local zone by default", () => {
    const local = (d: number, h: number, m = 0) => new Date(2024, 0, d, h, m).getTime();
    expect(lastDailyBoundary(local(15, 10), 4)).toBe(local(15, 4));
    expect(lastDailyBoundary(local(15, 3, 59), 4)).toBe(local(14, 4));
    expect(isStale({ updatedAt: local(15, 3, 59) }, { atHour: 4 }, local(15, 4))).toBe(true);
    expect(isStale({ updatedAt: local(15, 4) }, { atHour: 4 }, local(15, 23, 59))).toBe(false);
  });

  it("should refuse an unknown zone", () => {
    expect(() => isStale({ updatedAt: 0 }, { atHour: 4 }, at("2024-03-10T10:00:00Z"), "Mars/Olympus")).toThrow(RangeError);
  });
});

describe("isStale with both rules", () => {
  const now = at("2024-03-10T10:00:00Z");

  it("should be stale when either rule says so", () => {
    const policy = { atHour: 4, idleMinutes: 120 };
    expect(isStale({ updatedAt: at("2024-03-10T09:00:00Z") }, policy, now, "UTC")).toBe(false);
    expect(isStale({ updatedAt: at("2024-03-10T05:00:00Z") }, policy, now, "UTC")).toBe(true); // idle 5 h
    expect(isStale({ updatedAt: at("2024-03-10T03:30:00Z") }, { atHour: 4, idleMinutes: 24 * 60 }, now, "UTC")).toBe(true); // before 04:00
  });
});
