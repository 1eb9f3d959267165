/**
 * @module The session store in SQLite (agent.md §2.1, §2.3 Decision): session records in `sessions`
 * (key → sessionId, agent, times and an `entry` JSON of {@link SessionFields}) and transcripts in
 * `transcript_entries` (one row per entry, `seq` 1, 2, 3… per sessionId, `id`/`parentId` chain).
 * Every multi-row change runs in one transaction, so a crash leaves only complete rows.
 */
import type { Database } from "bun:sqlite";
import { agentIdOf, isValidSessionKey } from "./keys.ts";
import {
  ADDITIVE_TOKEN_FIELDS, RESET_CLEARED_FIELDS, SESSION_FIELDS, assertEntryInput, assertPatch,
  type SessionEntry, type SessionFields, type SessionPatch, type SessionUsage,
  type TranscriptEntry, type TranscriptEntryInput, type TranscriptRecord,
} from "./types.ts";

/** How many entries {@link SessionStore.history} returns when no limit is given. */
export const DEFAULT_HISTORY_LIMIT = 200;

/** Thrown when an operation needs a session that does not exist. */
export class SessionNotFoundError extends Error {
  override readonly name = "SessionNotFoundError";
  constructor(readonly key: string) {
    super(`no session with key ${JSON.stringify(key)}`);
  }
}

/** Filters of {@link SessionStore.list}. */
export interface ListSessionsOptions {
  /** At most this many rows. */
  limit?: number;
  agentId?: string;
  /** Only sessions updated within the last N minutes. */
  activeMinutes?: number;
  /** Case-insensitive substring of the key, label, displayName or subject. */
  search?: string;
}

/** Options of {@link SessionStore.history}. */
export interface HistoryOptions {
  /** The last N entries (default {@link DEFAULT_HISTORY_LIMIT}). */
  limit?: number;
  /** Only entries with a smaller seq (paging backwards). */
  beforeSeq?: number;
}

/** Result of {@link SessionStore.compact}. */
export interface CompactResult {
  /** False when there was nothing to remove. */
  compacted: boolean;
  kept: number;
  removed: number;
}

type SessionRow = { key: string; session_id: string; agent_id: string; created_at: number; updated_at: number; entry: string };
type EntryRow = { session_id: string; seq: number; json: string; created_at: number };

/** Session records and transcripts over the gateway database (migration 4). */
export class SessionStore {
  /**
   * @param db an open database with migration 4 applied (see `openDatabase`).
   * @param now the clock, in ms (injectable for tests).
   */
  constructor(private readonly db: Database, private readonly now: () => number = Date.now) {}

  /** The session of `key`, if any. */
  get(key: string): SessionEntry | undefined {
    const row = this.db.query<SessionRow, [string]>("SELECT * FROM sessions WHERE key = ?").get(key);
    return row ? toEntry(row) : undefined;
  }

  /**
   * The session of `key`, created with a fresh sessionId (and the `init` fields) when missing.
   * @param agentId the owning agent (default: the key's agent, else `main`).
   * @throws {TypeError} on an invalid key or init field.
   */
  getOrCreate(key: string, agentId: string = agentIdOf(key), init: SessionPatch = {}): SessionEntry {
    if (!isValidSessionKey(key)) throw new TypeError("invalid session key");
    assertPatch(init);
    return this.db.transaction(() => {
      const existing = this.get(key);
      if (existing) return existing;
      const now = this.now();
      this.db.query("INSERT INTO sessions (key, session_id, agent_id, created_at, updated_at, entry) VALUES (?, ?, ?, ?, ?, ?)")
        .run(key, crypto.randomUUID(), agentId, now, now, JSON.stringify(merge({}, init, false)));
      return this.get(key)!;
    })();
  }

  /** Sessions, most recently updated first (ties by key). */
  list({ limit, agentId, activeMinutes, search }: ListSessionsOptions = {}): SessionEntry[] {
    const since = activeMinutes === undefined ? null : this.now() - activeMinutes * 60_000;
    const needle = search?.trim().toLowerCase() || undefined;
    const max = limit === undefined ? -1 : count(limit);
    const rows = this.db.query<SessionRow, [string | null, number | null, number]>(
      `SELECT * FROM sessions WHERE (?1 IS NULL OR agent_id = ?1) AND (?2 IS NULL OR updated_at >= ?2)
       ORDER BY updated_at DESC, key ASC LIMIT ?3`,
    ).all(agentId ?? null, since, needle ? -1 : max);
    let entries = rows.map(toEntry);
    if (needle) {
      entries = entries.filter((e) => [e.key, e.label, e.displayName, e.subject].some((s) => s?.toLowerCase().includes(needle)));
      if (max >= 0) entries = entries.slice(0, max);
    }
    return entries;
  }

  /**
   * Sets fields (`null` clears one) and touches `updatedAt`.
   * @returns the updated entry, or undefined when the key has no session.
   * @throws {TypeError} on an unknown field.
   */
  patch(key: string, fields: SessionPatch): SessionEntry | undefined {
    assertPatch(fields);
    return this.db.transaction(() => {
      const current = this.get(key);
      if (!current) return undefined;
      this.writeFields(key, merge(fieldsOf(current), fields, false), this.now());
      return this.get(key);
    })();
  }

  /**
   * Starts a new transcript: a new sessionId; overrides, routing and model kept; token counters,
   * compaction count and run flags cleared. The old transcript stays under the old sessionId.
   * @returns the new entry, or undefined when the key has no session.
   */
  reset(key: string): SessionEntry | undefined {
    return this.db.transaction(() => {
      const current = this.get(key);
      if (!current) return undefined;
      const fields = fieldsOf(current);
      for (const f of RESET_CLEARED_FIELDS) delete fields[f];
      this.db.query("UPDATE sessions SET session_id = ?, updated_at = ?, entry = ? WHERE key = ?")
        .run(crypto.randomUUID(), this.now(), JSON.stringify(fields), key);
      return this.get(key);
    })();
  }

  /**
   * Deletes the session record and (unless `keepTranscript`) its current transcript.
   * @returns the deleted entry, or undefined when there was none.
   */
  delete(key: string, { keepTranscript = false }: { keepTranscript?: boolean } = {}): SessionEntry | undefined {
    return this.db.transaction(() => {
      const current = this.get(key);
      if (!current) return undefined;
      this.db.query("DELETE FROM sessions WHERE key = ?").run(key);
      if (!keepTranscript) this.db.query("DELETE FROM transcript_entries WHERE session_id = ?").run(current.sessionId);
      return current;
    })();
  }

  /**
   * Appends entries to the session's current transcript and updates its record, atomically: either
   * every row and the record update land, or nothing does. Each entry gets the next `seq`, an `id`
   * (unless given) and `parentId` = the previous entry's id. In `sessionUpdate`, the counters
   * `inputTokens`/`outputTokens`/`totalTokens`/`cacheRead`/`cacheWrite` are ADDED; other fields are
   * set (`null` clears). Each `compaction` entry increments `compactionCount`.
   * @returns the stored records.
   * @throws {SessionNotFoundError} when the key has no session; {@link TypeError} on an invalid entry.
   */
  append(key: string, entries: readonly TranscriptEntryInput[], sessionUpdate: SessionPatch = {}): TranscriptRecord[] {
    assertPatch(sessionUpdate);
    return this.db.transaction(() => {
      const current = this.get(key);
      if (!current) throw new SessionNotFoundError(key);
      const { sessionId } = current;
      const now = this.now();
      const timestamp = new Date(now).toISOString();
      const last = this.db.query<{ seq: number; id: string }, [string]>(
        "SELECT seq, id FROM transcript_entries WHERE session_id = ? ORDER BY seq DESC LIMIT 1",
      ).get(sessionId);
      const insert = this.db.query(
        "INSERT INTO transcript_entries (session_id, seq, id, parent_id, type, role, json, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
      );
      let seq = last?.seq ?? 0;
      let parentId: string | null = last?.id ?? null;
      let compactions = 0;
      const out: TranscriptRecord[] = [];
      entries.forEach((input, i) => {
        assertEntryInput(input, i);
        const id = input.id ?? crypto.randomUUID();
        const { id: _given, type, ...rest } = input;
        const json = JSON.stringify({ type, id, parentId, timestamp, ...rest });
        const role = input.type === "message" ? input.message.role : null;
        insert.run(sessionId, ++seq, id, parentId, input.type, role, json, now);
        out.push({ sessionId, seq, createdAt: now, entry: JSON.parse(json) as TranscriptEntry });
        if (input.type === "compaction") compactions++;
        parentId = id;
      });
      const fields = merge(fieldsOf(current), sessionUpdate, true);
      if (compactions > 0) fields.compactionCount = (fields.compactionCount ?? 0) + compactions;
      this.writeFields(key, fields, now);
      return out;
    }).immediate();
  }

  /** The last `limit` entries of a transcript, oldest first. */
  history(sessionId: string, { limit = DEFAULT_HISTORY_LIMIT, beforeSeq }: HistoryOptions = {}): TranscriptRecord[] {
    const rows = this.db.query<EntryRow, [string, number, number]>(
      `SELECT * FROM (SELECT session_id, seq, json, created_at FROM transcript_entries WHERE session_id = ?1 AND seq < ?2
       ORDER BY seq DESC LIMIT ?3) ORDER BY seq ASC`,
    ).all(sessionId, beforeSeq ?? Number.MAX_SAFE_INTEGER, count(limit));
    return rows.map((r) => ({ sessionId: r.session_id, seq: r.seq, createdAt: r.created_at, entry: JSON.parse(r.json) as TranscriptEntry }));
  }

  /** The last `limit` entries of the key's current transcript ([] when the key has no session). */
  tail(key: string, limit: number = DEFAULT_HISTORY_LIMIT): TranscriptRecord[] {
    const current = this.get(key);
    return current ? this.history(current.sessionId, { limit }) : [];
  }

  /**
   * Blunt compaction (`sessions.compact`): deletes all but the last `keep` entries of the current
   * transcript, makes the first kept entry the chain's root, and clears the token counters.
   * @throws {SessionNotFoundError} when the key has no session.
   */
  compact(key: string, keep: number): CompactResult {
    const kept = count(keep);
    return this.db.transaction((): CompactResult => {
      const current = this.get(key);
      if (!current) throw new SessionNotFoundError(key);
      const sid = current.sessionId;
      const cut = this.db.query<{ seq: number }, [string, number]>(
        "SELECT seq FROM transcript_entries WHERE session_id = ? ORDER BY seq DESC LIMIT 1 OFFSET ?",
      ).get(sid, kept);
      if (!cut) return { compacted: false, kept: this.countEntries(sid), removed: 0 };
      const removed = this.db.query("DELETE FROM transcript_entries WHERE session_id = ? AND seq <= ?").run(sid, cut.seq).changes;
      const first = this.db.query<{ seq: number; json: string }, [string]>(
        "SELECT seq, json FROM transcript_entries WHERE session_id = ? ORDER BY seq ASC LIMIT 1",
      ).get(sid);
      if (first) {
        const json = JSON.stringify({ ...(JSON.parse(first.json) as object), parentId: null });
        this.db.query("UPDATE transcript_entries SET parent_id = NULL, json = ? WHERE session_id = ? AND seq = ?").run(json, sid, first.seq);
      }
      const fields = fieldsOf(current);
      for (const f of ADDITIVE_TOKEN_FIELDS) delete fields[f];
      this.writeFields(key, fields, this.now());
      return { compacted: true, kept: this.countEntries(sid), removed };
    })();
  }

  /** The token counters of a session (zeros when unset), or undefined when the key has no session. */
  usage(key: string): SessionUsage | undefined {
    const e = this.get(key);
    if (!e) return undefined;
    return {
      inputTokens: e.inputTokens ?? 0, outputTokens: e.outputTokens ?? 0, totalTokens: e.totalTokens ?? 0,
      cacheRead: e.cacheRead ?? 0, cacheWrite: e.cacheWrite ?? 0, compactionCount: e.compactionCount ?? 0,
      ...(e.contextTokens !== undefined && { contextTokens: e.contextTokens }),
      ...(e.model !== undefined && { model: e.model }),
      ...(e.modelProvider !== undefined && { modelProvider: e.modelProvider }),
    };
  }

  /**
   * Sessions whose current sessionId is `sessionId`, or whose label is `label` (exact), newest first.
   * @param filter `agentId` / `spawnedBy` narrow the match.
   */
  find(filter: { sessionId?: string; label?: string; agentId?: string; spawnedBy?: string }): SessionEntry[] {
    const rows = this.db.query<SessionRow, [string | null, string | null, string | null, string | null]>(
      `SELECT * FROM sessions WHERE (?1 IS NULL OR session_id = ?1) AND (?2 IS NULL OR json_extract(entry, '$.label') = ?2)
       AND (?3 IS NULL OR agent_id = ?3) AND (?4 IS NULL OR json_extract(entry, '$.spawnedBy') = ?4) ORDER BY updated_at DESC, key ASC`,
    ).all(filter.sessionId ?? null, filter.label ?? null, filter.agentId ?? null, filter.spawnedBy ?? null);
    return rows.map(toEntry);
  }

  /** Sets `updatedAt` (last activity) to `at` without changing any field; undefined when the key has no session. */
  touch(key: string, at: number = this.now()): SessionEntry | undefined {
    this.db.query("UPDATE sessions SET updated_at = ? WHERE key = ?").run(at, key);
    return this.get(key);
  }

  private countEntries(sessionId: string): number {
    return this.db.query<{ n: number }, [string]>("SELECT count(*) AS n FROM transcript_entries WHERE session_id = ?").get(sessionId)!.n;
  }

  private writeFields(key: string, fields: SessionFields, now: number): void {
    this.db.query("UPDATE sessions SET updated_at = ?, entry = ? WHERE key = ?").run(now, JSON.stringify(fields), key);
  }
}

/** Applies a patch to a copy of `fields` (`null` deletes; `add` sums the token counters). */
function merge(fields: SessionFields, patch: SessionPatch, add: boolean): SessionFields {
  const out: Record<string, unknown> = { ...fields };
  for (const [k, v] of Object.entries(patch)) {
    if (v === undefined) continue;
    if (v === null) delete out[k];
    else if (add && (ADDITIVE_TOKEN_FIELDS as readonly string[]).includes(k)) out[k] = ((out[k] as number | undefined) ?? 0) + (v as number);
    else out[k] = v;
  }
  return out as SessionFields;
}

/** The JSON-column part of an entry. */
function fieldsOf(entry: SessionEntry): SessionFields {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(entry)) if (SESSION_FIELDS.has(k as keyof SessionFields) && v !== undefined) out[k] = v;
  return out as SessionFields;
}

function toEntry(row: SessionRow): SessionEntry {
  const fields = fieldsOf(JSON.parse(row.entry) as SessionEntry);
  return { ...fields, key: row.key, sessionId: row.session_id, agentId: row.agent_id, createdAt: row.created_at, updatedAt: row.updated_at };
}

/** A non-negative integer from a limit-like number (NaN/negative → 0, fractions floored). */
function count(n: number): number {
  return Number.isFinite(n) ? Math.max(0, Math.floor(n)) : n === Infinity ? -1 : 0;
}
