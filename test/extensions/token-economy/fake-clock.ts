/**
 * @module The time a clocked copy of the token-economy plugin reads ({@link clockedPluginDir}); the test and the
 * plugin, loaded by the gateway in the same process, share this module.
 */
import { cpSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

/** The fake time in ms; tests move it. */
export const fakeClock = { now: 0 };

const SOURCE = resolve(import.meta.dir, "../../../src/extensions/token-economy");

/**
 * A plugin folder holding the real token-economy manifest and an entry that registers the real plugin with
 * {@link fakeClock} as its clock; listed in `plugins.load.paths` it wins over the bundled copy (same id).
 * @returns the folder that contains the plugin folder
 */
export function clockedPluginDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "mayros-clocked-"));
  const root = join(dir, "token-economy");
  cpSync(join(SOURCE, "mayros.plugin.json"), join(root, "mayros.plugin.json"));
  writeFileSync(join(root, "index.ts"), [
    `import { tokenEconomyPlugin } from ${JSON.stringify(join(SOURCE, "index.ts"))};`,
    `import { fakeClock } from ${JSON.stringify(join(import.meta.dir, "fake-clock.ts"))};`,
    "export default tokenEconomyPlugin({ clock: () => fakeClock.now });",
    "",
  ].join("\n"));
  return dir;
}
