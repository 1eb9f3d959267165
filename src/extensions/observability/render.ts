/**
 * @module Text renderings of traces for people (tools, CLI): a one-line summary per event type, event lists
 * (terminal or Markdown), causal chains, session trees and statistics. JSON output is the plain objects.
 */
import type { DecisionGraph, Explanation, GraphNode } from "./decision-graph.ts";
import type { AnyTraceEvent, TraceEventOut } from "./events.ts";
import type { ErrorGroup, TraceStats } from "./query-engine.ts";

const ms = (e: AnyTraceEvent) => (e.durationMs !== undefined ? `${Math.round(e.durationMs)} ms` : "");
const failed = (e: AnyTraceEvent) => (e.fields.error ? ` — failed: ${e.fields.error.split("\n")[0]}` : "");

/**
 * One line saying what an event was.
 * @example summarize(toolCallEvent) // "Tool call: list (3 ms)"
 */
export function summarize(e: AnyTraceEvent): string {
  const f = e.fields;
  switch (e.type) {
    case "tool_call":
      return `Tool call: ${f.toolName} (${ms(e)})${failed(e)}`;
    case "llm_call":
      return `LLM call: ${f.model} round ${f.round} (${ms(e)}, ${f.promptTokens} prompt + ${f.completionTokens} completion tokens)${failed(e)}`;
    case "decision":
      return `Decision: ${f.description} -> ${f.chosen}${f.reasoning ? ` (${f.reasoning})` : ""}`;
    case "delegation":
      return `Delegation: run ${f.parentId || "?"} -> run ${f.childId}${f.task ? `: ${f.task}` : ""}`;
    case "error":
      return `Error: ${f.error}${f.context ? ` (${f.context})` : ""}`;
  }
}

/** Events as they left the store (ISO times), one per line (`terminal`) or as a Markdown table. */
export function renderEvents(events: TraceEventOut[], format: "terminal" | "markdown"): string {
  if (events.length === 0) return "No trace events.";
  if (format === "markdown") {
    const cell = (s: string) => s.replace(/\|/g, "\\|").replace(/\n/g, " ");
    return ["| time | type | what | id |", "|---|---|---|---|", ...events.map((e) => `| ${e.timestamp} | ${e.type} | ${cell(summarize(e))} | ${e.id} |`)].join("\n");
  }
  return events.map((e) => `${e.timestamp}  ${e.type.padEnd(10)}  ${summarize(e)}  [${e.id}]`).join("\n");
}

/** A causal chain, root cause first, each step indented under the one that caused it. */
export function renderChain(x: Explanation<AnyTraceEvent>): string {
  if (x.end === "not-found") return `No trace event ${x.eventId}.`;
  const lines = x.chain.map((e, i) => `${"   ".repeat(Math.max(0, i - 1))}${i ? "└─ " : ""}${summarize(e)}  [${e.id}]`);
  if (x.end === "missing-parent") lines.unshift(`(the chain starts at a parent no longer stored: ${x.missing})`);
  if (x.end === "cycle") lines.unshift("(the parent links loop; the chain stops where they would repeat)");
  return lines.join("\n");
}

/** A session's forest, one event per line under its parent. */
export function renderGraph(g: DecisionGraph<AnyTraceEvent>): string {
  if (g.events === 0) return `No trace events in session ${g.sessionKey}.`;
  const lines = [`Session ${g.sessionKey}: ${g.events} events, ${g.roots.length} root(s), depth ${g.depth}`];
  const walk = (node: GraphNode<AnyTraceEvent>, prefix: string, last: boolean, top: boolean) => {
    lines.push(`${prefix}${top ? "" : last ? "└─ " : "├─ "}${summarize(node.event)}  [${node.event.id}]`);
    const next = top ? prefix : `${prefix}${last ? "   " : "│  "}`;
    node.children.forEach((c, i) => walk(c, next, i === node.children.length - 1, false));
  };
  for (const root of g.roots) walk(root, "", true, true);
  return lines.join("\n");
}

/** Statistics, the slowest operations and the grouped errors. */
export function renderStats(s: TraceStats, slow: AnyTraceEvent[], errors: ErrorGroup[]): string {
  const lines = [
    `Events: ${s.totalEvents} (${s.llmCalls} LLM calls, ${s.toolCalls} tool calls, ${s.decisions} decisions, ${s.delegations} delegations, ${s.errors} errors)`,
    `Mean duration: tool call ${s.avgToolDurationMs} ms, LLM call ${s.avgLLMDurationMs} ms`,
    `Tokens: ${s.tokens.prompt} prompt, ${s.tokens.completion} completion`,
  ];
  if (s.tools.length) lines.push("Tools:", ...s.tools.map((t) => `  ${t.toolName}: ${t.calls} calls, ${t.errors} failed, mean ${t.avgMs} ms`));
  if (s.models.length) lines.push("Models:", ...s.models.map((m) => `  ${m.model}: ${m.calls} calls, ${m.promptTokens} prompt + ${m.completionTokens} completion tokens, mean ${m.avgMs} ms`));
  if (slow.length) lines.push("Slowest:", ...slow.map((e) => `  ${summarize(e)}  [${e.id}]`));
  if (errors.length) lines.push("Errors:", ...errors.map((g) => `  ${g.count}× ${g.error.split("\n")[0]} (last ${g.lastSeen})  [${g.lastEventId}]`));
  return lines.join("\n");
}
