/** @module Cron: job schemas, next-run computation, the SQLite job store and run log, and the scheduler. */
export {
  CronAgentTurnPayload, CronAtSchedule, CronDelivery, CronEvent, CronEventAction, CronEverySchedule, CronExprSchedule, CronJob,
  CronJobCreate, CronJobPatch, CronJobState, CronPayload, CronRunEntry, CronRunStatus, CronSchedule, CronSessionTarget,
  CronSystemEventPayload, CronWakeMode, MAX_STAGGER_MS, MIN_EVERY_MS,
} from "./types.ts";
export type { CronExecuteResult } from "./types.ts";
export {
  CronScheduleError, DEFAULT_TOP_OF_HOUR_STAGGER_MS, assertValidSchedule, isCronEngineLoaded, isKnownTimeZone, isTopOfHourExpr,
  jobNextRunAt, loadCronEngine, nextRunAt, parseAtMs, prepareSchedule, staggerOffsetMs, staggerWindowMs,
} from "./schedule.ts";
export type { NextRunOptions } from "./schedule.ts";
export { applyJobPatch, assertTargetMatchesPayload, validateJobCreate } from "./validate.ts";
export type { CronJobSpec } from "./validate.ts";
export { CronStore, DEFAULT_RUNS_LIMIT, MAX_RUNS_PER_JOB } from "./store.ts";
export type { CronJobUpdate, CronListOptions } from "./store.ts";
export { CronScheduler, DEFAULT_MAX_TIMER_DELAY_MS, MAX_TIMER_DELAY_MS } from "./scheduler.ts";
export type { CronRunMode, CronRunOutcome, CronSchedulerOptions, CronSchedulerStatus, TimerHandle } from "./scheduler.ts";
export {
  CronAddParams, CronAddResult, CronListParams, CronListResult, CronRemoveParams, CronRemoveResult, CronRunParams, CronRunResult,
  CronRunsParams, CronRunsResult, CronStatusParams, CronStatusResult, CronUpdateParams, CronUpdateResult, jobIdOf,
} from "./protocol.ts";
