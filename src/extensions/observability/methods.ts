/**
 * @module The `observe.*` gateway methods (scope `operator.read`; params checked by dispatch against the shared
 * schemas): `observe.events`, `observe.stats`, `observe.explain`, `observe.graph` and `observe.status`.
 */
import type { MayrosPluginApi } from "../../plugins/api.ts";
import type { Observability } from "./observability.ts";
import { parseQuery, querySchemas, type ParsedQuery } from "./params.ts";

/** The method names, for the CLI and tests. */
export const OBSERVE_METHODS = {
  events: "observe.events",
  stats: "observe.stats",
  explain: "observe.explain",
  graph: "observe.graph",
  status: "observe.status",
} as const;

/** Params that passed the schema still go through the parser (times to epoch ms); its error is a bug to report. */
function parsed(params: Record<string, unknown>): ParsedQuery {
  const q = parseQuery(params);
  if ("error" in q) throw new Error(q.error);
  return q;
}

/** Registers the methods. */
export function registerObserveMethods(api: MayrosPluginApi, obs: Observability): void {
  const s = querySchemas(api.Type);
  const scope = "operator.read";
  api.registerGatewayMethod(OBSERVE_METHODS.events, { scope, params: s.events, handler: (p) => ({ events: obs.events(parsed(p)) }) });
  api.registerGatewayMethod(OBSERVE_METHODS.stats, {
    scope, params: s.stats, handler: (p) => obs.stats(parsed(p).filter, p.slowThresholdMs as number | undefined),
  });
  api.registerGatewayMethod(OBSERVE_METHODS.explain, { scope, params: s.explain, handler: (p) => obs.explain(p.eventId as string) });
  api.registerGatewayMethod(OBSERVE_METHODS.graph, { scope, params: s.graph, handler: (p) => obs.graph(p.sessionKey as string) });
  api.registerGatewayMethod(OBSERVE_METHODS.status, { scope, params: s.status, handler: () => obs.status() });
}
