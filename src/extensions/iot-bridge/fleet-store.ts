/**
 * @module The fleet registry in the plugin's SQLite database: one row per node (id, url, name, when it was added,
 * when it last answered, the last poll's status and error), and the ids ever seeded from the config — so a config
 * node is added once, and one removed at run time stays removed after a restart.
 */
import type { Database } from "bun:sqlite";
import type { NodeSpec } from "./config.ts";

/** The last poll's verdict on a node (`unknown` before its first poll). */
export type NodeStatus = "unknown" | "online" | "offline";

/** A stored node. */
export interface NodeRecord {
  id: string;
  url: string;
  name: string | null;
  addedAt: number;
  lastSeen: number | null;
  lastStatus: NodeStatus;
  lastError: string | null;
}

type Row = { id: string; url: string; name: string | null; added_at: number; last_seen: number | null; last_status: NodeStatus; last_error: string | null };

const toRecord = (r: Row): NodeRecord => ({ id: r.id, url: r.url, name: r.name, addedAt: r.added_at, lastSeen: r.last_seen, lastStatus: r.last_status, lastError: r.last_error });

/** The fleet's rows. */
export class FleetStore {
  constructor(private readonly db: Database) {
    db.run(`CREATE TABLE IF NOT EXISTS iot_nodes (
      id TEXT PRIMARY KEY, url TEXT NOT NULL, name TEXT, added_at INTEGER NOT NULL,
      last_seen INTEGER, last_status TEXT NOT NULL DEFAULT 'unknown', last_error TEXT)`);
    db.run("CREATE TABLE IF NOT EXISTS iot_seeded (id TEXT PRIMARY KEY)");
  }

  /** Every node, oldest first. */
  list(): NodeRecord[] {
    return this.db.query<Row, []>("SELECT * FROM iot_nodes ORDER BY added_at, rowid").all().map(toRecord);
  }

  /** One node, or undefined. */
  get(id: string): NodeRecord | undefined {
    const row = this.db.query<Row, [string]>("SELECT * FROM iot_nodes WHERE id = ?").get(id);
    return row ? toRecord(row) : undefined;
  }

  /** Adds a node (the caller checked the id is free). */
  insert(node: NodeSpec, addedAt: number): NodeRecord {
    this.db.run("INSERT INTO iot_nodes (id, url, name, added_at) VALUES (?, ?, ?, ?)", [node.id, node.url, node.name ?? null, addedAt]);
    return this.get(node.id)!;
  }

  /** Removes a node; false when there was none. */
  delete(id: string): boolean {
    return this.db.run("DELETE FROM iot_nodes WHERE id = ?", [id]).changes > 0;
  }

  /** Adds the config nodes never seeded before (ids taken by a node added at run time are only marked). */
  seed(nodes: NodeSpec[], addedAt: number): void {
    this.db.transaction(() => {
      for (const node of nodes) {
        if (this.db.run("INSERT OR IGNORE INTO iot_seeded (id) VALUES (?)", [node.id]).changes === 0) continue;
        if (!this.get(node.id)) this.insert(node, addedAt);
      }
    })();
  }

  /** Records a poll's verdict: `lastSeen` moves only when the node answered. */
  recordPoll(id: string, status: Exclude<NodeStatus, "unknown">, at: number, error: string | null): void {
    this.db.run(
      "UPDATE iot_nodes SET last_status = ?, last_error = ?, last_seen = CASE WHEN ? = 'online' THEN ? ELSE last_seen END WHERE id = ?",
      [status, error, status, at, id],
    );
  }
}
