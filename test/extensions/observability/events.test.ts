import { describe, expect, it } from "bun:test";
import { clip, newEventId } from "../../../src/extensions/observability/events.ts";

describe("trace event helpers", () => {
  it("should make version 7 UUIDs that sort by their time", () => {
    const at = Date.UTC(2026, 4, 1, 12);
    const id = newEventId(at);
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(parseInt(id.replace(/-/g, "").slice(0, 12), 16)).toBe(at);
    const [a, b, c, d] = [at + 2, at, at + 1000, at + 1].map((t) => newEventId(t));
    expect([a, b, c, d].sort()).toEqual([b!, d!, a!, c!]);
    expect(new Set(Array.from({ length: 1000 }, () => newEventId(at))).size).toBe(1000);
  });

  it("should clip long values and say how much was left out", () => {
    expect(clip("abcdef", 3)).toBe("abc…(3 more chars)");
    expect(clip("abc", 3)).toBe("abc");
  });
});
