/**
 * @module Printing results: JSON for machines (`--json`), short readable text for people. Through `console.log`,
 * which Bun writes natively: `process.stdout` would build Node streams (≈ 2.5 MiB resident) in the gateway process.
 */

/** Prints `value` as pretty JSON on stdout. */
export function printJson(value: unknown): void {
  console.log(JSON.stringify(value, null, 2));
}

/** Prints lines of text on stdout. */
export function printLines(...lines: string[]): void {
  console.log(lines.join("\n"));
}

/** Formats milliseconds as "1h 2m 3s". */
export function formatDuration(ms: number): string {
  const s = Math.floor(ms / 1000);
  const parts = [[Math.floor(s / 86400), "d"], [Math.floor(s / 3600) % 24, "h"], [Math.floor(s / 60) % 60, "m"], [s % 60, "s"]] as const;
  const shown = parts.filter(([n], i) => n > 0 || i === parts.length - 1);
  return shown.map(([n, u]) => `${n}${u}`).join(" ");
}

/** Formats a byte count as MiB with one decimal. */
export function formatMiB(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

/**
 * Lays out rows under headers in aligned columns (two spaces apart).
 * @example formatTable(["ID", "NAME"], [["a1", "Kitchen"]]) // ["ID  NAME", "a1  Kitchen"]
 */
export function formatTable(headers: string[], rows: string[][]): string[] {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i] ?? 0))).join("  ").trimEnd();
  return [line(headers), ...rows.map(line)];
}

/** "3m 2s ago" for an epoch-ms timestamp. */
export function ago(ms: number, now = Date.now()): string {
  return `${formatDuration(Math.max(0, now - ms))} ago`;
}

/** Collects a repeatable option into an array. */
export function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}
