/**
 * @module Cron jobs and their run log in SQLite (migration 5): `cron_jobs` keeps each job as JSON
 * with `enabled` and `next_run_at` copied into columns for the scheduler's queries; `cron_runs`
 * keeps the newest {@link MAX_RUNS_PER_JOB} run entries of each job.
 */
import type { Database } from "bun:sqlite";
import type { CronJob, CronJobState, CronRunEntry } from "./types.ts";

/** Run-log entries kept per job; older ones are pruned on append. */
export const MAX_RUNS_PER_JOB = 200;
/** Default number of entries {@link CronStore.runs} returns. */
export const DEFAULT_RUNS_LIMIT = 50;

/** Options of {@link CronStore.list}. */
export interface CronListOptions {
  /** Also return disabled jobs. @default false */
  includeDisabled?: boolean;
}

/** Fields {@link CronStore.update} may change. */
export type CronJobUpdate = Partial<Omit<CronJob, "id" | "createdAtMs" | "state">>;

type Row = { json: string };

/** SQLite-backed repository of cron jobs and run entries. */
export class CronStore {
  /**
   * @param db a database migrated to version 5 or later.
   * @param now clock for `updatedAtMs`. @default Date.now
   */
  constructor(private readonly db: Database, private readonly now: () => number = Date.now) {}

  /**
   * Inserts a new job.
   * @throws when a job with the same id exists.
   */
  add(job: CronJob): CronJob {
    this.db.query("INSERT INTO cron_jobs (id, json, enabled, next_run_at, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)")
      .run(job.id, JSON.stringify(job), job.enabled ? 1 : 0, job.state.nextRunAtMs ?? null, job.createdAtMs, job.updatedAtMs);
    return job;
  }

  /** A job by id. */
  get(id: string): CronJob | undefined {
    const row = this.db.query<Row, [string]>("SELECT json FROM cron_jobs WHERE id = ?").get(id);
    return row ? (JSON.parse(row.json) as CronJob) : undefined;
  }

  /** Jobs by next run (jobs with none last), then creation time; enabled ones unless `includeDisabled`. */
  list({ includeDisabled = false }: CronListOptions = {}): CronJob[] {
    const where = includeDisabled ? "" : "WHERE enabled = 1";
    return this.db.query<Row, []>(`SELECT json FROM cron_jobs ${where} ORDER BY next_run_at IS NULL, next_run_at, created_at, id`)
      .all().map((r) => JSON.parse(r.json) as CronJob);
  }

  /** Number of jobs, disabled ones included. */
  count(): number {
    return this.db.query<{ n: number }, []>("SELECT COUNT(*) AS n FROM cron_jobs").get()!.n;
  }

  /**
   * Replaces the given top-level fields (an `undefined` value removes the field) and bumps `updatedAtMs`.
   * @returns the updated job, or undefined when there is none.
   */
  update(id: string, patch: CronJobUpdate): CronJob | undefined {
    const job = this.get(id);
    if (!job) return undefined;
    const next = { ...job, ...patch, updatedAtMs: patch.updatedAtMs ?? this.now() } as CronJob;
    for (const key of Object.keys(next) as (keyof CronJob)[]) if (next[key] === undefined) delete next[key];
    return this.write(next);
  }

  /**
   * Merges `state` into the job's run state (an `undefined` value removes the field) without
   * touching `updatedAtMs`.
   * @returns the updated job, or undefined when there is none.
   */
  setState(id: string, state: Partial<CronJobState>): CronJob | undefined {
    const job = this.get(id);
    if (!job) return undefined;
    const merged: CronJobState = { ...job.state, ...state };
    for (const key of Object.keys(merged) as (keyof CronJobState)[]) if (merged[key] === undefined) delete merged[key];
    return this.write({ ...job, state: merged });
  }

  /** Deletes a job and its run log; false when there was none. */
  remove(id: string): boolean {
    return this.db.transaction(() => {
      this.db.query("DELETE FROM cron_runs WHERE job_id = ?").run(id);
      return this.db.query("DELETE FROM cron_jobs WHERE id = ?").run(id).changes > 0;
    })();
  }

  /** Appends a run entry and prunes the job's log to the newest {@link MAX_RUNS_PER_JOB}. */
  appendRun(entry: CronRunEntry): void {
    this.db.transaction(() => {
      this.db.query("INSERT INTO cron_runs (job_id, ts, json) VALUES (?, ?, ?)").run(entry.jobId, entry.ts, JSON.stringify(entry));
      this.db.query(
        `DELETE FROM cron_runs WHERE job_id = ?1 AND rowid NOT IN
           (SELECT rowid FROM cron_runs WHERE job_id = ?1 ORDER BY ts DESC, rowid DESC LIMIT ?2)`,
      ).run(entry.jobId, MAX_RUNS_PER_JOB);
    })();
  }

  /** The newest `limit` run entries of a job, newest first. */
  runs(id: string, limit = DEFAULT_RUNS_LIMIT): CronRunEntry[] {
    const n = Math.max(0, Math.min(Math.floor(limit), MAX_RUNS_PER_JOB));
    return this.db.query<Row, [string, number]>("SELECT json FROM cron_runs WHERE job_id = ? ORDER BY ts DESC, rowid DESC LIMIT ?")
      .all(id, n).map((r) => JSON.parse(r.json) as CronRunEntry);
  }

  private write(job: CronJob): CronJob {
    this.db.query("UPDATE cron_jobs SET json = ?, enabled = ?, next_run_at = ?, updated_at = ? WHERE id = ?")
      .run(JSON.stringify(job), job.enabled ? 1 : 0, job.state.nextRunAtMs ?? null, job.updatedAtMs, job.id);
    return job;
  }
}
