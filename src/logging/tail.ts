/** @module Cursor-based reading of the gateway log for `logs.tail`. */
import { closeSync, existsSync, openSync, readSync, statSync } from "node:fs";

/** What to read: without `cursor`, the last `limit` lines; with it, the lines written after it. */
export interface TailOptions {
  cursor?: number;
  /** @default 500 */
  limit?: number;
  /** @default 250000 */
  maxBytes?: number;
}

/** A page of log lines and the cursor to continue from. */
export interface TailPage {
  file: string;
  cursor: number;
  size: number;
  lines: string[];
  truncated?: boolean;
  reset?: boolean;
}

/**
 * Reads complete lines of `file`. A cursor past the end means the file rotated: reading restarts
 * at its top and `reset` is set. A line longer than `maxBytes` is returned in pieces of at most
 * `maxBytes` (cut between UTF-8 characters), so reading by cursor always makes progress.
 */
export function readLogTail(file: string, { cursor, limit = 500, maxBytes = 250_000 }: TailOptions = {}): TailPage {
  const size = existsSync(file) ? statSync(file).size : 0;
  if (cursor === undefined) return lastLines(file, size, limit, maxBytes);
  const reset = cursor > size;
  const from = reset ? 0 : cursor;
  const chunk = readRange(file, from, Math.min(size - from, maxBytes));
  let end = chunk.lastIndexOf(0x0a) + 1; // only whole lines
  // A line longer than maxBytes: hand it out in pieces, or the cursor could never move past it.
  if (end === 0 && chunk.length === maxBytes && from + maxBytes < size) end = utf8Prefix(chunk);
  let lines = splitLines(chunk.subarray(0, end));
  let next = from + end;
  let truncated = next < size;
  if (lines.length > limit) {
    const kept = lines.slice(0, limit);
    next = from + kept.reduce((n, l) => n + Buffer.byteLength(l) + 1, 0);
    lines = kept;
    truncated = true;
  }
  return { file, cursor: next, size, lines, ...(truncated && { truncated }), ...(reset && { reset }) };
}

function lastLines(file: string, size: number, limit: number, maxBytes: number): TailPage {
  const start = Math.max(0, size - maxBytes);
  const chunk = readRange(file, start, size - start);
  const firstBreak = start > 0 ? chunk.indexOf(0x0a) + 1 : 0; // drop a partial first line
  const end = chunk.lastIndexOf(0x0a) + 1;
  const all = end > firstBreak ? splitLines(chunk.subarray(firstBreak, end)) : [];
  const lines = all.slice(-limit);
  const truncated = start > 0 || all.length > lines.length;
  return { file, cursor: start + end, size, lines, ...(truncated && { truncated }) };
}

/** Length of `buf` without a trailing incomplete UTF-8 character (all of it when nothing shorter is whole). */
function utf8Prefix(buf: Buffer): number {
  for (let i = buf.length - 1; i >= Math.max(0, buf.length - 4); i--) {
    const b = buf[i]!;
    if ((b & 0xc0) === 0x80) continue; // continuation byte
    const size = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
    return i + size <= buf.length || i === 0 ? buf.length : i;
  }
  return buf.length;
}

function readRange(file: string, from: number, length: number): Buffer {
  if (length <= 0) return Buffer.alloc(0);
  const buf = Buffer.alloc(length);
  const fd = openSync(file, "r");
  try {
    const n = readSync(fd, buf, 0, length, from);
    return buf.subarray(0, n);
  } finally {
    closeSync(fd);
  }
}

function splitLines(buf: Buffer): string[] {
  if (buf.length === 0) return [];
  const text = buf.toString("utf8");
  return text.slice(0, text.endsWith("\n") ? -1 : undefined).split("\n");
}
