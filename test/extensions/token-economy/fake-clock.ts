/**
 * @module The time a clocked copy of the token-economy plugin reads ({@link clockedPluginDir}); the test and the
 * plugin, loaded by the gateway in the same process, share this module.
 */
import { clockedPluginDir as clockedDir } from "../../helpers/clocked-plugin.ts";

/** The fake time in ms; tests move it. */
export const fakeClock = { now: 0 };

/**
 * A plugin folder holding the real token-economy manifest and an entry that registers the real plugin with
 * {@link fakeClock} as its clock; listed in `plugins.load.paths` it wins over the bundled copy (same id).
 * @returns the folder that contains the plugin folder
 */
export function clockedPluginDir(): string {
  return clockedDir({ extension: "token-economy", factory: "tokenEconomyPlugin", clockModule: import.meta.path, clockExport: "fakeClock", clock: "() => fakeClock.now" });
}
