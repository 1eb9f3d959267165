/** Per-run overhead of the agent runtime: sequential runs against a zero-latency fake model, and the bare run loop in-process. */
import type { ModelEvent } from "../../src/agent/providers/types.ts";
import { runLoop } from "../../src/agent/run-loop.ts";
import { agentRun, startAgentGateway, startInstantFake } from "./agent-gateway.ts";
import { stopStarted } from "./cold.ts";
import { requestRtts } from "./load.ts";
import { round } from "./stats.ts";

/** Per-run overhead against a zero-latency model. */
export interface AgentOverhead {
  runs: number;
  runsPerSec: number;
  /** Mean ms from ack to final. */
  meanRunMs: number;
  /** Mean ms from request to final. */
  meanTotalMs: number;
  /** Mean `health` round trip on the same socket just before. */
  healthMeanMs: number;
  /** `meanTotalMs − healthMeanMs`: what the run adds to a bare request. */
  overheadMs: number;
}

const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);

/** Sequential one-delta runs against an instant fake, each in a fresh session, next to bare `health` round trips. */
export async function agentOverhead(runs: number, log: (line: string) => void): Promise<AgentOverhead> {
  const fake = startInstantFake(["ok"]);
  const started = await startAgentGateway(fake.url).catch((err: Error) => {
    fake.stop();
    throw err;
  });
  try {
    const { sock } = started;
    const warm = Math.max(5, Math.floor(runs / 10));
    for (let i = 0; i < warm; i++) {
      await agentRun(sock, "warm-up", `agent:main:bench-seq-warm-${i}`).catch((err: Error) => {
        throw new Error(`${err.message}\n--- gateway output ---\n${started.server.tail()}`);
      });
    }
    await requestRtts(sock, runs);
    const healthMeanMs = mean(await requestRtts(sock, runs));
    const runMs: number[] = [];
    const totalMs: number[] = [];
    const t0 = performance.now();
    for (let i = 0; i < runs; i++) {
      const t = await agentRun(sock, `message ${i}`, `agent:main:bench-seq-${i}`);
      runMs.push(t.runMs);
      totalMs.push(t.totalMs);
    }
    const wallMs = performance.now() - t0;
    const r: AgentOverhead = {
      runs: runs, runsPerSec: Math.round(runs / (wallMs / 1000)), meanRunMs: round(mean(runMs), 3), meanTotalMs: round(mean(totalMs), 3),
      healthMeanMs: round(healthMeanMs, 3), overheadMs: round(mean(totalMs) - healthMeanMs, 3),
    };
    log(`[agent] ${r.runs} sequential runs, zero-latency model: ${r.runsPerSec} runs/s, ack → final ${r.meanRunMs} ms, request → final ${r.meanTotalMs} ms, health ${r.healthMeanMs} ms → ${r.overheadMs} ms per run (${fake.requests} model calls)`);
    return r;
  } finally {
    await stopStarted(started);
    fake.stop();
  }
}

/** µs per `runLoop` call with an in-memory model that streams one text delta and stops (no tools, no I/O). */
export async function loopInProcess(iterations: number, log: (line: string) => void): Promise<number> {
  const message = { role: "assistant" as const, content: [{ type: "text" as const, text: "ok" }] };
  const usage = { input: 10, output: 1, cacheRead: 0, cacheWrite: 0 };
  async function* stream(): AsyncIterable<ModelEvent> {
    yield { type: "text", delta: "ok" };
    yield { type: "usage", usage };
    yield { type: "stop", reason: "end_turn", message };
  }
  const signal = new AbortController().signal;
  const once = () => runLoop({
    model: "fake", system: "", history: [], userText: "hi", tools: [], toolContext: { workspace: "/nonexistent", sessionKey: "agent:main:bench" },
    maxToolRounds: 8, maxTokens: 1024, signal, stream, emit: () => {}, persist: () => {},
  });
  for (let i = 0; i < Math.min(1000, iterations); i++) await once();
  const t0 = performance.now();
  for (let i = 0; i < iterations; i++) await once();
  const us = round(((performance.now() - t0) * 1000) / iterations, 2);
  log(`[agent] in-process runLoop x${iterations}: ${us} µs per run`);
  return us;
}
