/**
 * @module Short duration strings as used by `agents.defaults.heartbeat.every` and `mayros cron add
 * --every`: `30m`, `1h`, `90s`, `250ms`, `1d`, compounds like `1h30m`, and bare numbers in a default
 * unit. `0m` (any zero) means "off" to the callers that allow it.
 */

/** Milliseconds per unit. */
const UNIT_MS: Readonly<Record<string, number>> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** A duration string: one or more `<number><unit>` parts, or one bare number. */
export const DURATION_PATTERN = "^\\s*(?:(?:\\d+(?:\\.\\d+)?(?:ms|s|m|h|d)\\s*)+|\\d+(?:\\.\\d+)?)\\s*$";

const WHOLE = new RegExp(DURATION_PATTERN, "i");
const PART = /(\d+(?:\.\d+)?)(ms|s|m|h|d)/gi;

/** Thrown for a string that is not a duration. */
export class DurationError extends Error {
  override readonly name = "DurationError";
}

/**
 * Parses a duration into whole milliseconds.
 * @param text e.g. `"30m"`, `"1h30m"`, `"0m"`, `"45"` (read in `defaultUnit`).
 * @param defaultUnit unit of a bare number. @default "m"
 * @throws {DurationError} naming the text when it is not a duration.
 * @example parseDurationMs("1h30m") // 5400000
 */
export function parseDurationMs(text: string, defaultUnit: keyof typeof UNIT_MS = "m"): number {
  if (typeof text !== "string" || !WHOLE.test(text)) {
    throw new DurationError(`invalid duration ${JSON.stringify(text)}: expected e.g. 30m, 1h, 90s or 1h30m`);
  }
  const trimmed = text.trim();
  if (/^\d+(?:\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * UNIT_MS[defaultUnit]!);
  let total = 0;
  for (const [, amount, unit] of trimmed.matchAll(PART)) total += Number(amount) * UNIT_MS[unit!.toLowerCase()]!;
  return Math.round(total);
}
