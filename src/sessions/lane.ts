/**
 * @module Session lanes (agent.md §2.4, protocol.md §7.4): one run at a time per session key; a
 * message arriving mid-run follows the queue mode — `collect` (merge into one turn after
 * `debounceMs` of quiet), `followup` (one turn each, in order), `interrupt` (abort the run, run the
 * newest) or `steer` (hand it to the running run's steer hook, else as `followup`) — with a cap and
 * a drop policy. `abort` is `/stop`: abort the run and clear the queue.
 */
import { resolveQueueSettings, type QueueSettings } from "./queue-settings.ts";
import {
  RunAbortedError, type ActiveRun, type EnqueueResult, type LaneMessage, type LaneRunner, type LaneTimers, type RunContext,
  type SessionLanesOptions, type SteerHandler,
} from "./lane-types.ts";
import { MAX_SUMMARIES, composeTurn, droppedLine, summarizeDropped } from "./turn.ts";

interface Pending {
  message: LaneMessage;
  runner: LaneRunner;
  settings: QueueSettings;
  resolve: () => void;
}

interface Running {
  controller: AbortController;
  startedAt: number;
  text: string;
  steer?: SteerHandler;
  /** Settled when the run ends (its own batch and steered messages). */
  waiters: (() => void)[];
}

interface Lane {
  running?: Running;
  queue: Pending[];
  droppedCount: number;
  droppedSummaries: string[];
  timer?: unknown;
  lastEnqueueAt: number;
  idleWaiters: (() => void)[];
}

/** Per-session-key run serialization with queue modes. */
export class SessionLanes {
  private readonly lanes = new Map<string, Lane>();
  private readonly timers: LaneTimers;

  constructor(private readonly options: SessionLanesOptions = {}) {
    this.timers = {
      setTimeout: options.timers?.setTimeout ?? ((fn, ms) => setTimeout(fn, ms)),
      clearTimeout: options.timers?.clearTimeout ?? ((h) => clearTimeout(h as ReturnType<typeof setTimeout>)),
      now: options.timers?.now ?? Date.now,
    };
  }

  /** The effective queue settings for `key`: `override`, then the session's, then config, then defaults. */
  settingsFor(key: string, override: Partial<QueueSettings> = {}): QueueSettings {
    const session = this.options.settingsFor?.(key) ?? {};
    return resolveQueueSettings(this.options.settings, {
      queueMode: override.mode ?? session.queueMode,
      queueDebounceMs: override.debounceMs ?? session.queueDebounceMs,
      queueCap: override.cap ?? session.queueCap,
      queueDrop: override.drop ?? session.queueDrop,
    });
  }

  /**
   * Feeds a message to the lane of `key`: an idle lane starts `runner` at once; a busy one applies
   * the queue mode. Queued turns run with the runner of their (newest) message.
   */
  enqueue(key: string, message: LaneMessage, runner: LaneRunner, override?: Partial<QueueSettings>): EnqueueResult {
    const settings = this.settingsFor(key, override);
    const lane = this.laneOf(key);
    const { promise: settled, resolve } = Promise.withResolvers<void>();
    const item: Pending = { message, runner, settings, resolve };
    lane.lastEnqueueAt = this.timers.now();

    if (!lane.running && lane.queue.length === 0 && lane.timer === undefined) {
      this.start(key, lane, [item]);
      return { outcome: "started", settled };
    }
    if (settings.mode === "steer" && lane.running && this.steer(key, lane.running, message)) {
      lane.running.waiters.push(resolve);
      return { outcome: "steered", settled };
    }
    if (settings.mode === "interrupt") {
      this.clearQueue(lane);
      lane.queue.push(item);
      if (lane.running) {
        lane.running.controller.abort(new RunAbortedError("interrupt"));
        return { outcome: "interrupted", settled };
      }
      this.next(key, lane, true);
      return { outcome: "started", settled };
    }
    if (lane.queue.length >= settings.cap) {
      if (settings.drop === "new") {
        resolve();
        return { outcome: "dropped", settled };
      }
      while (lane.queue.length >= settings.cap) {
        const old = lane.queue.shift()!;
        if (settings.drop === "summarize") this.noteDropped(lane, old.message);
        old.resolve();
      }
    }
    lane.queue.push(item);
    if (!lane.running) this.next(key, lane, false); // idle in a collect debounce: restart the quiet period
    return { outcome: "queued", settled };
  }

  /**
   * `/stop`: aborts the running run (if any) and clears the queue.
   * @returns whether a run was aborted and how many queued messages were cleared.
   */
  abort(key: string): { aborted: boolean; cleared: number } {
    const lane = this.lanes.get(key);
    if (!lane) return { aborted: false, cleared: 0 };
    const cleared = this.clearQueue(lane);
    const running = lane.running;
    if (running && !running.controller.signal.aborted) running.controller.abort(new RunAbortedError("stop"));
    if (!running) this.next(key, lane, false);
    return { aborted: running !== undefined, cleared };
  }

  /** True while a run of `key` is in progress. */
  isBusy(key: string): boolean {
    return this.lanes.get(key)?.running !== undefined;
  }

  /** How many messages wait in the lane of `key`. */
  queued(key: string): number {
    return this.lanes.get(key)?.queue.length ?? 0;
  }

  /** Every run in progress. */
  activeRuns(): ActiveRun[] {
    const out: ActiveRun[] = [];
    for (const [key, lane] of this.lanes) {
      if (lane.running) out.push({ key, startedAt: lane.running.startedAt, text: lane.running.text, queued: lane.queue.length });
    }
    return out;
  }

  /** Resolves when the lane of `key` has no run and nothing queued. */
  whenIdle(key: string): Promise<void> {
    const lane = this.lanes.get(key);
    if (!lane) return Promise.resolve();
    return new Promise((resolve) => lane.idleWaiters.push(resolve));
  }

  /** Aborts every run and clears every queue (shutdown). */
  dispose(): void {
    for (const key of [...this.lanes.keys()]) this.abort(key);
  }

  private laneOf(key: string): Lane {
    let lane = this.lanes.get(key);
    if (!lane) {
      lane = { queue: [], droppedCount: 0, droppedSummaries: [], lastEnqueueAt: 0, idleWaiters: [] };
      this.lanes.set(key, lane);
    }
    return lane;
  }

  /** Starts the next queued turn when the lane is free; a `collect` head waits for `debounceMs` of quiet unless `now`. */
  private next(key: string, lane: Lane, now: boolean): void {
    if (lane.timer !== undefined) this.timers.clearTimeout(lane.timer);
    lane.timer = undefined;
    if (lane.running) return;
    const head = lane.queue[0];
    if (!head) {
      if (this.lanes.get(key) === lane) this.lanes.delete(key);
      for (const w of lane.idleWaiters.splice(0)) w();
      return;
    }
    if (head.settings.mode !== "collect") {
      this.start(key, lane, [lane.queue.shift()!]);
      return;
    }
    const debounce = lane.queue.at(-1)!.settings.debounceMs;
    const wait = now ? 0 : lane.lastEnqueueAt + debounce - this.timers.now();
    if (wait > 0) {
      lane.timer = this.timers.setTimeout(() => {
        lane.timer = undefined;
        this.next(key, lane, true);
      }, wait);
      return;
    }
    let n = 0;
    while (n < lane.queue.length && lane.queue[n]!.settings.mode === "collect") n++;
    this.start(key, lane, lane.queue.splice(0, n));
  }

  private start(key: string, lane: Lane, batch: Pending[]): void {
    const messages = batch.map((p) => p.message);
    const dropped = droppedLine(lane.droppedCount, lane.droppedSummaries);
    lane.droppedCount = 0;
    lane.droppedSummaries = [];
    const text = composeTurn(messages, dropped);
    const running: Running = { controller: new AbortController(), startedAt: this.timers.now(), text, waiters: batch.map((p) => p.resolve) };
    lane.running = running;
    const ctx: RunContext = {
      key, text, messages, signal: running.controller.signal,
      onSteer: (fn) => {
        running.steer = fn;
      },
    };
    const runner = batch.at(-1)!.runner;
    const run = async () => {
      try {
        await runner(ctx);
      } catch (err) {
        this.report(key, err);
      }
    };
    void run().then(() => {
      running.steer = undefined;
      if (lane.running === running) lane.running = undefined;
      for (const w of running.waiters.splice(0)) w();
      this.next(key, lane, false);
    });
  }

  private steer(key: string, running: Running, message: LaneMessage): boolean {
    if (!running.steer || running.controller.signal.aborted) return false;
    try {
      return running.steer(message.text, message) !== false;
    } catch (err) {
      this.report(key, err);
      return false;
    }
  }

  private clearQueue(lane: Lane): number {
    if (lane.timer !== undefined) this.timers.clearTimeout(lane.timer);
    lane.timer = undefined;
    const items = lane.queue.splice(0);
    for (const item of items) item.resolve();
    lane.droppedCount = 0;
    lane.droppedSummaries = [];
    return items.length;
  }

  private noteDropped(lane: Lane, message: LaneMessage): void {
    lane.droppedCount++;
    lane.droppedSummaries.push(summarizeDropped(message.text));
    if (lane.droppedSummaries.length > MAX_SUMMARIES) lane.droppedSummaries.shift();
  }

  private report(key: string, err: unknown): void {
    try {
      this.options.onError?.(key, err);
    } catch {
      /* a failing error hook must not break the lane either */
    }
  }
}
