/** @module Unit tests of arming durations and the command groups. */
import { describe, expect, it } from "bun:test";
import { DEFAULT_ARM_MS, formatDuration, parseDuration } from "../../../src/extensions/phone-control/duration.ts";
import { commandsOf, isGroupName } from "../../../src/extensions/phone-control/groups.ts";

describe("parseDuration", () => {
  it("should read seconds, minutes, hours and days, in any case", () => {
    expect(parseDuration("30s")).toEqual({ ms: 30_000 });
    expect(parseDuration("10m")).toEqual({ ms: DEFAULT_ARM_MS });
    expect(parseDuration("2H")).toEqual({ ms: 7_200_000 });
    expect(parseDuration(" 1d ")).toEqual({ ms: 86_400_000 });
    expect(parseDuration("30d")).toEqual({ ms: 30 * 86_400_000 });
  });

  it("should refuse zero, a missing or unknown unit, fractions, negatives and more than 30 days", () => {
    for (const bad of ["0s", "10", "m", "5w", "1.5h", "-1m", "10 m", ""]) {
      expect(parseDuration(bad)).toEqual({ error: `bad duration "${bad}": use a positive number with s, m, h or d (e.g. 30s, 10m, 2h, 1d)` });
    }
    expect(parseDuration("31d")).toEqual({ error: 'duration "31d" is too long: at most 30d' });
  });
});

describe("formatDuration", () => {
  it("should show the largest units first, rounding up to the second", () => {
    expect(formatDuration(0)).toBe("0s");
    expect(formatDuration(-5)).toBe("0s");
    expect(formatDuration(1)).toBe("1s");
    expect(formatDuration(600_000)).toBe("10m");
    expect(formatDuration(90_061_000)).toBe("1d 1h 1m 1s");
  });
});

describe("command groups", () => {
  it("should map each group to its node commands, and all to their union", () => {
    expect(commandsOf("camera")).toEqual(["camera.snap", "camera.clip"]);
    expect(commandsOf("screen")).toEqual(["screen.record"]);
    expect(commandsOf("writes")).toEqual(["calendar.add", "contacts.add", "reminders.add", "sms.send"]);
    expect(commandsOf("all")).toEqual(["camera.snap", "camera.clip", "screen.record", "calendar.add", "contacts.add", "reminders.add", "sms.send"]);
    expect(isGroupName("all")).toBe(true);
    expect(isGroupName("microphone")).toBe(false);
  });
});
