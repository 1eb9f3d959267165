/** @module Tests of the SQLite SessionStore over an in-memory database. */
import { beforeEach, describe, expect, it } from "bun:test";
import type { Database } from "bun:sqlite";
import { openDatabase } from "../../src/store/index.ts";
import {
  SessionNotFoundError, SessionStore, type TranscriptEntryInput, type TranscriptRecord, type TranscriptRole,
} from "../../src/sessions/index.ts";

const KEY = "agent:main:main";
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

let db: Database;
let now: number;
let store: SessionStore;

beforeEach(() => {
  db = openDatabase(":memory:");
  now = 1_700_000_000_000;
  store = new SessionStore(db, () => now);
});

function msg(role: TranscriptRole, text: string): TranscriptEntryInput {
  return { type: "message", message: { role, content: [{ type: "text", text }], timestamp: now } };
}

const rowCount = () => (db.query("SELECT count(*) AS n FROM transcript_entries").get() as { n: number }).n;

describe("SessionStore records", () => {
  it("should create a session once with a UUID sessionId and return the same one afterwards", () => {
    expect(store.get(KEY)).toBeUndefined();
    const created = store.getOrCreate(KEY, "main", { channel: "webchat" });
    expect(created).toEqual({ key: KEY, sessionId: expect.stringMatching(UUID), agentId: "main", createdAt: now, updatedAt: now, channel: "webchat" });
    now += 1000;
    expect(store.getOrCreate(KEY, "main")).toEqual(created);
    expect(store.get(KEY)).toEqual(created);
  });

  it("should take the agent from the key by default and refuse invalid keys and fields", () => {
    expect(store.getOrCreate("agent:ops:telegram:group:1").agentId).toBe("ops");
    expect(store.getOrCreate("cron:nightly").agentId).toBe("main");
    expect(() => store.getOrCreate("")).toThrow(TypeError);
    expect(() => store.getOrCreate("bad\nkey")).toThrow(TypeError);
    expect(() => store.getOrCreate("k", "main", { nope: 1 } as never)).toThrow("unknown session field: nope");
  });

  it("should patch fields, clear them with null and touch updatedAt", () => {
    store.getOrCreate(KEY);
    now += 5000;
    const patched = store.patch(KEY, { label: "Home", thinkingLevel: "high", origin: { provider: "telegram", from: "u1" }, queueMode: "steer" })!;
    expect(patched).toMatchObject({ label: "Home", thinkingLevel: "high", origin: { provider: "telegram", from: "u1" }, queueMode: "steer", updatedAt: now });
    const cleared = store.patch(KEY, { label: null, thinkingLevel: undefined })!;
    expect(cleared.label).toBeUndefined();
    expect("label" in cleared).toBe(false);
    expect(cleared.thinkingLevel).toBe("high");
    expect(JSON.parse((db.query("SELECT entry FROM sessions").get() as { entry: string }).entry)).toEqual({
      thinkingLevel: "high", origin: { provider: "telegram", from: "u1" }, queueMode: "steer",
    });
  });

  it("should refuse unknown or identity fields in a patch and return undefined for a missing key", () => {
    store.getOrCreate(KEY);
    expect(() => store.patch(KEY, { sessionId: "x" } as never)).toThrow(TypeError);
    expect(() => store.patch(KEY, { inputTokens: "many" } as never)).toThrow(TypeError);
    expect(store.patch("agent:main:dm:nobody", { label: "x" })).toBeUndefined();
  });

  it("should reset to a new sessionId, keep overrides and clear token counters, keeping the old transcript", () => {
    const before = store.getOrCreate(KEY);
    store.patch(KEY, { thinkingLevel: "low", modelOverride: "gpt-x", sendPolicy: "deny", label: "L", model: "m1", contextTokens: 200_000 });
    store.append(KEY, [msg("user", "hi"), msg("assistant", "hello")], { inputTokens: 10, outputTokens: 5, totalTokens: 15, abortedLastRun: true });
    now += 1000;
    const after = store.reset(KEY)!;
    expect(after.sessionId).toMatch(UUID);
    expect(after.sessionId).not.toBe(before.sessionId);
    expect(after).toMatchObject({ thinkingLevel: "low", modelOverride: "gpt-x", sendPolicy: "deny", label: "L", model: "m1", contextTokens: 200_000, updatedAt: now });
    for (const f of ["inputTokens", "outputTokens", "totalTokens", "abortedLastRun"] as const) expect(after[f]).toBeUndefined();
    expect(store.tail(KEY, 10)).toEqual([]);
    expect(store.history(before.sessionId).map((r) => r.entry.type)).toEqual(["message", "message"]);
    expect(store.reset("agent:main:dm:ghost")).toBeUndefined();
  });

  it("should delete the record and its transcript unless asked to keep it", () => {
    const a = store.getOrCreate("agent:main:dm:a");
    const b = store.getOrCreate("agent:main:dm:b");
    store.append(a.key, [msg("user", "x")]);
    store.append(b.key, [msg("user", "y")]);
    expect(store.delete(a.key)).toMatchObject({ key: a.key, sessionId: a.sessionId });
    expect(store.get(a.key)).toBeUndefined();
    expect(store.history(a.sessionId)).toEqual([]);
    expect(store.delete(b.key, { keepTranscript: true })?.key).toBe(b.key);
    expect(store.history(b.sessionId)).toHaveLength(1);
    expect(store.delete(b.key)).toBeUndefined();
  });

  it("should report usage with zeros for unset counters", () => {
    expect(store.usage(KEY)).toBeUndefined();
    store.getOrCreate(KEY);
    expect(store.usage(KEY)).toEqual({ inputTokens: 0, outputTokens: 0, totalTokens: 0, cacheRead: 0, cacheWrite: 0, compactionCount: 0 });
    store.append(KEY, [msg("assistant", "a")], { inputTokens: 3, cacheRead: 2, model: "m", modelProvider: "p", contextTokens: 1000 });
    expect(store.usage(KEY)).toEqual({
      inputTokens: 3, outputTokens: 0, totalTokens: 0, cacheRead: 2, cacheWrite: 0, compactionCount: 0, contextTokens: 1000, model: "m", modelProvider: "p",
    });
  });
});

describe("SessionStore.list", () => {
  beforeEach(() => {
    const make = (key: string, agentId: string, at: number, label?: string) => {
      now = at;
      store.getOrCreate(key, agentId, label ? { label } : {});
    };
    make("agent:main:main", "main", 1_000_000, "Home base");
    make("agent:main:dm:bob", "main", 3_000_000);
    make("agent:ops:main", "ops", 2_000_000, "Pager");
    make("agent:main:dm:alice", "main", 3_000_000);
    now = 3_000_000;
  });

  it("should list newest first with ties ordered by key", () => {
    expect(store.list().map((e) => e.key)).toEqual(["agent:main:dm:alice", "agent:main:dm:bob", "agent:ops:main", "agent:main:main"]);
  });

  it("should filter by agent, activity window and search, and apply the limit", () => {
    expect(store.list({ agentId: "ops" }).map((e) => e.key)).toEqual(["agent:ops:main"]);
    expect(store.list({ activeMinutes: 20 }).map((e) => e.key)).toEqual(["agent:main:dm:alice", "agent:main:dm:bob", "agent:ops:main"]);
    expect(store.list({ search: "BOB" }).map((e) => e.key)).toEqual(["agent:main:dm:bob"]);
    expect(store.list({ search: "home" }).map((e) => e.key)).toEqual(["agent:main:main"]);
    expect(store.list({ search: "agent:main", limit: 2 }).map((e) => e.key)).toEqual(["agent:main:dm:alice", "agent:main:dm:bob"]);
    expect(store.list({ limit: 1, agentId: "main" }).map((e) => e.key)).toEqual(["agent:main:dm:alice"]);
    expect(store.list({ limit: 0 })).toEqual([]);
  });

  it("should move a session to the front when it is patched", () => {
    now = 4_000_000;
    store.patch("agent:main:main", { subject: "news" });
    expect(store.list({ limit: 1 })[0]!.key).toBe("agent:main:main");
    expect(store.list({ search: "NEWS" })[0]!.key).toBe("agent:main:main");
  });
});

describe("SessionStore transcripts", () => {
  it("should assign seq 1,2,3… and chain parentId across appends", () => {
    const { sessionId } = store.getOrCreate(KEY);
    const first = store.append(KEY, [msg("user", "one"), msg("assistant", "two")]);
    const second = store.append(KEY, [{ type: "message", id: "custom-id", message: { role: "toolResult", content: [], timestamp: 1, toolCallId: "t1" } }]);
    const all = [...first, ...second];
    expect(all.map((r) => r.seq)).toEqual([1, 2, 3]);
    expect(all[0]!.entry.parentId).toBeNull();
    expect(all[1]!.entry.parentId).toBe(all[0]!.entry.id);
    expect(all[2]!.entry).toMatchObject({ id: "custom-id", parentId: all[1]!.entry.id });
    expect(all[0]!.entry).toEqual({
      type: "message", id: expect.stringMatching(UUID), parentId: null, timestamp: new Date(now).toISOString(),
      message: { role: "user", content: [{ type: "text", text: "one" }], timestamp: now },
    });
    expect(store.history(sessionId)).toEqual(all);
    const rows = db.query("SELECT seq, id, parent_id, type, role FROM transcript_entries ORDER BY seq").all();
    expect(rows).toEqual([
      { seq: 1, id: all[0]!.entry.id, parent_id: null, type: "message", role: "user" },
      { seq: 2, id: all[1]!.entry.id, parent_id: all[0]!.entry.id, type: "message", role: "assistant" },
      { seq: 3, id: "custom-id", parent_id: all[1]!.entry.id, type: "message", role: "toolResult" },
    ]);
  });

  it("should add token counters, set other fields and count compactions in the same append", () => {
    store.getOrCreate(KEY);
    now += 10;
    store.append(KEY, [msg("user", "q"), msg("assistant", "a")], { inputTokens: 100, outputTokens: 20, totalTokens: 120, cacheRead: 7, model: "m1" });
    now += 10;
    store.append(KEY, [{ type: "compaction", summary: "earlier chat", tokensBefore: 9000 }], {
      inputTokens: 50, outputTokens: 5, totalTokens: 55, cacheWrite: 3, model: "m2", abortedLastRun: true,
    });
    expect(store.get(KEY)).toMatchObject({
      inputTokens: 150, outputTokens: 25, totalTokens: 175, cacheRead: 7, cacheWrite: 3, model: "m2", abortedLastRun: true, compactionCount: 1, updatedAt: now,
    });
    const last = store.tail(KEY, 1)[0]!;
    expect(last.entry).toMatchObject({ type: "compaction", summary: "earlier chat", tokensBefore: 9000 });
    expect(db.query("SELECT role FROM transcript_entries WHERE seq = 3").get()).toEqual({ role: null });
  });

  it("should write neither the rows nor the session update when an entry fails mid-transaction", () => {
    store.getOrCreate(KEY);
    store.append(KEY, [msg("user", "kept")], { inputTokens: 1 });
    const before = store.get(KEY);
    now += 1000;
    // The third entry cannot be serialized: the first two rows are already inserted when it throws.
    const poisoned = { type: "message", message: { role: "assistant", content: [{ type: "text", text: 1n }], timestamp: now } } as unknown as TranscriptEntryInput;
    expect(() => store.append(KEY, [msg("user", "a"), msg("assistant", "b"), poisoned], { inputTokens: 99, label: "never" })).toThrow();
    expect(rowCount()).toBe(1);
    expect(store.get(KEY)).toEqual(before);
    // An invalid entry and a duplicate id roll back the same way.
    expect(() => store.append(KEY, [msg("user", "a"), { type: "message", message: { role: "system" } } as never], { inputTokens: 5 })).toThrow(TypeError);
    expect(() => store.append(KEY, [{ ...msg("user", "a"), id: "dup" }, { ...msg("user", "b"), id: "dup" }], { inputTokens: 5 })).toThrow();
    expect(rowCount()).toBe(1);
    expect(store.get(KEY)).toEqual(before);
    // The chain continues from the last good row.
    const [next] = store.append(KEY, [msg("user", "after")]);
    expect(next).toMatchObject({ seq: 2, entry: { parentId: store.tail(KEY, 2)[0]!.entry.id } });
  });

  it("should refuse to append to a missing session", () => {
    expect(() => store.append("agent:main:dm:nobody", [msg("user", "x")])).toThrow(SessionNotFoundError);
    expect(rowCount()).toBe(0);
  });

  it("should return the last entries in order for history and tail limits", () => {
    const { sessionId } = store.getOrCreate(KEY);
    store.append(KEY, Array.from({ length: 10 }, (_, i) => msg(i % 2 ? "assistant" : "user", `m${i + 1}`)));
    const texts = (rs: TranscriptRecord[]) => rs.map((r) => (r.entry.type === "message" ? r.entry.message.content[0]!.text : r.entry.type));
    expect(texts(store.history(sessionId, { limit: 3 }))).toEqual(["m8", "m9", "m10"]);
    expect(texts(store.history(sessionId, { limit: 3, beforeSeq: 8 }))).toEqual(["m5", "m6", "m7"]);
    expect(texts(store.tail(KEY, 2))).toEqual(["m9", "m10"]);
    expect(store.history(sessionId, { limit: 100 })).toHaveLength(10);
    expect(store.history(sessionId, { limit: 0 })).toEqual([]);
    expect(store.history("no-such-session")).toEqual([]);
    expect(store.tail("agent:main:dm:nobody", 5)).toEqual([]);
  });

  it("should serve tail queries from the (session_id, seq) primary key index without sorting", () => {
    const plan = db.query(
      "EXPLAIN QUERY PLAN SELECT seq, json FROM transcript_entries WHERE session_id = ? ORDER BY seq DESC LIMIT 20",
    ).all("s") as { detail: string }[];
    const details = plan.map((p) => p.detail).join(" | ");
    expect(details).toContain("USING INDEX sqlite_autoindex_transcript_entries_1 (session_id=?)");
    expect(details).not.toContain("TEMP B-TREE");
  });

  it("should compact to the last rows, root the chain at the first kept row and clear token counts", () => {
    const { sessionId } = store.getOrCreate(KEY);
    const written = store.append(KEY, Array.from({ length: 5 }, (_, i) => msg("user", `m${i + 1}`)), { inputTokens: 10, totalTokens: 10 });
    expect(store.compact(KEY, 2)).toEqual({ compacted: true, kept: 2, removed: 3 });
    const left = store.history(sessionId);
    expect(left.map((r) => r.seq)).toEqual([4, 5]);
    expect(left[0]!.entry.parentId).toBeNull();
    expect(db.query("SELECT parent_id FROM transcript_entries WHERE seq = 4").get()).toEqual({ parent_id: null });
    expect(left[1]!.entry.parentId).toBe(written[3]!.entry.id);
    expect(store.usage(KEY)).toMatchObject({ inputTokens: 0, totalTokens: 0 });
    const [next] = store.append(KEY, [msg("user", "m6")]);
    expect(next).toMatchObject({ seq: 6, entry: { parentId: written[4]!.entry.id } });
    expect(store.compact(KEY, 10)).toEqual({ compacted: false, kept: 3, removed: 0 });
    expect(store.compact(KEY, 0)).toEqual({ compacted: true, kept: 0, removed: 3 });
    expect(() => store.compact("agent:main:dm:nobody", 1)).toThrow(SessionNotFoundError);
  });
});
