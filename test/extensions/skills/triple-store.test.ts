/**
 * @module The embedded triple store (layer 4: namespace isolation), the proof ledger (local hash commitments) and
 * the audit log (layer 15), on an in-memory SQLite database.
 */
import { Database } from "bun:sqlite";
import { describe, expect, it } from "bun:test";
import { AuditLog } from "../../../src/extensions/skills/graph/audit-log.ts";
import { enforceNamespace } from "../../../src/extensions/skills/graph/namespace.ts";
import { ProofLedger } from "../../../src/extensions/skills/graph/proofs.ts";
import { migrateTriples, TripleStore } from "../../../src/extensions/skills/graph/triple-store.ts";

const open = () => {
  const db = new Database(":memory:");
  migrateTriples(db);
  return db;
};

describe("layer 4: namespace isolation in the triple store", () => {
  it("should force every subject, predicate and node reference into the namespace", () => {
    const store = new TripleStore(open(), "mayros", "sample");
    const t = store.create({ subject: "other:project", predicate: "mayros:status", object: { node: "x" } });
    expect(t).toMatchObject({ subject: "mayros:other:project", predicate: "mayros:status", object: { node: "mayros:x" }, owner: "sample" });
    expect(() => enforceNamespace("1bad", "x")).toThrow("must start with a letter");
  });

  it("should keep each object's type and match patterns exactly", () => {
    const store = new TripleStore(open(), "mayros");
    store.create({ subject: "a", predicate: "n", object: 3 });
    store.create({ subject: "a", predicate: "n", object: "3" });
    store.create({ subject: "a", predicate: "b", object: true });
    expect(store.query({ subject: "a", predicate: "n" }).map((t) => t.object)).toEqual([3, "3"]);
    expect(store.query({ object: 3 }).map((t) => t.object)).toEqual([3]);
    expect(store.query({ predicate: "b" })[0]!.object).toBe(true);
    expect(store.query({ limit: 2 })).toHaveLength(2);
    expect(store.query({ limit: Number.NaN })).toHaveLength(3); // a sandboxed caller's junk limit falls back to 20
    expect(store.query({ limit: "1" as unknown as number })).toHaveLength(1);
    expect(() => store.create({ subject: "a", predicate: "n", object: Number.NaN })).toThrow("finite");
  });

  it("should not see, match or delete anything of another namespace, and a skill deletes only its own triples", () => {
    const db = open();
    const mine = new TripleStore(db, "mayros", "a");
    const other = new TripleStore(db, "elsewhere");
    const foreign = other.create({ subject: "s", predicate: "p", object: "secret" });
    expect(mine.query({})).toEqual([]);
    expect(mine.query({ subject: "elsewhere:s" })).toEqual([]);
    expect(mine.delete(foreign.id)).toBe(false);
    const peer = new TripleStore(db, "mayros", "b").create({ subject: "s", predicate: "p", object: 1 });
    expect(mine.delete(peer.id)).toBe(false);
    const own = mine.create({ subject: "s", predicate: "p", object: 2 });
    expect(mine.delete(own.id)).toBe(true);
    expect([other.count(), mine.count()]).toEqual([1, 1]);
  });
});

describe("proof records (local hash commitments)", () => {
  it("should verify while the facts are unchanged and fail once they change", () => {
    const db = open();
    const store = new TripleStore(db, "mayros");
    const ledger = new ProofLedger(db);
    store.create({ subject: "alice", predicate: "age", object: 30 });
    const proof = ledger.prove(store, "sample", "range", "alice", "age", { min: 18 });
    expect(proof).toMatchObject({ kind: "local-hash-commitment", subject: "mayros:alice", hash: expect.stringMatching(/^[0-9a-f]{64}$/), metadata: { min: 18 } });
    expect(ledger.verify(store, proof.id).valid).toBe(true);
    store.create({ subject: "alice", predicate: "age", object: 31 });
    expect(ledger.verify(store, proof.id).valid).toBe(false);
    expect(ledger.verify(new TripleStore(db, "other"), proof.id)).toEqual({ proof: undefined, valid: false });
  });
});

describe("layer 15: the audit log", () => {
  it("should list the newest entries first, filtered by skill and operation", () => {
    let now = 1;
    const log = new AuditLog(open(), () => now++);
    log.record("a", "createTriple", "mayros:x", "y");
    log.record("b", "deleteTriple", "id-1");
    log.record("a", "tool:skill_assert", null, "x".repeat(600));
    expect(log.list().map((e) => [e.skill, e.operation])).toEqual([["a", "tool:skill_assert"], ["b", "deleteTriple"], ["a", "createTriple"]]);
    expect(log.list({ skill: "a", operation: "createTriple" })).toEqual([{ id: 1, at: 1, skill: "a", operation: "createTriple", target: "mayros:x", detail: "y" }]);
    expect(log.list({ skill: "a" })[0]!.detail).toHaveLength(500);
  });
});
