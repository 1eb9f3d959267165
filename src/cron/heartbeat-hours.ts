/**
 * @module Heartbeat active hours (agent.md §6.2): `{start:"HH:MM", end:"HH:MM"}` in a time zone
 * (`user` = `agents.defaults.userTimezone`, `local` = the host zone, or an IANA name). Outside
 * the window heartbeats are skipped; `end` may be `24:00`; a window that wraps midnight
 * (`22:00`–`06:00`) is allowed; `start == end` is never active.
 */

/** `agents.defaults.heartbeat.activeHours`. */
export interface ActiveHours {
  start: string;
  end: string;
  /** `user`, `local` or an IANA zone. @default "user" */
  timezone?: string;
}

/** `HH:MM` (00:00–23:59). */
export const HHMM_PATTERN = "^([01]\\d|2[0-3]):[0-5]\\d$";
/** `HH:MM` (00:00–23:59) or `24:00`. */
export const HHMM_END_PATTERN = "^(([01]\\d|2[0-3]):[0-5]\\d|24:00)$";

/** Minutes since midnight of `HH:MM`; `24:00` is 1440. */
export function minutesOf(hhmm: string): number {
  const match = /^(\d{2}):(\d{2})$/.exec(hhmm);
  if (!match) throw new RangeError(`invalid time ${JSON.stringify(hhmm)}: expected HH:MM`);
  const minutes = Number(match[1]) * 60 + Number(match[2]);
  if (minutes > 24 * 60 || Number(match[2]) > 59) throw new RangeError(`invalid time ${JSON.stringify(hhmm)}: expected HH:MM`);
  return minutes;
}

/** The IANA zone active hours are read in: `user` → `userTimezone`, `local` → the host zone. */
export function resolveActiveHoursZone(timezone: string | undefined, userTimezone: string): string {
  if (timezone === undefined || timezone === "user") return userTimezone;
  if (timezone === "local") return Intl.DateTimeFormat().resolvedOptions().timeZone;
  return timezone;
}

/** Minutes since midnight of the instant `ms` in `zone`. */
export function minuteOfDay(ms: number, zone: string): number {
  const parts = new Intl.DateTimeFormat("en-GB", { timeZone: zone, hour: "2-digit", minute: "2-digit", hourCycle: "h23" }).formatToParts(ms);
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  return get("hour") * 60 + get("minute");
}

/**
 * Whether `ms` falls inside the active hours (always true without them).
 * @throws {RangeError} for a malformed time or an unknown zone.
 */
export function isWithinActiveHours(ms: number, hours: ActiveHours | undefined, userTimezone: string): boolean {
  if (!hours) return true;
  const start = minutesOf(hours.start);
  const end = minutesOf(hours.end);
  if (start === end) return false;
  const now = minuteOfDay(ms, resolveActiveHoursZone(hours.timezone, userTimezone));
  return start < end ? now >= start && now < end : now >= start || now < end;
}
