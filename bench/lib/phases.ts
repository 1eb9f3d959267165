/** The measurement phases run on long-lived servers: each one visits every target in turn (alternating where it matters). */
import type { ColdStartResult, Started } from "./cold.ts";
import {
  closeAll, connectMany, fanOut, handshakeRate, requestRtts, rttResult, serverConnections, summarizeHandshakes,
  type FanOutResult, type HandshakeRateResult, type RttResult,
} from "./load.ts";
import { cpuMs, hasExited, memoryMiB, sleep } from "./proc.ts";
import { round } from "./stats.ts";
import type { Target } from "./targets.ts";

/** Sizes of a run (`--quick` shrinks them). */
export interface SuiteOptions {
  coldRuns: number;
  /** Starts on an existing state directory (0 = skip). */
  warmRuns: number;
  clients: number;
  healthN: number;
  fanOutRounds: number;
  hpsSeconds: number;
  /** Uncounted handshake time before the measured window (JIT warm-up). */
  hpsWarmupSeconds: number;
  hpsConcurrency: number;
  /** Progress lines go here. */
  log: (line: string) => void;
}

/** Everything measured for one target. */
export interface TargetFigures {
  name: string;
  cold: ColdStartResult;
  warm?: ColdStartResult;
  idleRssMiB: number;
  health: RttResult & { serverCpuUsPerReq: number };
  rssClientsMiB: number;
  peakRssClientsMiB: number;
  fanOut: FanOutResult & { serverCpuUsPerFrame: number };
  /** Fan-out through the target's alternative broadcast, when it has one. */
  fanOutAlt?: FanOutResult & { serverCpuUsPerFrame: number };
  rssAfterCloseMiB: number;
  hps: HandshakeRateResult & { serverCpuUsPerHandshake: number };
  rssAfterHpsMiB: number;
  /** Server-side connection counts after all bench clients closed (only the asking socket should remain). */
  leftoverConnections: { operators: number; nodes: number; pending: number } | null;
  /** Problems noticed on the way (not fatal). */
  notes: string[];
}

/** A long-running server of one target and what was measured on it so far. */
export interface Session {
  target: Target;
  started: Started;
  figures: Partial<TargetFigures> & { name: string; notes: string[] };
}

const rss = (pid: number) => round(memoryMiB(pid).rss, 1);

/** Runs `phase` on every session in turn, labelling failures with the target. */
export async function eachSession(sessions: Session[], phase: (s: Session) => Promise<void>): Promise<void> {
  for (const s of sessions) {
    try {
      await phase(s);
    } catch (err) {
      throw new Error(`[${s.target.name}] ${(err as Error).message}\n--- ${s.target.name} output ---\n${s.started.server.tail()}`);
    }
  }
}

/** Idle RSS of every server. */
export async function measureIdle(sessions: Session[], o: SuiteOptions): Promise<void> {
  await eachSession(sessions, async ({ target, started, figures: f }) => {
    f.idleRssMiB = rss(started.server.pid);
    o.log(`[${target.name}] idle RSS ${f.idleRssMiB} MiB`);
  });
}

/** Rounds of alternation between the targets for the round-trip and handshake figures. */
const ALTERNATIONS = 5;

/** `health` round trips: a warm-up each, then {@link ALTERNATIONS} chunks per target, alternating, merged. */
export async function measureHealth(sessions: Session[], o: SuiteOptions): Promise<void> {
  const warmup = Math.min(2000, Math.floor(o.healthN / 5));
  const per = Math.ceil(o.healthN / ALTERNATIONS);
  const acc = sessions.map(() => ({ samples: [] as number[], cpu: 0, resBytes: 0 }));
  await eachSession(sessions, async (s) => {
    acc[sessions.indexOf(s)]!.resBytes = (await s.started.sock.request("health")).length;
    await requestRtts(s.started.sock, warmup);
  });
  for (let pass = 0; pass < ALTERNATIONS; pass++) {
    await eachSession(sessions, async (s) => {
      const a = acc[sessions.indexOf(s)]!;
      const cpu0 = cpuMs(s.started.server.pid);
      a.samples.push(...(await requestRtts(s.started.sock, per)));
      a.cpu += cpuMs(s.started.server.pid) - cpu0;
    });
  }
  sessions.forEach(({ target, figures: f }, i) => {
    const a = acc[i]!;
    f.health = { ...rttResult(a.samples, a.resBytes), serverCpuUsPerReq: round((a.cpu * 1000) / a.samples.length, 1) };
    o.log(`[${target.name}] health x${f.health.n}: p50 ${f.health.p50Ms} ms, p99 ${f.health.p99Ms} ms, ${f.health.serverCpuUsPerReq} µs server CPU/req`);
  });
}

/** Handshake rate: a warm-up each, then {@link ALTERNATIONS} windows per target, alternating, merged. */
export async function measureHandshakes(sessions: Session[], o: SuiteOptions): Promise<void> {
  const acc = sessions.map(() => ({ cycles: [] as number[], failed: 0, wallMs: 0, cpu: 0, firstError: undefined as string | undefined }));
  await eachSession(sessions, async ({ target, started }) => void (await handshakeRate(started.url, target.token, o.hpsWarmupSeconds, o.hpsConcurrency)));
  for (let pass = 0; pass < ALTERNATIONS; pass++) {
    await eachSession(sessions, async (s) => {
      const a = acc[sessions.indexOf(s)]!;
      const cpu0 = cpuMs(s.started.server.pid);
      const r = await handshakeRate(s.started.url, s.target.token, o.hpsSeconds / ALTERNATIONS, o.hpsConcurrency);
      a.cpu += cpuMs(s.started.server.pid) - cpu0;
      a.cycles.push(...(r.cycles ?? []));
      a.failed += r.failed;
      a.wallMs += r.wallMs;
      a.firstError ??= r.firstError;
    });
  }
  sessions.forEach(({ target, figures: f }, i) => {
    const a = acc[i]!;
    const hps = summarizeHandshakes(a.cycles, a.failed, a.wallMs, o.hpsConcurrency, a.firstError);
    delete hps.cycles;
    f.hps = { ...hps, serverCpuUsPerHandshake: round((a.cpu * 1000) / Math.max(1, hps.ok + hps.failed), 1) };
    o.log(`[${target.name}] handshakes: ${hps.perSec}/s (${hps.ok} ok, ${hps.failed} failed, cycle p50 ${hps.cycleP50Ms} ms, p99 ${hps.cycleP99Ms} ms, ${f.hps.serverCpuUsPerHandshake} µs server CPU each)`);
    if (hps.failed > 0) f.notes.push(`handshakes: ${hps.failed} failed (${hps.firstError})`);
  });
}

/** Many clients: RSS with them connected, event fan-out to them, RSS after they closed. */
export async function measureClients(sessions: Session[], o: SuiteOptions): Promise<void> {
  const { log } = o;
  await eachSession(sessions, async ({ target, started, figures: f }) => {
      const t0 = performance.now();
      const clients = await connectMany(started.url, target.token, o.clients, ["operator.read"]);
      const connectMs = Math.round(performance.now() - t0);
      await sleep(1000);
      const mem = memoryMiB(started.server.pid);
      f.rssClientsMiB = round(mem.rss, 1);
      f.peakRssClientsMiB = round(mem.peak, 1);
      log(`[${target.name}] ${o.clients} clients connected in ${connectMs} ms: RSS ${f.rssClientsMiB} MiB (peak ${f.peakRssClientsMiB})`);
      const measure = async (broadcast: Target["broadcast"]) => {
        const cpu0 = cpuMs(started.server.pid);
        const fan = await fanOut(broadcast, started.sock, clients, o.fanOutRounds);
        const result = { ...fan, serverCpuUsPerFrame: round(((cpuMs(started.server.pid) - cpu0) * 1000) / Math.max(1, fan.received), 2) };
        log(`[${target.name}] fan-out x${fan.rounds} (${broadcast.method}): ${fan.framesPerSec} frames/s (${fan.received}/${fan.expected} in ${fan.wallMs} ms, ${fan.eventBytes} B, ${result.serverCpuUsPerFrame} µs server CPU/frame, ${fan.closedClients} closed)`);
        if (fan.received < fan.expected) f.notes.push(`fan-out (${broadcast.method}): only ${fan.received} of ${fan.expected} frames arrived`);
        if (fan.closedClients > 0) f.notes.push(`fan-out (${broadcast.method}): ${fan.closedClients} clients were closed by the server`);
        return result;
      };
      f.fanOut = await measure(target.broadcast);
      if (target.altBroadcast) f.fanOutAlt = await measure(target.altBroadcast);
      await closeAll(clients);
      await sleep(1000);
      f.rssAfterCloseMiB = rss(started.server.pid);
      log(`[${target.name}] RSS after closing the clients ${f.rssAfterCloseMiB} MiB`);
  });
}

/** RSS after the handshake run, and the server-side leak check. */
export async function measureAfter(sessions: Session[]): Promise<void> {
  await eachSession(sessions, async ({ target, started, figures: f }) => {
    await sleep(500);
    f.rssAfterHpsMiB = rss(started.server.pid);
    f.leftoverConnections = await serverConnections(target, started.sock);
    const left = f.leftoverConnections;
    if (left && left.operators + left.nodes + left.pending !== 1) f.notes.push(`server still tracks ${JSON.stringify(left)} connections (expected only the admin socket)`);
    if (hasExited(started.server)) f.notes.push("server exited during the run");
  });
}
