import { describe, expect, it } from "bun:test";
import { applyMergePatch } from "../../src/config/merge-patch.ts";

describe("applyMergePatch", () => {
  it("should merge nested objects", () => {
    expect(applyMergePatch({ gateway: { port: 1, bind: "lan" } }, { gateway: { port: 2 }, logging: { level: "debug" } })).toEqual({
      gateway: { port: 2, bind: "lan" },
      logging: { level: "debug" },
    });
  });

  it("should delete keys set to null", () => {
    expect(applyMergePatch({ a: { b: 1, c: 2 }, d: 3 }, { a: { c: null }, d: null, e: null })).toEqual({ a: { b: 1 } });
  });

  it("should replace arrays instead of merging them", () => {
    expect(applyMergePatch({ list: [1, 2, 3] }, { list: [4] })).toEqual({ list: [4] });
  });

  it("should replace the target when the patch is not an object", () => {
    expect(applyMergePatch({ a: 1 }, [1])).toEqual([1]);
    expect(applyMergePatch({ a: 1 }, "x")).toBe("x");
    expect(applyMergePatch({ a: "x" }, { a: { b: 1 } })).toEqual({ a: { b: 1 } });
  });

  it("should pass the RFC 7396 appendix examples", () => {
    const cases: Array<[unknown, unknown, unknown]> = [
      [{ a: "b" }, { a: "c" }, { a: "c" }],
      [{ a: "b" }, { b: "c" }, { a: "b", b: "c" }],
      [{ a: "b" }, { a: null }, {}],
      [{ a: "b", b: "c" }, { a: null }, { b: "c" }],
      [{ a: ["b"] }, { a: "c" }, { a: "c" }],
      [{ a: "c" }, { a: ["b"] }, { a: ["b"] }],
      [{ a: { b: "c" } }, { a: { b: "d", c: null } }, { a: { b: "d" } }],
      [{ a: [{ b: "c" }] }, { a: [1] }, { a: [1] }],
      [["a", "b"], ["c", "d"], ["c", "d"]],
      [{ a: "b" }, ["c"], ["c"]],
      [{ a: "foo" }, null, null],
      [{ a: "foo" }, "bar", "bar"],
      [{ e: null }, { a: 1 }, { e: null, a: 1 }],
      [[1, 2], { a: "b", c: null }, { a: "b" }],
      [{}, { a: { bb: { ccc: null } } }, { a: { bb: {} } }],
    ];
    for (const [target, patch, expected] of cases) expect(applyMergePatch(target, patch)).toEqual(expected);
  });

  it("should not change its arguments", () => {
    const target = { a: { b: 1 } };
    const patch = { a: { c: [1] } };
    const result = applyMergePatch(target, patch) as { a: { c: number[] } };
    result.a.c.push(2);
    expect(target).toEqual({ a: { b: 1 } });
    expect(patch).toEqual({ a: { c: [1] } });
  });

  it("should keep __proto__ as a plain key", () => {
    const result = applyMergePatch({}, JSON.parse('{"__proto__": {"polluted": true}}')) as Record<string, unknown>;
    expect(Object.getPrototypeOf(result)).toBe(Object.prototype);
    expect(Object.keys(result)).toEqual(["__proto__"]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
