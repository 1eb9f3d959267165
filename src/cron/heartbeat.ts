/**
 * @module The heartbeat runner (agent.md §6.2): a periodic main-session turn. Each beat is skipped
 * when heartbeats are off, outside the active hours, when HEARTBEAT.md has only blanks and headings
 * and no system event waits (no model call), or when the main lane is busy (retried shortly);
 * otherwise the queued system events and the heartbeat prompt run as one turn. A reply that is
 * only the `HEARTBEAT_OK` ack (≤ `ackMaxChars` besides it) is not delivered. Every beat ends in a
 * `heartbeat` event. Timers and the clock are injectable.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Logger } from "../logging/logger.ts";
import type { HeartbeatEvent } from "../protocol/methods/heartbeat.ts";
import { isWithinActiveHours, type ActiveHours } from "./heartbeat-hours.ts";
import { classifyHeartbeatReply, DEFAULT_ACK_MAX_CHARS, DEFAULT_HEARTBEAT_PROMPT, heartbeatMessage, isHeartbeatFileEmpty } from "./heartbeat-reply.ts";
import type { TimerHandle } from "./scheduler.ts";

/** Queued system events kept at most (oldest dropped), as `system-event` does. */
export const MAX_QUEUED_SYSTEM_EVENTS = 100;
/** How soon a beat skipped for a busy main lane is retried. */
export const DEFAULT_BUSY_RETRY_MS = 1_000;
/** The same alert is not sent again within this window. */
export const DUPLICATE_WINDOW_MS = 24 * 3_600_000;
/** Longest reply preview in a `heartbeat` event. */
export const PREVIEW_CHARS = 200;

/** What a heartbeat turn reports back. */
export interface HeartbeatTurnOutcome {
  status: "ok" | "error";
  text: string;
  error?: string;
}

/** Options of {@link HeartbeatRunner}. */
export interface HeartbeatRunnerOptions {
  /** Interval of the periodic beat in ms; 0 turns heartbeats off. */
  everyMs: number;
  activeHours?: ActiveHours;
  /** Zone of `activeHours.timezone: "user"`. @default "UTC" */
  userTimezone?: string;
  /** @default DEFAULT_HEARTBEAT_PROMPT */
  prompt?: string;
  /** @default 300 */
  ackMaxChars?: number;
  /** The agent workspace (where HEARTBEAT.md lives). */
  workspace: string;
  /** The main session key the beat runs in. */
  sessionKey: string;
  /** Runs one turn in the main session. */
  turn: (req: { runId: string; sessionKey: string; message: string; silentReply: (text: string) => boolean }) => Promise<HeartbeatTurnOutcome>;
  /** Whether the lane of `key` is running or has messages waiting. */
  isBusy: (key: string) => boolean;
  /** The shared queue of system events for the main session (drained by each beat that runs). */
  systemEvents: string[];
  /** The last alert sent and when (duplicate suppression); kept on the main session entry. */
  lastSent?: { get(): { text: string; at: number } | undefined; set(text: string, at: number): void };
  onEvent?: (event: HeartbeatEvent) => void;
  /** @default Date.now */
  now?: () => number;
  /** @default setTimeout */
  setTimer?: (fn: () => void, ms: number) => TimerHandle;
  /** @default clearTimeout */
  clearTimer?: (handle: TimerHandle) => void;
  /** @default 1000 */
  busyRetryMs?: number;
  /** @default crypto.randomUUID */
  newRunId?: () => string;
  log?: Pick<Logger, "debug" | "info" | "warn" | "error">;
}

/** Runs heartbeats; see the module comment. Constructing it does no I/O; call {@link start}. */
export class HeartbeatRunner {
  private readonly o: HeartbeatRunnerOptions;
  private readonly now: () => number;
  private readonly setTimer: NonNullable<HeartbeatRunnerOptions["setTimer"]>;
  private readonly clearTimer: NonNullable<HeartbeatRunnerOptions["clearTimer"]>;
  private enabledFlag = true;
  private started = false;
  private stopped = false;
  private timer: TimerHandle | null = null;
  private retryTimer: TimerHandle | null = null;
  private running: Promise<HeartbeatEvent> | null = null;
  private again: string | null = null;
  private last: HeartbeatEvent | null = null;

  constructor(options: HeartbeatRunnerOptions) {
    if (!(options.everyMs >= 0)) throw new RangeError(`everyMs: must be >= 0 (got ${options.everyMs})`);
    this.o = options;
    this.now = options.now ?? Date.now;
    this.setTimer = options.setTimer ?? ((fn, ms) => setTimeout(fn, ms));
    this.clearTimer = options.clearTimer ?? ((h) => clearTimeout(h as number));
  }

  /** Whether beats run: not turned off by `set-heartbeats` and a non-zero interval. */
  get enabled(): boolean {
    return this.enabledFlag && this.o.everyMs > 0;
  }

  /** The last `heartbeat` event, or null. */
  lastEvent(): HeartbeatEvent | null {
    return this.last;
  }

  /** Arms the periodic timer (first beat one interval from now). */
  start(): void {
    this.started = true;
    this.stopped = false;
    this.arm();
  }

  /** Disarms every timer; a beat in flight finishes but emits nothing. */
  stop(): void {
    this.started = false;
    this.stopped = true;
    this.disarm();
    if (this.retryTimer !== null) this.clearTimer(this.retryTimer);
    this.retryTimer = null;
  }

  /** `set-heartbeats`: turns the periodic beat on or off. @returns whether beats now run. */
  setEnabled(enabled: boolean): boolean {
    this.enabledFlag = enabled;
    this.arm();
    return this.enabled;
  }

  /** Queues `text` as a system event for the main session (oldest dropped beyond {@link MAX_QUEUED_SYSTEM_EVENTS}). */
  enqueueSystemEvent(text: string): void {
    this.o.systemEvents.push(text);
    while (this.o.systemEvents.length > MAX_QUEUED_SYSTEM_EVENTS) this.o.systemEvents.shift();
  }

  /** `wake`: queues a system event, and with mode `now` runs a beat at once. */
  wake(text: string, mode: "now" | "next-heartbeat", reason = "wake"): void {
    this.enqueueSystemEvent(text);
    if (mode === "now") this.requestNow(reason);
  }

  /** Runs a beat as soon as possible; while one runs, one more follows it. Ignored once stopped. */
  requestNow(reason = "wake"): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = reason;
      return;
    }
    void this.runOnce(reason);
  }

  /**
   * Runs one beat now (unless one is running: then its outcome).
   * @returns the `heartbeat` event it emitted.
   */
  runOnce(reason = "manual"): Promise<HeartbeatEvent> {
    return this.startBeat(reason, false);
  }

  private startBeat(reason: string, retry: boolean): Promise<HeartbeatEvent> {
    this.running ??= this.beat(reason, retry).finally(() => {
      this.running = null;
      const again = this.again;
      this.again = null;
      if (again !== null && !this.stopped) void this.startBeat(again, false);
    });
    return this.running;
  }

  private async beat(reason: string, retry: boolean): Promise<HeartbeatEvent> {
    const started = this.now();
    if (!this.enabled) return this.emit({ ts: started, status: "skipped", reason: "disabled" });
    try {
      if (!isWithinActiveHours(started, this.o.activeHours, this.o.userTimezone ?? "UTC")) {
        return this.emit({ ts: started, status: "skipped", reason: "quiet-hours" });
      }
    } catch (err) {
      this.o.log?.warn("heartbeat activeHours invalid; ignoring them", { error: (err as Error).message });
    }
    if (this.o.isBusy(this.o.sessionKey)) {
      this.scheduleRetry(reason);
      // Retries of a beat already reported as skipped stay quiet.
      const skipped: HeartbeatEvent = { ts: started, status: "skipped", reason: "requests-in-flight" };
      return retry ? skipped : this.emit(skipped);
    }
    if (this.o.systemEvents.length === 0 && this.fileIsEmpty()) {
      return this.emit({ ts: started, status: "skipped", reason: "empty-heartbeat-file" });
    }
    const events = this.o.systemEvents.splice(0);
    const message = heartbeatMessage(this.o.prompt ?? DEFAULT_HEARTBEAT_PROMPT, events);
    this.o.log?.debug("heartbeat run", { reason, systemEvents: events.length });
    let outcome: HeartbeatTurnOutcome;
    try {
      // An acknowledgement (HEARTBEAT_OK) reaches nobody: its chat `final` carries no message.
      const silentReply = (text: string) => classifyHeartbeatReply(text, this.o.ackMaxChars ?? DEFAULT_ACK_MAX_CHARS).kind !== "alert";
      outcome = await this.o.turn({ runId: this.o.newRunId?.() ?? crypto.randomUUID(), sessionKey: this.o.sessionKey, message, silentReply });
    } catch (err) {
      outcome = { status: "error", text: "", error: (err as Error).message ?? String(err) };
    }
    const ts = this.now();
    const durationMs = Math.max(0, ts - started);
    if (outcome.status === "error") {
      return this.emit({ ts, status: "failed", reason: outcome.error ?? "heartbeat run failed", durationMs, indicatorType: "error" });
    }
    const reply = classifyHeartbeatReply(outcome.text, this.o.ackMaxChars ?? DEFAULT_ACK_MAX_CHARS);
    if (reply.kind === "empty") return this.emit({ ts, status: "ok-empty", durationMs, indicatorType: "ok" });
    if (reply.kind === "ack") return this.emit({ ts, status: "ok-token", durationMs, indicatorType: "ok", silent: true });
    const preview = reply.text.slice(0, PREVIEW_CHARS);
    const previous = this.readLastSent();
    if (previous && previous.text === reply.text && ts - previous.at < DUPLICATE_WINDOW_MS) {
      return this.emit({ ts, status: "skipped", reason: "duplicate", preview, durationMs });
    }
    this.writeLastSent(reply.text, ts);
    return this.emit({ ts, status: "sent", preview, durationMs, indicatorType: "alert" });
  }

  private fileIsEmpty(): boolean {
    try {
      return isHeartbeatFileEmpty(readFileSync(join(this.o.workspace, "HEARTBEAT.md"), "utf8"));
    } catch {
      return false; // no file: the prompt says "if it exists", so run
    }
  }

  private readLastSent(): { text: string; at: number } | undefined {
    try {
      return this.o.lastSent?.get();
    } catch {
      return undefined;
    }
  }

  private writeLastSent(text: string, at: number): void {
    if (this.stopped) return; // the store may be closing
    try {
      this.o.lastSent?.set(text, at);
    } catch (err) {
      this.o.log?.warn("heartbeat: cannot record the last alert", { error: (err as Error).message });
    }
  }

  private emit(event: HeartbeatEvent): HeartbeatEvent {
    if (this.stopped) return event; // the gateway is going away
    this.last = event;
    try {
      this.o.onEvent?.(event);
    } catch (err) {
      this.o.log?.error("heartbeat event listener failed", { error: (err as Error).message });
    }
    return event;
  }

  private scheduleRetry(reason: string): void {
    if (this.retryTimer !== null || this.stopped) return;
    this.retryTimer = this.setTimer(() => {
      this.retryTimer = null;
      if (this.stopped) return;
      if (this.running) this.again = reason;
      else void this.startBeat(reason, true);
    }, this.o.busyRetryMs ?? DEFAULT_BUSY_RETRY_MS);
  }

  private tick(): void {
    this.timer = null;
    if (!this.started) return;
    this.arm();
    this.requestNow("interval");
  }

  private arm(): void {
    this.disarm();
    if (this.started && this.enabled) this.timer = this.setTimer(() => this.tick(), this.o.everyMs);
  }

  private disarm(): void {
    if (this.timer !== null) this.clearTimer(this.timer);
    this.timer = null;
  }
}
