/** @module Tests of SessionLanes: per-key serialization and the collect/followup/interrupt/steer queue modes. */
import { beforeEach, describe, expect, it } from "bun:test";
import {
  DEFAULT_QUEUE_SETTINGS, RunAbortedError, SessionLanes, resolveQueueSettings, type LaneRunner, type QueueSettings, type RunContext, type SessionLanesOptions,
} from "../../src/sessions/index.ts";

const KEY = "agent:main:main";

/** Manual timers and clock: nothing fires until `advance`. */
class FakeTimers {
  time = 0;
  private seq = 0;
  private readonly due = new Map<number, { at: number; fn: () => void }>();
  setTimeout = (fn: () => void, ms: number): unknown => {
    this.due.set(++this.seq, { at: this.time + ms, fn });
    return this.seq;
  };
  clearTimeout = (handle: unknown): void => void this.due.delete(handle as number);
  now = (): number => this.time;
  get pending(): number {
    return this.due.size;
  }
  /** Moves the clock forward, firing due timers in order. */
  advance(ms: number): void {
    const end = this.time + ms;
    for (;;) {
      const next = [...this.due.entries()].filter(([, t]) => t.at <= end).sort((a, b) => a[1].at - b[1].at)[0];
      if (!next) break;
      this.due.delete(next[0]);
      this.time = next[1].at;
      next[1].fn();
    }
    this.time = end;
  }
}

/** A run the test finishes (or fails) by hand. */
interface Run {
  ctx: RunContext;
  finish(): void;
  fail(err: unknown): void;
}

/** A runner whose runs wait for the test; `aborts` makes a run end when its signal aborts. */
function controlled({ abortable = true } = {}) {
  const runs: Run[] = [];
  const runner: LaneRunner = (ctx) =>
    new Promise<void>((resolve, reject) => {
      runs.push({ ctx, finish: resolve, fail: reject });
      if (abortable) ctx.signal.addEventListener("abort", () => reject(ctx.signal.reason));
    });
  return { runs, runner, texts: () => runs.map((r) => r.ctx.text) };
}

let timers: FakeTimers;
let errors: unknown[];
const lanes = (settings: Partial<QueueSettings> = {}, extra: SessionLanesOptions = {}) =>
  new SessionLanes({ settings, timers, onError: (_key, err) => errors.push(err), ...extra });

beforeEach(() => {
  timers = new FakeTimers();
  errors = [];
});

describe("SessionLanes serialization", () => {
  it("should start at once when idle and start the second run only after the first ends", async () => {
    const l = lanes({ mode: "followup" });
    const { runs, runner, texts } = controlled();
    const a = l.enqueue(KEY, { text: "A" }, runner);
    expect(a.outcome).toBe("started");
    expect(texts()).toEqual(["A"]);
    const b = l.enqueue(KEY, { text: "B" }, runner);
    expect(b.outcome).toBe("queued");
    expect(texts()).toEqual(["A"]);
    expect(l.isBusy(KEY)).toBe(true);
    expect(l.queued(KEY)).toBe(1);
    expect(l.activeRuns()).toEqual([{ key: KEY, startedAt: 0, text: "A", queued: 1 }]);
    runs[0]!.finish();
    await a.settled;
    expect(texts()).toEqual(["A", "B"]);
    runs[1]!.finish();
    await b.settled;
    await l.whenIdle(KEY);
    expect(l.isBusy(KEY)).toBe(false);
    expect(l.activeRuns()).toEqual([]);
  });

  it("should run different keys independently", () => {
    const l = lanes();
    const { runner, texts } = controlled();
    expect(l.enqueue("agent:main:dm:a", { text: "a" }, runner).outcome).toBe("started");
    expect(l.enqueue("agent:main:dm:b", { text: "b" }, runner).outcome).toBe("started");
    expect(texts()).toEqual(["a", "b"]);
    expect(l.activeRuns().map((r) => r.key)).toEqual(["agent:main:dm:a", "agent:main:dm:b"]);
  });

  it("should keep the lane going after a runner throws or rejects", async () => {
    const l = lanes({ mode: "followup" });
    const boom = new Error("boom");
    const sync: LaneRunner = () => {
      throw boom;
    };
    const { runs, runner, texts } = controlled();
    const first = l.enqueue(KEY, { text: "A" }, runner);
    const second = l.enqueue(KEY, { text: "B" }, sync);
    const third = l.enqueue(KEY, { text: "C" }, runner);
    runs[0]!.fail(new Error("rejected"));
    await first.settled;
    await second.settled;
    expect(texts()).toEqual(["A", "C"]);
    expect(errors.map((e) => (e as Error).message)).toEqual(["rejected", "boom"]);
    runs[1]!.finish();
    await third.settled;
    expect(l.isBusy(KEY)).toBe(false);
  });

  it("should use real timers by default", async () => {
    const l = new SessionLanes({ settings: { mode: "collect", debounceMs: 5 } });
    const { runs, runner: inner } = controlled();
    const second = Promise.withResolvers<RunContext>();
    const runner: LaneRunner = (ctx) => {
      if (runs.length === 1) second.resolve(ctx);
      return inner(ctx);
    };
    l.enqueue(KEY, { text: "A" }, runner);
    const b = l.enqueue(KEY, { text: "B" }, runner);
    l.enqueue(KEY, { text: "C" }, runner);
    runs[0]!.finish();
    expect((await second.promise).text).toContain("Queued #2\nC");
    runs[1]!.finish();
    await b.settled;
  });
});

describe("SessionLanes collect", () => {
  it("should merge queued messages into one turn after debounceMs of quiet", async () => {
    const l = lanes({ mode: "collect", debounceMs: 1000 });
    const { runs, runner, texts } = controlled();
    const a = l.enqueue(KEY, { text: "A" }, runner);
    const b = l.enqueue(KEY, { text: "B" }, runner);
    timers.advance(100);
    l.enqueue(KEY, { text: "C" }, runner);
    runs[0]!.finish();
    await a.settled;
    expect(runs).toHaveLength(1); // C came 0 ms ago: wait the full quiet period
    timers.advance(999);
    expect(runs).toHaveLength(1);
    l.enqueue(KEY, { text: "D" }, runner); // restarts the quiet period
    timers.advance(999);
    expect(runs).toHaveLength(1);
    timers.advance(1);
    expect(texts()[1]).toBe("[Queued messages while the agent was busy]\n\n---\nQueued #1\nB\n\n---\nQueued #2\nC\n\n---\nQueued #3\nD");
    expect(runs[1]!.ctx.messages.map((m) => m.text)).toEqual(["B", "C", "D"]);
    runs[1]!.finish();
    await b.settled;
    expect(runs).toHaveLength(2);
    expect(timers.pending).toBe(0);
  });

  it("should start at once when the last message is older than the debounce", async () => {
    const l = lanes({ mode: "collect", debounceMs: 1000 });
    const { runs, runner, texts } = controlled();
    const a = l.enqueue(KEY, { text: "A" }, runner);
    l.enqueue(KEY, { text: "only" }, runner);
    timers.advance(5000);
    runs[0]!.finish();
    await a.settled;
    expect(texts()).toEqual(["A", "only"]);
  });
});

describe("SessionLanes followup, interrupt and steer", () => {
  it("should run each followup message as its own turn, in order", async () => {
    const l = lanes({ mode: "followup" });
    const { runs, runner, texts } = controlled();
    const results = ["A", "B", "C", "D"].map((text) => l.enqueue(KEY, { text }, runner));
    for (let i = 0; i < 4; i++) {
      expect(texts()).toEqual(["A", "B", "C", "D"].slice(0, i + 1));
      runs[i]!.finish();
      await results[i]!.settled;
    }
    expect(timers.pending).toBe(0);
  });

  it("should abort the running signal on interrupt and run only the newest message", async () => {
    const l = lanes({ mode: "followup" });
    const { runs, runner, texts } = controlled();
    const a = l.enqueue(KEY, { text: "A" }, runner);
    const older = l.enqueue(KEY, { text: "older" }, runner);
    const c = l.enqueue(KEY, { text: "C" }, runner, { mode: "interrupt" });
    expect(c.outcome).toBe("interrupted");
    const signal = runs[0]!.ctx.signal;
    expect(signal.aborted).toBe(true);
    expect(signal.reason).toBeInstanceOf(RunAbortedError);
    expect((signal.reason as RunAbortedError).kind).toBe("interrupt");
    await older.settled; // dropped
    await a.settled;
    expect(texts()).toEqual(["A", "C"]);
    runs[1]!.finish();
    await c.settled;
    expect(runs).toHaveLength(2);
  });

  it("should start an interrupt at once when the lane only waits for a collect debounce", async () => {
    const l = lanes({ mode: "collect", debounceMs: 1000 });
    const { runs, runner, texts } = controlled();
    const a = l.enqueue(KEY, { text: "A" }, runner);
    l.enqueue(KEY, { text: "B" }, runner);
    runs[0]!.finish();
    await a.settled;
    expect(timers.pending).toBe(1);
    expect(l.enqueue(KEY, { text: "now" }, runner, { mode: "interrupt" }).outcome).toBe("started");
    expect(texts()).toEqual(["A", "now"]);
    expect(timers.pending).toBe(0);
  });

  it("should hand steer messages to the running run's hook", async () => {
    const l = lanes({ mode: "steer" });
    const steered: string[] = [];
    const { runs, texts } = controlled();
    const runner: LaneRunner = (ctx) => {
      ctx.onSteer((text) => void steered.push(text));
      return new Promise((resolve) => runs.push({ ctx, finish: resolve, fail: resolve }));
    };
    const a = l.enqueue(KEY, { text: "A" }, runner);
    const b = l.enqueue(KEY, { text: "B" }, runner);
    expect(b.outcome).toBe("steered");
    expect(steered).toEqual(["B"]);
    expect(l.queued(KEY)).toBe(0);
    runs[0]!.finish();
    await Promise.all([a.settled, b.settled]);
    expect(texts()).toEqual(["A"]);
  });

  it("should treat steer as followup when the run has no hook or the hook refuses", async () => {
    const l = lanes({ mode: "steer" });
    const { runs, runner, texts } = controlled();
    const a = l.enqueue(KEY, { text: "A" }, runner);
    expect(l.enqueue(KEY, { text: "B" }, runner).outcome).toBe("queued");
    runs[0]!.ctx.onSteer(() => false);
    expect(l.enqueue(KEY, { text: "C" }, runner).outcome).toBe("queued");
    runs[0]!.finish();
    await a.settled;
    expect(texts()).toEqual(["A", "B"]);
  });
});

describe("SessionLanes cap and abort", () => {
  it("should drop the oldest past the cap and start the next turn with a summary line", async () => {
    const l = lanes({ mode: "collect", debounceMs: 0, cap: 3 });
    const { runs, runner, texts } = controlled();
    const a = l.enqueue(KEY, { text: "A" }, runner);
    const queued = ["first\n  message", "second", "m3", "m4", "m5"].map((text) => l.enqueue(KEY, { text }, runner));
    expect(queued.map((q) => q.outcome)).toEqual(["queued", "queued", "queued", "queued", "queued"]);
    expect(l.queued(KEY)).toBe(3);
    await Promise.all([queued[0]!.settled, queued[1]!.settled]); // dropped ones settle at once
    runs[0]!.finish();
    await a.settled;
    expect(texts()[1]!.split("\n\n")[0]).toBe("[2 earlier messages dropped: first message; second]");
    expect(runs[1]!.ctx.messages.map((m) => m.text)).toEqual(["m3", "m4", "m5"]);
  });

  it("should refuse the newest with drop new and drop silently with drop old", async () => {
    const refuse = lanes({ mode: "followup", cap: 1, drop: "new" });
    const { runner } = controlled();
    refuse.enqueue(KEY, { text: "A" }, runner);
    expect(refuse.enqueue(KEY, { text: "B" }, runner).outcome).toBe("queued");
    const c = refuse.enqueue(KEY, { text: "C" }, runner);
    expect(c.outcome).toBe("dropped");
    await c.settled;

    const old = lanes({ mode: "followup", cap: 1, drop: "old" });
    const second = controlled();
    const a = old.enqueue(KEY, { text: "A" }, second.runner);
    old.enqueue(KEY, { text: "B" }, second.runner);
    old.enqueue(KEY, { text: "C" }, second.runner);
    second.runs[0]!.finish();
    await a.settled;
    expect(second.texts()).toEqual(["A", "C"]);
  });

  it("should abort the run and clear the queue on abort, then stay idle", async () => {
    const l = lanes({ mode: "followup" });
    const { runs, runner, texts } = controlled();
    const a = l.enqueue(KEY, { text: "A" }, runner);
    const rest = [l.enqueue(KEY, { text: "B" }, runner), l.enqueue(KEY, { text: "C" }, runner)];
    expect(l.abort(KEY)).toEqual({ aborted: true, cleared: 2 });
    expect((runs[0]!.ctx.signal.reason as RunAbortedError).kind).toBe("stop");
    await Promise.all([a.settled, ...rest.map((r) => r.settled)]);
    await l.whenIdle(KEY);
    expect(texts()).toEqual(["A"]);
    expect(l.isBusy(KEY)).toBe(false);
    expect(l.abort(KEY)).toEqual({ aborted: false, cleared: 0 });
  });

  it("should clear a pending collect debounce on abort", async () => {
    const l = lanes({ mode: "collect", debounceMs: 1000 });
    const { runs, runner } = controlled();
    const a = l.enqueue(KEY, { text: "A" }, runner);
    l.enqueue(KEY, { text: "B" }, runner);
    runs[0]!.finish();
    await a.settled;
    expect(l.abort(KEY)).toEqual({ aborted: false, cleared: 1 });
    timers.advance(5000);
    expect(runs).toHaveLength(1);
    await l.whenIdle(KEY);
  });

  it("should wait for a runner that ignores its signal before the next run", async () => {
    const l = lanes({ mode: "followup" });
    const { runs, runner, texts } = controlled({ abortable: false });
    const a = l.enqueue(KEY, { text: "A" }, runner);
    const b = l.enqueue(KEY, { text: "B" }, runner, { mode: "interrupt" });
    expect(runs[0]!.ctx.signal.aborted).toBe(true);
    expect(texts()).toEqual(["A"]);
    runs[0]!.finish();
    await a.settled;
    expect(texts()).toEqual(["A", "B"]);
    runs[1]!.finish();
    await b.settled;
  });
});

describe("queue settings", () => {
  it("should default to the Decision values collect, 1000 ms, cap 20, summarize", () => {
    expect(DEFAULT_QUEUE_SETTINGS).toEqual({ mode: "collect", debounceMs: 1000, cap: 20, drop: "summarize" });
    expect(resolveQueueSettings()).toEqual({ ...DEFAULT_QUEUE_SETTINGS });
  });

  it("should take session overrides over config and skip invalid values", () => {
    expect(resolveQueueSettings({ mode: "followup", debounceMs: 250, cap: 3 }, { queueMode: "steer", queueCap: 7, queueDrop: "old" }))
      .toEqual({ mode: "steer", debounceMs: 250, cap: 7, drop: "old" });
    expect(resolveQueueSettings({ mode: "bogus" as never, debounceMs: -1, cap: 0 }, { queueDebounceMs: 1.5, queueCap: 2 }))
      .toEqual({ mode: "collect", debounceMs: 1000, cap: 2, drop: "summarize" });
  });
});

describe("SessionLanes settings", () => {
  it("should prefer the call override, then the session override, then config", () => {
    const l = lanes({ mode: "collect", cap: 5 }, { settingsFor: (key) => (key === KEY ? { queueMode: "followup", queueCap: 9 } : undefined) });
    expect(l.settingsFor("agent:main:dm:x")).toEqual({ mode: "collect", debounceMs: 1000, cap: 5, drop: "summarize" });
    expect(l.settingsFor(KEY)).toEqual({ mode: "followup", debounceMs: 1000, cap: 9, drop: "summarize" });
    expect(l.settingsFor(KEY, { mode: "interrupt", debounceMs: 0 })).toEqual({ mode: "interrupt", debounceMs: 0, cap: 9, drop: "summarize" });
  });
});
