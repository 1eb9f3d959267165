import { describe, expect, it } from "bun:test";
import { escapeHelp, escapeLabelValue, formatValue, histogramSamples, renderExposition } from "../../../src/extensions/observability/prom-text.ts";
import { histogramSeries, parseExposition, sampleValue } from "../../helpers/prometheus.ts";

describe("the Prometheus text exposition", () => {
  it("should escape backslash, double quote and line feed in label values, and a real parser should read them back", () => {
    const tricky = 'C:\\dir\\ "quoted"\nnext line \\n literal';
    expect(escapeLabelValue('a"b\\c\nd')).toBe('a\\"b\\\\c\\nd');
    const text = renderExposition([{ name: "x_total", type: "counter", help: "x", samples: [{ labels: { tool_name: tricky }, value: 3 }] }]);
    expect(text).toBe('# HELP x_total x\n# TYPE x_total counter\nx_total{tool_name="C:\\\\dir\\\\ \\"quoted\\"\\nnext line \\\\n literal"} 3\n');
    const parsed = parseExposition(text).get("x_total")!;
    expect(parsed.metrics).toEqual([{ labels: { tool_name: tricky }, value: "3" }]);
  });

  it("should escape backslash and line feed in HELP but keep quotes", () => {
    expect(escapeHelp('say "hi"\\\nbye')).toBe('say "hi"\\\\\\nbye');
    const text = renderExposition([{ name: "g", type: "gauge", help: 'two\nlines "q" \\', samples: [{ value: 1 }] }]);
    expect(parseExposition(text).get("g")).toMatchObject({ help: 'two\nlines "q" \\', type: "GAUGE", metrics: [{ value: "1" }] });
  });

  it("should write special values as +Inf, -Inf and NaN", () => {
    expect([Infinity, -Infinity, NaN, 0.25, 12].map(formatValue)).toEqual(["+Inf", "-Inf", "NaN", "0.25", "12"]);
  });

  it("should write HELP and TYPE for a family without samples", () => {
    const text = renderExposition([{ name: "none_total", type: "counter", help: "nothing yet", samples: [] }]);
    expect(text).toBe("# HELP none_total nothing yet\n# TYPE none_total counter\n");
    expect(parseExposition(text).get("none_total")).toMatchObject({ type: "COUNTER", metrics: [] });
  });

  it("should make histogram buckets cumulative, end with +Inf equal to _count, and add _sum", () => {
    const samples = histogramSamples({ method: "agent" }, [0.005, 0.1, 1], [2, 0, 3, 1], 1.75);
    expect(samples).toEqual([
      { suffix: "_bucket", labels: { method: "agent", le: "0.005" }, value: 2 },
      { suffix: "_bucket", labels: { method: "agent", le: "0.1" }, value: 2 },
      { suffix: "_bucket", labels: { method: "agent", le: "1" }, value: 5 },
      { suffix: "_bucket", labels: { method: "agent", le: "+Inf" }, value: 6 },
      { suffix: "_sum", labels: { method: "agent" }, value: 1.75 },
      { suffix: "_count", labels: { method: "agent" }, value: 6 },
    ]);
    const text = renderExposition([{
      name: "d_seconds", type: "histogram", help: "latency",
      samples: [...samples, ...histogramSamples({ method: "health" }, [0.005, 0.1, 1], [4, 0, 0, 0], 0.004)],
    }]);
    expect(histogramSeries(text, "d_seconds", { method: "agent" })).toMatchObject({ bucketCounts: [2, 2, 5, 6], count: "6", sum: "1.75" });
    expect(histogramSeries(text, "d_seconds", { method: "health" })).toMatchObject({ bucketCounts: [4, 4, 4, 4], count: "4", sum: "0.004" });
  });

  it("should refuse bucket counts that do not match the bounds", () => {
    expect(() => histogramSamples({}, [1, 2], [1, 2], 0)).toThrow("histogram: 2 bucket counts for 2 bounds (+Inf needs one more)");
  });

  it("should keep families in order, each one's HELP and TYPE before its samples", () => {
    const text = renderExposition([
      { name: "a_total", type: "counter", help: "a", samples: [{ labels: { k: "1" }, value: 1 }, { labels: { k: "2" }, value: 2 }] },
      { name: "b", type: "gauge", help: "b", samples: [{ value: 0 }] },
    ]);
    expect(text.split("\n")).toEqual(["# HELP a_total a", "# TYPE a_total counter", 'a_total{k="1"} 1', 'a_total{k="2"} 2', "# HELP b b", "# TYPE b gauge", "b 0", ""]);
    const families = parseExposition(text);
    expect(sampleValue(families, "a_total", { k: "2" })).toBe(2);
  });
});
