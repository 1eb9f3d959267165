/** @module Timers driven by hand for the IoT poller tests: nothing fires until the test says so. */
import type { Timers } from "../../../src/extensions/iot-bridge/poller.ts";

/** Timers that only record what was scheduled; `fire()` runs the pending one. */
export function manualTimers() {
  const pending = new Map<number, { fn: () => void; ms: number }>();
  let next = 0;
  const timers: Timers = {
    setTimeout: (fn, ms) => (pending.set(++next, { fn, ms }), next),
    clearTimeout: (handle) => void pending.delete(handle as number),
  };
  return {
    timers, pending,
    fire() {
      const [id, t] = [...pending][0]!;
      pending.delete(id);
      t.fn();
    },
  };
}
