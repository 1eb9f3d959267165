/** @module The types of session lanes: messages, runner context, enqueue results, options and the abort reason. */
import type { QueueOverrides, QueueSettings } from "./queue-settings.ts";

/** A message fed to a lane; extra keys (sender, ids, attachments…) travel to the runner untouched. */
export interface LaneMessage {
  text: string;
  [extra: string]: unknown;
}

/** Receives a steered message; returning `false` refuses it (it then queues as a follow-up). */
export type SteerHandler = (text: string, message: LaneMessage) => boolean | void;

/** What a runner gets for one turn. */
export interface RunContext {
  key: string;
  /** The turn's prompt: one message, or the merged `collect` batch, after any dropped-messages line. */
  text: string;
  /** The messages this turn carries. */
  messages: readonly LaneMessage[];
  /** Aborted by `interrupt` and `abort` (its reason is a {@link RunAbortedError}). */
  signal: AbortSignal;
  /** Registers (or with undefined removes) the hook that receives `steer` messages during this run. */
  onSteer(fn: SteerHandler | undefined): void;
}

/** Runs one turn. Errors are reported to `onError` and never break the lane. */
export type LaneRunner = (ctx: RunContext) => Promise<void>;

/** What `SessionLanes.enqueue` did with a message. */
export type EnqueueOutcome = "started" | "queued" | "steered" | "interrupted" | "dropped";

/** Result of `SessionLanes.enqueue`. */
export interface EnqueueResult {
  outcome: EnqueueOutcome;
  /** Resolves (never rejects) when the turn carrying the message ends, or when the message is dropped or cleared. */
  settled: Promise<void>;
}

/** The clock and timers (injectable for tests). */
export interface LaneTimers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
  now(): number;
}

/** Options of `SessionLanes`. */
export interface SessionLanesOptions {
  /** `messages.queue` from the config. */
  settings?: Partial<QueueSettings>;
  /** Per-session overrides (e.g. the session entry's `queueMode`, `queueCap`…). */
  settingsFor?: (key: string) => QueueOverrides | undefined;
  timers?: Partial<LaneTimers>;
  /** Called with every runner error (and steer-hook error). */
  onError?: (key: string, error: unknown) => void;
}

/** A run in progress. */
export interface ActiveRun {
  key: string;
  startedAt: number;
  text: string;
  /** Messages waiting behind it. */
  queued: number;
}

/** The abort reason given to a run's signal. */
export class RunAbortedError extends Error {
  override readonly name = "RunAbortedError";
  /** @param kind `interrupt` (a newer message) or `stop` (`abort`, i.e. `/stop`). */
  constructor(readonly kind: "interrupt" | "stop") {
    super(kind === "stop" ? "run stopped" : "run interrupted by a newer message");
  }
}
