/**
 * @module The symbol lookup used when no language server answers: plain text, no parsing. The identifier under the
 * cursor is looked for as a declaration (`function`, `class`, `interface`, `type`, `enum`, `const`, `let`, `var`,
 * `def`, `fn`, `func`, `struct`, `trait`) in the file itself and then in the workspace files with the same
 * extensions (at most {@link MAX_FILES}, skipping `node_modules` and dot folders); completions are the file's own
 * identifiers that start with the word before the cursor. Answers may be wrong where a real server would not be.
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import type { Location, Position } from "vscode-languageserver-protocol";
import { fileUri } from "./paths.ts";

/** Most files scanned for a declaration. */
export const MAX_FILES = 2000;
/** Most completion items returned. */
const MAX_COMPLETIONS = 50;

const KEYWORDS = "function|class|interface|type|enum|const|let|var|def|fn|func|struct|trait";
const WORD = /[A-Za-z_$][\w$]*/g;

/** A declaration found by text. */
export interface SymbolDeclaration {
  name: string;
  location: Location;
  /** The declaring line, trimmed. */
  line: string;
}

/** The identifier at `pos` of `text` (0-based line and character), and the part of it before the cursor. */
export function wordAt(text: string, pos: Position): { word: string; prefix: string } | undefined {
  const line = text.split("\n")[pos.line];
  if (line === undefined) return undefined;
  for (const m of line.matchAll(WORD)) {
    if (pos.character >= m.index && pos.character <= m.index + m[0].length) return { word: m[0], prefix: m[0].slice(0, pos.character - m.index) };
  }
  return undefined;
}

/** Declarations of `name` in one file's text. */
function declarationsIn(path: string, text: string, name: string): SymbolDeclaration[] {
  const escaped = name.replace(/\$/g, "\\$");
  const re = new RegExp(`\\b(?:${KEYWORDS})\\s+(${escaped})(?![\\w$])`);
  const found: SymbolDeclaration[] = [];
  text.split("\n").forEach((line, i) => {
    const m = re.exec(line);
    if (!m) return;
    const character = m.index + m[0].length - name.length;
    found.push({ name, line: line.trim(), location: { uri: fileUri(path), range: { start: { line: i, character }, end: { line: i, character: character + name.length } } } });
  });
  return found;
}

/** Files under `root` with one of `extensions`, `node_modules` and dot folders skipped, at most {@link MAX_FILES}. */
async function sourceFiles(root: string, extensions: string[]): Promise<string[]> {
  if (extensions.length === 0) return [];
  const glob = new Bun.Glob(`**/*{${extensions.join(",")}}`);
  const files: string[] = [];
  for await (const rel of glob.scan({ cwd: root, onlyFiles: true, dot: false })) {
    if (rel.split("/").includes("node_modules")) continue;
    files.push(join(root, rel));
    if (files.length >= MAX_FILES) break;
  }
  return files.sort();
}

/** Where `name` is declared: in `path` first, then in the other files under `root` with `extensions`. */
export async function findDeclarations(name: string, path: string, root: string, extensions: string[]): Promise<SymbolDeclaration[]> {
  const own = declarationsIn(path, await readFile(path, "utf8"), name);
  if (own.length > 0) return own;
  const found: SymbolDeclaration[] = [];
  for (const file of await sourceFiles(root, extensions)) {
    if (file === path) continue;
    found.push(...declarationsIn(file, await readFile(file, "utf8"), name));
  }
  return found;
}

/** The distinct identifiers of `text` that start with `prefix` (and are longer than it), sorted. */
export function wordsStartingWith(text: string, prefix: string): string[] {
  const words = new Set<string>();
  for (const [w] of text.matchAll(WORD)) if (w.startsWith(prefix) && w !== prefix) words.add(w);
  return [...words].sort().slice(0, MAX_COMPLETIONS);
}
