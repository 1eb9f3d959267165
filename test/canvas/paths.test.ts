import { describe, expect, it } from "bun:test";
import { buildScopedCanvasHostUrl, matchLiveReloadUpgrade, parseScopedPath } from "../../src/canvas/paths.ts";

describe("buildScopedCanvasHostUrl", () => {
  it("should append the capability prefix to the base URL", () => {
    expect(buildScopedCanvasHostUrl("http://10.0.0.2:18789", "abc_-1")).toBe("http://10.0.0.2:18789/__mayros__/cap/abc_-1");
    expect(buildScopedCanvasHostUrl("https://gw.example/base/?x=1", "abc")).toBe("https://gw.example/base/__mayros__/cap/abc");
  });
});

describe("parseScopedPath", () => {
  it("should map the short form to the real path", () => {
    expect(parseScopedPath("/__mayros__/cap/abc/canvas/index.html")).toEqual({
      capability: "abc", path: "/__mayros__/canvas/index.html", prefix: "/__mayros__/cap/abc",
    });
  });

  it("should map the full form that nodes build from canvasHostUrl", () => {
    expect(parseScopedPath("/__mayros__/cap/abc/__mayros__/a2ui/")).toEqual({
      capability: "abc", path: "/__mayros__/a2ui/", prefix: "/__mayros__/cap/abc/__mayros__",
    });
  });

  it("should reject paths that are not scoped or carry a malformed token", () => {
    expect(parseScopedPath("/__mayros__/canvas/x")).toBeNull();
    expect(parseScopedPath("/__mayros__/cap//canvas/x")).toBeNull();
    expect(parseScopedPath("/__mayros__/cap/a%2fb/canvas/x")).toBeNull();
  });
});

describe("matchLiveReloadUpgrade", () => {
  it("should recognise the plain socket path with and without a capability", () => {
    expect(matchLiveReloadUpgrade(new URL("http://h/__mayros__/ws"))).toEqual({ capability: null });
    expect(matchLiveReloadUpgrade(new URL("http://h/__mayros__/ws?oc_cap=abc"))).toEqual({ capability: "abc" });
  });

  it("should recognise capability-scoped socket paths", () => {
    expect(matchLiveReloadUpgrade(new URL("http://h/__mayros__/cap/abc/ws"))).toEqual({ capability: "abc" });
    expect(matchLiveReloadUpgrade(new URL("http://h/__mayros__/cap/abc/__mayros__/ws"))).toEqual({ capability: "abc" });
  });

  it("should ignore other paths", () => {
    expect(matchLiveReloadUpgrade(new URL("http://h/ws"))).toBeNull();
    expect(matchLiveReloadUpgrade(new URL("http://h/__mayros__/canvas/"))).toBeNull();
  });
});
