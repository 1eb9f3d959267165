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
  {
    version: 4,
    // Sessions (agent.md §2.1, §2.3 Decision): one record per session key, the SessionEntry fields as
    // JSON in `entry`; transcripts one row per entry. The primary key (session_id, seq) is the tail
    // index: `WHERE session_id = ? ORDER BY seq DESC LIMIT n` is one backwards range scan of it.
    sql: `CREATE TABLE sessions (
      key TEXT PRIMARY KEY,
      session_id TEXT NOT NULL UNIQUE,
      agent_id TEXT NOT NULL,
      created_at INTEGER NOT NULL,
      updated_at INTEGER NOT NULL,
      entry TEXT NOT NULL
    );
    CREATE INDEX sessions_updated ON sessions (updated_at);
    CREATE INDEX sessions_agent_updated ON sessions (agent_id, updated_at);
    CREATE TABLE transcript_entries (
      session_id TEXT NOT NULL,
      seq INTEGER NOT NULL,
      id TEXT NOT NULL,
      parent_id TEXT,
      type TEXT NOT NULL,
      role TEXT,
      json TEXT NOT NULL,
      created_at INTEGER NOT NULL,
      PRIMARY KEY (session_id, seq)
    );
    CREATE UNIQUE INDEX transcript_entries_id ON transcript_entries (session_id, id)`,
  },
  {
    version: 5,
    // Cron (agent.md §6.1): each job as JSON, with the columns the scheduler queries; a per-job run log.
    sql: `CREATE TABLE cron_jobs (
      id TEXT PRIMARY KEY,
      json TEXT NOT NULL,
      enabled INTEGER NOT NULL,
      next_run_at INTEGER,
      created_at INTEGER NOT NULL,
      updated_at INTEGER NOT NULL
    );
    CREATE INDEX cron_jobs_next_run ON cron_jobs (enabled, next_run_at);
    CREATE TABLE cron_runs (
      job_id TEXT NOT NULL,
      ts INTEGER NOT NULL,
      json TEXT NOT NULL
    );
    CREATE INDEX cron_runs_job_ts ON cron_runs (job_id, ts)`,
  },
  {
    version: 6,
    // Channel DM pairing (channels.md §2 Decision): pending pairing codes and approved senders,
    // keyed by channel and account; the effective DM allowlist is config allowFrom ∪ these rows.
    sql: `CREATE TABLE channel_pairing_requests (
      channel TEXT NOT NULL,
      account_id TEXT NOT NULL,
      sender_id TEXT NOT NULL,
      code TEXT NOT NULL,
      meta TEXT NOT NULL,
      created_at INTEGER NOT NULL,
      last_seen_at INTEGER NOT NULL,
      PRIMARY KEY (channel, account_id, sender_id)
    );
    CREATE UNIQUE INDEX channel_pairing_code ON channel_pairing_requests (channel, code);
    CREATE TABLE channel_allow_from (
      channel TEXT NOT NULL,
      account_id TEXT NOT NULL,
      sender_id TEXT NOT NULL,
      approved_at INTEGER NOT NULL,
      PRIMARY KEY (channel, account_id, sender_id)
    )`,
  },
  {
    version: 7,
    // Channel login state (channels.md §6 Decision 2): Baileys creds and Signal-protocol keys and any
    // other per-account secret a channel keeps, as text values; `kind` groups them (creds, key type, lease).
    sql: `CREATE TABLE channel_auth (
      channel TEXT NOT NULL,
      account_id TEXT NOT NULL,
      kind TEXT NOT NULL,
      key TEXT NOT NULL,
      value TEXT NOT NULL,
      updated_at INTEGER NOT NULL,
      PRIMARY KEY (channel, account_id, kind, key)
    )`,
  },
];
