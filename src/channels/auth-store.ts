/**
 * @module Per-account channel login state in SQLite (`channel_auth`, channels.md §6 Decision 2): text values
 * grouped by `kind` under one `(channel, accountId)`; a batch of writes is one transaction, and `clear`
 * (logout, logged-out) removes every row of the account. Values are opaque here — the channel encodes them.
 */
import type { Database } from "bun:sqlite";

/** One write of a batch: `value: null` deletes the row. */
export interface AuthWrite {
  kind: string;
  key: string;
  value: string | null;
}

/** The login state of one channel account. */
export interface ChannelAuthStore {
  /** The values of `keys` of one kind that exist (missing keys are absent from the map). */
  get(kind: string, keys: readonly string[]): Map<string, string>;
  /** Applies every write in one transaction (all or nothing). */
  write(writes: readonly AuthWrite[]): void;
  /** Whether any row of `kind` exists. */
  has(kind: string): boolean;
  /** Deletes every row of the account except those of `keepKinds`. */
  clear(keepKinds?: readonly string[]): void;
  /**
   * Reads one row and writes what `decide` returns (a value, `null` to delete, `undefined` to leave it) in one
   * IMMEDIATE transaction, so two processes sharing the database cannot both win. Returns what `decide` returned.
   */
  update(kind: string, key: string, decide: (current: { value: string; updatedAt: number } | undefined) => string | null | undefined): string | null | undefined;
}

/** Binds the `channel_auth` table to one channel account. */
export function createChannelAuthStore(db: Database, channel: string, accountId: string, now: () => number = Date.now): ChannelAuthStore {
  const upsert = db.prepare(
    `INSERT INTO channel_auth (channel, account_id, kind, key, value, updated_at) VALUES (?, ?, ?, ?, ?, ?)
     ON CONFLICT (channel, account_id, kind, key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`,
  );
  const remove = db.prepare("DELETE FROM channel_auth WHERE channel = ? AND account_id = ? AND kind = ? AND key = ?");
  const select = db.prepare<{ value: string; updated_at: number }, [string, string, string, string]>(
    "SELECT value, updated_at FROM channel_auth WHERE channel = ? AND account_id = ? AND kind = ? AND key = ?",
  );
  const writeAll = db.transaction((writes: readonly AuthWrite[]) => {
    const at = now();
    for (const w of writes) {
      if (w.value === null) remove.run(channel, accountId, w.kind, w.key);
      else upsert.run(channel, accountId, w.kind, w.key, w.value, at);
    }
  });
  const updateOne = db.transaction((kind: string, key: string, decide: Parameters<ChannelAuthStore["update"]>[2]) => {
    const row = select.get(channel, accountId, kind, key);
    const next = decide(row ? { value: row.value, updatedAt: row.updated_at } : undefined);
    if (next === null) remove.run(channel, accountId, kind, key);
    else if (next !== undefined) upsert.run(channel, accountId, kind, key, next, now());
    return next;
  });
  return {
    get(kind, keys) {
      const found = new Map<string, string>();
      for (const key of keys) {
        const row = select.get(channel, accountId, kind, key);
        if (row) found.set(key, row.value);
      }
      return found;
    },
    write(writes) {
      if (writes.length > 0) writeAll(writes);
    },
    has(kind) {
      return db.query("SELECT 1 FROM channel_auth WHERE channel = ? AND account_id = ? AND kind = ? LIMIT 1").get(channel, accountId, kind) !== null;
    },
    update(kind, key, decide) {
      return updateOne.immediate(kind, key, decide);
    },
    clear(keepKinds = []) {
      const keep = keepKinds.map(() => "?").join(", ");
      db.query(`DELETE FROM channel_auth WHERE channel = ? AND account_id = ?${keep ? ` AND kind NOT IN (${keep})` : ""}`).run(channel, accountId, ...keepKinds);
    },
  };
}
