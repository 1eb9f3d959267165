/** @module Tests of the cron executor: system events with wake modes, isolated agent turns in fresh cron sessions. */
import { describe, expect, it } from "bun:test";
import type { RunOutcome, RunRequest } from "../../src/agent/agent-service.ts";
import { createCronExecutor, SUMMARY_CHARS } from "../../src/cron/executor.ts";
import type { CronJob } from "../../src/cron/types.ts";

function job(overrides: Partial<CronJob>): CronJob {
  return {
    id: "j1", agentId: "main", name: "Brief", enabled: true, schedule: { kind: "every", everyMs: 60_000 }, sessionTarget: "isolated",
    wakeMode: "now", payload: { kind: "agentTurn", message: "Summarize." }, createdAtMs: 0, updatedAtMs: 0, state: {}, ...overrides,
  };
}

function outcome(fields: Partial<RunOutcome>): RunOutcome {
  return {
    runId: "r1", status: "ok", text: "", aborted: false, usage: { input: 1, output: 1, cacheRead: 0, cacheWrite: 0 },
    durationMs: 5, sessionId: "s1", model: "anthropic/m", ...fields,
  };
}

function setup(reply: Partial<RunOutcome> = {}) {
  const calls: string[] = [];
  const runs: RunRequest[] = [];
  const systemEvents: string[] = [];
  const wakes: string[] = [];
  const execute = createCronExecutor({
    run: async (req) => {
      runs.push(req);
      calls.push(`run ${req.sessionKey}`);
      return outcome(reply);
    },
    resetSession: (key) => void calls.push(`reset ${key}`),
    enqueueSystemEvent: (text) => void systemEvents.push(text),
    requestHeartbeat: (reason) => void wakes.push(reason),
    newRunId: () => "run-1",
  });
  return { execute, calls, runs, systemEvents, wakes };
}

describe("createCronExecutor: systemEvent", () => {
  it("should queue the text for the main session and ask for a heartbeat when wakeMode is now", async () => {
    const { execute, systemEvents, wakes, runs } = setup();
    const main = job({ sessionTarget: "main", payload: { kind: "systemEvent", text: "Stand up." } });
    expect(await execute(main)).toEqual({ status: "ok", summary: "Stand up." });
    expect(systemEvents).toEqual(["Stand up."]);
    expect(wakes).toEqual(["cron:j1"]);
    expect(runs).toHaveLength(0);
  });

  it("should only queue when wakeMode is next-heartbeat", async () => {
    const { execute, systemEvents, wakes } = setup();
    await execute(job({ sessionTarget: "main", wakeMode: "next-heartbeat", payload: { kind: "systemEvent", text: "Later." } }));
    expect(systemEvents).toEqual(["Later."]);
    expect(wakes).toEqual([]);
  });
});

describe("createCronExecutor: agentTurn", () => {
  it("should reset cron:<id> first, run the prefixed message there and summarize the reply", async () => {
    const { execute, calls, runs, systemEvents } = setup({ text: `  ${"a".repeat(300)}` });
    const result = await execute(job({ payload: { kind: "agentTurn", message: "Summarize.", timeoutSeconds: 30 } }));
    expect(calls).toEqual(["reset cron:j1", "run cron:j1"]);
    expect(runs[0]).toEqual({ runId: "run-1", sessionKey: "cron:j1", message: "[cron:j1 Brief] Summarize.", timeoutSeconds: 30 });
    expect(result).toEqual({ status: "ok", summary: "a".repeat(SUMMARY_CHARS) });
    expect(systemEvents).toEqual([`Cron (Brief): ${"a".repeat(SUMMARY_CHARS)}`]);
  });

  it("should post nothing to main for an ack-only reply or delivery none", async () => {
    const ack = setup({ text: "HEARTBEAT_OK" });
    expect(await ack.execute(job({}))).toEqual({ status: "ok", summary: "HEARTBEAT_OK" });
    expect(ack.systemEvents).toEqual([]);
    const none = setup({ text: "Done." });
    await none.execute(job({ delivery: { mode: "none" } }));
    expect(none.systemEvents).toEqual([]);
  });

  it("should report a failed or aborted run as an error", async () => {
    expect(await setup({ status: "error", error: "provider down" }).execute(job({}))).toEqual({ status: "error", error: "provider down" });
    expect(await setup({ aborted: true, text: "partial" }).execute(job({}))).toEqual({
      status: "error", error: "agent run aborted (timeout or stop)", summary: "partial",
    });
  });
});
