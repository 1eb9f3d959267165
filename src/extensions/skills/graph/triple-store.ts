/**
 * @module The embedded triple store of the semantic skills (extensions.md §2, §9; our Decision: SQLite instead of a
 * Cortex sidecar). Subjects, predicates and objects — a string, number, boolean or node reference `{node}` — in the
 * plugin's database, indexed for pattern queries (subject+predicate, predicate+object). A store is bound to one
 * namespace (layer 4): every subject, predicate and node reference it writes or matches is forced into it, and a
 * triple can be deleted only from inside it (and, for a skill's store, only by the skill that created it).
 */
import type { Database } from "bun:sqlite";
import { enforceNamespace, insideNamespace } from "./namespace.ts";

/** A triple's object. */
export type TripleObject = string | number | boolean | { node: string };

/** A stored triple. */
export interface Triple {
  id: string;
  subject: string;
  predicate: string;
  object: TripleObject;
  /** The skill that wrote it, or null for the semantic tools' writes outside any skill. */
  owner: string | null;
  createdAt: number;
}

/** A pattern: every given field must match exactly. */
export interface TriplePattern {
  subject?: string;
  predicate?: string;
  object?: TripleObject;
  limit?: number;
}

/** The most triples one query answers. */
export const MAX_QUERY_LIMIT = 500;

type Row = { id: string; subject: string; predicate: string; kind: string; object: string; owner: string | null; created_at: number };

/** Creates the tables and indexes once per database. */
export function migrateTriples(db: Database): void {
  db.run(`CREATE TABLE IF NOT EXISTS skill_triples (
    id TEXT PRIMARY KEY, subject TEXT NOT NULL, predicate TEXT NOT NULL, kind TEXT NOT NULL,
    object TEXT NOT NULL, owner TEXT, created_at INTEGER NOT NULL)`);
  db.run("CREATE INDEX IF NOT EXISTS skill_triples_sp ON skill_triples (subject, predicate)");
  db.run("CREATE INDEX IF NOT EXISTS skill_triples_po ON skill_triples (predicate, kind, object)");
}

/** The stored form of an object: its kind and its text. */
function encode(object: TripleObject): { kind: string; text: string } {
  if (typeof object === "string") return { kind: "string", text: object };
  if (typeof object === "number") {
    if (!Number.isFinite(object)) throw new Error("object: a number must be finite");
    return { kind: "number", text: String(object) };
  }
  if (typeof object === "boolean") return { kind: "boolean", text: String(object) };
  if (object && typeof object === "object" && typeof (object as { node?: unknown }).node === "string") return { kind: "node", text: object.node };
  throw new Error("object: must be a string, a number, a boolean or {node: string}");
}

function decode(kind: string, text: string): TripleObject {
  if (kind === "number") return Number(text);
  if (kind === "boolean") return text === "true";
  if (kind === "node") return { node: text };
  return text;
}

const toTriple = (r: Row): Triple => ({ id: r.id, subject: r.subject, predicate: r.predicate, object: decode(r.kind, r.object), owner: r.owner, createdAt: r.created_at });

/** One namespace's view of the triples. */
export class TripleStore {
  /**
   * @param db the plugin database ({@link migrateTriples} already run)
   * @param ns the namespace every subject and predicate is forced into
   * @param owner the skill writing through this store (null: the tools outside any skill)
   */
  constructor(private readonly db: Database, readonly ns: string, readonly owner: string | null = null, private readonly now: () => number = Date.now) {
    enforceNamespace(ns, "");
  }

  /** `value` forced into this store's namespace. */
  scoped(value: string): string {
    return enforceNamespace(this.ns, value);
  }

  /** Stores a triple (subject, predicate and a node object forced into the namespace). */
  create(t: { subject: string; predicate: string; object: TripleObject }): Triple {
    const object = typeof t.object === "object" && t.object !== null ? { node: this.scoped(String((t.object as { node?: unknown }).node)) } : t.object;
    const { kind, text } = encode(object);
    const row: Row = { id: crypto.randomUUID(), subject: this.scoped(String(t.subject)), predicate: this.scoped(String(t.predicate)), kind, object: text, owner: this.owner, created_at: this.now() };
    this.db.run("INSERT INTO skill_triples (id, subject, predicate, kind, object, owner, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
      [row.id, row.subject, row.predicate, row.kind, row.object, row.owner, row.created_at]);
    return toTriple(row);
  }

  /** The triples matching `pattern` inside the namespace, oldest first, at most `limit` (1 to {@link MAX_QUERY_LIMIT}; 20 when not a number). */
  query(pattern: TriplePattern): Triple[] {
    const where = ["subject LIKE ? ESCAPE '\\'"];
    const args: (string | number)[] = [`${this.ns.replace(/[\\%_]/g, "\\$&")}:%`];
    if (pattern.subject !== undefined) (where.push("subject = ?"), args.push(this.scoped(pattern.subject)));
    if (pattern.predicate !== undefined) (where.push("predicate = ?"), args.push(this.scoped(pattern.predicate)));
    if (pattern.object !== undefined) {
      const object = typeof pattern.object === "object" ? { node: this.scoped(pattern.object.node) } : pattern.object;
      const { kind, text } = encode(object);
      where.push("kind = ?", "object = ?");
      args.push(kind, text);
    }
    const asked = Number(pattern.limit ?? 20);
    const limit = Number.isFinite(asked) ? Math.max(1, Math.min(MAX_QUERY_LIMIT, Math.floor(asked))) : 20;
    args.push(limit);
    return this.db.query<Row, (string | number)[]>(`SELECT * FROM skill_triples WHERE ${where.join(" AND ")} ORDER BY created_at, rowid LIMIT ?`).all(...args).map(toTriple);
  }

  /** One triple of the namespace, or undefined. */
  get(id: string): Triple | undefined {
    const row = this.db.query<Row, [string]>("SELECT * FROM skill_triples WHERE id = ?").get(id);
    return row && insideNamespace(this.ns, row.subject) ? toTriple(row) : undefined;
  }

  /**
   * Deletes a triple of the namespace that this store's owner wrote (a skill deletes only its own triples).
   * @returns false when there is no such triple
   */
  delete(id: string): boolean {
    const triple = this.get(id);
    if (!triple || (this.owner !== null && triple.owner !== this.owner)) return false;
    return this.db.run("DELETE FROM skill_triples WHERE id = ?", [id]).changes > 0;
  }

  /** How many triples the namespace holds. */
  count(): number {
    const row = this.db.query<{ n: number }, [string]>("SELECT COUNT(*) AS n FROM skill_triples WHERE subject LIKE ? ESCAPE '\\'").get(`${this.ns.replace(/[\\%_]/g, "\\$&")}:%`);
    return row?.n ?? 0;
  }
}
