/**
 * @module The hostile-skill corpus (test/fixtures/hostile-skills/, format in its README) as data, and a file
 * snapshot to prove an attack changed nothing outside the skill's own copy. Shared by the in-process corpus test
 * (hostile-corpus.test.ts) and the gateway end-to-end one (test/e2e/semantic-skills-hostile.test.ts).
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";

/** A corpus entry's expected.json. */
export interface Expected {
  layer: string;
  attack: string;
  calls?: Array<{ tool: string; params?: Record<string, unknown>; repeat?: number }>;
  reload?: Record<string, string>;
  install?: { source: string; requireSignature: boolean; trustedKeys: string[] };
  output?: string;
  mustNotMatch?: string;
  ruleId?: string;
  /** A sandbox error kind (timeout, memory, stack, limit, …) the refusal must name. */
  kind?: string;
  reason?: string;
}

/** One corpus folder. */
export interface CorpusEntry {
  name: string;
  dir: string;
  expected: Expected;
}

/** The corpus folder. */
export const CORPUS = join(import.meta.dir, "../../fixtures/hostile-skills");

/** Every entry of the corpus. */
export function corpusEntries(): CorpusEntry[] {
  return readdirSync(CORPUS, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => corpusEntry(e.name));
}

/** The entry `name`. */
export function corpusEntry(name: string): CorpusEntry {
  const dir = join(CORPUS, name);
  return { name, dir, expected: JSON.parse(readFileSync(join(dir, "expected.json"), "utf8")) as Expected };
}

/** The sha256 hex of `data`. */
export const sha256 = (data: string | Uint8Array) => new Bun.CryptoHasher("sha256").update(data).digest("hex");

/** Every file under `root` (minus the paths in `skip` and the relative paths `ignore` accepts) with its content hash. */
export function snapshot(root: string, skip: string[] = [], ignore: (rel: string) => boolean = () => false): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, e.name);
      if (skip.includes(path) || ignore(relative(root, path))) continue;
      if (e.isDirectory()) walk(path);
      else out[relative(root, path)] = e.isFile() ? sha256(readFileSync(path)) : `link:${statSync(path, { throwIfNoEntry: false })?.size}`;
    }
  };
  walk(root);
  return out;
}
