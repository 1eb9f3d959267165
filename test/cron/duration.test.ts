/** @module Tests of duration strings (`30m`, `1h30m`, `0m`). */
import { describe, expect, it } from "bun:test";
import { DurationError, parseDurationMs } from "../../src/cron/duration.ts";

describe("parseDurationMs", () => {
  it("should read single units", () => {
    expect(parseDurationMs("250ms")).toBe(250);
    expect(parseDurationMs("90s")).toBe(90_000);
    expect(parseDurationMs("30m")).toBe(1_800_000);
    expect(parseDurationMs("1h")).toBe(3_600_000);
    expect(parseDurationMs("2d")).toBe(172_800_000);
  });

  it("should add up compounds and fractions, ignoring case and outer blanks", () => {
    expect(parseDurationMs("1h30m")).toBe(5_400_000);
    expect(parseDurationMs(" 1H 30M ")).toBe(5_400_000);
    expect(parseDurationMs("1.5h")).toBe(5_400_000);
  });

  it("should read a bare number in the default unit (minutes unless told)", () => {
    expect(parseDurationMs("45")).toBe(2_700_000);
    expect(parseDurationMs("45", "s")).toBe(45_000);
  });

  it("should read zero as zero (heartbeats off)", () => {
    expect(parseDurationMs("0m")).toBe(0);
    expect(parseDurationMs("0")).toBe(0);
  });

  it("should refuse what is not a duration, quoting it", () => {
    for (const bad of ["", "m", "30x", "-5m", "1h and 2m", "PT30M"]) expect(() => parseDurationMs(bad)).toThrow(DurationError);
    expect(() => parseDurationMs("soon")).toThrow('invalid duration "soon": expected e.g. 30m, 1h, 90s or 1h30m');
  });
});
