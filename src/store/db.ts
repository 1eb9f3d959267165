/** @module Opens the gateway's SQLite database (WAL, busy timeout) and applies versioned migrations. */
import { Database } from "bun:sqlite";
import { MIGRATIONS, type Migration } from "./migrations.ts";

/** Options of {@link openDatabase}. */
export interface OpenDatabaseOptions {
  /** Migrations to apply; defaults to the gateway's own list. */
  migrations?: readonly Migration[];
  /** Open without creating or migrating (for read-only CLI commands). */
  readonly?: boolean;
}

/**
 * Opens (creating if needed) the database at `path` in WAL mode with a 5 s busy timeout and
 * applies every migration newer than the stored `user_version` — all of them in one transaction, so a failing
 * migration leaves the database at its old version and a fresh database commits (and syncs) once.
 * @param path a file path, or ":memory:".
 */
export function openDatabase(path: string, { migrations = MIGRATIONS, readonly = false }: OpenDatabaseOptions = {}): Database {
  const db = readonly ? new Database(path, { readonly: true, strict: true }) : new Database(path, { create: true, strict: true });
  db.exec("PRAGMA busy_timeout = 5000");
  if (readonly) return db;
  db.exec("PRAGMA journal_mode = WAL");
  db.exec("PRAGMA synchronous = NORMAL");
  db.exec("PRAGMA foreign_keys = ON");
  migrate(db, migrations);
  return db;
}

/** The schema version recorded in the database. */
export function schemaVersion(db: Database): number {
  return (db.query("PRAGMA user_version").get() as { user_version: number }).user_version;
}

function migrate(db: Database, migrations: readonly Migration[]): void {
  const current = schemaVersion(db);
  const pending = migrations.filter((m) => m.version > current);
  if (pending.length === 0) return;
  db.transaction(() => {
    for (const m of pending) {
      db.exec(m.sql);
      db.exec(`PRAGMA user_version = ${m.version}`);
    }
  })();
}
