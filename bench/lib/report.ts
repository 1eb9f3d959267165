/** Turns the figures into the side-by-side table (metric | mayros | raw echo | ratio | target [| peer]). */
import { round } from "./stats.ts";
import type { AgentFigures, AgentOptions } from "./agent.ts";
import type { BundledFigures, TargetFigures } from "./suite.ts";

/** Figures of the optional OpenClaw peer, as far as its measure script reports them. */
export interface PeerFigures {
  coldMs?: number;
  idleRssMiB?: number;
  rssClientsMiB?: number;
  clients?: number;
  healthP50Ms?: number;
  healthP99Ms?: number;
  hps?: number;
  note?: string;
}

/** One row of the table. */
export interface Row {
  metric: string;
  mayros: number;
  raw: number;
  /** Human text of the target, without the check mark. */
  target?: string;
  /** Whether the target is met (undefined: no target). */
  pass?: boolean;
  peer?: number;
}

/** Builds the rows from the gateway's and the raw echo's figures. */
export function buildRows(m: TargetFigures, r: TargetFigures, peer?: PeerFigures, bundled?: BundledFigures): Row[] {
  const rows: Row[] = [
    { metric: `cold start → hello-ok, median of ${m.cold.runs} (ms)`, mayros: m.cold.helloMs, raw: r.cold.helloMs, target: "≤ 100 ms", pass: m.cold.helloMs <= 100, peer: peer?.coldMs },
  ];
  if (m.warm) rows.push({ metric: "  start on existing state dir (ms)", mayros: m.warm.helloMs, raw: r.warm?.helloMs ?? r.cold.helloMs });
  // Binary rows: the raw column is the raw echo compiled with the same flags (the floor of a compiled Bun program).
  if (bundled?.cold) rows.push({ metric: "  compiled binary, as shipped; raw compiled too (ms)", mayros: bundled.cold.helloMs, raw: bundled.rawCold?.helloMs ?? r.cold.helloMs, target: "≤ 60 ms", pass: bundled.cold.helloMs <= 60 });
  if (bundled?.warm) rows.push({ metric: "  compiled binary, existing state dir (ms)", mayros: bundled.warm.helloMs, raw: bundled.rawWarm?.helloMs ?? r.cold.helloMs });
  // The raw column is the Bun runtime every compiled binary carries.
  if (bundled?.sizeMB !== undefined) rows.push({ metric: "compiled binary size (MB); raw = the Bun runtime alone", mayros: bundled.sizeMB, raw: bundled.runtimeMB ?? 0, target: "≤ 100 MB", pass: bundled.sizeMB <= 100 });
  rows.push(
    { metric: "idle RSS after 1 handshake (MiB)", mayros: m.idleRssMiB, raw: r.idleRssMiB, target: "≤ 45 MiB", pass: m.idleRssMiB <= 45, peer: peer?.idleRssMiB },
    ...(bundled?.idleRssMiB !== undefined ? [{ metric: "  compiled binary, as shipped; raw compiled too (MiB)", mayros: bundled.idleRssMiB, raw: bundled.rawIdleRssMiB ?? r.idleRssMiB, target: "≤ 40 MiB", pass: bundled.idleRssMiB <= 40 }] : []),
    { metric: `RSS with ${m.fanOut.clients} clients (MiB)`, mayros: m.rssClientsMiB, raw: r.rssClientsMiB, target: "≤ 120 MiB", pass: m.rssClientsMiB <= 120, peer: peer?.clients === m.fanOut.clients ? peer.rssClientsMiB : undefined },
    { metric: `health RTT p50, ${m.health.n} seq. (ms)`, mayros: m.health.p50Ms, raw: r.health.p50Ms, target: "≤ 1.5× raw", pass: m.health.p50Ms <= 1.5 * r.health.p50Ms, peer: peer?.healthP50Ms },
    { metric: `health RTT p99 (ms)`, mayros: m.health.p99Ms, raw: r.health.p99Ms, peer: peer?.healthP99Ms },
    { metric: `handshakes/s (${m.hps.concurrency} loops, close awaited)`, mayros: m.hps.perSec, raw: r.hps.perSec, target: "≥ 2000/s", pass: m.hps.perSec >= 2000, peer: peer?.hps },
    { metric: `fan-out frames/s to ${m.fanOut.clients} clients`, mayros: m.fanOut.framesPerSec, raw: r.fanOut.framesPerSec },
    ...(r.fanOutAlt ? [{ metric: "  raw: ws.send loop, seq per socket", mayros: m.fanOut.framesPerSec, raw: r.fanOutAlt.framesPerSec }] : []),
    { metric: "server CPU per health request (µs)", mayros: m.health.serverCpuUsPerReq, raw: r.health.serverCpuUsPerReq },
    { metric: "server CPU per handshake (µs)", mayros: m.hps.serverCpuUsPerHandshake, raw: r.hps.serverCpuUsPerHandshake },
    { metric: "server CPU per fan-out frame (µs)", mayros: m.fanOut.serverCpuUsPerFrame, raw: r.fanOut.serverCpuUsPerFrame },
    { metric: "RSS after clients closed (MiB)", mayros: m.rssAfterCloseMiB, raw: r.rssAfterCloseMiB },
    { metric: "RSS after handshake run (MiB)", mayros: m.rssAfterHpsMiB, raw: r.rssAfterHpsMiB },
  );
  return rows;
}

/** Rows of the agent-runtime figures ("—" where a part failed or has no raw-echo counterpart). */
export function agentRows(a: AgentFigures, o: AgentOptions): Row[] {
  const { fanOut: f, overhead: v } = a;
  const none = NaN;
  return [
    { metric: `agent events/s to ${f?.clients ?? o.clients} clients (${o.fanOutRuns} runs × ${o.deltas} deltas)`, mayros: f?.framesPerSec ?? none, raw: f?.rawFramesPerSec ?? none },
    { metric: "  agent run ack → final p50 (ms)", mayros: f?.runP50Ms ?? none, raw: none },
    { metric: "  server CPU per agent event frame (µs)", mayros: f?.serverCpuUsPerFrame ?? none, raw: none },
    { metric: `agent runs/s, ${o.seqRuns} seq., zero-latency model`, mayros: v?.runsPerSec ?? none, raw: none },
    { metric: "  mean per run, ack → final (ms)", mayros: v?.meanRunMs ?? none, raw: none },
    { metric: "  run overhead: request → final − health RTT (ms)", mayros: v?.overheadMs ?? none, raw: none },
    { metric: `  in-process runLoop, no HTTP, x${o.loopIterations} (µs/run)`, mayros: a.loopUsPerRun ?? none, raw: none },
    ...observabilityRows(a.observability, o),
  ];
}

/** The observability plugin's cost; the "raw echo" column holds the same figure without the plugin. */
function observabilityRows(x: AgentFigures["observability"], o: AgentOptions): Row[] {
  if (!x) return [];
  return [
    {
      metric: `observability hooks on (raw column: plugin off), ${o.observabilityRuns} runs each: run overhead (ms)`,
      mayros: x.hooks.overheadMs, raw: x.without.overheadMs, target: "≤ 1.05× (issue 10)", pass: x.hooksRatio <= 1.05,
    },
    { metric: "  gateway CPU per run (µs)", mayros: x.hooks.serverCpuUsPerRun, raw: x.without.serverCpuUsPerRun },
    { metric: "  whole plugin (its tools too): run overhead (ms)", mayros: x.with.overheadMs, raw: x.without.overheadMs },
    { metric: "  whole plugin: gateway CPU per run (µs)", mayros: x.with.serverCpuUsPerRun, raw: x.without.serverCpuUsPerRun },
    { metric: "  in-process runLoop with its hooks and writes (raw column: hook runner, no plugins) (µs/run)", mayros: x.loop.withUs, raw: x.loop.noPluginsUs },
  ];
}

const fmt = (x: number | undefined): string => {
  if (x === undefined || Number.isNaN(x)) return "—";
  if (Math.abs(x) >= 1000) return String(Math.round(x));
  if (Math.abs(x) >= 100) return x.toFixed(0);
  if (Math.abs(x) >= 10) return x.toFixed(1);
  return x.toFixed(x >= 1 ? 2 : 3);
};

/** Renders the rows as an aligned text table. */
export function renderTable(rows: Row[], withPeer: boolean): string {
  const header = ["metric", "mayros", "raw echo", "ratio", "target", ...(withPeer ? ["openclaw"] : [])];
  const body = rows.map((row) => [
    row.metric, fmt(row.mayros), fmt(row.raw), row.raw > 0 ? `${round(row.mayros / row.raw, 2).toFixed(2)}×` : "—",
    row.target === undefined ? "" : `${row.target} ${row.pass ? "✓" : "✗"}`,
    ...(withPeer ? [fmt(row.peer)] : []),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((cells) => [...cells[i]!].length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 || i === 4 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join(" | ").trimEnd();
  return [line(header), widths.map((w) => "-".repeat(w)).join("-|-"), ...body.map(line)].join("\n");
}
