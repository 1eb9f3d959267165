/** @module Tests of heartbeat active hours: windows, midnight wrap, 24:00, zones. */
import { describe, expect, it } from "bun:test";
import { isWithinActiveHours, minuteOfDay, minutesOf, resolveActiveHoursZone } from "../../src/cron/heartbeat-hours.ts";

/** 2026-01-15 at `hh:mm` UTC. */
const utc = (hh: number, mm = 0) => Date.UTC(2026, 0, 15, hh, mm);

describe("minutesOf", () => {
  it("should read HH:MM and 24:00", () => {
    expect(minutesOf("00:00")).toBe(0);
    expect(minutesOf("08:30")).toBe(510);
    expect(minutesOf("24:00")).toBe(1440);
  });

  it("should refuse malformed times", () => {
    for (const bad of ["8:30", "24:01", "12:60", "noon"]) expect(() => minutesOf(bad)).toThrow(RangeError);
  });
});

describe("isWithinActiveHours", () => {
  it("should always be active without active hours", () => {
    expect(isWithinActiveHours(utc(3), undefined, "UTC")).toBe(true);
  });

  it("should include the start and exclude the end of a daytime window", () => {
    const hours = { start: "08:00", end: "22:00" };
    expect(isWithinActiveHours(utc(7, 59), hours, "UTC")).toBe(false);
    expect(isWithinActiveHours(utc(8), hours, "UTC")).toBe(true);
    expect(isWithinActiveHours(utc(21, 59), hours, "UTC")).toBe(true);
    expect(isWithinActiveHours(utc(22), hours, "UTC")).toBe(false);
  });

  it("should wrap a window across midnight", () => {
    const hours = { start: "22:00", end: "06:00" };
    expect(isWithinActiveHours(utc(23), hours, "UTC")).toBe(true);
    expect(isWithinActiveHours(utc(5, 59), hours, "UTC")).toBe(true);
    expect(isWithinActiveHours(utc(12), hours, "UTC")).toBe(false);
  });

  it("should take 24:00 as the end of the day and start == end as never", () => {
    expect(isWithinActiveHours(utc(23, 59), { start: "09:00", end: "24:00" }, "UTC")).toBe(true);
    expect(isWithinActiveHours(utc(12), { start: "09:00", end: "09:00" }, "UTC")).toBe(false);
  });

  it("should read the window in the user zone by default, or the zone named", () => {
    // 07:30 UTC is 08:30 in Madrid (CET, winter).
    const hours = { start: "08:00", end: "09:00" };
    expect(isWithinActiveHours(utc(7, 30), hours, "Europe/Madrid")).toBe(true);
    expect(isWithinActiveHours(utc(7, 30), hours, "UTC")).toBe(false);
    expect(isWithinActiveHours(utc(7, 30), { ...hours, timezone: "Europe/Madrid" }, "UTC")).toBe(true);
    expect(isWithinActiveHours(utc(7, 30), { ...hours, timezone: "user" }, "Europe/Madrid")).toBe(true);
  });

  it("should resolve local to the host zone and fail on an unknown zone", () => {
    expect(resolveActiveHoursZone("local", "UTC")).toBe(Intl.DateTimeFormat().resolvedOptions().timeZone);
    expect(minuteOfDay(utc(1, 2), "UTC")).toBe(62);
    expect(() => isWithinActiveHours(utc(1), { start: "00:00", end: "01:00", timezone: "Mars/Base" }, "UTC")).toThrow(RangeError);
  });
});
