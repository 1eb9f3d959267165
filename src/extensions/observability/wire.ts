/**
 * @module Trace events as they leave the process: the store and the queries keep times in epoch ms, and only the
 * results handed to clients (gateway methods, tool JSON, the CLI, which prints them) carry ISO 8601 timestamps.
 */
import type { DecisionGraph, Explanation, GraphNode } from "./decision-graph.ts";
import type { TraceEvent, TraceEventOut } from "./events.ts";

/**
 * `e` with its timestamp in ISO 8601.
 * @example eventOut({ ...e, timestamp: 0 }).timestamp // "1970-01-01T00:00:00.000Z"
 */
export function eventOut(e: TraceEvent): TraceEventOut {
  return { ...e, timestamp: new Date(e.timestamp).toISOString() };
}

/** A causal chain with ISO timestamps. */
export function explanationOut(x: Explanation): Explanation<TraceEventOut> {
  return { ...x, chain: x.chain.map(eventOut) };
}

/** A session graph with ISO timestamps. */
export function graphOut(g: DecisionGraph): DecisionGraph<TraceEventOut> {
  const node = (n: GraphNode): GraphNode<TraceEventOut> => ({ event: eventOut(n.event), children: n.children.map(node) });
  return { ...g, roots: g.roots.map(node) };
}
