/** @module Handlers of the cron methods (protocol.md §6 "Cron"): list, status, add, update, remove, run, runs. */
import {
  jobIdOf, type CronListParams, type CronRemoveResult, type CronRunParams, type CronRunResult, type CronRunsParams, type CronRunsResult,
  type CronStatusResult, type CronUpdateParams,
} from "../../cron/protocol.ts";
import type { CronJob } from "../../cron/types.ts";
import type { MethodTable } from "../context.ts";

/** Cron handlers; the scheduler validates jobs and patches field by field. */
export const cronMethods: MethodTable = {
  "cron.list": (p: CronListParams, { services: s }) => ({ jobs: s.cron.list({ includeDisabled: p?.includeDisabled ?? false }) }),

  "cron.status": (_p, { services: s }): CronStatusResult => s.cron.status(),

  "cron.add": (p: unknown, { services: s }): Promise<CronJob> => s.cron.add(p),

  "cron.update": (p: CronUpdateParams, { services: s }): Promise<CronJob> => s.cron.update(jobIdOf(p), p.patch),

  "cron.remove": (p: { id?: string; jobId?: string }, { services: s }): CronRemoveResult => ({ ok: true, removed: s.cron.remove(jobIdOf(p)) }),

  "cron.run": async (p: CronRunParams, { services: s }): Promise<CronRunResult> => ({ ok: true, ...(await s.cron.run(jobIdOf(p), p.mode ?? "force")) }),

  "cron.runs": (p: CronRunsParams, { services: s }): CronRunsResult => ({ entries: s.cron.runs(jobIdOf(p), p.limit) }),
};
