/**
 * @module The `observability` plugin (extensions.md §4–§5, issue 10): trace events with real parent links from the
 * agent hooks, buffered into the plugin's SQLite database; Prometheus metrics at `metrics.path` (default `/metrics`,
 * token-guarded unless the gateway is bound to loopback and the scrape comes from loopback); the decision graph and
 * query engine as `trace_*` tools, `observe.*` methods and `mayros observe` commands. Registration does no I/O (the
 * CLI loads plugins too); the service opens the store and starts the flush timer.
 */
import type { MayrosPluginApi } from "../../plugins/api.ts";
import { observeCli } from "./cli.ts";
import { readObservabilityConfig } from "./config.ts";
import { registerObserveMethods } from "./methods.ts";
import { Observability } from "./observability.ts";
import { EXPOSITION_CONTENT_TYPE } from "./prom-text.ts";
import { traceTools } from "./tools.ts";

/** Registers the plugin's hooks, route, tools, methods, CLI commands and service. */
export function register(api: MayrosPluginApi): void {
  const config = readObservabilityConfig(api.pluginConfig);
  const obs = new Observability(config, api.runtime);
  const { metrics, recorder } = obs;

  // One handler per hook, synchronous: counting and queueing only, so the agent loop never waits on us.
  api.on("llm_input", (e, ctx) => recorder?.llmInput(e, ctx));
  api.on("llm_output", (e) => {
    metrics.llmCall(e);
    recorder?.llmOutput(e);
  });
  api.on("after_tool_call", (e, ctx) => {
    metrics.toolCall(e.toolName);
    recorder?.afterToolCall(e, ctx);
  });
  if (recorder) {
    api.on("agent_end", (e, ctx) => recorder.agentEnd(e, ctx));
    api.on("subagent_spawned", (e, ctx) => recorder.subagentSpawned(e, ctx));
    api.on("subagent_ended", (e, ctx) => recorder.subagentEnded(e, ctx));
  }

  if (config.metrics.enabled) {
    api.registerHttpRoute({
      path: config.metrics.path,
      auth: "non-loopback",
      handler: () => new Response(obs.exposition(), { headers: { "content-type": EXPOSITION_CONTENT_TYPE, "cache-control": "no-store" } }),
    });
  }
  for (const tool of traceTools(api, obs)) api.registerTool(tool);
  registerObserveMethods(api, obs);
  api.registerCli(observeCli(api.runtime), { commands: ["observe"] });
  api.registerService({ id: "observability", start: () => obs.start(), stop: () => obs.stop() });
}
