/** @module Writing the config file atomically (temp file with mode 0600 in the same directory, then rename). */
import { randomBytes } from "../crypto/primitives.ts";
import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, unlinkSync, writeSync } from "node:fs";
import path from "node:path";
import { hashConfigText } from "./load.ts";

/** What was written. */
export interface WrittenConfig {
  /** The exact file text (pretty JSON, 2 spaces, trailing newline). */
  raw: string;
  /** sha256 hex of `raw`, equal to what `readConfigFile` reports for the file. */
  hash: string;
}

/**
 * Writes `data` as pretty JSON to `filePath` atomically: creates the directory (mode 0700) when
 * needed, writes and fsyncs a temp file with mode 0600 next to the target, then renames it over.
 * Readers see either the old or the new file, never half of one.
 * @throws {TypeError} when `data` cannot be written as JSON (e.g. `undefined`)
 * @throws the file system error when writing fails (the temp file is removed)
 * @example const { hash } = writeConfigAtomic(paths.configPath, applyMergePatch(file.data, patch))
 */
export function writeConfigAtomic(filePath: string, data: unknown): WrittenConfig {
  const json = JSON.stringify(data, null, 2) as string | undefined;
  if (json === undefined) throw new TypeError(`cannot write ${filePath}: the config is not JSON`);
  const raw = `${json}\n`;
  const dir = path.dirname(filePath);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const temp = path.join(dir, `.${path.basename(filePath)}.${process.pid}.${randomBytes(6).toString("hex")}.tmp`);
  try {
    const fd = openSync(temp, "wx", 0o600);
    try {
      writeSync(fd, raw);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temp, filePath);
  } catch (error) {
    try {
      unlinkSync(temp);
    } catch {
      // already renamed or never created
    }
    throw error;
  }
  return { raw, hash: hashConfigText(raw) };
}
