/** Types of parse-prometheus-text-format (the package ships none): what the tests read of its output. */
declare module "parse-prometheus-text-format" {
  /** One series of a family; histograms carry `buckets` (by `le`), `count` and `sum` instead of `value`. */
  export interface ParsedSample {
    value?: string;
    labels?: Record<string, string>;
    buckets?: Record<string, string>;
    count?: string;
    sum?: string;
  }
  /** A metric family; `type` is upper case (`COUNTER`, `GAUGE`, `HISTOGRAM`, `SUMMARY`, `UNTYPED`). */
  export interface ParsedFamily {
    name: string;
    help: string;
    type: string;
    metrics: ParsedSample[];
  }
  /** Parses a text exposition; throws on an invalid line. */
  export default function parsePrometheusTextFormat(text: string): ParsedFamily[];
}
