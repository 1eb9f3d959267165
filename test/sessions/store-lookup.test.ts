/** @module Tests of the SessionStore lookups used by `sessions.resolve` (`find`) and of `touch`. */
import { beforeEach, describe, expect, it } from "bun:test";
import { openDatabase } from "../../src/store/index.ts";
import { SessionStore } from "../../src/sessions/index.ts";

let now: number;
let store: SessionStore;

beforeEach(() => {
  now = 1_700_000_000_000;
  store = new SessionStore(openDatabase(":memory:"), () => now);
});

describe("SessionStore.find", () => {
  it("should find a session by its current sessionId only", () => {
    const a = store.getOrCreate("agent:main:a");
    store.getOrCreate("agent:main:b");
    expect(store.find({ sessionId: a.sessionId }).map((e) => e.key)).toEqual(["agent:main:a"]);
    const reset = store.reset("agent:main:a")!;
    expect(store.find({ sessionId: a.sessionId })).toEqual([]);
    expect(store.find({ sessionId: reset.sessionId })).toEqual([reset]);
  });

  it("should find sessions by exact label, newest first, narrowed by agent and parent", () => {
    store.getOrCreate("agent:main:x", "main", { label: "Project", spawnedBy: "agent:main:main" });
    now += 1000;
    store.getOrCreate("agent:ops:y", "ops", { label: "Project" });
    store.getOrCreate("agent:main:z", "main", { label: "project" });
    expect(store.find({ label: "Project" }).map((e) => e.key)).toEqual(["agent:ops:y", "agent:main:x"]);
    expect(store.find({ label: "Project", agentId: "main" }).map((e) => e.key)).toEqual(["agent:main:x"]);
    expect(store.find({ label: "Project", spawnedBy: "agent:main:main" }).map((e) => e.key)).toEqual(["agent:main:x"]);
    expect(store.find({ label: "Nope" })).toEqual([]);
  });
});

describe("SessionStore.touch", () => {
  it("should set updatedAt without changing fields, and do nothing for an unknown key", () => {
    store.getOrCreate("agent:main:a", "main", { label: "keep" });
    const touched = store.touch("agent:main:a", now - 60_000)!;
    expect(touched.updatedAt).toBe(now - 60_000);
    expect(touched.label).toBe("keep");
    now += 5;
    expect(store.touch("agent:main:a")!.updatedAt).toBe(now);
    expect(store.touch("agent:main:none")).toBeUndefined();
  });
});
