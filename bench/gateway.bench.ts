/** `bun run bench`: the gateway's figures side by side with a raw `Bun.serve` echo server (and optionally the OpenClaw peer), plus the agent runtime's. */
// Usage: bun bench/gateway.bench.ts [--quick] [--json FILE] [--peer] [--no-bundle]
import { readFileSync, writeFileSync } from "node:fs";
import { measureAgent, type AgentFigures, type AgentOptions } from "./lib/agent.ts";
import { measurePeer } from "./lib/peer.ts";
import { PINNED, runBench } from "./lib/proc.ts";
import { agentRows, buildRows, renderTable, type PeerFigures } from "./lib/report.ts";
import { runComparison, type SuiteOptions, type TargetFigures } from "./lib/suite.ts";

const args = process.argv.slice(2);
if (args.includes("--help") || args.includes("-h")) {
  console.log([
    "usage: bun bench/gateway.bench.ts [--quick] [--json FILE] [--peer] [--no-bundle]",
    "  --quick      smaller counts (3 cold starts, 200 clients, 2000 requests, 1 s of handshakes, 20 agent clients and runs)",
    "  --json FILE  also write every figure to FILE",
    "  --peer       also measure the OpenClaw reference gateway (../shared/tools/peer; slow: minutes)",
    "  --no-bundle  skip the extra cold start of the compiled single binary",
  ].join("\n"));
  process.exit(0);
}
const quick = args.includes("--quick");
const withPeer = args.includes("--peer");
const withBundle = !args.includes("--no-bundle");
const jsonIdx = args.indexOf("--json");
const jsonFile = jsonIdx >= 0 ? args[jsonIdx + 1] : undefined;
if (jsonIdx >= 0 && !jsonFile) {
  console.error("--json needs a file name");
  process.exit(2);
}

/** Hard wall-clock limit of the whole run; children are killed by the exit hook. */
const DEADLINE_MS = (quick ? 5 : 15) * 60_000 + (withPeer ? 10 * 60_000 : 0);

const log = (line: string) => console.error(line);
const options: SuiteOptions = quick
  ? { coldRuns: 3, warmRuns: 2, clients: 200, healthN: 2000, fanOutRounds: 50, hpsSeconds: 1, hpsWarmupSeconds: 0.5, hpsConcurrency: 4, log }
  : { coldRuns: 10, warmRuns: 5, clients: 1000, healthN: 10_000, fanOutRounds: 200, hpsSeconds: 3, hpsWarmupSeconds: 1, hpsConcurrency: 4, log };

const agentOptions: AgentOptions = quick
  ? { clients: 20, fanOutRuns: 20, window: 8, deltas: 50, seqRuns: 20, loopIterations: 2000, observabilityRuns: 200, log }
  : { clients: 100, fanOutRuns: 100, window: 8, deltas: 50, seqRuns: 200, loopIterations: 10_000, observabilityRuns: 1200, log };

async function main(): Promise<number> {
  const fdLimit = Number(Bun.spawnSync(["sh", "-c", "ulimit -n"]).stdout.toString().trim());
  if (Number.isFinite(fdLimit) && fdLimit < options.clients * 2 + 200) {
    log(`bench: warning: ulimit -n is ${fdLimit}, ${options.clients} clients may run out of file descriptors`);
  }
  const loadAvg = () => readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" ");
  const loadAtStart = loadAvg();
  const env = `bun ${Bun.version}, ${navigator.hardwareConcurrency} cores, ${PINNED ? "servers on core 0, load generator on core 1" : "no CPU pinning"}, ${quick ? "quick" : "full"} mode`;
  log(`bench: ${env}`);

  const { mayros, raw, sizes, bundled } = await runComparison(options, withBundle);

  log(`agent runtime: fan-out to ${agentOptions.clients} clients, ${agentOptions.seqRuns} sequential runs, in-process loop`);
  const agent: AgentFigures = await measureAgent(agentOptions, sizes).catch((err: Error) => ({ errors: [`agent bench failed: ${err.message}`], notes: [] }));

  let peer: PeerFigures | undefined;
  if (withPeer) {
    peer = await measurePeer({ quick, clients: options.clients, hpsConcurrency: options.hpsConcurrency, log }).catch((err: Error) => ({ note: `peer failed: ${err.message}` }));
  }

  const rows = [...buildRows(mayros, raw, peer, bundled), ...agentRows(agent, agentOptions)];
  const load = `load average ${loadAtStart} at start, ${loadAvg()} at end`;
  console.log(`\nMayros gateway vs raw Bun.serve echo (${env}; ${load})\n`);
  console.log(renderTable(rows, withPeer));
  printNotes([mayros, raw], [...(peer?.note ? [peer.note] : []), ...agent.notes]);
  if (agent.errors.length) console.log(`\n${agent.errors.map((e) => e.split("\n")[0]).join("\n")}`);
  if (jsonFile) {
    writeFileSync(jsonFile, `${JSON.stringify({ at: new Date().toISOString(), env, load, options: { ...options, log: undefined }, agentOptions: { ...agentOptions, log: undefined }, sizes, rows, mayros, raw, bundled, peer, agent }, null, 2)}\n`);
    log(`bench: figures written to ${jsonFile}`);
  }
  return 0; // missed targets are reported (✗), not fatal
}

function printNotes(all: TargetFigures[], extra: string[]): void {
  const notes = [...all.flatMap((f) => f.notes.map((n) => `${f.name}: ${n}`)), ...extra];
  if (notes.length) console.log(`\nnotes:\n${notes.map((n) => `  - ${n}`).join("\n")}`);
}

await runBench(main, DEADLINE_MS);
