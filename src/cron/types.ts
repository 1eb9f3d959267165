/**
 * @module The cron domain as TypeBox schemas with their types (agent.md §6.1, protocol.md §6
 * "Cron"): schedules, payloads, delivery, the job with its run state, the `cron.add` input and
 * patch, run-log entries and the `cron` event payload.
 */
import { Type, type Static } from "@sinclair/typebox";

const Opt = Type.Optional;
const Closed = { additionalProperties: false } as const;
const Ms = Type.Integer({ minimum: 0 });
const Text = Type.String({ minLength: 1 });

/** Smallest `every` interval. */
export const MIN_EVERY_MS = 1_000;
/** Largest explicit `staggerMs` (one hour). */
export const MAX_STAGGER_MS = 3_600_000;

/** One-shot at an ISO 8601 instant; a time without a zone is read as UTC. */
export const CronAtSchedule = Type.Object(
  { kind: Type.Literal("at"), at: Type.String({ minLength: 1, description: "ISO 8601; no zone = UTC." }) },
  { ...Closed, $id: "CronAtSchedule" },
);
/** One-shot schedule. */
export type CronAtSchedule = Static<typeof CronAtSchedule>;

/** Fixed interval, aligned to `anchorMs` (default: the job's creation time). */
export const CronEverySchedule = Type.Object(
  { kind: Type.Literal("every"), everyMs: Type.Integer({ minimum: MIN_EVERY_MS }), anchorMs: Opt(Ms) },
  { ...Closed, $id: "CronEverySchedule" },
);
/** Interval schedule. */
export type CronEverySchedule = Static<typeof CronEverySchedule>;

/** A 5- or 6-field cron expression in an IANA zone (default: the host zone). */
export const CronExprSchedule = Type.Object(
  {
    kind: Type.Literal("cron"),
    expr: Type.String({ minLength: 1 }),
    tz: Opt(Type.String({ minLength: 1 })),
    /** Window of the deterministic per-job delay; `0` = exact; default 5 min for top-of-hour expressions. */
    staggerMs: Opt(Type.Integer({ minimum: 0, maximum: MAX_STAGGER_MS })),
  },
  { ...Closed, $id: "CronExprSchedule" },
);
/** Cron-expression schedule. */
export type CronExprSchedule = Static<typeof CronExprSchedule>;

/** When a job runs. */
export const CronSchedule = Type.Union([CronAtSchedule, CronEverySchedule, CronExprSchedule], { $id: "CronSchedule" });
/** When a job runs. */
export type CronSchedule = Static<typeof CronSchedule>;

/** Text queued as a system event for the main session (`sessionTarget: "main"`). */
export const CronSystemEventPayload = Type.Object(
  { kind: Type.Literal("systemEvent"), text: Text },
  { ...Closed, $id: "CronSystemEventPayload" },
);
/** System-event payload. */
export type CronSystemEventPayload = Static<typeof CronSystemEventPayload>;

/** An agent turn in the job's own session `cron:<jobId>` (`sessionTarget: "isolated"`). */
export const CronAgentTurnPayload = Type.Object(
  {
    kind: Type.Literal("agentTurn"),
    message: Text,
    model: Opt(Type.String({ minLength: 1 })),
    thinking: Opt(Type.String({ minLength: 1 })),
    timeoutSeconds: Opt(Type.Integer({ minimum: 1 })),
  },
  { ...Closed, $id: "CronAgentTurnPayload" },
);
/** Agent-turn payload. */
export type CronAgentTurnPayload = Static<typeof CronAgentTurnPayload>;

/** What a job does. */
export const CronPayload = Type.Union([CronSystemEventPayload, CronAgentTurnPayload], { $id: "CronPayload" });
/** What a job does. */
export type CronPayload = Static<typeof CronPayload>;

/** Where an isolated job's reply goes. */
export const CronDelivery = Type.Object(
  {
    mode: Type.Union([Type.Literal("announce"), Type.Literal("webhook"), Type.Literal("none")]),
    channel: Opt(Type.String({ minLength: 1 })),
    to: Opt(Type.String({ minLength: 1 })),
    bestEffort: Opt(Type.Boolean()),
  },
  { ...Closed, $id: "CronDelivery" },
);
/** Where an isolated job's reply goes. */
export type CronDelivery = Static<typeof CronDelivery>;

/** Which session a job runs in. */
export const CronSessionTarget = Type.Union([Type.Literal("main"), Type.Literal("isolated")], { $id: "CronSessionTarget" });
/** Which session a job runs in. */
export type CronSessionTarget = Static<typeof CronSessionTarget>;

/** Whether a main-session job runs a heartbeat at once or waits for the next one. */
export const CronWakeMode = Type.Union([Type.Literal("now"), Type.Literal("next-heartbeat")], { $id: "CronWakeMode" });
/** Wake mode. */
export type CronWakeMode = Static<typeof CronWakeMode>;

/** Outcome of one run. */
export const CronRunStatus = Type.Union([Type.Literal("ok"), Type.Literal("error"), Type.Literal("skipped")], { $id: "CronRunStatus" });
/** Outcome of one run. */
export type CronRunStatus = Static<typeof CronRunStatus>;

/** Run state the scheduler keeps on each job. */
export const CronJobState = Type.Object(
  {
    /** Next due instant; absent when the job will not run again. */
    nextRunAtMs: Opt(Ms),
    /** Start of the run in flight, or null. */
    runningAtMs: Opt(Type.Union([Ms, Type.Null()])),
    lastRunAtMs: Opt(Ms),
    lastStatus: Opt(CronRunStatus),
    lastError: Opt(Type.Union([Type.String(), Type.Null()])),
    lastDurationMs: Opt(Ms),
  },
  { ...Closed, $id: "CronJobState" },
);
/** Run state of a job. */
export type CronJobState = Static<typeof CronJobState>;

const jobFields = {
  agentId: Opt(Type.String({ minLength: 1 })),
  name: Type.String({ minLength: 1, maxLength: 200 }),
  description: Opt(Type.String()),
  enabled: Opt(Type.Boolean()),
  /** One-shot `at` jobs are deleted after a successful run unless this is `false`. */
  deleteAfterRun: Opt(Type.Boolean()),
  schedule: CronSchedule,
  sessionTarget: CronSessionTarget,
  wakeMode: Opt(CronWakeMode),
  payload: CronPayload,
  delivery: Opt(CronDelivery),
};

/** `cron.add` params: a new job (`enabled` defaults to true, `wakeMode` to "now", `agentId` to "main"). */
export const CronJobCreate = Type.Object(jobFields, { ...Closed, $id: "CronJobCreate" });
/** A new job. */
export type CronJobCreate = Static<typeof CronJobCreate>;

/** `cron.update` patch: any job field but `id` and `state`; `payload` and `delivery` merge when the kind stays. */
export const CronJobPatch = Type.Object(
  {
    agentId: Opt(jobFields.agentId), name: Opt(jobFields.name), description: Opt(jobFields.description),
    enabled: jobFields.enabled, deleteAfterRun: jobFields.deleteAfterRun, schedule: Opt(CronSchedule),
    sessionTarget: Opt(CronSessionTarget), wakeMode: jobFields.wakeMode,
    payload: Opt(Type.Union([Type.Partial(CronSystemEventPayload), Type.Partial(CronAgentTurnPayload)])),
    delivery: Opt(Type.Partial(CronDelivery)),
  },
  { ...Closed, $id: "CronJobPatch" },
);
/** A job patch. */
export type CronJobPatch = Static<typeof CronJobPatch>;

/** A stored job (agent.md §6.1). */
export const CronJob = Type.Object(
  {
    id: Type.String({ minLength: 1 }),
    agentId: Type.String({ minLength: 1 }),
    name: jobFields.name,
    description: jobFields.description,
    enabled: Type.Boolean(),
    deleteAfterRun: jobFields.deleteAfterRun,
    schedule: CronSchedule,
    sessionTarget: CronSessionTarget,
    wakeMode: CronWakeMode,
    payload: CronPayload,
    delivery: jobFields.delivery,
    createdAtMs: Ms,
    updatedAtMs: Ms,
    state: CronJobState,
  },
  { ...Closed, $id: "CronJob" },
);
/** A stored job. */
export type CronJob = Static<typeof CronJob>;

/** One run-log entry (`cron.runs`). */
export const CronRunEntry = Type.Object(
  {
    ts: Ms,
    jobId: Type.String(),
    action: Type.Literal("finished"),
    status: CronRunStatus,
    error: Opt(Type.String()),
    summary: Opt(Type.String()),
    runAtMs: Opt(Ms),
    durationMs: Opt(Ms),
    nextRunAtMs: Opt(Ms),
  },
  { ...Closed, $id: "CronRunEntry" },
);
/** One run-log entry. */
export type CronRunEntry = Static<typeof CronRunEntry>;

/** What happened to a job. */
export const CronEventAction = Type.Union(
  [Type.Literal("added"), Type.Literal("updated"), Type.Literal("removed"), Type.Literal("started"), Type.Literal("finished")],
  { $id: "CronEventAction" },
);
/** What happened to a job. */
export type CronEventAction = Static<typeof CronEventAction>;

/** Payload of the `cron` event. */
export const CronEvent = Type.Object(
  {
    jobId: Type.String(),
    action: CronEventAction,
    runAtMs: Opt(Ms),
    durationMs: Opt(Ms),
    status: Opt(CronRunStatus),
    error: Opt(Type.String()),
    summary: Opt(Type.String()),
    nextRunAtMs: Opt(Ms),
  },
  { ...Closed, $id: "CronEvent" },
);
/** Payload of the `cron` event. */
export type CronEvent = Static<typeof CronEvent>;

/** What `execute` reports for one run. */
export interface CronExecuteResult {
  status: CronRunStatus;
  summary?: string;
  error?: string;
}
