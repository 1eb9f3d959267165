/** @module Cron `delivery.mode: "webhook"`: the finished run is POSTed with the bearer token; failures fail the run unless best effort. */
import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import type { RunOutcome } from "../../src/agent/agent-service.ts";
import { createCronExecutor } from "../../src/cron/executor.ts";
import type { CronJob } from "../../src/cron/types.ts";
import { createWebhookPoster } from "../../src/cron/webhook.ts";

const received: Array<{ auth: string | null; body: Record<string, unknown> }> = [];
let server: ReturnType<typeof Bun.serve>;
beforeAll(() => {
  server = Bun.serve({
    hostname: "127.0.0.1", port: 0,
    async fetch(req) {
      if (new URL(req.url).pathname === "/fail") return new Response("no", { status: 503 });
      received.push({ auth: req.headers.get("authorization"), body: (await req.json()) as Record<string, unknown> });
      return new Response(null, { status: 204 });
    },
  });
});
afterAll(() => server.stop(true));

const reply: RunOutcome = {
  runId: "r1", status: "ok", text: "Three new invoices.", aborted: false, usage: { input: 1, output: 1, cacheRead: 0, cacheWrite: 0 },
  durationMs: 5, sessionId: "s1", model: "anthropic/m",
};

function job(to: string, bestEffort = false): CronJob {
  return {
    id: "j1", agentId: "main", name: "Invoices", enabled: true, schedule: { kind: "every", everyMs: 60_000 }, sessionTarget: "isolated",
    wakeMode: "now", payload: { kind: "agentTurn", message: "Check invoices." }, delivery: { mode: "webhook", to, bestEffort },
    createdAtMs: 0, updatedAtMs: 0, state: {},
  };
}

function executor() {
  const systemEvents: string[] = [];
  const execute = createCronExecutor({
    run: async () => reply, resetSession: () => {}, enqueueSystemEvent: (t) => void systemEvents.push(t), requestHeartbeat: () => {},
    postWebhook: createWebhookPoster("hook-secret"),
  });
  return { execute, systemEvents };
}

describe("cron webhook delivery", () => {
  it("should POST the finished run with the bearer token and not announce it to the main session", async () => {
    const { execute, systemEvents } = executor();
    const result = await execute(job(`http://127.0.0.1:${server.port}/done`));
    expect(result).toEqual({ status: "ok", summary: "Three new invoices." });
    expect(received.at(-1)).toEqual({
      auth: "Bearer hook-secret",
      body: { jobId: "j1", name: "Invoices", status: "ok", summary: "Three new invoices.", text: "Three new invoices.", finishedAtMs: expect.any(Number) },
    });
    expect(systemEvents).toEqual([]);
  });

  it("should fail the run when the receiver refuses, unless delivery is best effort", async () => {
    const { execute } = executor();
    const url = `http://127.0.0.1:${server.port}/fail`;
    expect(await execute(job(url))).toEqual({ status: "error", error: `webhook delivery to http://127.0.0.1:${server.port} failed: HTTP 503`, summary: "Three new invoices." });
    expect(await execute(job(url, true))).toEqual({ status: "ok", summary: "Three new invoices." });
  });

  it("should require a URL", async () => {
    const { execute } = executor();
    expect(await execute(job(""))).toEqual({ status: "error", error: "delivery.to: a webhook URL is required for delivery.mode webhook" });
  });
});
