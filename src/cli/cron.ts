/**
 * @module `mayros cron`: list, add, remove and run cron jobs and read their run log (agent.md §6.1).
 * `cron add` takes one schedule (`--cron EXPR [--tz ZONE]`, `--every 10m` or `--at ISO`) and one
 * payload: `--message TEXT` (an agent turn in the job's own session) or `--system-event TEXT` (a
 * system event for the main session).
 */
import type { Command } from "commander";
import type { CronListResult, CronRemoveResult, CronRunResult, CronRunsResult } from "../cron/protocol.ts";
import type { CronJob, CronJobCreate, CronRunEntry, CronSchedule } from "../cron/types.ts";
import { parseDurationMs } from "../cron/duration.ts";
import { CliError, ExitCode } from "./errors.ts";
import { ago, formatDuration, formatTable, printJson, printLines } from "./output.ts";
import { clientOptions, withClient } from "./with-client.ts";
import type { ClientFlags } from "./target.ts";

/** How long `cron run` waits for the run by default (an agent turn may take minutes). */
const RUN_TIMEOUT_MS = 600_000;

/** Flags of `cron add`. */
export interface CronAddFlags extends ClientFlags {
  name: string;
  cron?: string;
  tz?: string;
  every?: string;
  at?: string;
  message?: string;
  systemEvent?: string;
  wake?: string;
  description?: string;
  disabled?: boolean;
  timeoutSeconds?: string;
}

/** Registers `cron` and its subcommands. */
export function registerCronCommand(program: Command): void {
  const cron = program.command("cron").description("manage scheduled jobs: list, add, rm, run, runs");

  clientOptions(cron.command("list").description("list cron jobs").option("--all", "include disabled jobs"))
    .action((flags: ClientFlags & { all?: boolean }) =>
      withClient(flags, async (client) => {
        const { jobs } = (await client.request("cron.list", { includeDisabled: flags.all ?? false })) as CronListResult;
        if (flags.json) return printJson(jobs);
        printLines(...jobLines(jobs));
      }));

  clientOptions(
    cron.command("add").description("add a cron job")
      .requiredOption("--name <name>", "job name")
      .option("--cron <expr>", "5- or 6-field cron expression, e.g. \"0 7 * * *\"")
      .option("--tz <zone>", "IANA time zone of --cron (default: the gateway host's)")
      .option("--every <duration>", "fixed interval, e.g. 10m, 1h, 90s")
      .option("--at <iso>", "run once at this ISO 8601 time (no zone = UTC)")
      .option("--message <text>", "run the agent with this message in the job's own session")
      .option("--system-event <text>", "queue this text as a system event for the main session")
      .option("--wake <mode>", "with --system-event: now (default) or next-heartbeat")
      .option("--description <text>", "what the job is for")
      .option("--timeout-seconds <n>", "with --message: run timeout in seconds")
      .option("--disabled", "add the job disabled"),
  ).action((flags: CronAddFlags) => {
    const job = jobFromFlags(flags);
    return withClient(flags, async (client) => {
      const added = (await client.request("cron.add", job)) as CronJob;
      if (flags.json) return printJson(added);
      printLines(`added cron job ${added.id} (${added.name})`, `next run: ${nextRunText(added)}`);
    });
  });

  clientOptions(cron.command("rm").alias("remove").description("remove a cron job and its run log").argument("<id>", "job id"))
    .action((id: string, flags: ClientFlags) =>
      withClient(flags, async (client) => {
        const result = (await client.request("cron.remove", { id })) as CronRemoveResult;
        if (flags.json) return printJson(result);
        if (!result.removed) throw new CliError(`no cron job ${id}`);
        printLines(`removed cron job ${id}`);
      }));

  clientOptions(
    cron.command("run").description("run a cron job now and wait for it to finish").argument("<id>", "job id")
      .option("--due", "only run it when it is due"),
  ).action((id: string, flags: ClientFlags & { due?: boolean }) =>
    withClient({ ...flags, timeout: flags.timeout ?? String(RUN_TIMEOUT_MS) }, async (client) => {
      const result = (await client.request("cron.run", { id, mode: flags.due ? "due" : "force" })) as CronRunResult;
      if (flags.json) return printJson(result);
      if (!result.ran) return printLines(`not run: ${result.reason}`);
      const entry = result.entry!;
      printLines(entryLine(entry));
      if (entry.status === "error") throw new CliError(`cron job ${id} failed: ${entry.error ?? "unknown error"}`);
    }));

  clientOptions(
    cron.command("runs").description("show the run log of a cron job, newest first").argument("<id>", "job id")
      .option("--limit <n>", "entries at most (default 50)"),
  ).action((id: string, flags: ClientFlags & { limit?: string }) => {
    const limit = flags.limit === undefined ? undefined : positiveInt(flags.limit, "--limit");
    return withClient(flags, async (client) => {
      const { entries } = (await client.request("cron.runs", { id, ...(limit !== undefined && { limit }) })) as CronRunsResult;
      if (flags.json) return printJson(entries);
      printLines(...(entries.length === 0 ? ["no runs yet"] : entries.map(entryLine)));
    });
  });
}

/**
 * The `cron.add` params of `cron add` flags.
 * @throws {CliError} exit 2 for a missing or doubled schedule or payload, or a bad value.
 */
export function jobFromFlags(flags: CronAddFlags): CronJobCreate {
  const schedules = [flags.cron, flags.every, flags.at].filter((s) => s !== undefined);
  if (schedules.length !== 1) throw new CliError("choose exactly one schedule: --cron, --every or --at", ExitCode.USAGE);
  if (flags.tz !== undefined && flags.cron === undefined) throw new CliError("--tz: only applies to --cron", ExitCode.USAGE);
  const payloads = [flags.message, flags.systemEvent].filter((s) => s !== undefined);
  if (payloads.length !== 1) throw new CliError("choose exactly one payload: --message or --system-event", ExitCode.USAGE);
  if (flags.wake !== undefined && flags.wake !== "now" && flags.wake !== "next-heartbeat") {
    throw new CliError(`--wake: expected now or next-heartbeat, got "${flags.wake}"`, ExitCode.USAGE);
  }
  let schedule: CronSchedule;
  if (flags.cron !== undefined) schedule = { kind: "cron", expr: flags.cron, ...(flags.tz !== undefined && { tz: flags.tz }) };
  else if (flags.every !== undefined) schedule = { kind: "every", everyMs: everyMs(flags.every) };
  else schedule = { kind: "at", at: flags.at! };
  const common = {
    name: flags.name, schedule, ...(flags.description !== undefined && { description: flags.description }),
    ...(flags.disabled && { enabled: false }),
  };
  if (flags.systemEvent !== undefined) {
    return { ...common, sessionTarget: "main", wakeMode: (flags.wake as "now" | "next-heartbeat" | undefined) ?? "now", payload: { kind: "systemEvent", text: flags.systemEvent } };
  }
  if (flags.wake !== undefined) throw new CliError("--wake: only applies to --system-event", ExitCode.USAGE);
  const timeoutSeconds = flags.timeoutSeconds === undefined ? undefined : positiveInt(flags.timeoutSeconds, "--timeout-seconds");
  return {
    ...common, sessionTarget: "isolated",
    payload: { kind: "agentTurn", message: flags.message!, ...(timeoutSeconds !== undefined && { timeoutSeconds }) },
  };
}

/** A schedule in a few words: `cron "0 7 * * *" Europe/Madrid`, `every 10m`, `at 2030-01-01T07:00:00Z`. */
export function scheduleText(schedule: CronSchedule): string {
  if (schedule.kind === "cron") return `cron "${schedule.expr}"${schedule.tz ? ` ${schedule.tz}` : ""}`;
  if (schedule.kind === "every") return `every ${formatDuration(schedule.everyMs)}`;
  return `at ${schedule.at}`;
}

function jobLines(jobs: CronJob[]): string[] {
  if (jobs.length === 0) return ["no cron jobs"];
  return formatTable(
    ["ID", "NAME", "SCHEDULE", "TARGET", "NEXT", "LAST"],
    jobs.map((j) => [
      j.id, j.name, scheduleText(j.schedule), j.sessionTarget, j.enabled ? nextRunText(j) : "disabled",
      j.state.lastRunAtMs !== undefined ? `${j.state.lastStatus ?? "?"} ${ago(j.state.lastRunAtMs)}` : "-",
    ]),
  );
}

function nextRunText(job: CronJob): string {
  const next = job.state.nextRunAtMs;
  if (next === undefined) return "-";
  return `${new Date(next).toISOString()} (in ${formatDuration(Math.max(0, next - Date.now()))})`;
}

function entryLine(e: CronRunEntry): string {
  const when = new Date(e.runAtMs ?? e.ts).toISOString();
  const took = e.durationMs !== undefined ? ` in ${e.durationMs} ms` : "";
  const detail = e.status === "error" ? (e.error ?? "") : (e.summary ?? "");
  return `${when}  ${e.status}${took}${detail ? `  ${detail.replace(/\s+/g, " ")}` : ""}`;
}

function everyMs(text: string): number {
  let ms: number;
  try {
    ms = parseDurationMs(text);
  } catch (err) {
    throw new CliError(`--every: ${(err as Error).message}`, ExitCode.USAGE);
  }
  if (ms < 1_000) throw new CliError(`--every: must be at least 1s, got "${text}"`, ExitCode.USAGE);
  return ms;
}

function positiveInt(text: string, flag: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw new CliError(`${flag}: expected a positive integer, got "${text}"`, ExitCode.USAGE);
  return n;
}
