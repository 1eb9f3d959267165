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
];
