/**
 * @module Finding plugins (extensions.md §1.5): `plugins.load.paths` (a plugin root, or a folder of them), then
 * `<workspace>/.mayros/extensions/*`, then `<state>/extensions/*`, then the bundled ones; the first plugin with an
 * id wins. Before a module is imported its entry must resolve inside the plugin root (symlinks followed) and
 * neither the root nor the entry may be writable by everyone.
 */
import { existsSync, readdirSync, realpathSync, statSync } from "node:fs";
import { isAbsolute, join, resolve, sep } from "node:path";
import { pathToFileURL } from "node:url";
import { BUNDLED_PLUGINS } from "./bundled.ts";
import { MANIFEST_FILE, readManifest, type PluginManifest } from "./manifest.ts";

/** Where a plugin was found. */
export type PluginOrigin = "config" | "workspace" | "global" | "bundled";

/** A plugin found on disk or bundled. */
export interface PluginCandidate {
  id: string;
  origin: PluginOrigin;
  /** The plugin root, or `bundled:<id>`. */
  source: string;
  manifest: PluginManifest;
  /** Imports the plugin's module (after the trust checks). */
  load(): Promise<unknown>;
}

/** What discovery found, and the folders it could not read as plugins. */
export interface Discovery {
  candidates: PluginCandidate[];
  problems: Array<{ source: string; error: string }>;
}

/**
 * The entry module of a plugin root, checked: inside the root, neither it nor the root world-writable.
 * @throws {Error} naming the problem
 */
export function trustedEntry(root: string, manifest: PluginManifest): string {
  const realRoot = realpathSync(root);
  const named = manifest.entry ?? (existsSync(join(root, "index.ts")) ? "index.ts" : "index.js");
  const entry = resolve(realRoot, named);
  if (!existsSync(entry)) throw new Error(`entry ${named} not found in ${root}`);
  const realEntry = realpathSync(entry);
  if (realEntry !== realRoot && !realEntry.startsWith(realRoot + sep)) throw new Error(`entry ${named} resolves outside the plugin root (${realEntry})`);
  for (const path of [realRoot, realEntry]) {
    if ((statSync(path).mode & 0o002) !== 0) throw new Error(`${path} is writable by everyone; refusing to load it (chmod o-w)`);
  }
  return realEntry;
}

function folderCandidate(root: string, origin: PluginOrigin): PluginCandidate {
  const manifest = readManifest(root);
  return { id: manifest.id, origin, source: root, manifest, load: () => import(pathToFileURL(trustedEntry(root, manifest)).href) };
}

/** Plugin roots under `dir`: `dir` itself when it has a manifest, else its subfolders that have one. */
function rootsIn(dir: string): string[] {
  if (!existsSync(dir)) return [];
  if (existsSync(join(dir, MANIFEST_FILE))) return [dir];
  return readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(join(dir, d.name, MANIFEST_FILE)))
    .map((d) => join(dir, d.name))
    .sort();
}

/** Finds every plugin; duplicates of an id found earlier are reported as problems. */
export async function discoverPlugins(o: { paths: readonly string[]; workspaceDir: string; stateDir: string }): Promise<Discovery> {
  const found: Discovery = { candidates: [], problems: [] };
  const seen = new Set<string>();
  const add = (candidate: PluginCandidate) => {
    if (seen.has(candidate.id)) return found.problems.push({ source: candidate.source, error: `plugin id ${candidate.id} already found earlier; ignored` });
    seen.add(candidate.id);
    found.candidates.push(candidate);
  };
  const sources: Array<[string, PluginOrigin]> = [
    ...o.paths.map((p): [string, PluginOrigin] => [isAbsolute(p) ? p : resolve(o.stateDir, p), "config"]),
    [join(o.workspaceDir, ".mayros", "extensions"), "workspace"],
    [join(o.stateDir, "extensions"), "global"],
  ];
  for (const [dir, origin] of sources) {
    for (const root of rootsIn(dir)) {
      try {
        add(folderCandidate(root, origin));
      } catch (e) {
        found.problems.push({ source: root, error: (e as Error).message });
      }
    }
  }
  for (const [id, bundled] of Object.entries(BUNDLED_PLUGINS)) {
    add({ id, origin: "bundled", source: `bundled:${id}`, manifest: await bundled.manifest(), load: bundled.module });
  }
  return found;
}
