/** `bun bench/observability.bench.ts [--quick]`: the agent run overhead and the in-process run loop without the observability plugin, with its hooks only, and with all of it, side by side (issue 10 target: its hooks add under 5%). Also part of `bun run bench`. */
import { observabilityOverhead } from "./lib/observability-overhead.ts";
import { PINNED, runBench } from "./lib/proc.ts";
import { formatTable } from "../src/cli/output.ts";
import { round } from "./lib/stats.ts";

const quick = process.argv.includes("--quick");
const options = quick ? { runs: 200, loopIterations: 2000 } : { runs: 1200, loopIterations: 10_000 };
const DEADLINE_MS = (quick ? 3 : 10) * 60_000;

async function main(): Promise<number> {
  const env = `bun ${Bun.version}, ${navigator.hardwareConcurrency} cores, ${PINNED ? "gateways on core 0, load generator on core 1" : "no CPU pinning"}`;
  console.error(`bench: ${env}; ${options.runs} runs per gateway in alternating batches`);
  const x = await observabilityOverhead({ ...options, log: (line) => console.error(line) });
  const pct = (r: number) => `${r >= 1 ? "+" : ""}${((r - 1) * 100).toFixed(1)}%`;
  const row = (figure: string, off: number, hooks: number, on: number) => [figure, String(off), String(hooks), pct(hooks / off), String(on), pct(on / off)];
  console.log(`\nObservability plugin: off, hooks only (its trace tools denied to the agent), on (${env})\n`);
  console.log(formatTable(["figure", "off", "hooks only", "added", "on", "added"], [
    row("run overhead: request → final − health RTT (ms)", x.without.overheadMs, x.hooks.overheadMs, x.with.overheadMs),
    row("mean per run, request → final (ms)", x.without.meanTotalMs, x.hooks.meanTotalMs, x.with.meanTotalMs),
    row("gateway CPU per run (µs)", x.without.serverCpuUsPerRun, x.hooks.serverCpuUsPerRun, x.with.serverCpuUsPerRun),
    row("runs/s", x.without.runsPerSec, x.hooks.runsPerSec, x.with.runsPerSec),
  ]).join("\n"));
  console.log(`\nin-process runLoop x${options.loopIterations}, median of 3 (µs/run): bare ${x.loop.bareUs}, hook runner without plugins ${x.loop.noPluginsUs}, with the plugin's hooks and their writes ${x.loop.withUs} (+${round(x.loop.withUs - x.loop.noPluginsUs, 2)} µs)`);
  console.log(`target (issue 10): the observability hooks add under 5% to the run overhead: ${x.hooksRatio <= 1.05 ? "met" : "missed"} (${pct(x.hooksRatio)}; whole plugin ${pct(x.ratio)})`);
  return 0;
}

await runBench(main, DEADLINE_MS);
