/**
 * @module Which files of a skill dir the scanner (layer 1) and the integrity hash (layer 18) look at: regular files
 * whose name passes a test, hidden dirs and node_modules skipped, symlinks never followed, as sorted relative
 * paths with `/` separators.
 */
import { readdirSync } from "node:fs";
import { join } from "node:path";

/** The code file extensions the scanner reads. */
export const CODE_EXTENSIONS: readonly string[] = [".js", ".ts", ".mjs", ".cjs", ".mts", ".cts", ".jsx", ".tsx"];

/** True for a code file name. */
export function isCodeFile(name: string): boolean {
  return CODE_EXTENSIONS.some((ext) => name.endsWith(ext));
}

/**
 * Relative paths of the regular files under `dir` whose name passes `accept`, sorted; the walk stops once
 * `limit` paths are found (pass one more than you will use to learn that there were more).
 */
export function listSkillFiles(dir: string, accept: (name: string) => boolean, limit = Infinity): string[] {
  const out: string[] = [];
  const walk = (current: string, prefix: string): void => {
    const entries = readdirSync(current, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      if (out.length >= limit) return;
      const rel = prefix + entry.name;
      if (entry.isDirectory()) {
        if (!entry.name.startsWith(".") && entry.name !== "node_modules") walk(join(current, entry.name), `${rel}/`);
      } else if (entry.isFile() && accept(entry.name)) out.push(rel);
    }
  };
  walk(dir, "");
  return out.sort();
}
