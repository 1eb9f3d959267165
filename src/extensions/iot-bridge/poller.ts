/**
 * @module A periodic job that never overlaps itself: the next run is scheduled only after the current one has
 * settled (a slow run delays the next), and {@link Poller.pollNow} joins the schedule rather than running beside it.
 * The timer functions are injectable, so tests drive the schedule by hand.
 */

/** The timer functions the poller uses. */
export interface Timers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** The real timers, unref'd so a pending poll never keeps a process alive. */
export const realTimers: Timers = {
  setTimeout: (fn, ms) => {
    const t = setTimeout(fn, ms);
    t.unref?.();
    return t;
  },
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/** Runs `run` every `intervalMs` (measured from the end of one run to the start of the next). */
export class Poller {
  private timer: unknown;
  private running: Promise<void> | undefined;
  private started = false;
  private readonly listeners = new Set<() => void>();

  constructor(private readonly run: () => Promise<void>, private readonly intervalMs: number, private readonly timers: Timers = realTimers) {}

  /** Starts: a first run at once, then one every interval. */
  start(): void {
    if (this.started) return;
    this.started = true;
    void this.pollNow();
  }

  /** Stops scheduling and waits for a run in progress. */
  async stop(): Promise<void> {
    this.started = false;
    this.clear();
    await this.running;
  }

  /** True while a run is in progress. */
  get busy(): boolean {
    return this.running !== undefined;
  }

  /**
   * Runs now: after the run in progress, if any, so runs never overlap and the run awaited started after the call.
   * The next scheduled run counts from the end of this one.
   */
  async pollNow(): Promise<void> {
    while (this.running) await this.running;
    this.clear();
    this.running = this.run().catch(() => {}).finally(() => {
      this.running = undefined;
      if (this.started) this.timer = this.timers.setTimeout(() => void this.pollNow(), this.intervalMs);
      for (const listener of this.listeners) listener();
    });
    await this.running;
  }

  /** Resolves after the next run completes. */
  nextPoll(): Promise<void> {
    return new Promise((resolve) => {
      const once = () => {
        this.listeners.delete(once);
        resolve();
      };
      this.listeners.add(once);
    });
  }

  private clear(): void {
    if (this.timer === undefined) return;
    this.timers.clearTimeout(this.timer);
    this.timer = undefined;
  }
}
