/**
 * @module Assertions and proof records. There is no zero-knowledge backend (no Cortex): a "proof" here is a local
 * **hash commitment** — SHA-256 over the proof type, subject, predicate and the sorted objects the graph holds for
 * them at proof time — stored with its id. Verifying recomputes the hash from the graph as it is now: it proves the
 * facts are unchanged since the proof, and nothing more (no secrecy, no third-party verifiability). The tool
 * answers say so (`kind: "local-hash-commitment"`).
 */
import type { Database } from "bun:sqlite";
import type { TripleStore } from "./triple-store.ts";

/** The proof types of §9. */
export const PROOF_TYPES = ["schnorr", "equality", "membership", "range"] as const;
/** A proof type. */
export type ProofType = (typeof PROOF_TYPES)[number];

/** A stored proof record. */
export interface ProofRecord {
  id: string;
  kind: "local-hash-commitment";
  proofType: string;
  subject: string;
  predicate: string;
  hash: string;
  skill: string;
  metadata: unknown;
  createdAt: number;
}

/** A stored assertion: a triple a skill asserted, with its proof when one was required. */
export interface AssertionRecord {
  id: string;
  tripleId: string;
  skill: string;
  subject: string;
  predicate: string;
  proofId: string | null;
  createdAt: number;
}

type ProofRow = { id: string; proof_type: string; subject: string; predicate: string; hash: string; skill: string; metadata: string | null; created_at: number };
type AssertionRow = { id: string; triple_id: string; skill: string; subject: string; predicate: string; proof_id: string | null; created_at: number };

const toProof = (r: ProofRow): ProofRecord => ({ id: r.id, kind: "local-hash-commitment", proofType: r.proof_type, subject: r.subject, predicate: r.predicate, hash: r.hash, skill: r.skill, metadata: r.metadata === null ? null : JSON.parse(r.metadata), createdAt: r.created_at });
const toAssertion = (r: AssertionRow): AssertionRecord => ({ id: r.id, tripleId: r.triple_id, skill: r.skill, subject: r.subject, predicate: r.predicate, proofId: r.proof_id, createdAt: r.created_at });

/** Proofs and assertions in the plugin database, read and written through one namespace's store. */
export class ProofLedger {
  constructor(private readonly db: Database, private readonly now: () => number = Date.now) {
    db.run(`CREATE TABLE IF NOT EXISTS skill_proofs (id TEXT PRIMARY KEY, proof_type TEXT NOT NULL, subject TEXT NOT NULL,
      predicate TEXT NOT NULL, hash TEXT NOT NULL, skill TEXT NOT NULL, metadata TEXT, created_at INTEGER NOT NULL)`);
    db.run(`CREATE TABLE IF NOT EXISTS skill_assertions (id TEXT PRIMARY KEY, triple_id TEXT NOT NULL, skill TEXT NOT NULL,
      subject TEXT NOT NULL, predicate TEXT NOT NULL, proof_id TEXT, created_at INTEGER NOT NULL)`);
    db.run("CREATE INDEX IF NOT EXISTS skill_assertions_sp ON skill_assertions (subject, predicate)");
  }

  /** The commitment over what `store` holds for subject+predicate now. */
  commitment(store: TripleStore, proofType: string, subject: string, predicate: string): string {
    const objects = store.query({ subject, predicate, limit: 500 }).map((t) => JSON.stringify(t.object)).sort();
    const hasher = new Bun.CryptoHasher("sha256");
    hasher.update(JSON.stringify([proofType, store.scoped(subject), store.scoped(predicate), objects]));
    return hasher.digest("hex");
  }

  /** Records a proof over subject+predicate as `store` holds them now. */
  prove(store: TripleStore, skill: string, proofType: string, subject: string, predicate: string, metadata?: unknown): ProofRecord {
    const row: ProofRow = {
      id: crypto.randomUUID(), proof_type: proofType, subject: store.scoped(subject), predicate: store.scoped(predicate),
      hash: this.commitment(store, proofType, subject, predicate), skill, metadata: metadata === undefined ? null : JSON.stringify(metadata), created_at: this.now(),
    };
    this.db.run("INSERT INTO skill_proofs VALUES (?, ?, ?, ?, ?, ?, ?, ?)", [row.id, row.proof_type, row.subject, row.predicate, row.hash, row.skill, row.metadata, row.created_at]);
    return toProof(row);
  }

  /** A proof by id, or undefined. */
  proof(id: string): ProofRecord | undefined {
    const row = this.db.query<ProofRow, [string]>("SELECT * FROM skill_proofs WHERE id = ?").get(id);
    return row ? toProof(row) : undefined;
  }

  /** Whether a proof still holds: its commitment recomputed from `store` now equals the stored one. */
  verify(store: TripleStore, id: string): { proof: ProofRecord | undefined; valid: boolean } {
    const proof = this.proof(id);
    if (!proof || !proof.subject.startsWith(`${store.ns}:`)) return { proof: undefined, valid: false };
    return { proof, valid: this.commitment(store, proof.proofType, proof.subject, proof.predicate) === proof.hash };
  }

  /** Records an assertion of a stored triple. */
  assert(skill: string, tripleId: string, subject: string, predicate: string, proofId: string | null): AssertionRecord {
    const row: AssertionRow = { id: crypto.randomUUID(), triple_id: tripleId, skill, subject, predicate, proof_id: proofId, created_at: this.now() };
    this.db.run("INSERT INTO skill_assertions VALUES (?, ?, ?, ?, ?, ?, ?)", [row.id, row.triple_id, row.skill, row.subject, row.predicate, row.proof_id, row.created_at]);
    return toAssertion(row);
  }

  /** The assertions of subject+predicate (already namespaced), newest first. */
  assertions(subject: string, predicate: string): AssertionRecord[] {
    return this.db.query<AssertionRow, [string, string]>("SELECT * FROM skill_assertions WHERE subject = ? AND predicate = ? ORDER BY created_at DESC, rowid DESC").all(subject, predicate).map(toAssertion);
  }
}
