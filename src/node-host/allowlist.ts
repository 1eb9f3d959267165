/**
 * @module The node host's exec allowlist, `<stateDir>/node/exec-allowlist.json`
 * (`{version: 1, allow: [absolute paths]}`): the only executables `system.run` may start. The user
 * edits it by hand or with `mayros node allow|deny`; it is read again on every invoke.
 */
import { existsSync, readFileSync } from "node:fs";
import { isAbsolute, join, normalize } from "node:path";
import { writePrivateJson } from "../devices/client-identity.ts";

/** The allowlist file. */
export interface ExecAllowlist {
  version: 1;
  /** Absolute paths of allowed executables. */
  allow: string[];
}

/** The allowlist file is not valid JSON of the expected shape. */
export class AllowlistError extends Error {
  override readonly name = "AllowlistError";
}

/** Path of the allowlist of `stateDir`. */
export function allowlistPath(stateDir: string): string {
  return join(stateDir, "node", "exec-allowlist.json");
}

/**
 * Reads the allowlist; a missing file is an empty list.
 * @throws {AllowlistError} when the file is not valid (the message names the file and the problem).
 */
export function readAllowlist(stateDir: string): ExecAllowlist {
  const path = allowlistPath(stateDir);
  if (!existsSync(path)) return { version: 1, allow: [] };
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(path, "utf8"));
  } catch (err) {
    throw new AllowlistError(`${path}: not valid JSON (${(err as Error).message})`);
  }
  const file = data as { version?: unknown; allow?: unknown };
  if (typeof data !== "object" || data === null || Array.isArray(data)) throw new AllowlistError(`${path}: expected an object {"version": 1, "allow": [...]}`);
  if (file.version !== 1) throw new AllowlistError(`${path}: version: expected 1`);
  if (!Array.isArray(file.allow)) throw new AllowlistError(`${path}: allow: expected an array of absolute paths`);
  const allow = file.allow.map((entry, i) => {
    if (typeof entry !== "string" || !isAbsolute(entry)) throw new AllowlistError(`${path}: allow[${i}]: expected an absolute path, got ${JSON.stringify(entry)}`);
    return normalize(entry);
  });
  return { version: 1, allow };
}

/** Whether `absolutePath` is allowed (exact match after normalisation, no symlink resolution). */
export function isAllowed(list: ExecAllowlist, absolutePath: string): boolean {
  return list.allow.includes(normalize(absolutePath));
}

/**
 * Adds an absolute path.
 * @returns false when it was already allowed.
 * @throws {AllowlistError} when the current file is invalid (it is never overwritten then).
 */
export function addToAllowlist(stateDir: string, absolutePath: string): boolean {
  const list = readAllowlist(stateDir);
  const path = normalize(absolutePath);
  if (!isAbsolute(path)) throw new AllowlistError(`not an absolute path: ${absolutePath}`);
  if (list.allow.includes(path)) return false;
  writeAllowlist(stateDir, { version: 1, allow: [...list.allow, path] });
  return true;
}

/**
 * Removes the given absolute paths.
 * @returns the paths that were removed.
 * @throws {AllowlistError} when the current file is invalid.
 */
export function removeFromAllowlist(stateDir: string, paths: readonly string[]): string[] {
  const list = readAllowlist(stateDir);
  const drop = new Set(paths.map((p) => normalize(p)));
  const removed = list.allow.filter((p) => drop.has(p));
  if (removed.length > 0) writeAllowlist(stateDir, { version: 1, allow: list.allow.filter((p) => !drop.has(p)) });
  return removed;
}

function writeAllowlist(stateDir: string, list: ExecAllowlist): void {
  writePrivateJson(allowlistPath(stateDir), list);
}
