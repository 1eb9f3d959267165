/** @module The ordered schema migrations of `state.db`; append only, never edit a released one. */

/** One schema step. */
export interface Migration {
  /** Strictly increasing, stored in `PRAGMA user_version`. */
  version: number;
  sql: string;
}

/** Every migration, oldest first. */
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    sql: `CREATE TABLE settings (
      key TEXT PRIMARY KEY,
      value TEXT NOT NULL,
      updated_at INTEGER NOT NULL
    )`,
  },
  {
    version: 2,
    sql: `CREATE TABLE device_pending (
      request_id TEXT PRIMARY KEY,
      device_id TEXT NOT NULL UNIQUE,
      public_key TEXT NOT NULL,
      display_name TEXT, platform TEXT, device_family TEXT,
      client_id TEXT NOT NULL, client_mode TEXT NOT NULL,
      role TEXT NOT NULL, scopes TEXT NOT NULL,
      remote_ip TEXT NOT NULL, silent INTEGER NOT NULL, is_repair INTEGER NOT NULL,
      created_at INTEGER NOT NULL
    );
    CREATE TABLE devices (
      device_id TEXT PRIMARY KEY,
      public_key TEXT NOT NULL,
      display_name TEXT, platform TEXT, device_family TEXT,
      client_id TEXT NOT NULL, client_mode TEXT NOT NULL,
      roles TEXT NOT NULL, approved_scopes TEXT NOT NULL,
      remote_ip TEXT NOT NULL, created_at INTEGER NOT NULL, approved_at INTEGER NOT NULL
    );
    CREATE TABLE device_tokens (
      device_id TEXT NOT NULL REFERENCES devices(device_id) ON DELETE CASCADE,
      role TEXT NOT NULL,
      token_hash BLOB NOT NULL,
      scopes TEXT NOT NULL,
      created_at INTEGER NOT NULL, rotated_at INTEGER, revoked_at INTEGER, last_used_at INTEGER,
      PRIMARY KEY (device_id, role)
    )`,
  },
  {
    version: 3,
    // Legacy node pairing (node.pair.*): what a node claims about itself is kept as JSON in `meta`.
    sql: `CREATE TABLE node_pending (
      request_id TEXT PRIMARY KEY,
      node_id TEXT NOT NULL UNIQUE,
      meta TEXT NOT NULL,
      silent INTEGER NOT NULL, is_repair INTEGER NOT NULL,
      created_at INTEGER NOT NULL
    );
    CREATE TABLE paired_nodes (
      node_id TEXT PRIMARY KEY,
      meta TEXT NOT NULL,
      token_hash BLOB NOT NULL,
      created_at INTEGER NOT NULL, approved_at INTEGER NOT NULL
    )`,
  },
];
