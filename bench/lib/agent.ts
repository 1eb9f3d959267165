/** Agent-runtime figures: run-event fan-out to many WebChat clients, per-run overhead over HTTP, and the bare run loop in-process. */
import { startAnthropicFake } from "../../test/fakes/anthropic-fake.ts";
import { agentRun, isAgentEvent, startAgentGateway } from "./agent-gateway.ts";
import { agentOverhead, loopInProcess, type AgentOverhead } from "./agent-overhead.ts";
import { observabilityOverhead, type ObservabilityFigures } from "./observability-overhead.ts";
import { startAndHandshake, stopStarted } from "./cold.ts";
import { closeAll, connectMany, fanOut } from "./load.ts";
import { cpuMs, sleep } from "./proc.ts";
import { median, round } from "./stats.ts";
import { BENCH_TOKEN, rawTarget, type FrameSizes } from "./targets.ts";

/** Sizes of the agent figures (`--quick` shrinks them). */
export interface AgentOptions {
  /** WebChat (operator.read) clients receiving the run events. */
  clients: number;
  /** `agent` runs of the fan-out figure, `window` in flight (each in its own session). */
  fanOutRuns: number;
  window: number;
  /** Text deltas of each fan-out reply. */
  deltas: number;
  /** Sequential runs against the instant fake. */
  seqRuns: number;
  /** In-process `runLoop` iterations. */
  loopIterations: number;
  /** Runs per gateway (off and on, alternating batches) for the observability plugin's cost. */
  observabilityRuns: number;
  log: (line: string) => void;
}

export type { AgentOverhead } from "./agent-overhead.ts";

/** Agent-event fan-out figures. */
export interface AgentFanOut {
  clients: number;
  runs: number;
  deltas: number;
  /** `agent` events one client receives per run (measured on a warm-up run). */
  eventsPerRun: number;
  /** `agent` frames received across all clients per second, first request to last frame. */
  framesPerSec: number;
  received: number;
  expected: number;
  closedClients: number;
  /** Median ms from ack to final response. */
  runP50Ms: number;
  eventBytes: number;
  serverCpuUsPerFrame: number;
  /** The raw echo's `server.publish` fan-out of as many frames of the same size to as many clients. */
  rawFramesPerSec?: number;
}

/** Everything the agent part measured; a failed part leaves its figure out and adds an error. */
export interface AgentFigures {
  fanOut?: AgentFanOut;
  overhead?: AgentOverhead;
  /** µs per in-process `runLoop` with an in-memory model (no HTTP, no gateway). */
  loopUsPerRun?: number;
  /** The run overhead and the in-process loop without and with the observability plugin. */
  observability?: ObservabilityFigures;
  /** `agent bench failed: …` lines, one per failed part. */
  errors: string[];
  /** Problems noticed on the way (not fatal). */
  notes: string[];
}

/** Runs every agent figure; failures are caught per part and reported as `agent bench failed: …`. */
export async function measureAgent(o: AgentOptions, sizes: FrameSizes): Promise<AgentFigures> {
  const figures: AgentFigures = { errors: [], notes: [] };
  const part = async (name: string, fn: () => Promise<void>) => {
    try {
      await fn();
    } catch (err) {
      const line = `agent bench failed: ${name}: ${(err as Error).message}`;
      figures.errors.push(line);
      o.log(line);
    }
  };
  await part("fan-out", async () => {
    const f = (figures.fanOut = await agentFanOut(o, sizes));
    if (f.received < f.expected) figures.notes.push(`agent fan-out: only ${f.received} of ${f.expected} agent frames arrived`);
    if (f.closedClients > 0) figures.notes.push(`agent fan-out: ${f.closedClients} clients were closed by the server`);
  });
  await part("run overhead", async () => void (figures.overhead = await agentOverhead(o.seqRuns, o.log)));
  await part("in-process loop", async () => void (figures.loopUsPerRun = await loopInProcess(o.loopIterations, o.log)));
  await part("observability", async () => {
    figures.observability = await observabilityOverhead({ runs: o.observabilityRuns, loopIterations: o.loopIterations, log: o.log });
  });
  return figures;
}

/** `fanOutRuns` runs of `deltas` text deltas each, their `agent` events counted at `clients` operator.read clients. */
async function agentFanOut(o: AgentOptions, sizes: FrameSizes): Promise<AgentFanOut> {
  const fake = startAnthropicFake();
  const reply = { text: Array.from({ length: o.deltas }, (_, i) => `tok${i} `) };
  const started = await startAgentGateway(fake.url).catch(async (err: Error) => {
    await fake.stop();
    throw err;
  });
  let clients: Awaited<ReturnType<typeof connectMany>> = [];
  try {
    clients = await connectMany(started.url, BENCH_TOKEN, o.clients, ["operator.read"]);
    let received = 0;
    let lastAt = 0;
    let eventBytes = 0;
    for (const c of clients) {
      c.sink = (f) => {
        if (!isAgentEvent(f)) return;
        received++;
        lastAt = performance.now();
        eventBytes = Math.max(eventBytes, f.length);
      };
    }
    fake.script(reply);
    await agentRun(started.sock, "warm-up", "agent:main:bench-warm").catch((err: Error) => {
      throw new Error(`${err.message}\n--- gateway output ---\n${started.server.tail()}`);
    });
    await sleep(300);
    const eventsPerRun = Math.round(received / clients.length);
    if (eventsPerRun === 0) throw new Error("the warm-up run delivered no agent events to the clients");
    received = 0;
    lastAt = 0;
    const expected = o.fanOutRuns * eventsPerRun * clients.length;
    const runMs: number[] = [];
    fake.script(...Array.from({ length: o.fanOutRuns }, () => reply));
    const cpu0 = cpuMs(started.server.pid);
    const t0 = performance.now();
    let sent = 0;
    const lane = async () => {
      while (sent < o.fanOutRuns) {
        const i = sent++;
        runMs.push((await agentRun(started.sock, `run ${i}`, `agent:main:bench-fan-${i}`)).runMs);
      }
    };
    await Promise.all(Array.from({ length: Math.min(o.window, o.fanOutRuns) }, lane));
    let seen = -1;
    let idleSince = performance.now();
    while (received < expected && performance.now() - t0 < 120_000) {
      if (received !== seen) [seen, idleSince] = [received, performance.now()];
      else if (performance.now() - idleSince > 3000) break;
      await sleep(5);
    }
    const wallMs = (lastAt || performance.now()) - t0;
    const serverCpuUsPerFrame = round(((cpuMs(started.server.pid) - cpu0) * 1000) / Math.max(1, received), 2);
    for (const c of clients) c.sink = null;
    const fan: AgentFanOut = {
      clients: clients.length, runs: o.fanOutRuns, deltas: o.deltas, eventsPerRun, framesPerSec: Math.round(received / (wallMs / 1000)),
      received, expected, closedClients: clients.filter((c) => c.closeCode !== null).length, runP50Ms: round(median(runMs), 2), eventBytes, serverCpuUsPerFrame,
    };
    o.log(`[agent] fan-out x${fan.runs} runs (${fan.eventsPerRun} agent events each, ${o.window} in flight, the fake writing one SSE frame per ms) to ${fan.clients} clients: ${fan.framesPerSec} frames/s (${received}/${expected} in ${Math.round(wallMs)} ms, ≤${eventBytes} B, ${serverCpuUsPerFrame} µs server CPU/frame, ${fan.closedClients} closed), run p50 ${fan.runP50Ms} ms`);
    await closeAll(clients);
    clients = [];
    fan.rawFramesPerSec = await rawFanOut(o, { ...sizes, eventBytes }, o.fanOutRuns * eventsPerRun);
    return fan;
  } finally {
    await closeAll(clients);
    await stopStarted(started);
    await fake.stop();
  }
}

/** The raw echo's fan-out of `rounds` broadcasts to `o.clients` clients (undefined when it fails: the figure is a bonus). */
async function rawFanOut(o: AgentOptions, sizes: FrameSizes, rounds: number): Promise<number | undefined> {
  const target = rawTarget(sizes);
  try {
    const started = await startAndHandshake(target);
    try {
      const clients = await connectMany(started.url, target.token, o.clients, ["operator.read"]);
      const fan = await fanOut(target.broadcast, started.sock, clients, rounds);
      await closeAll(clients);
      o.log(`[raw echo] fan-out x${rounds} (${sizes.eventBytes} B) to ${fan.clients} clients: ${fan.framesPerSec} frames/s (${fan.received}/${fan.expected})`);
      return fan.framesPerSec;
    } finally {
      await stopStarted(started);
    }
  } catch (err) {
    o.log(`[raw echo] agent-sized fan-out skipped: ${(err as Error).message}`);
    return undefined;
  }
}
