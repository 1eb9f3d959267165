/**
 * @module The trace table in the plugin's own SQLite database: schema with indexes (id, agent, session, type,
 * timestamp, parent), batched inserts in one transaction, retention (max rows and max age) enforced right after each
 * batch, and the reads the query engine and the decision graph need. Timestamps are stored as epoch milliseconds.
 * Run ids (clients' idempotency keys) are not indexed: a random key made every insert about twice as slow, and a run
 * filter is rare (it scans); event ids are time-ordered, so their indexes grow at one end.
 */
import type { PluginRuntime } from "../../plugins/api.ts";
import type { TraceEvent, TraceEventType } from "./events.ts";

/** The plugin's database handle. */
export type TraceDatabase = ReturnType<PluginRuntime["database"]>;

/** Which events a query selects; every given field must match. */
export interface TraceFilter {
  agentId?: string;
  sessionKey?: string;
  runId?: string;
  /** Epoch ms, inclusive. */
  from?: number;
  /** Epoch ms, inclusive. */
  to?: number;
  types?: TraceEventType[];
}

/** Retention limits. */
export interface Retention {
  maxEvents: number;
  maxAgeDays: number;
}

/** A row of the trace table. */
export interface TraceRow {
  id: string;
  type: TraceEventType;
  agent_id: string;
  session: string | null;
  run_id: string | null;
  parent_event: string | null;
  ts: number;
  duration_ms: number | null;
  fields: string;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS trace_events (
  id TEXT NOT NULL UNIQUE,
  type TEXT NOT NULL,
  agent_id TEXT NOT NULL,
  session TEXT,
  run_id TEXT,
  parent_event TEXT,
  ts INTEGER NOT NULL,
  duration_ms REAL,
  fields TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS trace_events_agent_ts ON trace_events (agent_id, ts);
CREATE INDEX IF NOT EXISTS trace_events_session_ts ON trace_events (session, ts);
CREATE INDEX IF NOT EXISTS trace_events_ts ON trace_events (ts);
`;
// Every index is written on every insert (the hot path of tracing): only those the queries use. Explain walks ids
// (the unique index), the session graph reads by session, stats by agent and time, retention by time; a type filter
// is applied within those.

const DAY_MS = 86_400_000;

/** The event of a row. */
export function fromRow(r: TraceRow): TraceEvent {
  return {
    id: r.id, type: r.type, agentId: r.agent_id, timestamp: r.ts,
    ...(r.session !== null && { session: r.session }), ...(r.run_id !== null && { runId: r.run_id }),
    ...(r.parent_event !== null && { parentEvent: r.parent_event }), ...(r.duration_ms !== null && { durationMs: r.duration_ms }),
    fields: JSON.parse(r.fields) as Record<string, string>,
  };
}

/**
 * A SQL condition (with its parameters) for `filter`; `"1"` when it selects everything.
 * @example where({ agentId: "main", types: ["error"] }) // { sql: "agent_id = ? AND type IN (?)", params: ["main", "error"] }
 */
export function where(filter: TraceFilter): { sql: string; params: Array<string | number> } {
  const parts: string[] = [];
  const params: Array<string | number> = [];
  const add = (sql: string, ...values: Array<string | number>) => {
    parts.push(sql);
    params.push(...values);
  };
  if (filter.agentId !== undefined) add("agent_id = ?", filter.agentId);
  if (filter.sessionKey !== undefined) add("session = ?", filter.sessionKey);
  if (filter.runId !== undefined) add("run_id = ?", filter.runId);
  if (filter.from !== undefined) add("ts >= ?", filter.from);
  if (filter.to !== undefined) add("ts <= ?", filter.to);
  if (filter.types?.length) add(`type IN (${filter.types.map(() => "?").join(", ")})`, ...filter.types);
  return { sql: parts.length ? parts.join(" AND ") : "1", params };
}

/** Trace events in SQLite. */
export class TraceStore {
  /** Rows in the table (counted once at open, then kept up to date by inserts and deletes). */
  private rows: number;
  private readonly insertOne;
  private readonly deleteAged;
  private readonly deleteOldest;
  private readonly insertBatch;

  /**
   * Creates the table and indexes if needed.
   * @param now the clock retention reads (injectable for tests)
   */
  constructor(readonly db: TraceDatabase, private readonly retention: Retention, private readonly now: () => number = Date.now) {
    db.run(SCHEMA);
    this.rows = (db.query("SELECT count(*) AS n FROM trace_events").get() as { n: number }).n;
    // Prepared once; positional parameters bind without building a row object per event.
    this.insertOne = db.prepare<unknown, [string, string, string, string | null, string | null, string | null, number, number | null, string]>(
      `INSERT INTO trace_events (id, type, agent_id, session, run_id, parent_event, ts, duration_ms, fields)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING`,
    );
    this.deleteAged = db.prepare<unknown, [number]>("DELETE FROM trace_events WHERE ts < ?");
    // Oldest by insertion order (rowid), which is also time order for events recorded by one gateway.
    this.deleteOldest = db.prepare<unknown, [number]>("DELETE FROM trace_events WHERE rowid IN (SELECT rowid FROM trace_events ORDER BY rowid LIMIT ?)");
    this.insertBatch = db.transaction((events: TraceEvent[]): { rows: number; deleted: number } => {
      let rows = this.rows;
      for (const e of events) {
        rows += this.insertOne.run(
          e.id, e.type, e.agentId, e.session ?? null, e.runId ?? null, e.parentEvent ?? null, e.timestamp, e.durationMs ?? null, JSON.stringify(e.fields),
        ).changes;
      }
      const deleted = this.prune(rows);
      return { rows: rows - deleted, deleted };
    });
  }

  /**
   * Writes `events` and applies the retention limits, all in one transaction (a failure writes none of them).
   * @returns how many old events retention deleted
   * @throws the SQLite error, after the rollback
   */
  insert(events: TraceEvent[]): number {
    const { rows, deleted } = this.insertBatch(events);
    this.rows = rows;
    return deleted;
  }

  /** Deletes events older than `maxAgeDays`, then the oldest beyond `maxEvents` of the `rows` there are; returns how many. */
  private prune(rows: number): number {
    const cutoff = this.now() - this.retention.maxAgeDays * DAY_MS;
    const aged = this.deleteAged.run(cutoff).changes;
    const excess = rows - aged - this.retention.maxEvents;
    const over = excess > 0 ? this.deleteOldest.run(excess).changes : 0;
    return aged + over;
  }

  /** The event with id `id`. */
  get(id: string): TraceEvent | undefined {
    const row = this.db.query("SELECT * FROM trace_events WHERE id = ?").get(id) as TraceRow | null;
    return row ? fromRow(row) : undefined;
  }

  /** The newest `limit` events matching `filter`, oldest first. */
  list(filter: TraceFilter, limit: number): TraceEvent[] {
    const w = where(filter);
    const rows = this.db.query(`SELECT * FROM trace_events WHERE ${w.sql} ORDER BY ts DESC, rowid DESC LIMIT ?`).all(...w.params, limit) as TraceRow[];
    return rows.reverse().map(fromRow);
  }

  /** Every event of a session (at most `limit`, the newest), oldest first. */
  session(sessionKey: string, limit: number): TraceEvent[] {
    return this.list({ sessionKey }, limit);
  }

  /** Rows kept, and the oldest and newest timestamps. */
  info(): { events: number; oldest?: string; newest?: string } {
    // Two subqueries: SQLite answers a lone min() or max() from the ts index, but scans the table for both at once.
    const r = this.db.query("SELECT (SELECT min(ts) FROM trace_events) AS oldest, (SELECT max(ts) FROM trace_events) AS newest").get() as { oldest: number | null; newest: number | null };
    return {
      events: this.rows,
      ...(r.oldest !== null && { oldest: new Date(r.oldest).toISOString() }), ...(r.newest !== null && { newest: new Date(r.newest).toISOString() }),
    };
  }
}
