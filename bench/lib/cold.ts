/** Cold-start measurement: spawn a server, poll until a full handshake succeeds, stop it; repeated. */
import { freePort, hasExited, sleep, spawnServer, stopServer, type ServerProc } from "./proc.ts";
import { median, round } from "./stats.ts";
import { freshStateDir, type Target } from "./targets.ts";
import { BenchSocket, CHALLENGE_PREFIX, connectParams } from "./ws.ts";

/** A started server, reachable at `url`, with the timings of its start. */
export interface Started {
  server: ServerProc;
  url: string;
  port: number;
  stateDir: string;
  /** Milliseconds from spawn until the port accepted a WebSocket. */
  openMs: number;
  /** Milliseconds from spawn until `hello-ok` arrived. */
  helloMs: number;
  /** The raw hello-ok frame. */
  hello: string;
  /** The socket that completed the first handshake (still open). */
  sock: BenchSocket;
}

/**
 * Spawns `target` and polls until a handshake completes (poll every ms, at most `timeoutMs`).
 * @param stateDir state directory to use (a fresh one by default)
 * @throws when the server exits or does not answer in time (the process is stopped first)
 */
export async function startAndHandshake(target: Target, stateDir = freshStateDir(), timeoutMs = 15_000): Promise<Started> {
  const port = freePort();
  const url = `ws://127.0.0.1:${port}`;
  const t0 = performance.now();
  const server = spawnServer(target.argv(port), target.env(stateDir));
  let openMs = NaN;
  let lastError = "";
  while (performance.now() - t0 < timeoutMs) {
    if (hasExited(server)) break;
    let sock: BenchSocket;
    try {
      sock = await BenchSocket.open(url, 1000);
    } catch (err) {
      lastError = (err as Error).message;
      await sleep(1);
      continue;
    }
    openMs = performance.now() - t0;
    try {
      const { sock: s, hello } = await handshakeOn(sock, target.token);
      return { server, url, port, stateDir, openMs, helloMs: performance.now() - t0, hello, sock: s };
    } catch (err) {
      lastError = (err as Error).message;
      sock.ws.close();
      break;
    }
  }
  const exited = hasExited(server) ? `exited (code ${server.proc.exitCode ?? server.proc.signalCode}) before` : "did not complete";
  await stopServer(server);
  throw new Error(`${target.name} ${exited} a handshake within ${timeoutMs} ms (${lastError})\n${server.tail()}`);
}

/** Completes the handshake on an already-open socket. */
async function handshakeOn(sock: BenchSocket, token: string): Promise<{ sock: BenchSocket; hello: string }> {
  await sock.next((f) => f.startsWith(CHALLENGE_PREFIX), 5000);
  const hello = await sock.request("connect", connectParams(token, ["operator.admin"]), 5000);
  if (!hello.includes('"hello-ok"')) throw new Error(`connect refused: ${hello.slice(0, 200)}`);
  return { sock, hello };
}

/** Figures of a series of cold starts. */
export interface ColdStartResult {
  runs: number;
  /** Median ms from spawn to hello-ok. */
  helloMs: number;
  /** Median ms from spawn to the port accepting a WebSocket. */
  openMs: number;
  minMs: number;
  maxMs: number;
  /** Every run's ms to hello-ok. */
  samples: number[];
}

/**
 * Spawn-to-hello-ok times of every target, `runs` rounds, the targets alternating inside each round
 * (so load from elsewhere on the machine hits them alike).
 * @param warm reuse one state directory per target (created by an uncounted first start) instead of a fresh one per run
 */
export async function coldStarts(targets: Target[], runs: number, warm = false): Promise<ColdStartResult[]> {
  const shared = targets.map(() => (warm ? freshStateDir() : null));
  for (const [i, t] of targets.entries()) if (shared[i]) await stopStarted(await startAndHandshake(t, shared[i]!));
  const hello: number[][] = targets.map(() => []);
  const open: number[][] = targets.map(() => []);
  for (let r = 0; r < runs; r++) {
    for (const [i, t] of targets.entries()) {
      const started = await startAndHandshake(t, shared[i] ?? freshStateDir());
      hello[i]!.push(started.helloMs);
      open[i]!.push(started.openMs);
      await stopStarted(started);
      await sleep(50);
    }
  }
  return targets.map((_, i) => ({
    runs, helloMs: round(median(hello[i]!), 1), openMs: round(median(open[i]!), 1),
    minMs: round(Math.min(...hello[i]!), 1), maxMs: round(Math.max(...hello[i]!), 1), samples: hello[i]!.map((x) => round(x, 1)),
  }));
}

/** Closes the first socket and stops the server. */
export async function stopStarted(started: Started): Promise<void> {
  await started.sock.close(500);
  await stopServer(started.server);
}
