/**
 * @module Params and results of the cron methods (protocol.md §6 "Cron"): `cron.list`,
 * `cron.status`, `cron.add`, `cron.update`, `cron.remove`, `cron.run`, `cron.runs`, ready to be
 * listed in the protocol catalog. A job is named by `id` or its alias `jobId` ({@link jobIdOf}).
 */
import { Type, type Static } from "@sinclair/typebox";
import { GatewayError } from "../protocol/errors.ts";
import { MAX_RUNS_PER_JOB } from "./store.ts";
import { CronJob, CronJobCreate, CronJobPatch, CronRunEntry } from "./types.ts";

const Opt = Type.Optional;
const Closed = { additionalProperties: false } as const;
const Id = Type.String({ minLength: 1, maxLength: 256 });
const JobRef = { id: Opt(Id), jobId: Opt(Id) };

/** `cron.list` params. */
export const CronListParams = Opt(Type.Object({ includeDisabled: Opt(Type.Boolean()) }, { ...Closed, $id: "CronListParams" }));
/** `cron.list` params. */
export type CronListParams = Static<typeof CronListParams>;
/** `cron.list` result. */
export const CronListResult = Type.Object({ jobs: Type.Array(CronJob) }, { ...Closed, $id: "CronListResult" });
/** `cron.list` result. */
export type CronListResult = Static<typeof CronListResult>;

/** `cron.status` params (none). */
export const CronStatusParams = Opt(Type.Object({}, { ...Closed, $id: "CronStatusParams" }));
/** `cron.status` result. */
export const CronStatusResult = Type.Object(
  {
    enabled: Type.Boolean(),
    jobs: Type.Integer({ minimum: 0 }),
    nextWakeAtMs: Type.Union([Type.Integer({ minimum: 0 }), Type.Null()]),
    running: Type.Integer({ minimum: 0 }),
  },
  { ...Closed, $id: "CronStatusResult" },
);
/** `cron.status` result. */
export type CronStatusResult = Static<typeof CronStatusResult>;

/** `cron.add` params (validated again, field by field, by the scheduler). */
export const CronAddParams = CronJobCreate;
/** `cron.add` params. */
export type CronAddParams = Static<typeof CronAddParams>;
/** `cron.add` result: the stored job. */
export const CronAddResult = CronJob;

/** `cron.update` params. */
export const CronUpdateParams = Type.Object({ ...JobRef, patch: CronJobPatch }, { ...Closed, $id: "CronUpdateParams" });
/** `cron.update` params. */
export type CronUpdateParams = Static<typeof CronUpdateParams>;
/** `cron.update` result: the updated job. */
export const CronUpdateResult = CronJob;

/** `cron.remove` params. */
export const CronRemoveParams = Type.Object(JobRef, { ...Closed, $id: "CronRemoveParams" });
/** `cron.remove` params. */
export type CronRemoveParams = Static<typeof CronRemoveParams>;
/** `cron.remove` result. */
export const CronRemoveResult = Type.Object({ ok: Type.Literal(true), removed: Type.Boolean() }, { ...Closed, $id: "CronRemoveResult" });
/** `cron.remove` result. */
export type CronRemoveResult = Static<typeof CronRemoveResult>;

/** `cron.run` params; `mode` `force` (default) runs now, `due` only when due. */
export const CronRunParams = Type.Object(
  { ...JobRef, mode: Opt(Type.Union([Type.Literal("due"), Type.Literal("force")])) },
  { ...Closed, $id: "CronRunParams" },
);
/** `cron.run` params. */
export type CronRunParams = Static<typeof CronRunParams>;
/** `cron.run` result: whether it ran, why not, and the run entry when it did. */
export const CronRunResult = Type.Object(
  {
    ok: Type.Literal(true),
    ran: Type.Boolean(),
    reason: Opt(Type.Union([Type.Literal("not-due"), Type.Literal("already-running")])),
    entry: Opt(CronRunEntry),
  },
  { ...Closed, $id: "CronRunResult" },
);
/** `cron.run` result. */
export type CronRunResult = Static<typeof CronRunResult>;

/** `cron.runs` params. */
export const CronRunsParams = Type.Object(
  { ...JobRef, limit: Opt(Type.Integer({ minimum: 1, maximum: MAX_RUNS_PER_JOB })) },
  { ...Closed, $id: "CronRunsParams" },
);
/** `cron.runs` params. */
export type CronRunsParams = Static<typeof CronRunsParams>;
/** `cron.runs` result: run-log entries, newest first. */
export const CronRunsResult = Type.Object({ entries: Type.Array(CronRunEntry) }, { ...Closed, $id: "CronRunsResult" });
/** `cron.runs` result. */
export type CronRunsResult = Static<typeof CronRunsResult>;

/**
 * The job a request names: `id`, else `jobId`.
 * @throws {GatewayError} `INVALID_REQUEST` when both are missing or they disagree.
 */
export function jobIdOf(params: { id?: string; jobId?: string }): string {
  const { id, jobId } = params;
  if (id !== undefined && jobId !== undefined && id !== jobId) {
    throw new GatewayError("INVALID_REQUEST", "id and jobId name different jobs; pass one of them");
  }
  const ref = id ?? jobId;
  if (ref === undefined) throw new GatewayError("INVALID_REQUEST", "id: is required (or jobId)");
  return ref;
}
