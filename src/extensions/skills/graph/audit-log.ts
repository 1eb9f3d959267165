/**
 * @module Layer 15 (audit logging, extensions.md §10): one row per graph write or delete — the skill's name, the
 * operation, its target and a short detail — and per audited tool call (`skill_assert`, `skill_request_zk_proof`,
 * from after_tool_call). Rows are only appended; readers get the newest first.
 */
import type { Database } from "bun:sqlite";

/** One audit row. */
export interface AuditEntry {
  id: number;
  at: number;
  /** The skill that acted (`-` when none is known). */
  skill: string;
  operation: string;
  target: string | null;
  detail: string | null;
}

/** A filter for {@link AuditLog.list}. */
export interface AuditFilter {
  skill?: string;
  operation?: string;
  limit?: number;
}

/** The audit table. */
export class AuditLog {
  constructor(private readonly db: Database, private readonly now: () => number = Date.now) {
    db.run(`CREATE TABLE IF NOT EXISTS skill_audit (
      id INTEGER PRIMARY KEY AUTOINCREMENT, at INTEGER NOT NULL, skill TEXT NOT NULL, operation TEXT NOT NULL,
      target TEXT, detail TEXT)`);
    db.run("CREATE INDEX IF NOT EXISTS skill_audit_skill ON skill_audit (skill, id)");
  }

  /** Appends a row; `detail` is cut to 500 characters. */
  record(skill: string, operation: string, target?: string | null, detail?: string | null): void {
    this.db.run("INSERT INTO skill_audit (at, skill, operation, target, detail) VALUES (?, ?, ?, ?, ?)",
      [this.now(), skill, operation, target ?? null, detail == null ? null : detail.slice(0, 500)]);
  }

  /** The newest rows first (at most `limit`, default 100, ≤ 1000). */
  list(filter: AuditFilter = {}): AuditEntry[] {
    const where: string[] = [];
    const args: (string | number)[] = [];
    if (filter.skill !== undefined) (where.push("skill = ?"), args.push(filter.skill));
    if (filter.operation !== undefined) (where.push("operation = ?"), args.push(filter.operation));
    args.push(Math.max(1, Math.min(1000, filter.limit ?? 100)));
    const sql = `SELECT * FROM skill_audit ${where.length ? `WHERE ${where.join(" AND ")}` : ""} ORDER BY id DESC LIMIT ?`;
    return this.db.query<AuditEntry, (string | number)[]>(sql).all(...args);
  }
}
