/**
 * @module Next-run computation for the three schedule kinds: `at` (one ISO instant), `every`
 * (anchored interval) and `cron` (5- or 6-field expression in an IANA zone via croner, with a
 * deterministic per-job stagger for top-of-hour expressions). croner is imported lazily, the
 * first time a cron expression is needed ({@link loadCronEngine}).
 */
import { sha256 } from "../crypto/primitives.ts";
import type { CronExprSchedule, CronJob, CronSchedule } from "./types.ts";

/** Default stagger window of top-of-hour cron expressions (5 min). */
export const DEFAULT_TOP_OF_HOUR_STAGGER_MS = 5 * 60_000;

type CronerModule = typeof import("croner");
let engine: CronerModule | undefined;

/** Thrown for a schedule that cannot be computed: bad ISO time, bad expression, unknown zone. */
export class CronScheduleError extends Error {
  override readonly name = "CronScheduleError";
}

/**
 * Imports croner once; call it before computing or validating a `cron` schedule.
 * @returns resolves when {@link nextRunAt} can handle `cron` schedules.
 */
export async function loadCronEngine(): Promise<void> {
  engine ??= await import("croner");
}

/** Whether {@link loadCronEngine} has completed. */
export function isCronEngineLoaded(): boolean {
  return engine !== undefined;
}

/** Loads the cron engine when `schedule` needs it (a no-op for `at` and `every`). */
export async function prepareSchedule(schedule: CronSchedule): Promise<void> {
  if (schedule.kind === "cron") await loadCronEngine();
}

/** Options of {@link nextRunAt}. */
export interface NextRunOptions {
  /** Job id: seeds the deterministic stagger of `cron` schedules; no stagger without it. */
  jobId?: string;
  /** Anchor of `every` schedules without `anchorMs` (usually the job's `createdAtMs`). @default 0 */
  anchorMs?: number;
}

/**
 * The first run strictly after `afterMs`, or null when there is none.
 * - `at`: the instant while it is still ahead, then null.
 * - `every`: `anchor + k·everyMs` (the anchor itself when still ahead).
 * - `cron`: croner's next match in `tz` (host zone by default), shifted by the job's stagger.
 * @throws {CronScheduleError} for an unparsable `at`, an invalid expression or an unknown zone,
 * or a `cron` schedule before {@link loadCronEngine} has completed.
 * @example nextRunAt({ kind: "every", everyMs: 60_000 }, 90_000) // 120000
 */
export function nextRunAt(schedule: CronSchedule, afterMs: number, { jobId, anchorMs = 0 }: NextRunOptions = {}): number | null {
  switch (schedule.kind) {
    case "at": {
      const at = parseAtMs(schedule.at);
      return at > afterMs ? at : null;
    }
    case "every": {
      const anchor = schedule.anchorMs ?? anchorMs;
      if (afterMs < anchor) return anchor;
      return anchor + (Math.floor((afterMs - anchor) / schedule.everyMs) + 1) * schedule.everyMs;
    }
    case "cron": {
      const offset = jobId === undefined ? 0 : staggerOffsetMs(schedule, jobId);
      const next = cronNext(schedule, afterMs - offset);
      return next === null ? null : next + offset;
    }
  }
}

/**
 * The next run of a job after `afterMs`, or undefined. A one-shot `at` that never ran is due at
 * its instant, or at `afterMs` when that has passed (a missed one-shot runs once); recurring
 * schedules take their next slot strictly after `afterMs` (missed slots are skipped), with the
 * job's stagger and `createdAtMs` as the default `every` anchor.
 * @throws {CronScheduleError} as {@link nextRunAt}.
 */
export function jobNextRunAt(job: Pick<CronJob, "id" | "schedule" | "createdAtMs" | "state">, afterMs: number): number | undefined {
  if (job.schedule.kind === "at") {
    const at = parseAtMs(job.schedule.at);
    if (at > afterMs) return at;
    return job.state.lastRunAtMs === undefined ? afterMs : undefined;
  }
  return nextRunAt(job.schedule, afterMs, { jobId: job.id, anchorMs: job.createdAtMs }) ?? undefined;
}

/**
 * Parses the ISO instant of an `at` schedule; a date-time without a zone is read as UTC.
 * @throws {CronScheduleError} when it is not a valid date.
 */
export function parseAtMs(at: string): number {
  const trimmed = at.trim().replace(/^(\d{4}-\d{2}-\d{2}) (?=\d)/, "$1T");
  const zoned = /T\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(trimmed) ? `${trimmed}Z` : trimmed;
  const ms = Date.parse(zoned);
  if (!/^\d{4}-\d{2}-\d{2}/.test(trimmed) || Number.isNaN(ms)) {
    throw new CronScheduleError(`schedule.at: "${at}" is not an ISO 8601 date-time`);
  }
  return ms;
}

/**
 * Whether a cron expression fires at the top of (some) hours: minute `0` (and second `0` in the
 * 6-field form) with a wildcard or step in the hour field, e.g. `0 * * * *` or `0 *\/2 * * *`.
 */
export function isTopOfHourExpr(expr: string): boolean {
  const fields = expr.trim().split(/\s+/);
  if (fields.length === 5) return fields[0] === "0" && fields[1]!.includes("*");
  if (fields.length === 6) return fields[0] === "0" && fields[1] === "0" && fields[2]!.includes("*");
  return false;
}

/**
 * The job's stagger window: `staggerMs` when given (0 = exact), otherwise
 * {@link DEFAULT_TOP_OF_HOUR_STAGGER_MS} for top-of-hour expressions and 0 for the rest.
 */
export function staggerWindowMs(schedule: CronExprSchedule): number {
  if (schedule.staggerMs !== undefined) return schedule.staggerMs;
  return isTopOfHourExpr(schedule.expr) ? DEFAULT_TOP_OF_HOUR_STAGGER_MS : 0;
}

/** The job's fixed offset inside its stagger window: the first 32 bits of SHA-256(jobId) modulo the window. */
export function staggerOffsetMs(schedule: CronExprSchedule, jobId: string): number {
  const window = staggerWindowMs(schedule);
  return window > 0 ? sha256(jobId).readUInt32BE(0) % window : 0;
}

/**
 * Checks that a schedule can be computed: a valid `at` instant, or a valid expression and zone.
 * @throws {CronScheduleError} naming the field and the problem.
 */
export function assertValidSchedule(schedule: CronSchedule): void {
  if (schedule.kind === "at") parseAtMs(schedule.at);
  if (schedule.kind === "cron") compile(schedule);
}

/** Whether `tz` is an IANA zone this runtime knows. */
export function isKnownTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

function cronNext(schedule: CronExprSchedule, afterMs: number): number | null {
  return compile(schedule).nextRun(new Date(afterMs))?.getTime() ?? null;
}

const compiled = new Map<string, InstanceType<CronerModule["Cron"]>>();
const MAX_COMPILED = 500;

function compile(schedule: CronExprSchedule): InstanceType<CronerModule["Cron"]> {
  if (!engine) throw new CronScheduleError("the cron engine is not loaded: await loadCronEngine() first");
  const key = `${schedule.tz ?? ""}\u0000${schedule.expr}`;
  const hit = compiled.get(key);
  if (hit) return hit;
  if (schedule.tz !== undefined && !isKnownTimeZone(schedule.tz)) {
    throw new CronScheduleError(`schedule.tz: unknown time zone "${schedule.tz}"`);
  }
  let cron: InstanceType<CronerModule["Cron"]>;
  try {
    cron = new engine.Cron(schedule.expr.trim(), { timezone: schedule.tz, mode: "5-or-6-parts", paused: true });
  } catch (err) {
    const reason = (err as Error).message.replace(/^CronPattern:\s*/, "");
    throw new CronScheduleError(`schedule.expr: invalid cron expression "${schedule.expr}": ${reason}`);
  }
  if (compiled.size >= MAX_COMPILED) compiled.delete(compiled.keys().next().value!);
  compiled.set(key, cron);
  return cron;
}
