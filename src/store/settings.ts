/** @module A tiny key/value repository for gateway settings (e.g. the generated gateway token). */
import type { Database } from "bun:sqlite";

/** Typed access to the `settings` table. */
export interface SettingsRepo {
  get(key: string): string | undefined;
  set(key: string, value: string): void;
}

/** Creates a {@link SettingsRepo} over `db`. */
export function settingsRepo(db: Database): SettingsRepo {
  const select = db.query<{ value: string }, [string]>("SELECT value FROM settings WHERE key = ?");
  const upsert = db.query(
    "INSERT INTO settings (key, value, updated_at) VALUES (?1, ?2, ?3) ON CONFLICT(key) DO UPDATE SET value = ?2, updated_at = ?3",
  );
  return {
    get: (key) => select.get(key)?.value,
    set: (key, value) => void upsert.run(key, value, Date.now()),
  };
}
