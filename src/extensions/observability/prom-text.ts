/**
 * @module The Prometheus text exposition format 0.0.4: metric families with `# HELP` and `# TYPE` lines, samples with
 * escaped label values, and histograms as cumulative `_bucket{le}` series with `_sum` and `_count`.
 * See https://prometheus.io/docs/instrumenting/exposition_formats/#text-based-format.
 */

/** The content type of the exposition. */
export const EXPOSITION_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

/** A metric type of the text format. */
export type MetricType = "counter" | "gauge" | "histogram";

/** One sample line: the family name plus `suffix`, its labels, its value. */
export interface Sample {
  /** For histograms: `_bucket`, `_sum` or `_count`. */
  suffix?: "_bucket" | "_sum" | "_count";
  labels?: Record<string, string>;
  value: number;
}

/** A metric family: every sample of one metric name. */
export interface MetricFamily {
  name: string;
  help: string;
  type: MetricType;
  samples: Sample[];
}

/**
 * A label value escaped for the text format: backslash, double quote and line feed.
 * @example escapeLabelValue('a"b\\c\nd') // 'a\\"b\\\\c\\nd'
 */
export function escapeLabelValue(value: string): string {
  return value.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n");
}

/** A `# HELP` text escaped for the text format: backslash and line feed. */
export function escapeHelp(text: string): string {
  return text.replace(/\\/g, "\\\\").replace(/\n/g, "\\n");
}

/**
 * A sample value as the text format writes it (`+Inf`, `-Inf`, `NaN`, or a Go-parsable float).
 * @example formatValue(Infinity) // "+Inf"
 */
export function formatValue(value: number): string {
  if (Number.isNaN(value)) return "NaN";
  if (value === Infinity) return "+Inf";
  if (value === -Infinity) return "-Inf";
  return String(value);
}

function labelSet(labels: Record<string, string> | undefined): string {
  const entries = Object.entries(labels ?? {});
  return entries.length ? `{${entries.map(([k, v]) => `${k}="${escapeLabelValue(v)}"`).join(",")}}` : "";
}

/**
 * The samples of one histogram series: cumulative `_bucket` counts with an `le` label per upper bound (the last is
 * `+Inf`), then `_sum` and `_count`.
 * @param labels the series' labels (`le` is added)
 * @param bounds the finite upper bounds, ascending, in the metric's unit
 * @param counts non-cumulative counts per bucket: one per bound plus a last one for +Inf
 * @param sum the sum of the observed values, in the metric's unit
 * @throws {Error} when `counts` does not have `bounds.length + 1` entries
 */
export function histogramSamples(labels: Record<string, string>, bounds: readonly number[], counts: readonly number[], sum: number): Sample[] {
  if (counts.length !== bounds.length + 1) throw new Error(`histogram: ${counts.length} bucket counts for ${bounds.length} bounds (+Inf needs one more)`);
  const samples: Sample[] = [];
  let cumulative = 0;
  counts.forEach((count, i) => {
    cumulative += count;
    samples.push({ suffix: "_bucket", labels: { ...labels, le: formatValue(i < bounds.length ? bounds[i]! : Infinity) }, value: cumulative });
  });
  samples.push({ suffix: "_sum", labels, value: sum }, { suffix: "_count", labels, value: cumulative });
  return samples;
}

/** The families as one text exposition (each family once, its HELP and TYPE first; ends with a line feed). */
export function renderExposition(families: readonly MetricFamily[]): string {
  const lines: string[] = [];
  for (const f of families) {
    lines.push(`# HELP ${f.name} ${escapeHelp(f.help)}`, `# TYPE ${f.name} ${f.type}`);
    for (const s of f.samples) lines.push(`${f.name}${s.suffix ?? ""}${labelSet(s.labels)} ${formatValue(s.value)}`);
  }
  return `${lines.join("\n")}\n`;
}
