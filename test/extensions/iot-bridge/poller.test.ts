/**
 * @module The poller with hand-driven timers and runs held open by the test: never two runs at once, the next run
 * scheduled only after the current one ends, `pollNow` joining the schedule, and `stop` ending it.
 */
import { describe, expect, it } from "bun:test";
import { Poller } from "../../../src/extensions/iot-bridge/poller.ts";
import { manualTimers } from "./manual-timers.ts";

/** A run that the test ends by hand; counts runs and the most ever in flight at once. */
function heldRuns() {
  const releases: Array<() => void> = [];
  const state = { started: 0, inFlight: 0, maxInFlight: 0 };
  let onStart = () => {};
  const run = () => {
    state.started++;
    state.maxInFlight = Math.max(state.maxInFlight, ++state.inFlight);
    onStart();
    return new Promise<void>((resolve) => releases.push(() => (state.inFlight--, resolve())));
  };
  /** Resolves when the next run starts. */
  const nextStart = () => new Promise<void>((resolve) => (onStart = resolve));
  return { run, state, nextStart, release: () => releases.shift()!() };
}

/** A poller of held runs on manual timers. */
function heldPoller(intervalMs = 30_000) {
  const t = manualTimers();
  const r = heldRuns();
  return { t, r, p: new Poller(r.run, intervalMs, t.timers) };
}

describe("Poller", () => {
  it("should run at once on start and schedule the next run only after the current one ends", async () => {
    const { t, r, p } = heldPoller();
    p.start();
    expect([r.state.started, t.pending.size, p.busy]).toEqual([1, 0, true]);
    const done = p.nextPoll();
    r.release();
    await done;
    expect([...t.pending.values()].map((x) => x.ms)).toEqual([30_000]);
    t.fire();
    expect(r.state.started).toBe(2);
    expect(t.pending.size).toBe(0); // nothing scheduled while the slow run is still going
    r.release();
    await p.nextPoll();
    expect(r.state.maxInFlight).toBe(1);
    await p.stop();
  });

  it("should make pollNow wait for the run in progress, then run once more, never beside it", async () => {
    const { t, r, p } = heldPoller();
    p.start();
    const now = p.pollNow();
    await Promise.resolve();
    expect(r.state.started).toBe(1);
    const second = r.nextStart();
    r.release();
    await second;
    r.release();
    await now;
    expect([r.state.started, r.state.maxInFlight, t.pending.size]).toEqual([2, 1, 1]);
    await p.stop();
  });

  it("should stop scheduling on stop, after the run in progress ends", async () => {
    const { t, r, p } = heldPoller(1000);
    p.start();
    const stopped = p.stop();
    r.release();
    await stopped;
    expect([t.pending.size, p.busy]).toEqual([0, false]);
  });

  it("should keep polling after a run that throws", async () => {
    const t = manualTimers();
    let runs = 0;
    const p = new Poller(async () => {
      runs++;
      throw new Error("boom");
    }, 1000, t.timers);
    await p.pollNow();
    p.start();
    await p.nextPoll();
    expect([runs, t.pending.size]).toEqual([2, 1]);
    await p.stop();
  });
});
