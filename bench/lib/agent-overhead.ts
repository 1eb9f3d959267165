/** Per-run overhead of the agent runtime: sequential runs against a zero-latency fake model, and the bare run loop in-process. */
import type { ModelEvent } from "../../src/agent/providers/types.ts";
import { runLoop, type LoopHooks } from "../../src/agent/run-loop.ts";
import { agentRun, startAgentGateway, startInstantFake } from "./agent-gateway.ts";
import { stopStarted } from "./cold.ts";
import { cpuMs } from "./proc.ts";
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
  /** The gateway process's CPU time per run (runs and health round trips of the measured batches). */
  serverCpuUsPerRun: number;
}

const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);

/** The raw timings of sequential runs on one gateway. */
export interface OverheadSamples {
  healthMs: number[];
  runMs: number[];
  totalMs: number[];
  wallMs: number;
  /** CPU time the gateway process used meanwhile. */
  serverCpuMs: number;
}

/** A gateway on an instant fake model, warmed up, ready for batches of sequential runs. */
export interface OverheadGateway {
  /** `n` `health` round trips, then `n` sequential one-delta runs, each in a fresh session. */
  batch(n: number): Promise<OverheadSamples>;
  /** Model calls the fake answered. */
  readonly modelCalls: number;
  stop(): Promise<void>;
}

/**
 * Starts a gateway (with `extra` config sections, e.g. `plugins`) on an instant fake and warms it up.
 * @param warmRuns runs (and `health` round trips) before any measurement
 */
export async function startOverheadGateway(warmRuns: number, extra: Parameters<typeof startAgentGateway>[1] = {}): Promise<OverheadGateway> {
  const fake = startInstantFake(["ok"]);
  const started = await startAgentGateway(fake.url, extra).catch((err: Error) => {
    fake.stop();
    throw err;
  });
  const { sock } = started;
  let session = 0;
  const run = (message: string) => agentRun(sock, message, `agent:main:bench-seq-${session++}`).catch((err: Error) => {
    throw new Error(`${err.message}\n--- gateway output ---\n${started.server.tail()}`);
  });
  try {
    for (let i = 0; i < warmRuns; i++) await run("warm-up");
    await requestRtts(sock, warmRuns);
  } catch (err) {
    await stopStarted(started);
    fake.stop();
    throw err;
  }
  return {
    async batch(n) {
      const cpu0 = cpuMs(started.server.pid);
      const healthMs = await requestRtts(sock, n);
      const runMs: number[] = [];
      const totalMs: number[] = [];
      const t0 = performance.now();
      for (let i = 0; i < n; i++) {
        const t = await run(`message ${i}`);
        runMs.push(t.runMs);
        totalMs.push(t.totalMs);
      }
      return { healthMs, runMs, totalMs, wallMs: performance.now() - t0, serverCpuMs: cpuMs(started.server.pid) - cpu0 };
    },
    get modelCalls() {
      return fake.requests;
    },
    async stop() {
      await stopStarted(started);
      fake.stop();
    },
  };
}

/** The figures of one or more batches taken together. */
export function overheadOf(batches: OverheadSamples[]): AgentOverhead {
  const all = (k: "healthMs" | "runMs" | "totalMs") => batches.flatMap((b) => b[k]);
  const runs = all("runMs").length;
  const wallMs = batches.reduce((t, b) => t + b.wallMs, 0);
  const healthMeanMs = mean(all("healthMs"));
  return {
    runs, runsPerSec: Math.round(runs / (wallMs / 1000)), meanRunMs: round(mean(all("runMs")), 3), meanTotalMs: round(mean(all("totalMs")), 3),
    healthMeanMs: round(healthMeanMs, 3), overheadMs: round(mean(all("totalMs")) - healthMeanMs, 3),
    serverCpuUsPerRun: round((batches.reduce((t, b) => t + b.serverCpuMs, 0) * 1000) / Math.max(1, runs), 1),
  };
}

/** Sequential one-delta runs against an instant fake, each in a fresh session, next to bare `health` round trips. */
export async function agentOverhead(runs: number, log: (line: string) => void): Promise<AgentOverhead> {
  const gw = await startOverheadGateway(Math.max(5, Math.floor(runs / 10)));
  try {
    const r = overheadOf([await gw.batch(runs)]);
    log(`[agent] ${r.runs} sequential runs, zero-latency model: ${r.runsPerSec} runs/s, ack → final ${r.meanRunMs} ms, request → final ${r.meanTotalMs} ms, health ${r.healthMeanMs} ms → ${r.overheadMs} ms per run, gateway CPU ${r.serverCpuUsPerRun} µs per run (${gw.modelCalls} model calls)`);
    return r;
  } finally {
    await gw.stop();
  }
}

/** Plugin hooks around each in-process run: the loop hooks of run `i`, and its end (the agent's `runEnded`). */
export interface LoopRunHooks {
  hooks(run: number): LoopHooks;
  ended(run: number): void;
  /** Finishes work the hooks deferred (e.g. buffered writes), inside the timed section. */
  settle?(): void | Promise<void>;
  /** Shown in the log line. */
  label: string;
}

/**
 * µs per `runLoop` call with an in-memory model that streams one text delta and stops (no tools, no I/O).
 * @param withHooks plugin hooks to fire around each run (none: the bare loop)
 */
export async function loopInProcess(iterations: number, log: (line: string) => void, withHooks?: LoopRunHooks): Promise<number> {
  const message = { role: "assistant" as const, content: [{ type: "text" as const, text: "ok" }] };
  const usage = { input: 10, output: 1, cacheRead: 0, cacheWrite: 0 };
  async function* stream(): AsyncIterable<ModelEvent> {
    yield { type: "text", delta: "ok" };
    yield { type: "usage", usage };
    yield { type: "stop", reason: "end_turn", message };
  }
  const signal = new AbortController().signal;
  let run = 0;
  const once = async () => {
    const i = run++;
    await runLoop({
      model: "fake", system: "", history: [], userText: "hi", tools: [], toolContext: { workspace: "/nonexistent", sessionKey: "agent:main:bench" },
      maxToolRounds: 8, maxTokens: 1024, signal, stream, emit: () => {}, persist: () => {}, ...(withHooks && { hooks: withHooks.hooks(i) }),
    });
    withHooks?.ended(i);
  };
  for (let i = 0; i < Math.min(1000, iterations); i++) await once();
  await withHooks?.settle?.();
  const t0 = performance.now();
  for (let i = 0; i < iterations; i++) await once();
  await withHooks?.settle?.();
  const us = round(((performance.now() - t0) * 1000) / iterations, 2);
  log(`[agent] in-process runLoop x${iterations}${withHooks ? ` with ${withHooks.label}` : ""}: ${us} µs per run`);
  return us;
}
