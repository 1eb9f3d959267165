/**
 * @module The real phone-control plugin on a fake clock for a gateway e2e: a plugin folder (the real manifest and an
 * entry that registers the real plugin with {@link e2eClock}) that, listed in `plugins.load.paths`, wins over the
 * bundled copy of the same id. The gateway runs in the test's process, so the test and the plugin share this module.
 */
import { cpSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { FakeClock } from "./fake-clock.ts";

/** The clock the clocked plugin reads; tests advance it. */
export const e2eClock = new FakeClock();

const SOURCE = resolve(import.meta.dir, "../../../src/extensions/phone-control");

/** @returns a new folder holding the clocked `phone-control` plugin folder (remove it after the test) */
export function clockedPhoneControlDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "mayros-phone-"));
  const root = join(dir, "phone-control");
  cpSync(join(SOURCE, "mayros.plugin.json"), join(root, "mayros.plugin.json"));
  writeFileSync(join(root, "index.ts"), [
    `import { phoneControlPlugin } from ${JSON.stringify(join(SOURCE, "index.ts"))};`,
    `import { e2eClock } from ${JSON.stringify(join(import.meta.dir, "clocked-plugin.ts"))};`,
    "export default { id: \"phone-control\", register: phoneControlPlugin({ clock: e2eClock }) };",
    "",
  ].join("\n"));
  return dir;
}
