/**
 * @module A manual clock for phone control: `advance` moves the time and runs the repeating timers that came due,
 * awaiting what they return (the expiry check), so a test knows the check has finished.
 */
import type { Clock } from "../../../src/extensions/phone-control/clock.ts";

/** A clock whose time moves only with {@link FakeClock.advance}. */
export class FakeClock implements Clock {
  private readonly timers = new Set<{ ms: number; next: number; fn: () => unknown }>();

  constructor(public time = Date.UTC(2026, 0, 1)) {}

  now(): number {
    return this.time;
  }

  every(ms: number, fn: () => unknown): () => void {
    const timer = { ms, next: this.time + ms, fn };
    this.timers.add(timer);
    return () => this.timers.delete(timer);
  }

  /** How many timers run. */
  get pending(): number {
    return this.timers.size;
  }

  /** Moves the time by `ms`, running each timer as often as it came due, in time order. */
  async advance(ms: number): Promise<void> {
    const until = this.time + ms;
    for (;;) {
      const due = [...this.timers].filter((t) => t.next <= until).sort((a, b) => a.next - b.next)[0];
      if (!due) break;
      this.time = due.next;
      due.next += due.ms;
      await due.fn();
    }
    this.time = until;
  }
}
