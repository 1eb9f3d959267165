/**
 * @module The cron scheduler: one timer armed for the earliest `nextRunAtMs` of the enabled jobs,
 * runs through an injected `execute`, the run log and run state kept in {@link CronStore}, and
 * `cron` events for every change. On start it recomputes every next run: a missed one-shot `at`
 * runs once at once, missed recurring slots are skipped (no catch-up storm).
 */
import type { Logger } from "../logging/logger.ts";
import { GatewayError } from "../protocol/errors.ts";
import { jobNextRunAt, loadCronEngine, prepareSchedule } from "./schedule.ts";
import { RunSlots } from "./slots.ts";
import type { CronListOptions, CronStore } from "./store.ts";
import type { CronEvent, CronExecuteResult, CronJob, CronJobState, CronRunEntry } from "./types.ts";
import { applyJobPatch, validateJobCreate } from "./validate.ts";

/** Largest delay `setTimeout` accepts (2^31 − 1 ms, about 24.8 days). */
export const MAX_TIMER_DELAY_MS = 2 ** 31 - 1;
/** Default longest single sleep: the timer re-reads the clock at least this often, so wall-clock jumps do not drift. */
export const DEFAULT_MAX_TIMER_DELAY_MS = 60_000;

/** An opaque timer handle. */
export type TimerHandle = unknown;

/** Options of {@link CronScheduler}. */
export interface CronSchedulerOptions {
  store: CronStore;
  /** Runs one job; a throw is recorded as an `error` run. */
  execute: (job: CronJob) => Promise<CronExecuteResult>;
  /** Receives every `cron` event (added, updated, removed, started, finished). */
  onEvent?: (event: CronEvent) => void;
  /** Clock. @default Date.now */
  now?: () => number;
  /** @default setTimeout */
  setTimer?: (fn: () => void, ms: number) => TimerHandle;
  /** @default clearTimeout */
  clearTimer?: (handle: TimerHandle) => void;
  /** Runs in flight at once; manual runs queue for a slot. @default 1 */
  maxConcurrentRuns?: number;
  /** `false` (config `cron.enabled: false`, `MAYROS_SKIP_CRON=1`) never arms the timer; manual runs still work. @default true */
  enabled?: boolean;
  /** Longest single timer sleep, at most {@link MAX_TIMER_DELAY_MS}. @default 60000 */
  maxTimerDelayMs?: number;
  /** Id of a new job. @default crypto.randomUUID */
  newId?: () => string;
  log?: Pick<Logger, "debug" | "info" | "warn" | "error">;
}

/** `status()` result. */
export interface CronSchedulerStatus {
  /** Whether the scheduler fires jobs on its own. */
  enabled: boolean;
  /** Stored jobs, disabled ones included. */
  jobs: number;
  /** When the timer will next find a job due; null when none is scheduled. */
  nextWakeAtMs: number | null;
  /** Runs in flight. */
  running: number;
}

/** How a manual run treats the schedule: `force` runs now, `due` only when the job is due. */
export type CronRunMode = "force" | "due";

/** `run()` result: the run entry, or why nothing ran. */
export type CronRunOutcome = { ran: true; entry: CronRunEntry } | { ran: false; reason: "not-due" | "already-running" };

/** Runs cron jobs on time; see the module comment. Constructing it does no I/O; call {@link start}. */
export class CronScheduler {
  private readonly store: CronStore;
  private readonly execute: CronSchedulerOptions["execute"];
  private readonly onEvent: NonNullable<CronSchedulerOptions["onEvent"]>;
  private readonly now: () => number;
  private readonly setTimer: NonNullable<CronSchedulerOptions["setTimer"]>;
  private readonly clearTimer: NonNullable<CronSchedulerOptions["clearTimer"]>;
  private readonly enabled: boolean;
  private readonly maxDelay: number;
  private readonly newId: () => string;
  private readonly log: CronSchedulerOptions["log"];
  private readonly slots: RunSlots;
  private readonly inFlight = new Map<string, Promise<CronRunEntry>>();
  private timer: TimerHandle | null = null;
  private started = false;

  constructor({
    store, execute, onEvent = () => {}, now = Date.now, setTimer = (fn, ms) => setTimeout(fn, ms), clearTimer = (h) => clearTimeout(h as number),
    maxConcurrentRuns = 1, enabled = true, maxTimerDelayMs = DEFAULT_MAX_TIMER_DELAY_MS, newId = () => crypto.randomUUID(), log,
  }: CronSchedulerOptions) {
    if (!(maxTimerDelayMs >= 1)) throw new RangeError(`maxTimerDelayMs: must be >= 1 (got ${maxTimerDelayMs})`);
    this.store = store;
    this.execute = execute;
    this.onEvent = onEvent;
    this.now = now;
    this.setTimer = setTimer;
    this.clearTimer = clearTimer;
    this.enabled = enabled;
    this.maxDelay = Math.min(maxTimerDelayMs, MAX_TIMER_DELAY_MS);
    this.newId = newId;
    this.log = log;
    this.slots = new RunSlots(maxConcurrentRuns);
  }

  /**
   * Recomputes `nextRunAtMs` of every job (a missed one-shot runs now, recurring jobs move to
   * their next future slot), clears run markers left by a previous process and arms the timer.
   */
  async start(): Promise<void> {
    const jobs = this.store.list({ includeDisabled: true });
    if (jobs.some((j) => j.schedule.kind === "cron")) await loadCronEngine();
    const now = this.now();
    for (const job of jobs) {
      const state: Partial<CronJobState> = { nextRunAtMs: job.enabled ? this.computeNext(job, now) : undefined };
      if (job.state.runningAtMs != null && !this.inFlight.has(job.id)) {
        this.log?.warn("cron run interrupted by a restart", { jobId: job.id, runningAtMs: job.state.runningAtMs });
        state.runningAtMs = null;
      }
      this.store.setState(job.id, state);
    }
    this.started = true;
    this.arm();
  }

  /**
   * Disarms the timer; jobs stop firing on their own.
   * @returns resolves once the runs in flight have finished.
   */
  async stop(): Promise<void> {
    this.started = false;
    this.disarm();
    await Promise.allSettled([...this.inFlight.values()]);
  }

  /** Jobs, enabled ones unless `includeDisabled`. */
  list(options?: CronListOptions): CronJob[] {
    return this.store.list(options);
  }

  /** A job by id. */
  get(id: string): CronJob | undefined {
    return this.store.get(id);
  }

  /** Run-log entries of a job, newest first. @throws {GatewayError} `INVALID_REQUEST` for an unknown job. */
  runs(id: string, limit?: number): CronRunEntry[] {
    this.require(id);
    return this.store.runs(id, limit);
  }

  /** Scheduler summary for `cron.status`. */
  status(): CronSchedulerStatus {
    return {
      enabled: this.enabled,
      jobs: this.store.count(),
      nextWakeAtMs: this.enabled ? this.earliestNextRun() : null,
      running: this.inFlight.size,
    };
  }

  /**
   * Validates and stores a new job, schedules it and emits `added`.
   * @throws {GatewayError} `INVALID_REQUEST` naming the bad field.
   */
  async add(input: unknown): Promise<CronJob> {
    const spec = await validateJobCreate(input);
    const now = this.now();
    const job: CronJob = { id: this.newId(), ...spec, createdAtMs: now, updatedAtMs: now, state: {} };
    const nextRunAtMs = job.enabled ? this.computeNext(job, now) : undefined;
    if (nextRunAtMs !== undefined) job.state.nextRunAtMs = nextRunAtMs;
    this.store.add(job);
    this.emit({ jobId: job.id, action: "added", nextRunAtMs });
    this.arm();
    return job;
  }

  /**
   * Patches a job; a changed schedule or `enabled` recomputes its next run. Emits `updated`.
   * @throws {GatewayError} `INVALID_REQUEST` for an unknown job or a bad patch.
   */
  async update(id: string, patch: unknown): Promise<CronJob> {
    const job = this.require(id);
    const merged = await applyJobPatch(job, patch);
    const now = this.now();
    const rescheduled = merged.enabled !== job.enabled || JSON.stringify(merged.schedule) !== JSON.stringify(job.schedule);
    let nextRunAtMs = job.state.nextRunAtMs;
    if (!merged.enabled) nextRunAtMs = undefined;
    else if (rescheduled || nextRunAtMs === undefined) nextRunAtMs = this.computeNext(merged, now);
    const { id: _id, createdAtMs: _created, state: _state, ...fields } = merged;
    this.store.update(id, { ...fields, updatedAtMs: now });
    const updated = this.store.setState(id, { nextRunAtMs })!;
    this.emit({ jobId: id, action: "updated", nextRunAtMs });
    this.arm();
    return updated;
  }

  /** Deletes a job and its run log (a run in flight finishes unrecorded). Emits `removed`. */
  remove(id: string): boolean {
    const removed = this.store.remove(id);
    if (removed) {
      this.emit({ jobId: id, action: "removed" });
      this.arm();
    }
    return removed;
  }

  /**
   * Runs a job now (`force`, the default) or only if it is due (`due`), waiting for a free run
   * slot; resolves when the run has finished.
   * @throws {GatewayError} `INVALID_REQUEST` for an unknown job.
   */
  async run(id: string, mode: CronRunMode = "force"): Promise<CronRunOutcome> {
    const job = this.require(id);
    if (this.inFlight.has(id)) return { ran: false, reason: "already-running" };
    if (mode === "due" && !this.isDue(job, this.now())) return { ran: false, reason: "not-due" };
    await prepareSchedule(job.schedule);
    await this.slots.acquire();
    const fresh = this.store.get(id);
    if (!fresh || this.inFlight.has(id)) {
      this.slots.release();
      if (!fresh) throw new GatewayError("INVALID_REQUEST", `unknown cron job: ${id}`);
      return { ran: false, reason: "already-running" };
    }
    return { ran: true, entry: await this.launch(fresh) };
  }

  /** Timer callback: re-reads the clock, starts what is due while slots are free, re-arms. */
  private tick(): void {
    this.timer = null;
    if (!this.started) return;
    const now = this.now();
    for (const job of this.store.list()) {
      if (!this.isDue(job, now) || this.inFlight.has(job.id)) continue;
      if (!this.slots.tryAcquire()) break;
      void this.launch(job);
    }
    this.arm();
  }

  /** Starts a run that already holds a slot (marked in flight before anything else happens). */
  private launch(job: CronJob): Promise<CronRunEntry> {
    const run = Promise.resolve().then(() => this.runJob(job)).finally(() => {
      this.inFlight.delete(job.id);
      this.slots.release();
      this.arm();
    });
    this.inFlight.set(job.id, run);
    return run;
  }

  private async runJob(job: CronJob): Promise<CronRunEntry> {
    const runAtMs = this.now();
    this.store.setState(job.id, { runningAtMs: runAtMs });
    this.emit({ jobId: job.id, action: "started", runAtMs });
    let result: CronExecuteResult;
    try {
      result = await this.execute(job);
    } catch (err) {
      result = { status: "error", error: err instanceof Error ? err.message : String(err) };
    }
    const endMs = this.now();
    const durationMs = Math.max(0, endMs - runAtMs);
    const current = this.store.get(job.id);
    const oneShot = current?.schedule.kind === "at";
    if (current && !oneShot) await prepareSchedule(current.schedule);
    const nextRunAtMs = current && !oneShot && current.enabled ? this.computeNext(current, Math.max(endMs, runAtMs)) : undefined;
    const entry = compact<CronRunEntry>({
      ts: endMs, jobId: job.id, action: "finished", status: result.status, error: result.error, summary: result.summary,
      runAtMs, durationMs, nextRunAtMs,
    });
    const deleteIt = oneShot && result.status === "ok" && current.deleteAfterRun !== false;
    if (current && !deleteIt) {
      this.store.appendRun(entry);
      if (oneShot && current.enabled) this.store.update(job.id, { enabled: false, updatedAtMs: current.updatedAtMs });
      this.store.setState(job.id, {
        runningAtMs: null, lastRunAtMs: runAtMs, lastStatus: result.status, lastError: result.error ?? null, lastDurationMs: durationMs, nextRunAtMs,
      });
    }
    if (result.status === "error") this.log?.warn("cron run failed", { jobId: job.id, error: result.error });
    const { ts: _ts, ...finished } = entry;
    this.emit(finished);
    if (deleteIt && this.store.remove(job.id)) this.emit({ jobId: job.id, action: "removed" });
    return entry;
  }

  private computeNext(job: CronJob, afterMs: number): number | undefined {
    try {
      return jobNextRunAt(job, afterMs);
    } catch (err) {
      this.log?.error("cron schedule cannot be computed", { jobId: job.id, error: (err as Error).message });
      return undefined;
    }
  }

  private isDue(job: CronJob, now: number): boolean {
    return job.enabled && job.state.nextRunAtMs !== undefined && job.state.nextRunAtMs <= now;
  }

  private earliestNextRun(): number | null {
    let earliest: number | null = null;
    for (const job of this.store.list()) {
      const next = job.state.nextRunAtMs;
      if (next !== undefined && !this.inFlight.has(job.id) && (earliest === null || next < earliest)) earliest = next;
    }
    return earliest;
  }

  /** Arms the one timer for the earliest next run (clamped), or leaves it off when nothing can start. */
  private arm(): void {
    this.disarm();
    if (!this.started || !this.enabled || !this.slots.free) return;
    const next = this.earliestNextRun();
    if (next === null) return;
    const delay = Math.min(Math.max(0, next - this.now()), this.maxDelay);
    this.timer = this.setTimer(() => this.tick(), delay);
  }

  private disarm(): void {
    if (this.timer !== null) this.clearTimer(this.timer);
    this.timer = null;
  }

  private require(id: string): CronJob {
    const job = this.store.get(id);
    if (!job) throw new GatewayError("INVALID_REQUEST", `unknown cron job: ${id}`);
    return job;
  }

  private emit(event: CronEvent): void {
    try {
      this.onEvent(compact(event));
    } catch (err) {
      this.log?.error("cron event listener failed", { jobId: event.jobId, error: (err as Error).message });
    }
  }
}

/** Drops `undefined` fields (the wire shapes use absent, not undefined). */
function compact<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
