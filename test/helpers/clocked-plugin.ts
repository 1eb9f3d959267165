/**
 * @module A bundled extension registered with a test clock, for gateway e2e tests: a plugin folder holding the
 * extension's real manifest and an entry that calls its plugin factory with `{ clock }`. Listed in
 * `plugins.load.paths`, it wins over the bundled copy of the same id. The gateway runs in the test's process, so the
 * test and the plugin share the clock's module.
 */
import { cpSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

/** What the clocked entry imports and passes. */
export interface ClockedPluginOptions {
  /** The extension folder under `src/extensions/`, also the plugin id. */
  extension: string;
  /** The plugin factory its `index.ts` exports, called with `{ clock }`. */
  factory: string;
  /** The module (absolute path) exporting the clock's holder, and that export's name. */
  clockModule: string;
  clockExport: string;
  /** The expression passed as `clock` (it may use the export's name). */
  clock: string;
}

/** @returns a new temp folder that contains the clocked plugin folder (remove it after the test) */
export function clockedPluginDir(o: ClockedPluginOptions): string {
  const source = resolve(import.meta.dir, "../../src/extensions", o.extension);
  const dir = mkdtempSync(join(tmpdir(), `mayros-clocked-${o.extension}-`));
  const root = join(dir, o.extension);
  cpSync(join(source, "mayros.plugin.json"), join(root, "mayros.plugin.json"));
  writeFileSync(join(root, "index.ts"), [
    `import { ${o.factory} } from ${JSON.stringify(join(source, "index.ts"))};`,
    `import { ${o.clockExport} } from ${JSON.stringify(o.clockModule)};`,
    `export default { id: ${JSON.stringify(o.extension)}, register: ${o.factory}({ clock: ${o.clock} }) };`,
    "",
  ].join("\n"));
  return dir;
}
