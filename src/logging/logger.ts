/**
 * @module Structured logging: one JSON line per record into a rotating file, a readable line on
 * stderr, and every registered secret scrubbed from both before anything is written.
 */
import { RotatingFile } from "./rotating-file.ts";

/** Log levels, least to most severe. */
export const LEVELS = ["debug", "info", "warn", "error"] as const;
/** One of {@link LEVELS}. */
export type Level = (typeof LEVELS)[number];

/** Options of {@link createLogger}. */
export interface LoggerOptions {
  /** Lowest level written. @default "info" */
  level?: Level;
  /** Rotating log file; none when omitted. */
  file?: RotatingFile;
  /** Also write a readable line to stderr. @default true */
  stderr?: boolean;
}

/** Extra structured fields of a record. */
export type Fields = Record<string, unknown>;

/** A named logger (`gateway:dispatch`, `cli`). */
export interface Logger {
  debug(msg: string, fields?: Fields): void;
  info(msg: string, fields?: Fields): void;
  warn(msg: string, fields?: Fields): void;
  error(msg: string, fields?: Fields): void;
  /** Whether `level` would be written (to skip building expensive records). */
  enabled(level: Level): boolean;
  /** A logger for a sub-system that shares this one's sinks and secrets. */
  child(name: string): Logger;
  /** Never write `secret` again: it is replaced by `***` in every later line. */
  addSecret(secret: string | undefined): void;
}

interface Sink {
  min: number;
  file?: RotatingFile;
  stderr: boolean;
  secrets: string[];
}

/** Creates the root logger named `name`. */
export function createLogger(name: string, { level = "info", file, stderr = true }: LoggerOptions = {}): Logger {
  return makeLogger(name, { min: LEVELS.indexOf(level), file, stderr, secrets: [] });
}

function makeLogger(name: string, sink: Sink): Logger {
  const write = (level: Level, msg: string, fields?: Fields): void => {
    if (LEVELS.indexOf(level) < sink.min) return;
    const ts = new Date().toISOString();
    if (sink.file) {
      try {
        sink.file.append(scrub(JSON.stringify({ ts, level, sub: name, msg, ...fields }), sink.secrets));
      } catch {
        // A log line never takes the process down: the file's folder may be gone (a late line after stop) or the disk full.
      }
    }
    // console.error, not process.stderr: Bun writes it natively, while process.stderr builds Node streams (≈ 2.5 MiB
    // of resident memory in an otherwise idle gateway).
    if (sink.stderr) console.error(scrub(humanLine(ts, level, name, msg, fields), sink.secrets));
  };
  return {
    debug: (m, f) => write("debug", m, f),
    info: (m, f) => write("info", m, f),
    warn: (m, f) => write("warn", m, f),
    error: (m, f) => write("error", m, f),
    enabled: (level) => LEVELS.indexOf(level) >= sink.min,
    child: (child) => makeLogger(child, sink),
    addSecret: (secret) => {
      if (!secret || secret.length < 4) return;
      // Also the JSON-escaped form (a secret with `"`, `\` or control characters is written escaped),
      // and longest first so a secret containing another one is replaced whole.
      for (const form of [secret, JSON.stringify(secret).slice(1, -1)]) if (!sink.secrets.includes(form)) sink.secrets.push(form);
      sink.secrets.sort((a, b) => b.length - a.length);
    },
  };
}

function humanLine(ts: string, level: Level, name: string, msg: string, fields?: Fields): string {
  let line = `${ts.slice(11, 23)} ${level.toUpperCase().padEnd(5)} ${name}: ${msg}`;
  if (fields) {
    for (const [k, v] of Object.entries(fields)) line += ` ${k}=${typeof v === "string" ? v : JSON.stringify(v)}`;
  }
  return line;
}

function scrub(line: string, secrets: readonly string[]): string {
  let out = line;
  for (const s of secrets) if (out.includes(s)) out = out.replaceAll(s, "***");
  return out;
}
