/**
 * @module The six `mayros_*` metrics of extensions.md §4, counted from the hooks, plus the trace buffer's own
 * counters. Decisions where our gateway differs from the reference:
 * - `mayros_llm_calls_total{model}` is labelled with the model ref `provider/model`, as configs name models;
 * - `mayros_llm_tokens_total{direction="prompt"}` counts every token the model read (input plus cache reads and
 *   writes), `completion` the output tokens — from the `usage` the hook really carries (the reference read fields
 *   that do not exist);
 * - `mayros_skill_queries_total{tool}` counts calls of tools named `skill_*` (the semantic skills' tools);
 * - we have no Cortex sidecar: `mayros_cortex_requests_total{status}` counts requests to the embedded SQLite trace
 *   store that replaces it (each buffer flush and each trace query), by `success` / `error`;
 * - `mayros_active_skills` stays 0 until a skills extension exists (no hook carries a skill list yet).
 */
import type { PluginHookEvent } from "../../plugins/api.ts";
import type { MetricFamily, Sample } from "./prom-text.ts";
import type { BufferStatus } from "./trace-buffer.ts";

/** A counter with one label. */
class LabelledCounter {
  private readonly values = new Map<string, number>();

  constructor(seed: readonly string[] = []) {
    for (const value of seed) this.values.set(value, 0);
  }

  inc(value: string, by = 1): void {
    this.values.set(value, (this.values.get(value) ?? 0) + by);
  }

  samples(label: string): Sample[] {
    return [...this.values].sort(([a], [b]) => a.localeCompare(b)).map(([value, n]) => ({ labels: { [label]: value }, value: n }));
  }
}

/** What the metrics count. */
export class ObservabilityMetrics {
  private readonly toolCalls = new LabelledCounter();
  private readonly llmCalls = new LabelledCounter();
  private readonly tokens = new LabelledCounter(["prompt", "completion"]);
  private readonly skillQueries = new LabelledCounter();
  private readonly storeRequests = new LabelledCounter(["success", "error"]);

  /** Counts a finished tool call. */
  toolCall(toolName: string): void {
    this.toolCalls.inc(toolName);
    if (toolName.startsWith("skill_")) this.skillQueries.inc(toolName);
  }

  /** Counts a finished model call and its tokens. */
  llmCall(event: PluginHookEvent<"llm_output">): void {
    this.llmCalls.inc(`${event.provider}/${event.model}`);
    const u = event.usage;
    if (!u) return;
    this.tokens.inc("prompt", u.input + u.cacheRead + u.cacheWrite);
    this.tokens.inc("completion", u.output);
  }

  /** Counts one request to the trace store. */
  storeRequest(ok: boolean): void {
    this.storeRequests.inc(ok ? "success" : "error");
  }

  /**
   * Every family, in a fixed order.
   * @param buffer the trace buffer's counters, when tracing is on
   */
  families(buffer?: BufferStatus): MetricFamily[] {
    const families: MetricFamily[] = [
      { name: "mayros_tool_calls_total", type: "counter", help: "Tool calls the agent made, by tool.", samples: this.toolCalls.samples("tool_name") },
      { name: "mayros_llm_calls_total", type: "counter", help: "Model calls, by model ref (provider/model).", samples: this.llmCalls.samples("model") },
      { name: "mayros_llm_tokens_total", type: "counter", help: "Model tokens: prompt (input plus cache reads and writes) and completion (output).", samples: this.tokens.samples("direction") },
      { name: "mayros_skill_queries_total", type: "counter", help: "Calls of skill tools (named skill_*), by tool.", samples: this.skillQueries.samples("tool") },
      {
        name: "mayros_cortex_requests_total", type: "counter", samples: this.storeRequests.samples("status"),
        help: "Requests to the trace store, the embedded SQLite that replaces the Cortex sidecar (buffer flushes and trace queries), by status.",
      },
      { name: "mayros_active_skills", type: "gauge", help: "Skills loaded; 0 until a skills extension exists.", samples: [{ value: 0 }] },
    ];
    if (buffer) {
      families.push(
        { name: "mayros_trace_events_written_total", type: "counter", help: "Trace events written to the trace store.", samples: [{ value: buffer.written }] },
        { name: "mayros_trace_events_dropped_total", type: "counter", help: "Trace events dropped because the in-memory buffer was full.", samples: [{ value: buffer.dropped }] },
        { name: "mayros_trace_events_pending", type: "gauge", help: "Trace events waiting in the buffer for the next flush.", samples: [{ value: buffer.pending }] },
      );
    }
    return families;
  }
}
