/**
 * @module `mayros observe status | events | explain <eventId> | graph <sessionKey> | stats`: each asks the running
 * gateway through `runtime.call` (with the command's `--url`/`--token` flags, which the host adds along with
 * `--json`) and prints text, or the method's JSON with `--json`.
 */
import type { PluginCliRegistrar, PluginRuntime } from "../../plugins/api.ts";
import type { DecisionGraph, Explanation } from "./decision-graph.ts";
import type { TraceEventOut } from "./events.ts";
import { OBSERVE_METHODS } from "./methods.ts";
import type { ObservabilityStatus } from "./observability.ts";
import type { ErrorGroup, TraceStats } from "./query-engine.ts";
import { renderChain, renderEvents, renderGraph, renderStats } from "./render.ts";

type Opts = Record<string, unknown> & { json?: boolean };

const print = (text: string) => process.stdout.write(`${text}\n`);

/** The filter flags shared by `events` and `stats`, as method params. */
function filterParams(o: Opts): Record<string, unknown> {
  const p: Record<string, unknown> = {};
  for (const [flag, param] of [["agent", "agentId"], ["session", "sessionKey"], ["run", "runId"], ["from", "from"], ["to", "to"]] as const) {
    if (typeof o[flag] === "string") p[param] = o[flag];
  }
  return p;
}

/** A positive integer flag, or an error naming it. */
function intFlag(o: Opts, flag: string): number | undefined {
  if (o[flag] === undefined) return undefined;
  const n = Number(o[flag]);
  if (!Number.isInteger(n) || n < 0) throw new Error(`--${flag}: expected a whole number, got ${String(o[flag])}`);
  return n;
}

function statusText(s: ObservabilityStatus): string {
  const b = s.buffer;
  return [
    `tracing: ${s.tracing.enabled ? "on" : "off"} (tool calls ${s.tracing.captureToolCalls ? "on" : "off"}, LLM calls ${s.tracing.captureLLMCalls ? "on" : "off"}, flush every ${s.tracing.flushIntervalMs} ms)`,
    `metrics: ${s.metrics.enabled ? `on at ${s.metrics.path}` : "off"}`,
    `store: ${s.store.events} events${s.store.oldest ? ` from ${s.store.oldest} to ${s.store.newest}` : ""} (keeps at most ${s.retention.maxEvents}, ${s.retention.maxAgeDays} days)`,
    ...(b ? [`buffer: ${b.pending} pending, ${b.written} written, ${b.dropped} dropped, ${b.pruned} pruned, ${b.flushes} flushes${b.failedFlushes ? `, ${b.failedFlushes} failed (last: ${b.lastError})` : ""}`] : []),
    `open runs: ${s.openRuns}`,
  ].join("\n");
}

/** The `observe` command group. */
export function observeCli(runtime: PluginRuntime): PluginCliRegistrar {
  const call = (method: string, params: Record<string, unknown> = {}) => runtime.call(method, params);
  const out = <T>(o: Opts, value: T, text: (v: T) => string) => print(o.json ? JSON.stringify(value, null, 2) : text(value));
  return ({ program }) => {
    const observe = program.command("observe").description("trace events, decision graph and statistics of the running gateway (observability plugin)");
    observe.command("status").description("tracing and metrics settings, buffer and store counters").action(async (o: Opts) => {
      out(o, (await call(OBSERVE_METHODS.status)) as ObservabilityStatus, statusText);
    });
    observe.command("events").description("list trace events, newest last")
      .option("--agent <id>", "only this agent").option("--session <key>", "only this session").option("--run <id>", "only this run")
      .option("--type <type...>", "only these types: tool_call llm_call decision delegation error").option("--from <iso>", "earliest time (ISO 8601)")
      .option("--to <iso>", "latest time (ISO 8601)").option("--limit <n>", "most events (default 100)").option("--format <format>", "terminal or markdown", "terminal")
      .action(async (o: Opts) => {
        const limit = intFlag(o, "limit");
        const params = { ...filterParams(o), ...(Array.isArray(o.type) && { types: o.type }), ...(limit !== undefined && { limit }) };
        const { events } = (await call(OBSERVE_METHODS.events, params)) as { events: TraceEventOut[] };
        out(o, { events }, (v) => renderEvents(v.events, o.format === "markdown" ? "markdown" : "terminal"));
      });
    observe.command("explain").description("the causal chain of a trace event, root cause first").argument("<eventId>").action(async (eventId: string, o: Opts) => {
      const x = (await call(OBSERVE_METHODS.explain, { eventId })) as Explanation<TraceEventOut>;
      if (x.end === "not-found") throw new Error(`no trace event ${eventId}`);
      out(o, x, renderChain);
    });
    observe.command("graph").description("a session's decision graph as a tree").argument("<sessionKey>").action(async (sessionKey: string, o: Opts) => {
      out(o, (await call(OBSERVE_METHODS.graph, { sessionKey })) as DecisionGraph<TraceEventOut>, renderGraph);
    });
    observe.command("stats").description("counts, mean durations, tokens, slowest calls and grouped errors")
      .option("--agent <id>", "only this agent").option("--session <key>", "only this session").option("--run <id>", "only this run")
      .option("--from <iso>", "earliest time (ISO 8601)").option("--to <iso>", "latest time (ISO 8601)").option("--slow <ms>", "list calls at least this slow (default 1000)")
      .action(async (o: Opts) => {
        const slow = intFlag(o, "slow");
        const r = (await call(OBSERVE_METHODS.stats, { ...filterParams(o), ...(slow !== undefined && { slowThresholdMs: slow }) })) as { stats: TraceStats; slowOps: TraceEventOut[]; errors: ErrorGroup[] };
        out(o, r, (v) => renderStats(v.stats, v.slowOps, v.errors));
      });
  };
}
