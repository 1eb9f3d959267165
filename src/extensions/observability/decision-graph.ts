/**
 * @module The decision graph (extensions.md §5): rebuilds *why* the agent did something from the trace events'
 * `parentEvent` links. `buildFromSession` returns the session's events as a forest (an event whose parent is not in
 * the session is a root), `explainAction` walks from one event up to its root cause. Both are cycle-safe: a link
 * that would close a cycle is not followed (the event becomes a root), and the upward walk keeps a visited set.
 */
import type { AnyTraceEvent, TraceEvent } from "./events.ts";

/** Where the graph reads events. */
export interface EventSource {
  get(id: string): TraceEvent | undefined;
  /** A session's events (any order). */
  session(sessionKey: string): TraceEvent[];
}

/** An event and the events it caused. */
export interface GraphNode<E extends AnyTraceEvent = TraceEvent> {
  event: E;
  children: Array<GraphNode<E>>;
}

/** A session's decision graph. */
export interface DecisionGraph<E extends AnyTraceEvent = TraceEvent> {
  sessionKey: string;
  /** The first root's event id (absent for an empty session). */
  rootEventId?: string;
  /** The forest: root nodes, oldest first; children oldest first. */
  roots: Array<GraphNode<E>>;
  /** Levels of the deepest branch: 0 for no events, 1 for roots only, 3 for run → model call → tool call. */
  depth: number;
  events: number;
}

/** How an upward walk ended. */
export type ExplainEnd = "root" | "missing-parent" | "cycle" | "not-found";

/** The causal chain of one event. */
export interface Explanation<E extends AnyTraceEvent = TraceEvent> {
  eventId: string;
  /** Root cause first, the explained event last; empty when the event does not exist. */
  chain: E[];
  /** `root`: reached an event without a parent; `missing-parent`: a parent is not stored (any more); `cycle`: a link loops back. */
  end: ExplainEnd;
  /** The id of the missing parent when `end` is `missing-parent`. */
  missing?: string;
}

/** Longest chain walked (a guard on corrupt data; a real chain is a few dozen events). */
const MAX_CHAIN = 10_000;

const byTime = (a: GraphNode, b: GraphNode) => a.event.timestamp - b.event.timestamp;

/**
 * Builds the forest of a session from its events' parent links.
 * @example buildFromSession(store, "agent:main:main").depth // 4 for run → llm_call → tool_call → llm_call
 */
export function buildFromSession(source: EventSource, sessionKey: string): DecisionGraph {
  const events = source.session(sessionKey);
  const nodes = new Map(events.map((event) => [event.id, { event, children: [] } as GraphNode]));
  const parentOf = new Map<string, string>();
  const closesCycle = (child: string, parent: string): boolean => {
    for (let at: string | undefined = parent; at !== undefined; at = parentOf.get(at)) if (at === child) return true;
    return false;
  };
  const roots: GraphNode[] = [];
  for (const node of nodes.values()) {
    const parentId = node.event.parentEvent;
    const parent = parentId !== undefined && parentId !== node.event.id ? nodes.get(parentId) : undefined;
    if (parent && !closesCycle(node.event.id, parentId!)) {
      parentOf.set(node.event.id, parentId!);
      parent.children.push(node);
    } else {
      roots.push(node);
    }
  }
  const depthOf = (node: GraphNode): number => {
    node.children.sort(byTime);
    return 1 + deepest(node.children);
  };
  const deepest = (list: GraphNode[]) => list.reduce((d, n) => Math.max(d, depthOf(n)), 0);
  roots.sort(byTime);
  const depth = deepest(roots);
  return { sessionKey, ...(roots[0] && { rootEventId: roots[0].event.id }), roots, depth, events: nodes.size };
}

/**
 * Walks from `eventId` up its parent links to the root cause.
 * @returns the chain root first, and why the walk stopped
 */
export function explainAction(source: EventSource, eventId: string): Explanation {
  const first = source.get(eventId);
  if (!first) return { eventId, chain: [], end: "not-found" };
  const chain = [first];
  const visited = new Set([first.id]);
  let end: ExplainEnd = "root";
  let missing: string | undefined;
  for (let at = first; at.parentEvent !== undefined && chain.length < MAX_CHAIN;) {
    if (visited.has(at.parentEvent)) {
      end = "cycle";
      break;
    }
    const parent = source.get(at.parentEvent);
    if (!parent) {
      end = "missing-parent";
      missing = at.parentEvent;
      break;
    }
    visited.add(parent.id);
    chain.push(parent);
    at = parent;
  }
  return { eventId, chain: chain.reverse(), end, ...(missing !== undefined && { missing }) };
}
