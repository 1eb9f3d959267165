/** @module File-backed SessionStore tests: state survives a restart and a SIGKILL mid-append leaves only complete rows. */
import { afterEach, beforeEach, describe, expect, it } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openDatabase } from "../../src/store/index.ts";
import { SessionStore, type TranscriptEntryInput } from "../../src/sessions/index.ts";

const KEY = "agent:main:telegram:dm:42";
let dir: string;
let dbPath: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "mayros-sessions-"));
  dbPath = join(dir, "state.db");
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const message = (role: "user" | "assistant", text: string): TranscriptEntryInput => ({
  type: "message", message: { role, content: [{ type: "text", text }], timestamp: 1_700_000_000_000 },
});

describe("SessionStore on a file", () => {
  it("should return the identical session and history after close and reopen", () => {
    const db1 = openDatabase(dbPath);
    const s1 = new SessionStore(db1);
    s1.getOrCreate(KEY, "main", { channel: "telegram", thinkingLevel: "medium" });
    s1.append(KEY, [message("user", "hello"), message("assistant", "hi!")], { inputTokens: 12, outputTokens: 3, model: "m" });
    s1.append(KEY, [{ type: "compaction", summary: "greetings exchanged" }, message("user", "and now?")]);
    const entry = s1.get(KEY)!;
    const history = s1.history(entry.sessionId);
    db1.close();

    const db2 = openDatabase(dbPath);
    try {
      const s2 = new SessionStore(db2);
      expect(s2.get(KEY)).toEqual(entry);
      expect(s2.history(entry.sessionId)).toEqual(history);
      expect(history.map((r) => r.seq)).toEqual([1, 2, 3, 4]);
      const [next] = s2.append(KEY, [message("assistant", "later")]);
      expect(next).toMatchObject({ seq: 5, entry: { parentId: history[3]!.entry.id } });
    } finally {
      db2.close();
    }
  });

  it("should leave only complete appends when the writer is SIGKILLed mid-run", async () => {
    const fixture = join(import.meta.dir, "fixtures", "append-forever.ts");
    const child = Bun.spawn([process.execPath, fixture, dbPath], { stdout: "pipe", stderr: "pipe" });
    try {
      const reader = child.stdout.getReader();
      let out = "";
      // Kill once the writer has reported a few bursts, i.e. while it is busy appending.
      while ((out.match(/appended/g) ?? []).length < 3) {
        const { value, done } = await reader.read();
        if (done) throw new Error(`writer exited early: ${await new Response(child.stderr).text()}`);
        out += new TextDecoder().decode(value);
      }
    } finally {
      child.kill("SIGKILL");
    }
    expect(await child.exited).not.toBe(0);
    expect(child.signalCode).toBe("SIGKILL");

    const db = openDatabase(dbPath);
    try {
      expect(db.query("PRAGMA integrity_check").get()).toEqual({ integrity_check: "ok" });
      const store = new SessionStore(db);
      const entry = store.get("agent:main:main")!;
      const rows = store.history(entry.sessionId, { limit: Number.MAX_SAFE_INTEGER });
      expect(rows.length).toBeGreaterThanOrEqual(3);
      expect(rows.length % 3).toBe(0);
      expect(entry.inputTokens).toBe(rows.length);
      rows.forEach((r, i) => {
        expect(r.seq).toBe(i + 1);
        expect(r.entry.parentId).toBe(i === 0 ? null : rows[i - 1]!.entry.id);
      });
    } finally {
      db.close();
    }
  });
});
