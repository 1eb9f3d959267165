/**
 * @module Trace events (extensions.md §4): the five types and their fields, plus how a run's root is recorded.
 *
 * Every event is `{id (uuid), type, agentId, timestamp, session?, runId?, parentEvent?, durationMs?, fields}` with
 * string fields. In memory and in SQLite the timestamp is epoch milliseconds; it becomes ISO 8601 only where an event
 * leaves the process (see wire.ts). A run has no hook of its own that carries its id before the first model call, so the **run
 * root** is a `decision` event with `description: "run_start"` written on the first `llm_input` of a run; every
 * other event of the run hangs below it through `parentEvent` (see recorder.ts for the linking rules).
 */

/** The trace event types. */
export const TRACE_EVENT_TYPES = ["tool_call", "llm_call", "decision", "delegation", "error"] as const;

/** A trace event type. */
export type TraceEventType = (typeof TRACE_EVENT_TYPES)[number];

/** The `description` of the decision event that roots a run. */
export const RUN_START = "run_start";

/** One recorded fact about what an agent did, its time of type `Time`. */
export interface TraceEventOf<Time> {
  /** A UUID (version 7: time-ordered). */
  id: string;
  type: TraceEventType;
  agentId: string;
  /** When the event started (a call's start, not its end). */
  timestamp: Time;
  /** The session key. */
  session?: string;
  /** The agent run it belongs to. */
  runId?: string;
  /** The event that caused this one (absent for a run root without a delegation). */
  parentEvent?: string;
  durationMs?: number;
  /**
   * Per type: `tool_call` toolName, toolCallId, input (JSON), output, error?; `llm_call` model (`provider/model`),
   * callId, round, promptTokens, completionTokens, totalTokens, cacheReadTokens, cacheWriteTokens, toolCallIds
   * (JSON array of the tool calls whose results it carried), output, error?; `decision` description, alternatives
   * (JSON array), chosen, reasoning?; `delegation` parentId, childId, task, runId, childSessionKey, mode;
   * `error` error, context?.
   */
  fields: Record<string, string>;
}

/** A trace event in memory and in the store: its time in epoch ms. */
export type TraceEvent = TraceEventOf<number>;

/** A trace event as it leaves the process (method results, tool JSON, CLI): its time in ISO 8601. */
export type TraceEventOut = TraceEventOf<string>;

/** Either form, for what reads neither time (the one-line summaries). */
export type AnyTraceEvent = TraceEvent | TraceEventOut;

/**
 * A new event id: a UUID version 7 (RFC 9562), whose first 48 bits are the time in ms. Time-ordered ids keep the
 * id index append-mostly (random v4 ids made each insert several times slower).
 * @example newEventId() // "01968b2e-7c3a-7d41-9f0e-2b6c1a7e4d55"
 */
export function newEventId(now = Date.now()): string {
  return Bun.randomUUIDv7("hex", now);
}

/** Longest field value kept; longer ones are cut and marked. */
export const MAX_FIELD_CHARS = 4000;

/**
 * `text` cut to `max` characters, with a note of how much was left out.
 * @example clip("abcdef", 3) // "abc…(3 more chars)"
 */
export function clip(text: string, max = MAX_FIELD_CHARS): string {
  return text.length <= max ? text : `${text.slice(0, max)}…(${text.length - max} more chars)`;
}

/** Whether `value` names a trace event type. */
export function isTraceEventType(value: unknown): value is TraceEventType {
  return (TRACE_EVENT_TYPES as readonly unknown[]).includes(value);
}
