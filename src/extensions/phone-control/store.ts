/**
 * @module The arm in force, kept in the plugin's SQLite database (one row): the groups, who armed, when it expires,
 * and exactly what it changed in `gateway.nodes` — so a disarm, even after a restart, reverts only that.
 */
import type { Database } from "bun:sqlite";
import type { NodeListChanges } from "./changes.ts";
import type { GroupName } from "./groups.ts";

/** The arm in force. */
export interface ArmedState extends NodeListChanges {
  /** The groups armed (a re-arm adds its group). */
  groups: GroupName[];
  /** Who armed last: `<channel>:<senderId>`, or `operator` for the gateway methods. */
  armedBy: string;
  armedAtMs: number;
  /** When the expiry check disarms (ms since the epoch). */
  expiresAtMs: number;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS armed (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  groups TEXT NOT NULL,
  armed_by TEXT NOT NULL,
  armed_at_ms INTEGER NOT NULL,
  expires_at_ms INTEGER NOT NULL,
  added_to_allow TEXT NOT NULL,
  removed_from_deny TEXT NOT NULL,
  created_keys TEXT NOT NULL
);
`;

interface ArmedRow {
  groups: string;
  armed_by: string;
  armed_at_ms: number;
  expires_at_ms: number;
  added_to_allow: string;
  removed_from_deny: string;
  created_keys: string;
}

/** The armed row of the plugin's database. */
export class ArmedStore {
  /** Creates the table when missing. */
  constructor(private readonly db: Database) {
    db.run(SCHEMA);
  }

  /** The arm in force, or undefined when disarmed. */
  load(): ArmedState | undefined {
    const row = this.db.query<ArmedRow, []>("SELECT * FROM armed WHERE id = 1").get();
    if (!row) return undefined;
    return {
      groups: JSON.parse(row.groups), armedBy: row.armed_by, armedAtMs: row.armed_at_ms, expiresAtMs: row.expires_at_ms,
      addedToAllow: JSON.parse(row.added_to_allow), removedFromDeny: JSON.parse(row.removed_from_deny), createdKeys: JSON.parse(row.created_keys),
    };
  }

  /** Records the arm in force (replacing the previous record). */
  save(s: ArmedState): void {
    this.db.query(
      `INSERT OR REPLACE INTO armed (id, groups, armed_by, armed_at_ms, expires_at_ms, added_to_allow, removed_from_deny, created_keys)
       VALUES (1, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(
      JSON.stringify(s.groups), s.armedBy, s.armedAtMs, s.expiresAtMs,
      JSON.stringify(s.addedToAllow), JSON.stringify(s.removedFromDeny), JSON.stringify(s.createdKeys),
    );
  }

  /** Forgets the arm (after its revert was written). */
  clear(): void {
    this.db.run("DELETE FROM armed WHERE id = 1");
  }
}
