/** Load phases against a running server: request round trips, many clients, event fan-out, handshake rate. */
import { sleep } from "./proc.ts";
import { median, percentile, round } from "./stats.ts";
import type { Target } from "./targets.ts";
import { BenchSocket } from "./ws.ts";

/** Round-trip figures of sequential requests on one connection. */
export interface RttResult {
  n: number;
  p50Ms: number;
  p99Ms: number;
  meanMs: number;
  /** Size of one response frame in bytes. */
  resBytes: number;
}

/** Round-trip times (ms) of `n` sequential `method` requests on `sock`. */
export async function requestRtts(sock: BenchSocket, n: number, method = "health"): Promise<number[]> {
  const rtts = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const s = performance.now();
    await sock.request(method);
    rtts[i] = performance.now() - s;
  }
  return Array.from(rtts);
}

/** Summarizes round-trip samples. */
export function rttResult(samples: number[], resBytes: number): RttResult {
  return {
    n: samples.length, p50Ms: round(percentile(samples, 50), 3), p99Ms: round(percentile(samples, 99), 3),
    meanMs: round(samples.reduce((a, b) => a + b, 0) / samples.length, 3), resBytes,
  };
}

/**
 * Opens `n` authenticated clients, `concurrency` handshakes at a time; event frames they receive are dropped.
 * @throws when any handshake fails (already opened sockets are closed first)
 */
export async function connectMany(url: string, token: string, n: number, scopes: string[], concurrency = 50): Promise<BenchSocket[]> {
  const socks: BenchSocket[] = [];
  let next = 0;
  let failure: Error | null = null;
  const lane = async () => {
    while (next < n && !failure) {
      next++;
      try {
        const { sock } = await BenchSocket.handshake(url, token, scopes, 10_000);
        sock.dropEvents = true;
        socks.push(sock);
      } catch (err) {
        failure = err as Error;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, n) }, lane));
  if (failure) {
    await closeAll(socks);
    throw new Error(`connecting ${n} clients failed after ${socks.length}: ${(failure as Error).message}`);
  }
  return socks;
}

/** Closes every socket and waits (bounded) for the closes. */
export async function closeAll(socks: BenchSocket[]): Promise<void> {
  await Promise.all(socks.map((s) => s.close(5000)));
}

/** Event fan-out figures. */
export interface FanOutResult {
  rounds: number;
  clients: number;
  /** Frames received across all clients per second, from the first request to the last frame. */
  framesPerSec: number;
  received: number;
  expected: number;
  /** Clients that were closed during the run (e.g. as slow consumers). */
  closedClients: number;
  /** Size of one broadcast frame in bytes. */
  eventBytes: number;
  wallMs: number;
}

/**
 * `rounds` broadcast-triggering requests from `admin` (at most `window` in flight); counts the event frames
 * `clients` receive until all arrived or nothing arrived for 3 s.
 */
export async function fanOut(broadcast: Target["broadcast"], admin: BenchSocket, clients: BenchSocket[], rounds: number, window = 4): Promise<FanOutResult> {
  const { method, params, prefix } = broadcast;
  let received = 0;
  let lastAt = 0;
  let eventBytes = 0;
  for (const c of clients) {
    c.sink = (frame) => {
      if (!frame.startsWith(prefix)) return;
      received++;
      lastAt = performance.now();
      eventBytes = frame.length;
    };
  }
  admin.dropEvents = true;
  const expected = rounds * clients.length;
  const t0 = performance.now();
  let sent = 0;
  const lane = async () => {
    while (sent < rounds) {
      sent++;
      await admin.request(method, params, 30_000);
    }
  };
  await Promise.all(Array.from({ length: Math.min(window, rounds) }, lane));
  let seen = -1;
  let idleSince = performance.now();
  while (received < expected && performance.now() - t0 < 120_000) {
    if (received !== seen) {
      seen = received;
      idleSince = performance.now();
    } else if (performance.now() - idleSince > 3000) break;
    await sleep(5);
  }
  for (const c of clients) c.sink = null;
  const wallMs = (lastAt || performance.now()) - t0;
  return {
    rounds, clients: clients.length, framesPerSec: Math.round(received / (wallMs / 1000)), received, expected,
    closedClients: clients.filter((c) => c.closeCode !== null).length, eventBytes, wallMs: Math.round(wallMs),
  };
}

/** Handshake-rate figures. */
export interface HandshakeRateResult {
  perSec: number;
  /** Wall time of the measured window(s) in ms. */
  wallMs: number;
  /** Every successful cycle's ms (dropped from the JSON output). */
  cycles?: number[];
  ok: number;
  failed: number;
  concurrency: number;
  /** Median ms of one open → hello-ok → closed cycle. */
  cycleP50Ms: number;
  cycleP99Ms: number;
  cycleMaxMs: number;
  firstError?: string;
}

/**
 * Full open → challenge → connect → hello-ok → close (awaited) cycles for `seconds`, `concurrency` loops in parallel.
 * Bounded by `maxCycles` as well.
 */
export async function handshakeRate(url: string, token: string, seconds: number, concurrency = 4, maxCycles = 100_000): Promise<HandshakeRateResult> {
  const cycles: number[] = [];
  let failed = 0;
  let firstError: string | undefined;
  let started = 0;
  const t0 = performance.now();
  const deadline = t0 + seconds * 1000;
  const lane = async () => {
    while (performance.now() < deadline && started < maxCycles) {
      started++;
      const s = performance.now();
      try {
        const { sock } = await BenchSocket.handshake(url, token, ["operator.admin"], 5000);
        await sock.close(2000);
        cycles.push(performance.now() - s);
      } catch (err) {
        failed++;
        firstError ??= (err as Error).message;
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, lane));
  const wall = (performance.now() - t0) / 1000;
  return summarizeHandshakes(cycles, failed, wall * 1000, concurrency, firstError);
}

/** Summarizes handshake cycles (ms each) measured over `wallMs`. */
export function summarizeHandshakes(cycles: number[], failed: number, wallMs: number, concurrency: number, firstError?: string): HandshakeRateResult {
  return {
    perSec: Math.round(cycles.length / (wallMs / 1000)), wallMs: Math.round(wallMs), cycles, ok: cycles.length, failed, concurrency,
    cycleP50Ms: round(median(cycles), 3), cycleP99Ms: round(percentile(cycles, 99), 3),
    cycleMaxMs: round(cycles.reduce((a, b) => Math.max(a, b), 0), 3), ...(firstError && { firstError }),
  };
}

/** Server-side connection counts via `status` (operators include the asking socket), or null when unsupported. */
export async function serverConnections(target: Target, sock: BenchSocket): Promise<{ operators: number; nodes: number; pending: number } | null> {
  if (!target.hasStatus) return null;
  const res = JSON.parse(await sock.request("status")) as { payload: { connections: { operators: number; nodes: number; pending: number } } };
  return res.payload.connections;
}
