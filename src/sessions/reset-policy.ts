/**
 * @module When a session starts over (agent.md §1.1, §2.1): the `/new` and `/reset` message
 * prefixes, and the lazy daily (`session.reset.atHour`) and idle (`session.reset.idleMinutes`)
 * staleness rules applied to the next inbound message. Pure functions over fixed instants.
 */

/** The prompt a bare `/new` or `/reset` runs in the fresh session. */
export const NEW_SESSION_PROMPT = "A new session was started. Greet the user briefly.";

/** `/new` or `/reset` (any case) alone or followed by whitespace and the rest of the message. */
const RESET_COMMAND = /^\s*\/(new|reset)(?:\s+([\s\S]*))?$/i;

/** A `/new` or `/reset` command at the start of a message. */
export interface ResetCommand {
  /** Which command was given (lower case). */
  command: "new" | "reset";
  /** The trimmed text after the command; empty for a bare command. */
  rest: string;
}

/**
 * The reset command a message starts with, if any. The command must be followed by whitespace
 * or the end of the message (`/newline` is not `/new`).
 * @example parseResetCommand("/reset hello") // → { command: "reset", rest: "hello" }
 */
export function parseResetCommand(text: string): ResetCommand | undefined {
  const m = RESET_COMMAND.exec(text);
  if (!m) return undefined;
  return { command: m[1]!.toLowerCase() as ResetCommand["command"], rest: (m[2] ?? "").trim() };
}

/** The `session.reset` settings (both optional; unset = that rule is off). */
export interface ResetPolicy {
  /** Daily reset hour, 0–23, in the gateway's local time (or `tz`). */
  atHour?: number;
  /** Reset a session idle for more than this many minutes. */
  idleMinutes?: number;
}

/**
 * Whether a session last updated at `entry.updatedAt` is stale at `now`: it was last updated
 * before the most recent `atHour` boundary, or more than `idleMinutes` ago. Either rule alone
 * suffices; with neither set a session never goes stale. An update exactly at the boundary
 * counts as after it.
 * @param entry the session (only `updatedAt`, ms, is read).
 * @param policy the `session.reset` settings.
 * @param now the current instant (ms).
 * @param tz an IANA time zone for the daily boundary; the process's local zone when omitted.
 * @throws {RangeError} for an unknown `tz`.
 * @example isStale({ updatedAt }, { atHour: 4 }, Date.now())
 */
export function isStale(entry: { updatedAt: number }, policy: ResetPolicy, now: number, tz?: string): boolean {
  const { atHour, idleMinutes } = policy;
  if (idleMinutes !== undefined && now - entry.updatedAt > idleMinutes * 60_000) return true;
  if (atHour !== undefined && entry.updatedAt < lastDailyBoundary(now, atHour, tz)) return true;
  return false;
}

/**
 * The most recent instant ≤ `now` at which the wall clock of `tz` (local when omitted) read
 * `atHour`:00. An hour skipped by a DST change resolves to an adjacent instant.
 * @throws {RangeError} for an unknown `tz`.
 */
export function lastDailyBoundary(now: number, atHour: number, tz?: string): number {
  if (tz === undefined) {
    const d = new Date(now);
    const today = new Date(d.getFullYear(), d.getMonth(), d.getDate(), atHour).getTime();
    return today <= now ? today : new Date(d.getFullYear(), d.getMonth(), d.getDate() - 1, atHour).getTime();
  }
  const w = wallClock(now, tz);
  const today = zonedInstant(w.year, w.month, w.day, atHour, tz);
  return today <= now ? today : zonedInstant(w.year, w.month, w.day - 1, atHour, tz);
}

/** Calendar fields of `ms` on the wall clock of `tz` (month 0-based, like `Date`). */
function wallClock(ms: number, tz: string): { year: number; month: number; day: number; hour: number; minute: number; second: number } {
  const fmt = new Intl.DateTimeFormat("en-US", {
    timeZone: tz, hourCycle: "h23", year: "numeric", month: "numeric", day: "numeric", hour: "numeric", minute: "numeric", second: "numeric",
  });
  const parts = Object.fromEntries(fmt.formatToParts(new Date(ms)).map((p) => [p.type, Number(p.value)]));
  return { year: parts.year!, month: parts.month! - 1, day: parts.day!, hour: parts.hour!, minute: parts.minute!, second: parts.second! };
}

/** How far the wall clock of `tz` is ahead of UTC at `ms` (whole seconds, in ms). */
function offsetAt(ms: number, tz: string): number {
  const w = wallClock(ms, tz);
  return Date.UTC(w.year, w.month, w.day, w.hour, w.minute, w.second) - Math.floor(ms / 1000) * 1000;
}

/** The instant the wall clock of `tz` reads the given date at `hour`:00 (day may be out of range, as in `Date.UTC`). */
function zonedInstant(year: number, month: number, day: number, hour: number, tz: string): number {
  const wall = Date.UTC(year, month, day, hour);
  const guess = wall - offsetAt(wall, tz);
  return wall - offsetAt(guess, tz);
}
