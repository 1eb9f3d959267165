/**
 * @module The integrity hash (extensions.md §10, layer 18): SHA-256 over a skill dir's code and `.md` files, sorted
 * by their relative path (`/` separators), each fed as `<path>:<byte length>:` followed by its bytes. The same
 * files the scanner would read (hidden dirs, node_modules and symlinks skipped), so a changed skill reads as
 * changed. The length prefix keeps two files' bytes from being re-split into another pair with the same hash.
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { isCodeFile, listSkillFiles } from "./skill-files.ts";

/** Relative paths (sorted, `/`-separated) of the files the integrity hash covers: code and `.md`. */
export function hashedFiles(dir: string): string[] {
  return listSkillFiles(dir, { accept: (name) => isCodeFile(name) || name.endsWith(".md") });
}

/** The SHA-256 (hex) of a skill dir's code and `.md` files. */
export function computeSkillDirHash(dir: string): string {
  const hash = createHash("sha256");
  for (const rel of hashedFiles(dir)) {
    const bytes = readFileSync(join(dir, rel));
    hash.update(`${rel}:${bytes.length}:`);
    hash.update(bytes);
  }
  return hash.digest("hex");
}
