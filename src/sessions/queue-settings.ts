/**
 * @module Per-session queue settings (agent.md §2.4): the modes, the Decision defaults
 * (`collect`, 1000 ms, cap 20, drop `summarize`) and their resolution from config and session overrides.
 */

/** What happens to a message that arrives while the session's run is busy. */
export type QueueMode = "collect" | "followup" | "steer" | "interrupt";

/** Which messages are dropped when the queue is over its cap. */
export type QueueDrop = "summarize" | "old" | "new";

/** Effective queue settings of one session. */
export interface QueueSettings {
  mode: QueueMode;
  /** Quiet time (since the last queued message) before a `collect` turn starts. */
  debounceMs: number;
  /** Most messages kept queued. */
  cap: number;
  /** `summarize`: drop the oldest, keep a one-line summary; `old`: drop the oldest; `new`: refuse the newest. */
  drop: QueueDrop;
}

/** The Decision defaults of agent.md §2.4 / §8. */
export const DEFAULT_QUEUE_SETTINGS: Readonly<QueueSettings> = Object.freeze({
  mode: "collect",
  debounceMs: 1000,
  cap: 20,
  drop: "summarize",
});

/** Every queue mode, for validation. */
export const QUEUE_MODES: readonly QueueMode[] = ["collect", "followup", "steer", "interrupt"];
/** Every drop policy, for validation. */
export const QUEUE_DROPS: readonly QueueDrop[] = ["summarize", "old", "new"];

/** The session-entry overrides that feed {@link resolveQueueSettings}. */
export interface QueueOverrides {
  queueMode?: QueueMode;
  queueDebounceMs?: number;
  queueCap?: number;
  queueDrop?: QueueDrop;
}

/**
 * Effective settings: session overrides, then config (`messages.queue`), then the defaults.
 * Invalid values at a level are ignored (the next level applies).
 * @param config `messages.queue` of the config, or a part of it.
 * @param session the session entry's `queue*` overrides.
 */
export function resolveQueueSettings(config?: Partial<QueueSettings>, session?: QueueOverrides): QueueSettings {
  const pick = <T>(ok: (v: unknown) => v is T, ...values: unknown[]): T | undefined => values.find(ok);
  return {
    mode: pick(isQueueMode, session?.queueMode, config?.mode) ?? DEFAULT_QUEUE_SETTINGS.mode,
    debounceMs: pick(isNonNegativeInt, session?.queueDebounceMs, config?.debounceMs) ?? DEFAULT_QUEUE_SETTINGS.debounceMs,
    cap: pick(isPositiveInt, session?.queueCap, config?.cap) ?? DEFAULT_QUEUE_SETTINGS.cap,
    drop: pick(isQueueDrop, session?.queueDrop, config?.drop) ?? DEFAULT_QUEUE_SETTINGS.drop,
  };
}

/** True for a known {@link QueueMode}. */
export function isQueueMode(v: unknown): v is QueueMode {
  return (QUEUE_MODES as readonly unknown[]).includes(v);
}

/** True for a known {@link QueueDrop}. */
export function isQueueDrop(v: unknown): v is QueueDrop {
  return (QUEUE_DROPS as readonly unknown[]).includes(v);
}

function isNonNegativeInt(v: unknown): v is number {
  return Number.isInteger(v) && (v as number) >= 0;
}

function isPositiveInt(v: unknown): v is number {
  return Number.isInteger(v) && (v as number) >= 1;
}
