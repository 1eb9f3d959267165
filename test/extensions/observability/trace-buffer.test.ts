import { describe, expect, it } from "bun:test";
import type { TraceEvent } from "../../../src/extensions/observability/events.ts";
import { TraceBuffer, type TraceSink } from "../../../src/extensions/observability/trace-buffer.ts";

const ev = (id: string): TraceEvent => ({ id, type: "error", agentId: "main", timestamp: 0, fields: { error: id } });

/** A sink recording each batch; it fails while `failing` is set. */
function sink(): TraceSink & { batches: string[][]; failing: boolean } {
  const s = {
    batches: [] as string[][],
    failing: false,
    insert(events: TraceEvent[]) {
      if (s.failing) throw new Error("disk I/O error");
      s.batches.push(events.map((e) => e.id));
      return 0;
    },
  };
  return s;
}

describe("the trace buffer", () => {
  it("should write nothing until a flush, then everything queued in one batch", () => {
    const s = sink();
    const b = new TraceBuffer(() => s, { capacity: 10, intervalMs: 1000 });
    b.push(ev("a"));
    b.push(ev("b"));
    expect(s.batches).toEqual([]);
    expect(b.status().pending).toBe(2);
    b.flush();
    expect(s.batches).toEqual([["a", "b"]]);
    b.flush();
    expect(s.batches).toHaveLength(1);
    expect(b.status()).toMatchObject({ pending: 0, written: 2, flushes: 1, dropped: 0 });
  });

  it("should flush on its interval", async () => {
    const s = sink();
    const flushed = Promise.withResolvers<{ ok: boolean; written: number }>();
    const b = new TraceBuffer(() => s, { capacity: 10, intervalMs: 100, onFlush: (o) => flushed.resolve(o) });
    b.start();
    b.push(ev("a"));
    expect(await flushed.promise).toEqual({ ok: true, written: 1 });
    expect(s.batches).toEqual([["a"]]);
    b.stop();
  });

  it("should flush what is left on stop and refuse events after it", () => {
    const s = sink();
    const b = new TraceBuffer(() => s, { capacity: 10, intervalMs: 60_000 });
    b.start();
    b.push(ev("a"));
    b.stop();
    expect(s.batches).toEqual([["a"]]);
    b.push(ev("late"));
    b.flush();
    expect(s.batches).toEqual([["a"]]);
    expect(b.status().pending).toBe(0);
  });

  it("should drop the oldest events when full, and count them", () => {
    const s = sink();
    const b = new TraceBuffer(() => s, { capacity: 3, intervalMs: 1000 });
    for (const id of ["a", "b", "c", "d", "e"]) b.push(ev(id));
    b.flush();
    expect(s.batches).toEqual([["c", "d", "e"]]);
    expect(b.status()).toMatchObject({ dropped: 2, written: 3 });
  });

  it("should keep a failed batch in front of newer events for the next flush, and report the error", () => {
    const s = sink();
    const outcomes: Array<{ ok: boolean; error?: string }> = [];
    const b = new TraceBuffer(() => s, { capacity: 3, intervalMs: 1000, onFlush: (o) => outcomes.push(o) });
    b.push(ev("a"));
    b.push(ev("b"));
    s.failing = true;
    b.flush();
    expect(b.status()).toMatchObject({ pending: 2, failedFlushes: 1, lastError: "disk I/O error" });
    b.push(ev("c"));
    b.push(ev("d"));
    s.failing = false;
    b.flush();
    // Capacity 3: the oldest of the four went.
    expect(s.batches).toEqual([["b", "c", "d"]]);
    expect(b.status()).toMatchObject({ pending: 0, dropped: 1, written: 3, flushes: 1, failedFlushes: 1 });
    expect(b.status().lastError).toBeUndefined();
    expect(outcomes.map((o) => o.ok)).toEqual([false, true]);
  });

  it("should not open the sink before the first flush with events", () => {
    let opened = 0;
    const b = new TraceBuffer(() => (opened++, sink()), { capacity: 3, intervalMs: 1000 });
    b.flush();
    expect(opened).toBe(0);
    b.push(ev("a"));
    b.flush();
    expect(opened).toBe(1);
  });
});
