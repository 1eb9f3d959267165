/** Optional `--peer`: measures the OpenClaw reference gateway with the shared peer tools (start-peer.sh, measure.mjs). */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { freePort, onCleanup, onServerCore, REPO_ROOT, tempDir } from "./proc.ts";
import type { PeerFigures } from "./report.ts";

/** Where the shared peer tools live. */
const PEER_TOOLS = join(REPO_ROOT, "..", "shared", "tools", "peer");
const PEER_TOKEN = "bench-peer-token-0123456789";

/** Options of {@link measurePeer}. */
export interface PeerOptions {
  quick: boolean;
  /** Connected clients for the RSS figure (capped: the peer handshakes slowly). */
  clients: number;
  /** Parallel handshake loops (as for our gateway). */
  hpsConcurrency: number;
  log: (line: string) => void;
}

/** Runs `argv` to completion within `timeoutMs`; kills it (by its PID) when it overruns. */
async function run(argv: string[], timeoutMs: number, env: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const proc = Bun.spawn(argv, { cwd: REPO_ROOT, env: { ...process.env, ...env }, stdin: "ignore", stdout: "pipe", stderr: "pipe" });
  const timer = setTimeout(() => proc.kill("SIGKILL"), timeoutMs);
  const [stdout, stderr] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text()]);
  await proc.exited;
  clearTimeout(timer);
  return { code: proc.exitCode, stdout, stderr };
}

/**
 * Starts the peer, runs measure.mjs against it (cold start too in full mode) and stops it.
 * @throws when the tools are missing or the peer does not start
 */
export async function measurePeer({ quick, clients, hpsConcurrency, log }: PeerOptions): Promise<PeerFigures> {
  const start = join(PEER_TOOLS, "start-peer.sh");
  const stop = join(PEER_TOOLS, "stop-peer.sh");
  if (!existsSync(start) || !Bun.which("node")) throw new Error(`peer tools or node not found (${PEER_TOOLS})`);
  const port = freePort();
  log(`[openclaw] starting the peer on port ${port} (first run installs it; cold start is 11-16 s)`);
  // The peer (and its workers) run on the servers' core; measure.mjs inherits the load generator's.
  const started = await run(onServerCore(["bash", start, String(port), PEER_TOKEN]), 300_000, { READY_TIMEOUT_S: "120" });
  const pid = Number(started.stdout.trim().split("\n").pop());
  if (started.code !== 0 || !Number.isInteger(pid) || pid <= 0) {
    throw new Error(`start-peer.sh failed (exit ${started.code}): ${started.stderr.trim().split("\n").slice(-5).join(" / ")}`);
  }
  const stopPeer = () => Bun.spawnSync(["bash", stop, String(pid)], { stdout: "ignore", stderr: "ignore" });
  const unregister = onCleanup(stopPeer);
  try {
    const peerClients = Math.min(clients, quick ? 100 : 200);
    const jsonFile = join(tempDir("mayros-bench-peer-"), "peer.json");
    const argv = [
      "node", join(PEER_TOOLS, "measure.mjs"), "--url", `ws://127.0.0.1:${port}`, "--token", PEER_TOKEN, "--pid", String(pid),
      "--clients", String(peerClients), "--health-n", String(quick ? 500 : 2000), "--hps-seconds", String(quick ? 2 : 5),
      "--connect-concurrency", "10", "--hps-concurrency", String(hpsConcurrency), "--json", jsonFile, "--deadline", "400",
    ];
    if (!quick) {
      const coldCmd = `exec ${onServerCore(["bash", start]).join(" ")} --foreground {port} {token}`;
      argv.push("--cold-start-cmd", coldCmd, "--cold-port", String(freePort()), "--cold-runs", "3", "--idle-settle", "2", "--cold-timeout", "60");
    }
    log(`[openclaw] measure.mjs: ${quick ? "" : "cold start x3, "}${peerClients} clients, health RTT, handshakes (a few minutes)`);
    const measured = await run(argv, 420_000);
    if (!existsSync(jsonFile)) throw new Error(`measure.mjs wrote no figures (exit ${measured.code}): ${measured.stderr.trim().split("\n").slice(-3).join(" / ")}`);
    const r = JSON.parse(readFileSync(jsonFile, "utf8"));
    return {
      coldMs: r.coldStart?.firstHelloOkMs?.median,
      idleRssMiB: r.rssIdle?.mainMiB ?? undefined,
      rssClientsMiB: r.clients?.rssWithClients?.mainMiB ?? undefined,
      clients: r.clients?.connected,
      healthP50Ms: r.healthRtt?.median,
      healthP99Ms: r.healthRtt?.p99,
      hps: r.handshakes?.perSec,
      note: `openclaw: measured by measure.mjs (Node client with a device identity, main-process RSS, ${hpsConcurrency} handshake loops); `
        + `RSS with ${r.clients?.connected ?? 0} clients ${r.clients?.rssWithClients?.mainMiB ?? "?"} MiB (tree ${r.clients?.rssWithClients?.treeMiB ?? "?"} MiB)`,
    };
  } finally {
    unregister();
    stopPeer();
  }
}
