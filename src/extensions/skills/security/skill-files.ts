/**
 * @module Which files of a skill dir the scanner (layer 1), the integrity hash (layer 18) and the signature check
 * (layer 12) look at: regular files, symlinks never followed, as sorted relative paths with `/` separators.
 */
import { readdirSync } from "node:fs";
import { join } from "node:path";

/** The code file extensions the scanner reads. */
export const CODE_EXTENSIONS: readonly string[] = [".js", ".ts", ".mjs", ".cjs", ".mts", ".cts", ".jsx", ".tsx"];

/** True for a code file name. */
export function isCodeFile(name: string): boolean {
  return CODE_EXTENSIONS.some((ext) => name.endsWith(ext));
}

/** How {@link listSkillFiles} walks. */
export interface ListOptions {
  /** Which file names to list (default: all). */
  accept?: (name: string) => boolean;
  /** Stop once this many paths are found (pass one more than you will use to learn that there were more). */
  limit?: number;
  /** Walk hidden dirs and node_modules too (default: skip them). */
  everyDir?: boolean;
  /** Called with the relative path of each entry that is neither a regular file nor a dir (symlink, device…). */
  onOther?: (rel: string) => void;
}

/** Relative paths of the regular files under `dir` chosen by `options`, sorted. */
export function listSkillFiles(dir: string, options: ListOptions = {}): string[] {
  const { accept = () => true, limit = Infinity, everyDir = false, onOther } = options;
  const out: string[] = [];
  const walk = (current: string, prefix: string): void => {
    const entries = readdirSync(current, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      if (out.length >= limit) return;
      const rel = prefix + entry.name;
      if (entry.isDirectory()) {
        if (everyDir || (!entry.name.startsWith(".") && entry.name !== "node_modules")) walk(join(current, entry.name), `${rel}/`);
      } else if (entry.isFile()) {
        if (accept(entry.name)) out.push(rel);
      } else onOther?.(rel);
    }
  };
  walk(dir, "");
  return out.sort();
}
