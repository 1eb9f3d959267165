/** @module Test helpers for cron: a fake clock with fake timers, job inputs, and a microtask flush. */
import type { CronJobCreate } from "../../src/cron/index.ts";

/** A pending fake timer. */
export interface FakeTimer {
  id: number;
  fn: () => void;
  /** Requested delay. */
  ms: number;
  /** Fake-clock instant it is due. */
  at: number;
}

/** A manual clock whose timers fire only when the test advances it. */
export class FakeClock {
  private t: number;
  private seq = 0;
  readonly timers = new Map<number, FakeTimer>();

  constructor(start: number) {
    this.t = start;
  }

  readonly now = (): number => this.t;
  readonly setTimer = (fn: () => void, ms: number): number => {
    const id = ++this.seq;
    this.timers.set(id, { id, fn, ms, at: this.t + ms });
    return id;
  };
  readonly clearTimer = (handle: unknown): void => {
    this.timers.delete(handle as number);
  };

  /** The one pending timer (the scheduler keeps at most one). */
  get pending(): FakeTimer | undefined {
    const all = [...this.timers.values()];
    if (all.length > 1) throw new Error(`expected at most one timer, found ${all.length}`);
    return all[0];
  }

  /** Moves the clock without firing anything (a wall-clock jump). */
  set(t: number): void {
    this.t = t;
  }

  /** Fires the pending timer now, whatever its due time, and lets the runs settle. */
  async fire(): Promise<void> {
    const timer = this.pending;
    if (!timer) throw new Error("no timer armed");
    this.timers.delete(timer.id);
    timer.fn();
    await flush();
  }

  /** Advances to `t`, firing each timer at its due instant on the way, and lets the runs settle. */
  async advanceTo(t: number): Promise<void> {
    for (;;) {
      const next = [...this.timers.values()].sort((a, b) => a.at - b.at)[0];
      if (!next || next.at > t) break;
      this.t = Math.max(this.t, next.at);
      this.timers.delete(next.id);
      next.fn();
      await flush();
    }
    this.t = t;
    await flush();
  }

  /** Advances by `ms`. */
  advance(ms: number): Promise<void> {
    return this.advanceTo(this.t + ms);
  }
}

/** Lets pending promise callbacks (runs, `finally`, re-arming) complete; no real waiting. */
export async function flush(): Promise<void> {
  for (let i = 0; i < 50; i++) await Promise.resolve();
}

/** An isolated agent-turn job. */
export function isolatedJob(overrides: Partial<CronJobCreate> = {}): CronJobCreate {
  return {
    name: "Brief", sessionTarget: "isolated", schedule: { kind: "every", everyMs: 60_000 },
    payload: { kind: "agentTurn", message: "Summarize." }, ...overrides,
  };
}

/** A main-session system-event job. */
export function mainJob(overrides: Partial<CronJobCreate> = {}): CronJobCreate {
  return {
    name: "Reminder", sessionTarget: "main", schedule: { kind: "every", everyMs: 60_000 },
    payload: { kind: "systemEvent", text: "Stand up." }, ...overrides,
  };
}
