/**
 * @module What a cron job does when it fires (agent.md §6.1): a `systemEvent` job queues its text
 * for the main session (and with `wakeMode: "now"` asks for a heartbeat at once); an `agentTurn`
 * job runs the agent in its own session `cron:<jobId>` with a fresh sessionId, the message
 * prefixed `[cron:<id> <name>]`, and its reply becomes the run summary (posted to the main session
 * unless `delivery.mode` is `none` or `webhook`, and unless it is only an ack); `webhook` POSTs it.
 */
import type { RunOutcome, RunRequest } from "../agent/agent-service.ts";
import { cronSessionKey } from "../sessions/keys.ts";
import { classifyHeartbeatReply } from "./heartbeat-reply.ts";
import type { CronExecuteResult, CronJob } from "./types.ts";
import type { CronWebhookPayload } from "./webhook.ts";

/** Longest run summary kept in the run log and the `cron` event. */
export const SUMMARY_CHARS = 200;

/** What the executor needs from the gateway. */
export interface CronExecutorDeps {
  /** Runs the agent (on the session's lane). */
  run: (req: RunRequest) => Promise<RunOutcome>;
  /** Gives an existing session a new sessionId (no-op for a missing one). */
  resetSession: (key: string) => void;
  /** Queues a system event for the main session. */
  enqueueSystemEvent: (text: string) => void;
  /** Asks for a heartbeat now. */
  requestHeartbeat: (reason: string) => void;
  /** @default crypto.randomUUID */
  newRunId?: () => string;
  /** Delivers a finished run to a `delivery.mode: "webhook"` URL. */
  postWebhook?: (url: string, payload: CronWebhookPayload) => Promise<void>;
}


/** The run's own result, before delivery. */
function agentResult(outcome: RunOutcome): CronExecuteResult {
  if (outcome.status === "error") return { status: "error", error: outcome.error ?? "agent run failed" };
  if (outcome.aborted) return { status: "error", error: "agent run aborted (timeout or stop)", ...(summarize(outcome.text) && { summary: summarize(outcome.text) }) };
  const summary = summarize(outcome.text);
  return summary ? { status: "ok", summary } : { status: "ok" };
}

/** The first {@link SUMMARY_CHARS} characters of `text`. */
export function summarize(text: string): string {
  return text.trim().slice(0, SUMMARY_CHARS);
}

/** Builds the `execute` of the gateway's scheduler. */
export function createCronExecutor(deps: CronExecutorDeps): (job: CronJob) => Promise<CronExecuteResult> {
  const newRunId = deps.newRunId ?? (() => crypto.randomUUID());

  async function agentTurn(job: CronJob): Promise<CronExecuteResult> {
    if (job.payload.kind !== "agentTurn") throw new Error("not an agentTurn job");
    const { message, timeoutSeconds } = job.payload;
    const sessionKey = cronSessionKey(job.id);
    deps.resetSession(sessionKey);
    const outcome = await deps.run({
      runId: newRunId(), sessionKey, message: `[cron:${job.id} ${job.name}] ${message}`,
      ...(timeoutSeconds !== undefined && { timeoutSeconds }),
    });
    const result = agentResult(outcome);
    const mode = job.delivery?.mode ?? "announce";
    if (mode === "webhook") return deliverWebhook(job, outcome, result);
    if (result.status === "error") return result;
    const summary = summarize(outcome.text);
    if (mode === "announce" && classifyHeartbeatReply(outcome.text).kind === "alert") {
      deps.enqueueSystemEvent(`Cron (${job.name}): ${summary}`);
    }
    return summary ? { status: "ok", summary } : { status: "ok" };
  }

  /** POSTs the finished run; a failed delivery fails the run unless `delivery.bestEffort`. */
  async function deliverWebhook(job: CronJob, outcome: RunOutcome, result: CronExecuteResult): Promise<CronExecuteResult> {
    const url = job.delivery?.to;
    if (!url || !deps.postWebhook) return { status: "error", error: "delivery.to: a webhook URL is required for delivery.mode webhook" };
    try {
      await deps.postWebhook(url, {
        jobId: job.id, name: job.name, status: result.status === "ok" ? "ok" : "error", finishedAtMs: Date.now(),
        ...(result.summary && { summary: result.summary }), ...(outcome.text && { text: outcome.text }), ...(result.error && { error: result.error }),
      });
      return result;
    } catch (err) {
      if (job.delivery?.bestEffort) return result;
      return { status: "error", error: (err as Error).message, ...(result.summary && { summary: result.summary }) };
    }
  }

  return async function executeCronJob(job) {
    if (job.payload.kind === "systemEvent") {
      deps.enqueueSystemEvent(job.payload.text);
      if (job.wakeMode === "now") deps.requestHeartbeat(`cron:${job.id}`);
      return { status: "ok", summary: summarize(job.payload.text) };
    }
    return agentTurn(job);
  };
}
