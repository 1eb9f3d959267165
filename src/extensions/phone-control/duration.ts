/** @module Arming durations: `30s`, `10m`, `2h`, `1d` (a positive whole number and one unit), and how they are shown. */

/** How long an arm lasts when no duration is given: 10 minutes. */
export const DEFAULT_ARM_MS = 10 * 60_000;

/** The longest arm: 30 days (a forgotten arm still ends). */
export const MAX_ARM_MS = 30 * 86_400_000;

const UNIT_MS = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/**
 * Parses a duration such as `30s`, `10m`, `2h` or `1d` (case-insensitive).
 * @returns the milliseconds, or an error message naming the accepted forms
 */
export function parseDuration(text: string): { ms: number } | { error: string } {
  const m = /^(\d{1,9})([smhd])$/i.exec(text.trim());
  const ms = m ? Number(m[1]) * UNIT_MS[m[2]!.toLowerCase() as keyof typeof UNIT_MS] : 0;
  if (ms <= 0) return { error: `bad duration "${text}": use a positive number with s, m, h or d (e.g. 30s, 10m, 2h, 1d)` };
  if (ms > MAX_ARM_MS) return { error: `duration "${text}" is too long: at most 30d` };
  return { ms };
}

/** A duration for people, largest units first, to the second: `1h 5m`, `45s`, `0s`. */
export function formatDuration(ms: number): string {
  let rest = Math.max(0, Math.ceil(ms / 1000));
  const parts: string[] = [];
  for (const [unit, size] of [["d", 86_400], ["h", 3600], ["m", 60], ["s", 1]] as const) {
    if (rest >= size) {
      parts.push(`${Math.floor(rest / size)}${unit}`);
      rest %= size;
    }
  }
  return parts.join(" ") || "0s";
}
