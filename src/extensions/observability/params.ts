/**
 * @module The parameters of the trace queries, shared by the `trace_*` tools, the `observe.*` methods and the CLI:
 * their TypeBox schemas (built with the host's `Type`, as extensions import only the plugin API) and one parser that
 * turns them into a store filter, naming the field of any bad value (the model may send anything to a tool).
 */
import type { MayrosPluginApi } from "../../plugins/api.ts";
import { isTraceEventType, TRACE_EVENT_TYPES } from "./events.ts";
import type { TraceFilter } from "./trace-store.ts";

/** Default and largest number of events a query returns. */
export const DEFAULT_LIMIT = 100;
export const MAX_LIMIT = 1000;

/** A filter and a row limit. */
export interface ParsedQuery {
  filter: TraceFilter;
  limit: number;
}

const ISO_TIME = "^\\d{4}-\\d{2}-\\d{2}(T\\d{2}:\\d{2}(:\\d{2}(\\.\\d+)?)?(Z|[+-]\\d{2}:?\\d{2})?)?$";

/** The schemas of the query parameters. */
export function querySchemas(T: MayrosPluginApi["Type"]) {
  // Short descriptions: tool schemas travel with every model request.
  const time = T.Optional(T.String({ pattern: ISO_TIME, description: "ISO 8601" }));
  const id = T.Optional(T.String({ minLength: 1 }));
  const filter = { agentId: id, sessionKey: id, runId: id, from: time, to: time };
  const eventId = T.String({ minLength: 1 });
  return {
    events: T.Object({
      ...filter,
      types: T.Optional(T.Array(T.Union(TRACE_EVENT_TYPES.map((t) => T.Literal(t))))),
      limit: T.Optional(T.Integer({ minimum: 1, maximum: MAX_LIMIT, description: `newest N (default ${DEFAULT_LIMIT})` })),
    }, { additionalProperties: false }),
    stats: T.Object({
      ...filter,
      slowThresholdMs: T.Optional(T.Number({ minimum: 0, description: "list calls at least this slow (default 1000)" })),
    }, { additionalProperties: false }),
    explain: T.Object({ eventId }, { additionalProperties: false }),
    graph: T.Object({ sessionKey: T.String({ minLength: 1 }) }, { additionalProperties: false }),
    status: T.Object({}, { additionalProperties: false }),
  };
}

function time(value: unknown, field: string): number | string | undefined {
  if (value === undefined) return undefined;
  const ms = typeof value === "string" && new RegExp(ISO_TIME).test(value) ? Date.parse(value) : NaN;
  return Number.isNaN(ms) ? `${field}: expected an ISO 8601 time such as 2026-05-01T12:00:00Z, got ${JSON.stringify(value)}` : ms;
}

/**
 * Parses query parameters into a filter.
 * @returns the filter and limit, or an error naming the bad field
 * @example parseQuery({ types: ["tool_call"], limit: 5 }) // { filter: { types: ["tool_call"] }, limit: 5 }
 */
export function parseQuery(params: Record<string, unknown>): ParsedQuery | { error: string } {
  const filter: TraceFilter = {};
  for (const key of ["agentId", "sessionKey", "runId"] as const) {
    const v = params[key];
    if (v === undefined) continue;
    if (typeof v !== "string" || v === "") return { error: `${key}: expected a non-empty string` };
    filter[key] = v;
  }
  for (const key of ["from", "to"] as const) {
    const t = time(params[key], key);
    if (typeof t === "string") return { error: t };
    if (t !== undefined) filter[key] = t;
  }
  const types = params.types;
  if (types !== undefined) {
    if (!Array.isArray(types)) return { error: "types: expected an array of event types" };
    const bad = types.find((t) => !isTraceEventType(t));
    if (bad !== undefined) return { error: `types: unknown event type ${JSON.stringify(bad)} (known: ${TRACE_EVENT_TYPES.join(", ")})` };
    filter.types = types;
  }
  const limit = params.limit ?? DEFAULT_LIMIT;
  if (typeof limit !== "number" || !Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) return { error: `limit: expected an integer from 1 to ${MAX_LIMIT}` };
  return { filter, limit };
}
