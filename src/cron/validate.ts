/**
 * @module Validation of `cron.add` input and `cron.update` patches: the TypeBox shape (with the
 * schedule and payload checked against their own branch, so errors name the real field), the
 * session-target / payload pairing, and whether the schedule can be computed (ISO time,
 * expression, zone). Every failure is a `GatewayError` `INVALID_REQUEST` naming the field.
 */
import type { TSchema } from "@sinclair/typebox";
import { GatewayError } from "../protocol/errors.ts";
import { firstError } from "../protocol/validate.ts";
import { assertValidSchedule, CronScheduleError, prepareSchedule } from "./schedule.ts";
import {
  CronAgentTurnPayload, CronAtSchedule, CronEverySchedule, CronExprSchedule, CronJobCreate, CronJobPatch, CronSystemEventPayload,
  type CronJob, type CronPayload,
} from "./types.ts";

const SCHEDULES: Record<string, TSchema> = { at: CronAtSchedule, every: CronEverySchedule, cron: CronExprSchedule };
const PAYLOADS: Record<string, TSchema> = { systemEvent: CronSystemEventPayload, agentTurn: CronAgentTurnPayload };
const REQUIRED_PAYLOAD = { main: "systemEvent", isolated: "agentTurn" } as const;

/** The job fields a create or a merged patch settles on (everything but id, timestamps and state). */
export type CronJobSpec = Omit<CronJob, "id" | "createdAtMs" | "updatedAtMs" | "state">;

/**
 * Validates `cron.add` params and fills the defaults (`enabled` true, `wakeMode` "now", `agentId` "main").
 * Loads the cron engine when the schedule is a cron expression.
 * @throws {GatewayError} `INVALID_REQUEST`, e.g. `schedule.tz: unknown time zone "Mars/Base"`.
 */
export async function validateJobCreate(input: unknown): Promise<CronJobSpec> {
  const value = input as Record<string, unknown>;
  checkBranches(value);
  check(CronJobCreate, input, "");
  const create = input as CronJobCreate;
  const spec: CronJobSpec = {
    ...create,
    agentId: create.agentId ?? "main",
    enabled: create.enabled ?? true,
    wakeMode: create.wakeMode ?? "now",
  };
  await checkSemantics(spec);
  return spec;
}

/**
 * Applies a `cron.update` patch to `job` and validates the result. `schedule` is replaced;
 * `payload` and `delivery` are merged into the current ones when the payload kind stays.
 * @returns the merged job (not persisted; `state` and timestamps untouched).
 * @throws {GatewayError} `INVALID_REQUEST` naming the field.
 */
export async function applyJobPatch(job: CronJob, patch: unknown): Promise<CronJob> {
  check(CronJobPatch, patch, "patch");
  const p = patch as CronJobPatch;
  if (p.schedule) checkBranch(SCHEDULES, p.schedule, "patch.schedule");
  const payload = (p.payload === undefined
    ? job.payload
    : p.payload.kind === undefined || p.payload.kind === job.payload.kind
      ? { ...job.payload, ...p.payload }
      : p.payload) as CronPayload;
  checkBranch(PAYLOADS, payload, "payload");
  const merged: CronJob = {
    ...job,
    ...(p as Partial<CronJob>),
    payload,
    delivery: p.delivery === undefined ? job.delivery : ({ ...job.delivery, ...p.delivery } as CronJob["delivery"]),
  };
  if (merged.delivery && merged.delivery.mode === undefined) throw invalid("delivery.mode: is required");
  await checkSemantics(merged);
  return merged;
}

/** Throws when the session target and the payload kind do not belong together. */
export function assertTargetMatchesPayload(spec: Pick<CronJobSpec, "sessionTarget" | "payload">): void {
  const required = REQUIRED_PAYLOAD[spec.sessionTarget];
  if (spec.payload.kind !== required) {
    throw invalid(`payload.kind: sessionTarget "${spec.sessionTarget}" requires payload kind "${required}" (got "${spec.payload.kind}")`);
  }
}

async function checkSemantics(spec: CronJobSpec): Promise<void> {
  assertTargetMatchesPayload(spec);
  await prepareSchedule(spec.schedule);
  try {
    assertValidSchedule(spec.schedule);
  } catch (err) {
    if (err instanceof CronScheduleError) throw invalid(err.message);
    throw err;
  }
}

/** Checks `schedule` and `payload` against the branch their `kind` names, for precise messages. */
function checkBranches(value: Record<string, unknown>): void {
  if (value === null || typeof value !== "object") throw invalid("at /: must be an object");
  if (value.schedule !== undefined) checkBranch(SCHEDULES, value.schedule, "schedule");
  if (value.payload !== undefined) checkBranch(PAYLOADS, value.payload, "payload");
}

function checkBranch(branches: Record<string, TSchema>, value: unknown, field: string): void {
  const kind = (value as { kind?: unknown } | null)?.kind;
  const schema = typeof kind === "string" ? branches[kind] : undefined;
  if (!schema) {
    const kinds = Object.keys(branches).map((k) => JSON.stringify(k)).join(", ");
    throw invalid(`${field}.kind: must be one of ${kinds}`);
  }
  check(schema, value, field);
}

function check(schema: TSchema, value: unknown, field: string): void {
  const error = firstError(schema, value);
  if (error === null) return;
  // firstError says "at /a/b: problem"; name the field as a dotted path under `field`.
  const match = /^at \/([^:]*): (.*)$/.exec(error);
  const path = [field, ...(match?.[1] ?? "").split("/")].filter(Boolean).join(".");
  throw invalid(match ? `${path || "params"}: ${match[2]}` : error);
}

function invalid(message: string): GatewayError {
  return new GatewayError("INVALID_REQUEST", message);
}
