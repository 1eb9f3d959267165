/**
 * @module The `cron` tool (`group:automation`, agent.md §5): the agent lists, adds, updates,
 * removes and runs cron jobs and reads their run log — the same objects and validation as the
 * `cron.*` methods (protocol.md §6 "Cron"), answered as JSON text; every refusal is an error result.
 */
import { jobIdOf } from "../../cron/protocol.ts";
import type { CronScheduler } from "../../cron/scheduler.ts";
import { CronJobCreate, CronJobPatch } from "../../cron/types.ts";
import { MAX_RUNS_PER_JOB } from "../../cron/store.ts";
import type { Tool, ToolResult } from "./registry.ts";

/** What the tool does with `action`. */
export const CRON_ACTIONS = ["status", "list", "add", "update", "remove", "run", "runs"] as const;
/** One `cron` tool action. */
export type CronAction = (typeof CRON_ACTIONS)[number];

/** The scheduler calls the tool makes. */
export type CronToolScheduler = Pick<CronScheduler, "status" | "list" | "add" | "update" | "remove" | "run" | "runs">;

/** A TypeBox schema as plain JSON Schema for a provider (no `$id`s). */
function plainSchema(schema: unknown): Record<string, unknown> {
  return JSON.parse(JSON.stringify(schema, (k, v) => (k === "$id" ? undefined : v))) as Record<string, unknown>;
}

const json = (value: unknown): ToolResult => ({ content: JSON.stringify(value, null, 1) });
const fail = (content: string): ToolResult => ({ content, isError: true });

/** `{id}` / `{jobId}` of the input, as the cron methods take them. */
function jobRef(input: Record<string, unknown>): string {
  const pick = (v: unknown) => (typeof v === "string" && v !== "" ? v : undefined);
  return jobIdOf({ ...(pick(input.id) && { id: pick(input.id) }), ...(pick(input.jobId) && { jobId: pick(input.jobId) }) });
}

/** Runs one action; throws the scheduler's `GatewayError` for bad input (turned into an error result). */
async function perform(cron: CronToolScheduler, action: CronAction, input: Record<string, unknown>, sessionKey: string): Promise<ToolResult> {
  switch (action) {
    case "status":
      return json(cron.status());
    case "list":
      return json({ jobs: cron.list({ includeDisabled: input.includeDisabled === true }) });
    case "add": {
      const { action: _a, job, ...rest } = input;
      return json(await cron.add(job ?? rest));
    }
    case "update":
      if (input.patch === undefined) return fail("patch: is required");
      return json(await cron.update(jobRef(input), input.patch));
    case "remove":
      return json({ ok: true, removed: cron.remove(jobRef(input)) });
    case "run": {
      // A cron run holds a run slot; waiting for another run from inside one could wait for itself.
      if (sessionKey.startsWith("cron:")) return fail("cron run: jobs cannot be run from inside a cron job's run");
      const mode = input.mode === "due" ? "due" : "force";
      return json({ ok: true, ...(await cron.run(jobRef(input), mode)) });
    }
    case "runs": {
      const limit = Math.floor(Number(input.limit));
      return json({ entries: cron.runs(jobRef(input), Number.isFinite(limit) && limit > 0 ? Math.min(limit, MAX_RUNS_PER_JOB) : undefined) });
    }
  }
}

/** The tool's input schema (JSON Schema for the provider). */
function cronInputSchema(): Record<string, unknown> {
  return {
    type: "object",
    properties: {
      action: { type: "string", enum: [...CRON_ACTIONS] },
      id: { type: "string", description: "Job id (update, remove, run, runs)." },
      job: { ...plainSchema(CronJobCreate), description: "The new job (add)." },
      patch: { ...plainSchema(CronJobPatch), description: "Fields to change (update); payload and delivery merge." },
      includeDisabled: { type: "boolean", description: "list: also disabled jobs." },
      mode: { type: "string", enum: ["force", "due"], description: "run: force (default) runs now, due only when due." },
      limit: { type: "integer", minimum: 1, maximum: MAX_RUNS_PER_JOB, description: "runs: entries at most." },
    },
    required: ["action"],
  };
}

/**
 * The `cron` tool over `cron` (the gateway's scheduler).
 * @example tools.register(cronTool(services.cron));
 */
export function cronTool(cron: CronToolScheduler): Tool {
  let inputSchema: Record<string, unknown> | undefined;
  return {
    name: "cron", group: "group:automation",
    description: "Manage scheduled jobs (cron). Actions: status; list (includeDisabled?); add (job: name, schedule {kind at|every|cron}, "
      + "sessionTarget main (payload systemEvent {text}) or isolated (payload agentTurn {message}), delivery?); update (id, patch); "
      + "remove (id); run (id, mode force|due); runs (id, limit?) = the run log, newest first. Results are JSON.",
    // Built on first read: serializing the job schemas costs start-up time, and only a model call reads it.
    get inputSchema() {
      return (inputSchema ??= cronInputSchema());
    },
    async execute(input, ctx) {
      const action = input.action;
      if (typeof action !== "string" || !(CRON_ACTIONS as readonly string[]).includes(action)) {
        return fail(`action: must be one of ${CRON_ACTIONS.join(", ")}`);
      }
      try {
        return await perform(cron, action as CronAction, input, ctx.sessionKey);
      } catch (err) {
        return fail(`cron ${action} failed: ${(err as Error).message ?? String(err)}`);
      }
    },
  };
}
