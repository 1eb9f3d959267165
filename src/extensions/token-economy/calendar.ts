/**
 * @module The budget calendar: which day and month an instant falls in, in the configured IANA time zone, so the
 * daily and monthly totals roll over at local midnight. The clock is injected (`Clock`) so tests can move time.
 */

/** Milliseconds since the epoch, now. */
export type Clock = () => number;

/** The periods an instant belongs to: `day` is `YYYY-MM-DD`, `month` is `YYYY-MM`, both in the time zone. */
export interface Periods {
  day: string;
  month: string;
}

const formats = new Map<string, Intl.DateTimeFormat>();

function formatOf(timeZone: string): Intl.DateTimeFormat {
  let format = formats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat("en-US", { timeZone, year: "numeric", month: "2-digit", day: "2-digit", hourCycle: "h23" });
    formats.set(timeZone, format);
  }
  return format;
}

/**
 * Whether `timeZone` is an IANA zone this runtime knows.
 * @returns false for unknown names (e.g. "Mars/Olympus")
 */
export function isTimeZone(timeZone: string): boolean {
  try {
    formatOf(timeZone);
    return true;
  } catch {
    return false;
  }
}

/**
 * The day and month of `atMs` in `timeZone`.
 * @throws {RangeError} for an unknown time zone (check with {@link isTimeZone} first)
 */
export function periodsAt(atMs: number, timeZone: string): Periods {
  const parts = Object.fromEntries(formatOf(timeZone).formatToParts(atMs).map((p) => [p.type, p.value]));
  const month = `${parts.year}-${parts.month}`;
  return { day: `${month}-${parts.day}`, month };
}
