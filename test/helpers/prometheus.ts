/**
 * @module Reading a Prometheus text exposition in tests with a real parser (parse-prometheus-text-format, a port of
 * the Python client's parser: it rejects malformed lines and unescapes label values). That parser folds every series
 * of a histogram into one and keeps `_sum`/`_count` only without labels, so one series of a labelled histogram is read
 * by parsing that series' lines alone, its own labels taken off (the whole text was parsed, labels included, first).
 */
import parsePrometheusTextFormat, { type ParsedFamily, type ParsedSample } from "parse-prometheus-text-format";

/** Every family of `text` by name (throws on a malformed line). */
export function parseExposition(text: string): Map<string, ParsedFamily> {
  return new Map(parsePrometheusTextFormat(text).map((f) => [f.name, f]));
}

/** The value of the sample of `name` whose labels include `labels`; 0 when there is none. */
export function sampleValue(families: Map<string, ParsedFamily>, name: string, labels: Record<string, string> = {}): number {
  const sample = families.get(name)?.metrics.find((s) => Object.entries(labels).every(([k, v]) => s.labels?.[k] === v));
  return sample?.value === undefined ? 0 : Number(sample.value);
}

/** Label matchers as they appear in a sample line (`key="value"`, value escaped as in the exposition). */
const matcher = (k: string, v: string) => `${k}="${v.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n")}"`;

/**
 * One series of the histogram `name`: the lines of `text` carrying every label of `labels`, parsed alone without them.
 * @returns the parsed series, with `bucketCounts` ordered by `le` (+Inf last)
 */
export function histogramSeries(text: string, name: string, labels: Record<string, string>): ParsedSample & { bucketCounts: number[] } {
  parseExposition(text);
  const wanted = Object.entries(labels).map(([k, v]) => matcher(k, v));
  const strip = (line: string) => wanted.reduce((l, m) => l.replace(`${m},`, "").replace(`,${m}`, "").replace(m, ""), line).replace("{}", "");
  const lines = text.split("\n")
    .filter((l) => ["_bucket{", "_sum{", "_count{"].some((suffix) => l.startsWith(`${name}${suffix}`)) && wanted.every((m) => l.includes(m)))
    .map(strip);
  const [family] = parsePrometheusTextFormat([`# TYPE ${name} histogram`, ...lines, ""].join("\n"));
  const series = family?.metrics[0];
  if (!series?.buckets) throw new Error(`no ${name} series with ${wanted.join(",")}`);
  const le = (k: string) => (k === "+Inf" ? Infinity : Number(k));
  const bucketCounts = Object.keys(series.buckets).sort((a, b) => le(a) - le(b)).map((k) => Number(series.buckets![k]));
  return { ...series, bucketCounts };
}
