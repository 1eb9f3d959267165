/** @module Small formatting helpers for durations, times and byte counts. */

/** `3d 4h`, `5m 10s`, `42s`. */
export function duration(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  const d = Math.floor(s / 86400);
  const hr = Math.floor((s % 86400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  if (d > 0) return `${d}d ${hr}h`;
  if (hr > 0) return `${hr}h ${m}m`;
  if (m > 0) return `${m}m ${s % 60}s`;
  return `${s}s`;
}

/** A local date and time, or "–" for a missing time. */
export function when(ms: number | undefined | null): string {
  return typeof ms === "number" && ms > 0 ? new Date(ms).toLocaleString() : "–";
}

/** The first 12 characters of an id, for tables. */
export function short(id: string | undefined): string {
  return id ? (id.length > 12 ? `${id.slice(0, 12)}…` : id) : "–";
}

/** A thousands-separated integer. */
export function count(n: number | undefined): string {
  return typeof n === "number" ? n.toLocaleString() : "–";
}

/** A byte count for people: `512 B`, `12 KB`, `4.8 MB` (decimal units, like the gateway's limits). */
export function bytes(n: number): string {
  if (n < 1000) return `${n} B`;
  if (n < 1_000_000) return `${Math.round(n / 1000)} KB`;
  return `${(n / 1_000_000).toFixed(1)} MB`;
}
