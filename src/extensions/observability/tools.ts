/**
 * @module The agent's trace tools: `trace_query` (events by agent, session, time and type), `trace_stats`
 * (aggregates, slow calls, grouped errors) and `trace_explain` (the causal chain of one event), each answering in
 * text for people (`terminal`, `markdown`) or `json`. A bad parameter is a tool error naming the field.
 */
import type { MayrosPluginApi, PluginTool, PluginToolResult } from "../../plugins/api.ts";
import type { Observability } from "./observability.ts";
import { parseQuery, querySchemas } from "./params.ts";
import { renderChain, renderEvents, renderStats } from "./render.ts";

const text = (t: string, isError = false): PluginToolResult => ({ content: [{ type: "text", text: t }], ...(isError && { isError: true }) });
const json = (value: unknown): PluginToolResult => ({ content: [{ type: "text", text: JSON.stringify(value, null, 2) }], details: value });

/** The three trace tools. */
export function traceTools(api: MayrosPluginApi, obs: Observability): PluginTool[] {
  const T = api.Type;
  const s = querySchemas(T);
  const format = (...values: string[]) => T.Optional(T.Union(values.map((v) => T.Literal(v))));
  return [
    {
      name: "trace_query",
      label: "Trace query",
      description: "List recorded trace events (run starts, LLM calls, tool calls, delegations, errors), filtered by agent, session, run, time and type.",
      parameters: T.Object({ ...s.events.properties, format: format("terminal", "json", "markdown") }, { additionalProperties: false }),
      async execute(_id, params) {
        const q = parseQuery(params);
        if ("error" in q) return text(`trace_query: ${q.error}`, true);
        const events = obs.events(q);
        return params.format === "json" ? json(events) : text(renderEvents(events, params.format === "markdown" ? "markdown" : "terminal"));
      },
    },
    {
      name: "trace_stats",
      label: "Trace statistics",
      description: "Trace statistics: counts, mean durations, tokens per tool and model, slowest calls, errors grouped by message.",
      parameters: T.Object({ ...s.stats.properties, format: format("terminal", "json") }, { additionalProperties: false }),
      async execute(_id, params) {
        const q = parseQuery(params);
        if ("error" in q) return text(`trace_stats: ${q.error}`, true);
        const threshold = params.slowThresholdMs;
        if (threshold !== undefined && (typeof threshold !== "number" || threshold < 0)) return text("trace_stats: slowThresholdMs: expected a number ≥ 0", true);
        const r = obs.stats(q.filter, threshold as number | undefined);
        return params.format === "json" ? json(r) : text(renderStats(r.stats, r.slowOps, r.errors));
      },
    },
    {
      name: "trace_explain",
      label: "Explain a trace event",
      description: "Explain why a trace event happened: its chain of causes up to the run start (e.g. run start → LLM call → tool call).",
      parameters: T.Object({ ...s.explain.properties, format: format("terminal", "json") }, { additionalProperties: false }),
      async execute(_id, params) {
        if (typeof params.eventId !== "string" || params.eventId === "") return text("trace_explain: eventId: expected a trace event id", true);
        const x = obs.explain(params.eventId);
        if (x.end === "not-found") return text(renderChain(x), true);
        return params.format === "json" ? json(x) : text(renderChain(x));
      },
    },
  ];
}
